"""Pending and waiting states: which state a due ticket closes into, which state a customer's reply
wakes it into, and the pending time a form offers when the agent gives none."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from tickets.business_time import next_working_start
from tickets.calendars import calendar_for
from tickets.catalog import State, StateType
from tickets.models import Ticket
from tickets.queues import Queue


def close_state(pending: State) -> State | None:
    """What a pending auto-close state closes into: its own "close into", else the first closed state."""
    if pending.close_into_id and pending.close_into.type == StateType.CLOSED:
        return pending.close_into
    return State.objects.closed()


def wake_state(queue: Queue) -> State | None:
    """What a waiting or pending ticket moves into when the customer writes: the queue's choice, else the
    default follow-up state (open)."""
    chosen = queue.follow_up_state
    if chosen is not None and chosen.is_active and chosen.type in (StateType.NEW, StateType.OPEN):
        return chosen
    return State.objects.reopen()


def default_pending_until(queue: Queue | None = None, now: datetime | None = None) -> datetime:
    """The next business day at opening time in the queue's calendar (its default calendar, else 24x7)."""
    calendar = calendar_for(queue=queue)
    now = now or timezone.now()
    local_tomorrow = now.astimezone(calendar.zone).date() + timedelta(days=1)
    midnight = datetime.combine(local_tomorrow, time.min, tzinfo=calendar.zone)
    try:
        return next_working_start(calendar, midnight)
    except ValueError:  # a calendar without working hours: a day from now
        return now + timedelta(days=1)


def due_pending(state_type: str, now=None):
    """Tickets of a pending state type whose time has come, oldest first: the ids of the few states of
    that type, then the (state, pending_until) index; open tickets are never scanned."""
    state_ids = list(State.objects.filter(type=state_type).values_list("pk", flat=True))
    return Ticket.objects.filter(state_id__in=state_ids, pending_until__lte=now or timezone.now()).order_by(
        "pending_until", "pk"
    )
