"""Time accounted per customer company and period, the basis for invoicing: billable, not billable and total
minutes of the time entries worked on a day of the period, on the tickets the viewer may see. The agents
filter selects whose time (the entries' authors), not the tickets' owners. A detail variant lists each entry.
Both are one SQL query each (aggregation over TimeEntry joined to the scoped tickets)."""

from dataclasses import replace
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.builtin.common import applied
from reports.filters import ReportFilters, scoped_tickets
from reports.registry import builtin
from reports.table import BAR, DATE, MINUTES, NUMBER, TEXT, Chart, Column, Table
from tickets.models import TimeEntry

ZERO = Decimal(0)


def entries_in(viewer, filters: ReportFilters) -> QuerySet[TimeEntry]:
    """The entries worked on a day of the period, on tickets the viewer may see (queue and company filters),
    by the filtered agents."""
    tickets = scoped_tickets(viewer, replace(filters, agent_ids=()))
    entries = TimeEntry.objects.filter(
        ticket__in=tickets.values("pk"), worked_on__gte=filters.start, worked_on__lte=filters.end
    )
    if filters.agent_ids:
        entries = entries.filter(author_id__in=filters.agent_ids)
    return entries


def minutes(value) -> Decimal:
    return (value or ZERO).quantize(Decimal("0.01"))


@builtin(
    "time",
    gettext_lazy("Time accounted"),
    gettext_lazy(
        "Per customer company: the minutes worked on a day of the period, billable and not billable "
        "(the agents filter selects whose time)."
    ),
)
def compute(viewer, filters: ReportFilters) -> Table:
    grouped = (
        entries_in(viewer, filters)
        .values("ticket__company_id", "ticket__company__name")
        .annotate(
            tickets=Count("ticket_id", distinct=True),
            entries=Count("pk"),
            # Not named like the field: an annotation would shadow `billable` in the next filter.
            billable_minutes=Sum("minutes", filter=Q(billable=True)),
            other_minutes=Sum("minutes", filter=Q(billable=False)),
            total_minutes=Sum("minutes"),
        )
        .order_by(F("ticket__company__name").asc(nulls_last=True))
    )
    rows = [
        (
            row["ticket__company__name"] or _("No company"),
            row["tickets"],
            row["entries"],
            minutes(row["billable_minutes"]),
            minutes(row["other_minutes"]),
            minutes(row["total_minutes"]),
        )
        for row in grouped
    ]
    billable = sum((r[3] for r in rows), ZERO)  # over the companies' rows, not the entries
    not_billable = sum((r[4] for r in rows), ZERO)
    note = _("In all: %(billable)s min billable, %(not_billable)s min not billable, %(total)s min.") % {
        "billable": number_format(billable, 2),
        "not_billable": number_format(not_billable, 2),
        "total": number_format(billable + not_billable, 2),
    }
    return Table(
        title=_("Time accounted"),
        columns=[
            Column("company", _("Company"), TEXT),
            Column("tickets", _("Tickets"), NUMBER),
            Column("entries", _("Time entries"), NUMBER),
            Column("billable", _("Billable"), MINUTES),
            Column("not_billable", _("Not billable"), MINUTES),
            Column("total", _("Total"), MINUTES),
        ],
        rows=rows,
        chart=Chart(BAR, "company", ("billable", "not_billable")),
        note=note,
        filters=applied(filters),
    )


@builtin(
    "time_entries",
    gettext_lazy("Time entries"),
    gettext_lazy("Each time entry worked on a day of the period, by company, day and ticket: an invoice's detail."),
)
def detail(viewer, filters: ReportFilters) -> Table:
    entries = (
        entries_in(viewer, filters)
        .order_by(F("ticket__company__name").asc(nulls_last=True), "worked_on", "ticket__number", "pk")
        .values_list(
            "ticket__company__name",
            "ticket__number",
            "ticket__title",
            "worked_on",
            "author__first_name",
            "author__last_name",
            "author__email",
            "author__username",
            "minutes",
            "billable",
            "note",
        )
    )
    yes, no, nobody, no_company = _("yes"), _("no"), _("System"), _("No company")
    rows = [
        (
            company or no_company,
            number,
            title,
            day,
            f"{first} {last}".strip() or email or username or nobody,
            minutes(spent),
            yes if billable else no,
            note,
        )
        for company, number, title, day, first, last, email, username, spent, billable, note in entries
    ]
    return Table(
        title=_("Time entries"),
        columns=[
            Column("company", _("Company"), TEXT),
            Column("ticket", _("Ticket"), TEXT),
            Column("title", _("Title"), TEXT),
            Column("worked_on", _("Day worked"), DATE),
            Column("agent", _("Agent"), TEXT),
            Column("minutes", _("Minutes"), MINUTES),
            Column("billable", _("Billable"), TEXT),
            Column("note", _("Note"), TEXT),
        ],
        rows=rows,
        filters=applied(filters),
    )
