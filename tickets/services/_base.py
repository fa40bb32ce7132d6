"""What every service shares: the locked row, the checks, the history entry."""

from django.utils import timezone

from tickets import permissions
from tickets.errors import StaleTicket, TicketLocked
from tickets.models import Ticket, TicketHistory


def lock_row(ticket: Ticket, expected_version: int | None = None) -> Ticket:
    """Reload `ticket` with a row lock for the rest of the transaction; refuse a stale form.

    The lock is taken on the ticket row alone, then the row is read with its relations: a
    FOR UPDATE over a join makes PostgreSQL, when another transaction has just changed the
    ticket's state (or queue, or priority), re-check the join against the old related row and
    return no row at all.
    """
    Ticket.objects.select_for_update().filter(pk=ticket.pk).values_list("pk", flat=True).get()
    # sla_check: the SLA recompute most changes end with reads and writes it (a narrow row, by key).
    fresh = Ticket.objects.select_related("queue", "state", "priority", "sla_check").get(pk=ticket.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise StaleTicket(
            f"Ticket {fresh.number} was changed by someone else since you opened it; reload and try again."
        )
    return fresh


def check_lock(ticket: Ticket, actor) -> None:
    """A ticket locked by one agent is not changed under them by another (administrators excepted)."""
    if permissions.locked_against(actor, ticket):
        raise TicketLocked(f"Ticket {ticket.number} is locked by another agent.")


def load_for_change(ticket: Ticket, actor, perm: str, expected_version=None, respect_lock=False) -> Ticket:
    fresh = lock_row(ticket, expected_version)
    permissions.require(actor, perm, fresh)
    if respect_lock:
        check_lock(fresh, actor)
    return fresh


def record(ticket: Ticket, actor, event: str, field: str = "", old="", new="") -> TicketHistory:
    entry = history_entry(ticket, actor, event, field, old, new)
    entry.save()
    return entry


def history_entry(ticket: Ticket, actor, event: str, field: str = "", old="", new="") -> TicketHistory:
    """The history row `record` saves, unsaved (a batch writes many with bulk_create)."""
    return TicketHistory(
        ticket=ticket,
        event=event,
        actor=actor,
        field=field,
        old_value=_text(old),
        new_value=_text(new),
    )


def bump(ticket: Ticket, *fields: str) -> None:
    """Save the changed fields, raise the version and the update time."""
    ticket.version += 1
    ticket.updated = timezone.now()
    ticket.save(update_fields=[*fields, "version", "updated"])


def _text(value) -> str:
    if value is None:
        return ""
    return str(value)[:500]


def refresh(original: Ticket, fresh: Ticket) -> None:
    """Let the caller's ticket object show what the service saved."""
    if original is fresh:
        return
    for f in Ticket._meta.concrete_fields:
        setattr(original, f.attname, getattr(fresh, f.attname))
    original._state.fields_cache.clear()
    original._prefetched_objects_cache = {}
