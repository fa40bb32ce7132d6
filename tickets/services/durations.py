"""A ticket's first response and solution times in business minutes, stored on the ticket for the reports.

Both count the working minutes of the ticket's business calendar (its SLA's, else its queue's, else the
default; tickets.calendars.calendar_for) from the ticket's creation:
- `first_response_minutes`: until the first customer-visible agent article (`first_response_at`);
- `solution_minutes`: until it was closed (`closed_at`, a state of type *closed*; merged tickets have
  none); cleared when the ticket is reopened, set again when it closes again.
Paused time (waiting for the customer) is counted: these are the customer's view of the wait, not the
SLA clocks (which the SLA compliance report reads from the tickets' breach marks).

`update(ticket)` is called by the services, inside their transaction, before they save the row;
`backfill()` fills tickets that predate these fields (manage.py backfill_durations).
"""

from collections.abc import Callable

from django.db import transaction
from django.db.models import Q

from tickets.business_time import BusinessCalendar, working_minutes_between
from tickets.calendars import calendar_for
from tickets.models import SLA, Queue, StateType, Ticket

DURATION_FIELDS = ["first_response_minutes", "solution_minutes"]


def _calendar(ticket: Ticket) -> BusinessCalendar:
    sla = ticket.sla if ticket.sla_id else None
    return calendar_for(queue=ticket.queue, sla=sla)


def _minutes(calendar: BusinessCalendar, ticket: Ticket, end) -> int:
    return max(0, working_minutes_between(calendar, ticket.created, end))


def update(ticket: Ticket, calendar: Callable[[Ticket], BusinessCalendar] = _calendar) -> list[str]:
    """Set the durations the ticket's times call for; returns the names of the fields changed (not saved)."""
    solved = ticket.closed_at is not None and ticket.state.type == StateType.CLOSED
    wanted = {
        "first_response_minutes": ticket.first_response_at if ticket.first_response_minutes is None else None,
        "solution_minutes": ticket.closed_at if solved and ticket.solution_minutes is None else None,
    }
    changed = []
    if not solved and ticket.solution_minutes is not None:
        ticket.solution_minutes = None
        changed.append("solution_minutes")
    if any(wanted.values()) and ticket.created is not None:
        cal = calendar(ticket)
        for name, end in wanted.items():
            if end is not None:
                setattr(ticket, name, _minutes(cal, ticket, end))
                changed.append(name)
    return changed


def backfill(*, batch_size: int = 500, after_pk: int = 0, recompute: bool = False) -> int:
    """Fill the durations of tickets answered or closed before they were stored, `batch_size` tickets per
    transaction, in pk order; calendars are read once per (queue, SLA). Returns the number of tickets
    changed. Idempotent: a ticket whose durations are set is not read again. `recompute`: compute every
    answered or closed ticket's durations again (after its times were corrected, e.g. by the demo loader)."""
    queues = {q.pk: q for q in Queue.objects.all()}
    slas = {s.pk: s for s in SLA.objects.all()}
    calendars: dict[tuple, BusinessCalendar] = {}

    def cached(ticket: Ticket) -> BusinessCalendar:
        key = (ticket.queue_id, ticket.sla_id)
        if key not in calendars:
            calendars[key] = calendar_for(queue=queues.get(ticket.queue_id), sla=slas.get(ticket.sla_id))
        return calendars[key]

    missing = Ticket.objects.filter(first_response_at__isnull=False, first_response_minutes__isnull=True) | (
        Ticket.objects.filter(closed_at__isnull=False, state__type=StateType.CLOSED, solution_minutes__isnull=True)
    )
    if recompute:
        missing = Ticket.objects.filter(Q(first_response_at__isnull=False) | Q(closed_at__isnull=False))
    done = 0
    while True:
        with transaction.atomic():
            batch = list(
                missing.filter(pk__gt=after_pk)
                .select_related("state")
                .select_for_update(of=("self",))
                .order_by("pk")[:batch_size]
            )
            if not batch:
                return done
            if recompute:
                for ticket in batch:
                    ticket.first_response_minutes = ticket.solution_minutes = None
            changed = [t for t in batch if update(t, calendar=cached)]
            Ticket.objects.bulk_update(changed, DURATION_FIELDS)
        done += len(changed)
        after_pk = batch[-1].pk
