"""SLA compliance: per queue and priority, first response and solution clocks met vs breached.

A clock counts in the period in which it finished: the first response when the ticket was first answered
(or, never answered, when it breached: its due time, once passed), the solution when the ticket was closed. Met: on
time (by its due time) and never marked breached. Only tickets with an SLA whose clock has a due time.
"""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import queries
from reports.builtin.common import applied, ratio
from reports.filters import ReportFilters, scoped_tickets
from reports.registry import builtin
from reports.table import BAR, NUMBER, PERCENT, TEXT, Chart, Column, Table


@builtin("sla", gettext_lazy("SLA compliance"), gettext_lazy("First response and solution met vs breached."))
def sla(viewer, filters: ReportFilters) -> Table:
    answered = Q(first_response_due__isnull=False) & queries.during("first_response_at", filters)
    unanswered_breach = Q(first_response_at=None) & queries.during("first_response_due", filters, until=timezone.now())
    solved = queries.CLOSED & Q(solution_due__isnull=False) & queries.during("closed_at", filters)
    found = (
        scoped_tickets(viewer, filters)
        .filter(sla__isnull=False)
        .filter(answered | unanswered_breach | solved)
        .values("queue__name", "priority__level", "priority__name")
        .annotate(
            fr_total=Count("pk", filter=answered),
            fr_met=Count("pk", filter=answered & queries.FIRST_RESPONSE_MET),
            fr_unanswered=Count("pk", filter=unanswered_breach),
            solution_total=Count("pk", filter=solved),
            solution_met=Count("pk", filter=solved & queries.SOLUTION_MET),
        )
        .order_by("queue__name", "priority__level")
    )
    rows = []
    for r in found:
        fr_breached = r["fr_total"] - r["fr_met"] + r["fr_unanswered"]
        solution_breached = r["solution_total"] - r["solution_met"]
        rows.append(
            (
                r["queue__name"],
                r["priority__name"],
                r["fr_met"],
                fr_breached,
                ratio(r["fr_met"], r["fr_met"] + fr_breached),
                r["solution_met"],
                solution_breached,
                ratio(r["solution_met"], r["solution_total"]),
            )
        )
    note = _("Met: finished by its due time and never marked breached.")
    if not rows:
        note = _(
            "This report needs SLA data: no ticket with an SLA finished a clock in the period "
            "(SLAs are defined in Django admin, and apply to tickets created or changed since)."
        )
    return Table(
        title=_("SLA compliance"),
        columns=[
            Column("queue", _("Queue"), TEXT),
            Column("priority", _("Priority"), TEXT),
            Column("first_response_met", _("First response met"), NUMBER),
            Column("first_response_breached", _("First response breached"), NUMBER),
            Column("first_response_percent", _("First response met, %"), PERCENT),
            Column("solution_met", _("Solution met"), NUMBER),
            Column("solution_breached", _("Solution breached"), NUMBER),
            Column("solution_percent", _("Solution met, %"), PERCENT),
        ],
        rows=rows,
        chart=Chart(BAR, "queue", ("first_response_percent", "solution_percent")),
        note=note,
        filters=applied(filters),
    )
