"""Pending states that act: a ticket whose auto-close time has come is closed by the system."""

from django.db import transaction
from django.utils import timezone

from tickets.catalog import StateType
from tickets.models import Ticket
from tickets.pending import close_state
from tickets.services._base import lock_row
from tickets.services.changes import change_state


def auto_close(*, ticket: Ticket) -> bool:
    """Close `ticket` into its pending state's "close into" state if it is still pending auto-close and due.

    The system acts (actor None): history is written and the customer hears of it through the
    state-change event. The ticket row is locked and re-read first, so a second run or a second
    worker finds it closed already (or changed meanwhile) and does nothing. Returns whether it closed.
    """
    with transaction.atomic():
        fresh = lock_row(ticket)
        due = fresh.pending_until is not None and fresh.pending_until <= timezone.now()
        if fresh.state.type != StateType.PENDING_AUTO_CLOSE or not due:
            return False
        target = close_state(fresh.state)
        if target is None:
            return False
        change_state(ticket=fresh, actor=None, state=target)
    return True
