"""The rows every report starts from: what falls in the period, among the tickets the viewer may see.

Which date puts a row in the period is each measure's own (README, "Reports"):
- tickets counted as created: `created` in the period;
- first response times: `first_response_at` in the period (the ticket has `first_response_minutes`);
- solution times: closed in the period (`closed_at`, a state of type *closed*; `solution_minutes`);
- SLA compliance: tickets with an SLA closed in the period (their clocks finished);
- time accounted: time entries *worked on* a day of the period;
- ratings: given (`created`) in the period.
"""

from django.db.models import F, Q, QuerySet

from accounts.models import User
from reports.filters import ReportFilters, scoped_tickets
from tickets.models import SatisfactionRating, StateType, Ticket, TimeEntry
from tickets.permissions import tickets_for_q

CLOSED = Q(state__type=StateType.CLOSED)

# A clock is met when it finished by its due time (which paused time moved out); a clock the SLA does
# not define (no due time) counts as met. A ticket met its SLA when both clocks were met.
FIRST_RESPONSE_MET = Q(first_response_due__isnull=True) | Q(first_response_at__lte=F("first_response_due"))
SOLUTION_MET = Q(solution_due__isnull=True) | Q(closed_at__lte=F("solution_due"))
SLA_MET = FIRST_RESPONSE_MET & SOLUTION_MET


def open_at(moment) -> Q:
    """Tickets open at `moment`: created before it and not closed by then. Written as two index ranges
    (closed_at IS NULL: still open; closed_at >= moment) rather than one OR over a NULL test."""
    return Q(created__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))


def during(moment: str, filters: ReportFilters, until=None) -> Q:
    """`moment` (a date-time field) inside the report's period (or up to `until`, if earlier)."""
    end = filters.until if until is None else min(filters.until, until)
    return Q(**{f"{moment}__gte": filters.since, f"{moment}__lt": end})


def in_period(rows: QuerySet, moment: str, filters: ReportFilters) -> QuerySet:
    return rows.filter(during(moment, filters))


def created(viewer: User, filters: ReportFilters) -> QuerySet[Ticket]:
    return in_period(scoped_tickets(viewer, filters), "created", filters)


def closed(viewer: User, filters: ReportFilters) -> QuerySet[Ticket]:
    return in_period(scoped_tickets(viewer, filters).filter(CLOSED), "closed_at", filters)


def first_responded(viewer: User, filters: ReportFilters) -> QuerySet[Ticket]:
    tickets = scoped_tickets(viewer, filters).filter(first_response_minutes__isnull=False)
    return in_period(tickets, "first_response_at", filters)


def solved(viewer: User, filters: ReportFilters) -> QuerySet[Ticket]:
    return closed(viewer, filters).filter(solution_minutes__isnull=False)


def sla_finished(viewer: User, filters: ReportFilters) -> QuerySet[Ticket]:
    return closed(viewer, filters).filter(sla__isnull=False)


def of_scoped_tickets(rows: QuerySet, viewer: User, filters: ReportFilters, path: str = "ticket__") -> QuerySet:
    """Rows pointing to a ticket (time entries, ratings, articles), of the tickets scoped_tickets() gives:
    the same scope, joined through `path` rather than a semi-join over every visible ticket."""
    rows = rows.filter(tickets_for_q(viewer, path=path))
    if filters.queue_ids:
        rows = rows.filter(**{f"{path}queue_id__in": filters.queue_ids})
    if filters.agent_ids:
        rows = rows.filter(**{f"{path}owner_id__in": filters.agent_ids})
    if filters.company_ids:
        rows = rows.filter(**{f"{path}company_id__in": filters.company_ids})
    return rows


def time_entries(viewer: User, filters: ReportFilters) -> QuerySet[TimeEntry]:
    entries = TimeEntry.objects.filter(worked_on__gte=filters.start, worked_on__lte=filters.end)
    return of_scoped_tickets(entries, viewer, filters)


def ratings(viewer: User, filters: ReportFilters) -> QuerySet[SatisfactionRating]:
    return of_scoped_tickets(in_period(SatisfactionRating.objects.all(), "created", filters), viewer, filters)
