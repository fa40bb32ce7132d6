"""Per agent: the work of each agent in the period, and their open tickets now.

- Tickets handled: tickets the agent owns that were closed in the period.
- Articles sent: customer-visible articles the agent wrote in the period.
- First response / resolution time: median and 90th percentile, in business minutes, of the tickets the
  agent owns answered first / closed in the period.
- Time accounted: the agent's time entries worked on a day of the period.
- Satisfaction: the average rating given in the period to tickets the agent owns.
- Open now: tickets the agent owns that are open today, whatever the period.
The agent filter picks the agents shown; every number counts only tickets the viewer may see.
"""

from dataclasses import replace
from decimal import Decimal

from django.db.models import Avg, Count, F, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from reports import queries
from reports.aggregates import grouped_percentiles
from reports.builtin.common import applied
from reports.filters import ReportFilters, scoped_tickets
from reports.registry import builtin
from reports.table import BAR, MINUTES, NUMBER, RATING, TEXT, Chart, Column, Table
from tickets.models import Article
from tickets.queries import open_state_ids

PERCENTILES = {"median": 0.5, "p90": 0.9}


def _by_author(rows, filters: ReportFilters, field: str):
    return rows.filter(**{f"{field}__in": filters.agent_ids}) if filters.agent_ids else rows


@builtin("agents", gettext_lazy("Per agent"), gettext_lazy("Tickets handled, response times and workload per agent."))
def agents(viewer, filters: ReportFilters) -> Table:
    any_owner = replace(filters, agent_ids=())  # articles and time entries count by their author
    handled = queries.closed(viewer, filters).values("owner_id").annotate(n=Count("pk")).order_by()
    sent = (
        _by_author(
            queries.of_scoped_tickets(
                Article.objects.filter(
                    queries.during("created", filters), sender_type=Article.Sender.AGENT, is_visible_to_customer=True
                ),
                viewer,
                any_owner,
            ),
            filters,
            "author_id",
        )
        .values("author_id")
        .annotate(n=Count("*"))  # not the pk: COUNT(*) is answered from the article_agent_sent index alone
        .order_by()
    )
    first = grouped_percentiles(
        queries.first_responded(viewer, filters), {"agent": F("owner_id")}, "first_response_minutes", PERCENTILES
    )
    solution = grouped_percentiles(
        queries.solved(viewer, filters), {"agent": F("owner_id")}, "solution_minutes", PERCENTILES
    )
    worked = (
        _by_author(queries.time_entries(viewer, any_owner), filters, "author_id")
        .values("author_id")
        .annotate(n=Sum("minutes"))
        .order_by()
    )
    rated = queries.ratings(viewer, filters).values("ticket__owner_id").annotate(n=Avg("score")).order_by()
    # The open states' ids, not the join on their type: the (owner, state) index answers it alone.
    open_now = (
        scoped_tickets(viewer, filters)
        .filter(state_id__in=open_state_ids())
        .values("owner_id")
        .annotate(n=Count("*"))
        .order_by()
    )

    handled = {r["owner_id"]: r["n"] for r in handled}
    sent = {r["author_id"]: r["n"] for r in sent}
    first = {r["agent"]: r for r in first}
    solution = {r["agent"]: r for r in solution}
    worked = {r["author_id"]: r["n"] for r in worked}
    rated = {r["ticket__owner_id"]: round(float(r["n"]), 2) for r in rated}
    open_now = {r["owner_id"]: r["n"] for r in open_now}
    ids = (set(handled) | set(sent) | set(first) | set(solution) | set(worked) | set(rated) | set(open_now)) - {None}
    people = sorted(User.objects.filter(pk__in=ids, kind=User.Kind.AGENT), key=lambda u: u.display_name().casefold())

    def pct(found: dict, pk: int, name: str):
        value = found.get(pk, {}).get(name)
        return None if value is None else round(float(value), 1)

    rows = [
        (
            agent.display_name(),
            handled.get(agent.pk, 0),
            sent.get(agent.pk, 0),
            pct(first, agent.pk, "median"),
            pct(first, agent.pk, "p90"),
            pct(solution, agent.pk, "median"),
            pct(solution, agent.pk, "p90"),
            worked.get(agent.pk, Decimal(0)),
            rated.get(agent.pk),
            open_now.get(agent.pk, 0),
        )
        for agent in people
    ]
    return Table(
        title=_("Per agent"),
        columns=[
            Column("agent", _("Agent"), TEXT),
            Column("handled", _("Tickets handled"), NUMBER),
            Column("articles", _("Articles sent"), NUMBER),
            Column("first_response_median", _("First response, median"), MINUTES),
            Column("first_response_p90", _("First response, 90th percentile"), MINUTES),
            Column("solution_median", _("Resolution, median"), MINUTES),
            Column("solution_p90", _("Resolution, 90th percentile"), MINUTES),
            Column("time_accounted", _("Time accounted"), MINUTES),
            Column("rating", _("Satisfaction"), RATING),
            Column("open_now", _("Open now"), NUMBER),
        ],
        rows=rows,
        chart=Chart(BAR, "agent", ("handled", "open_now")),
        note=_(
            "Tickets handled: owned and closed in the period. Times in business minutes. "
            "Open now: today, whatever the period."
        ),
        filters=applied(filters),
    )
