"""Satisfaction: the ratings customers gave in the period (SatisfactionRating.created), of tickets the
viewer may see: their distribution (1 to 5), the weekly trend, and the comments."""

from django.db.models import Avg, Count, DateField
from django.db.models.functions import Trunc
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import queries
from reports.aggregates import as_date
from reports.builtin.common import applied, ratio
from reports.dimensions import NONE, agent_name
from reports.filters import ReportFilters
from reports.registry import builtin
from reports.table import BAR, DATE, LINE, NUMBER, PERCENT, RATING, TEXT, Chart, Column, Table


@builtin("satisfaction", gettext_lazy("Satisfaction"), gettext_lazy("How customers rated their tickets, 1 to 5."))
def satisfaction(viewer, filters: ReportFilters) -> Table:
    counts = dict(queries.ratings(viewer, filters).values_list("score").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    rows = [(score, counts.get(score, 0), ratio(counts.get(score, 0), total)) for score in range(1, 6)]
    average = sum(score * n for score, n in counts.items()) / total if total else None
    return Table(
        title=_("Satisfaction"),
        columns=[
            Column("score", _("Rating"), RATING),
            Column("ratings", _("Ratings"), NUMBER),
            Column("share", _("Share, %"), PERCENT),
        ],
        rows=rows,
        chart=Chart(BAR, "score", ("ratings",)),
        note=_("%(n)s ratings, average %(average)s.")
        % {"n": total, "average": "—" if average is None else f"{average:.2f}"},
        filters=applied(filters),
    )


@builtin("satisfaction_trend", gettext_lazy("Satisfaction by week"), gettext_lazy("The average rating, week by week."))
def satisfaction_trend(viewer, filters: ReportFilters) -> Table:
    week = Trunc("created", "week", output_field=DateField(), tzinfo=filters.zone)
    found = queries.ratings(viewer, filters).values(week=week).annotate(avg=Avg("score"), n=Count("pk")).order_by()
    rows = sorted((as_date(r["week"]), round(float(r["avg"]), 2), r["n"]) for r in found)
    return Table(
        title=_("Satisfaction by week"),
        columns=[
            Column("week", _("Week"), DATE),
            Column("average", _("Average rating"), RATING),
            Column("ratings", _("Ratings"), NUMBER),
        ],
        rows=rows,
        chart=Chart(LINE, "week", ("average",)),
        filters=applied(filters),
    )


@builtin("satisfaction_comments", gettext_lazy("Satisfaction comments"), gettext_lazy("What customers wrote."))
def satisfaction_comments(viewer, filters: ReportFilters) -> Table:
    found = (
        queries.ratings(viewer, filters)
        .exclude(comment="")
        .annotate(agent=agent_name("ticket__owner__"))
        .values_list("created", "ticket__number", "ticket__title", "score", "agent", "comment")
        .order_by("-created")[:500]
    )
    zone = filters.zone
    rows = [
        (created.astimezone(zone).date(), number, title, score, agent or NONE, comment)
        for created, number, title, score, agent, comment in found
    ]
    return Table(
        title=_("Satisfaction comments"),
        columns=[
            Column("date", _("Date"), DATE),
            Column("ticket", _("Ticket"), TEXT),
            Column("title", _("Title"), TEXT),
            Column("score", _("Rating"), RATING),
            Column("agent", _("Agent"), TEXT),
            Column("comment", _("Comment"), TEXT),
        ],
        rows=rows,
        note=_("The latest 500 comments of the period."),
        filters=applied(filters),
    )
