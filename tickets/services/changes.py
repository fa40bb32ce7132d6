"""Changing a ticket's attributes: state, queue, owner, lock, priority, category, type, custom fields."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from tickets import events, search
from tickets import permissions as perms
from tickets.errors import InvalidChange, PermissionDenied, TicketLocked
from tickets.models import CustomField, CustomFieldValue, StateType, Ticket
from tickets.pending import default_pending_until
from tickets.services import durations, sla
from tickets.services._base import bump, load_for_change, lock_row, record, refresh
from tickets.services.seen import Seen, check_unchanged
from tickets.text import one_line


def change_state(
    *,
    ticket: Ticket,
    actor,
    state,
    pending_until: datetime | None = None,
    expected_version: int | None = None,
    seen: Seen | None = None,
) -> Ticket:
    """Customers may only close or reopen their own tickets. A pending state given no date gets the
    default one: the next business day at opening time in the queue's calendar.

    `seen`: what the agent's form showed; refused (ChangedMeanwhile) only if the state itself moved since.
    """
    if state.type in (StateType.MERGED,):
        raise InvalidChange("Use merge to merge a ticket.")
    with transaction.atomic():
        perm = perms.NOTE if actor is not None and actor.is_customer else perms.RW
        fresh = load_for_change(ticket, actor, perm, expected_version, respect_lock=True)
        check_unchanged(fresh, seen, "state")
        if actor is not None and actor.is_customer and not perms.may_set_state(actor, fresh, state):
            # A colleague who sees the company's tickets may read and reply, not close or reopen.
            raise PermissionDenied("Customers may only close or reopen their own tickets.")
        old = fresh.state
        if old.type == StateType.MERGED:
            raise InvalidChange(f"Ticket {fresh.number} is merged into another; work on that one.")
        if state.is_pending and pending_until is None:
            pending_until = default_pending_until(fresh.queue)
        if old.pk == state.pk and fresh.pending_until == (pending_until if state.is_pending else None):
            return ticket
        fresh.state = state
        fresh.pending_until = pending_until if state.is_pending else None
        fields = ["state", "pending_until"]
        if state.type == StateType.CLOSED and old.type != StateType.CLOSED:
            fresh.closed_at = timezone.now()
            fields.append("closed_at")
            if fresh.is_locked:
                fresh.is_locked, fresh.locked_at = False, None
                fields += ["is_locked", "locked_at"]
        elif state.is_open and not old.is_open:
            fresh.closed_at = None
            fields.append("closed_at")
        fields += durations.update(fresh)
        bump(fresh, *fields)
        sla.recompute(fresh, event=sla.STATE_CHANGED)
        record(fresh, actor, "state_changed", "state", old.name, state.name)
        events.publish(events.STATE_CHANGED, fresh, actor, old=old.pk, new=state.pk, new_type=state.type)
    refresh(ticket, fresh)
    return ticket


def move_queue(
    *, ticket: Ticket, actor, queue, expected_version: int | None = None, seen: Seen | None = None
) -> Ticket:
    with transaction.atomic():
        fresh = load_for_change(ticket, actor, perms.MOVE_INTO, expected_version, respect_lock=True)
        check_unchanged(fresh, seen, "queue")
        perms.require_in_queue(actor, perms.MOVE_INTO, queue)
        old = fresh.queue
        if old.pk == queue.pk:
            return ticket
        fresh.queue = queue
        fields = ["queue"]
        if fresh.owner_id and not perms.can_in_queue(fresh.owner, perms.RO, queue):
            # The owner could no longer see the ticket: release it.
            fresh.is_locked, fresh.locked_at = False, None
            fields += ["is_locked", "locked_at"]
        bump(fresh, *fields)
        sla.recompute(fresh, event=sla.ATTRIBUTE_CHANGED)
        record(fresh, actor, "queue_moved", "queue", old.name, queue.name)
        events.publish(events.QUEUE_MOVED, fresh, actor, old=old.pk, new=queue.pk)
    refresh(ticket, fresh)
    return ticket


def assign_owner(
    *,
    ticket: Ticket,
    actor,
    owner,
    lock: bool = False,
    expected_version: int | None = None,
    seen: Seen | None = None,
) -> Ticket:
    """Give the ticket to `owner` (None: nobody). A ticket someone has locked is reassigned only with rw."""
    with transaction.atomic():
        fresh = load_for_change(ticket, actor, perms.OWNER, expected_version)
        check_unchanged(fresh, seen, "owner")
        if fresh.is_locked and actor is not None and fresh.owner_id not in (None, actor.pk):
            if not perms.can(actor, perms.RW, fresh):
                raise TicketLocked(f"Ticket {fresh.number} is locked by another agent.")
        if owner is not None and not (owner.is_agent and perms.can(owner, perms.OWNER, fresh)):
            raise InvalidChange(f"{owner} may not own tickets in {fresh.queue}.")
        old = fresh.owner
        if old == owner and (fresh.is_locked or not lock):
            return ticket  # nothing to change
        fresh.owner = owner
        fields = ["owner"]
        if owner is None or (old is not None and old.pk != owner.pk) or lock:
            fresh.is_locked = bool(lock and owner is not None)
            fresh.locked_at = timezone.now() if fresh.is_locked else None
            fields += ["is_locked", "locked_at"]
        bump(fresh, *fields)
        record(fresh, actor, "owner_changed", "owner", old or "", owner or "")
        events.publish(events.OWNER_CHANGED, fresh, actor, old=getattr(old, "pk", None), new=getattr(owner, "pk", None))
    refresh(ticket, fresh)
    return ticket


def set_responsible(*, ticket: Ticket, actor, responsible, expected_version: int | None = None) -> Ticket:
    with transaction.atomic():
        fresh = load_for_change(ticket, actor, perms.RW, expected_version)
        if responsible is not None and not (responsible.is_agent and perms.can(responsible, perms.RO, fresh)):
            raise InvalidChange(f"{responsible} cannot see tickets in {fresh.queue}.")
        old = fresh.responsible
        if old == responsible:
            return ticket
        fresh.responsible = responsible
        bump(fresh, "responsible")
        record(fresh, actor, "responsible_changed", "responsible", old or "", responsible or "")
        events.publish(events.RESPONSIBLE_CHANGED, fresh, actor, new=getattr(responsible, "pk", None))
    refresh(ticket, fresh)
    return ticket


def lock(*, ticket: Ticket, actor, expected_version: int | None = None) -> Ticket:
    """Take the ticket: the agent becomes its owner and others leave it alone."""
    if actor is None or not actor.is_agent:
        raise PermissionDenied("Only agents take tickets.")
    with transaction.atomic():
        fresh = load_for_change(ticket, actor, perms.OWNER, expected_version)
        if fresh.is_locked and fresh.owner_id != actor.pk:
            raise TicketLocked(f"Ticket {fresh.number} is already locked by {fresh.owner}.")
        if fresh.is_locked:
            return ticket
        old_owner = fresh.owner
        fresh.owner, fresh.is_locked, fresh.locked_at = actor, True, timezone.now()
        bump(fresh, "owner", "is_locked", "locked_at")
        record(fresh, actor, "locked", "lock", "unlocked", "locked")
        if old_owner != actor:
            record(fresh, actor, "owner_changed", "owner", old_owner or "", actor)
        events.publish(events.LOCK_CHANGED, fresh, actor, locked=True)
    refresh(ticket, fresh)
    return ticket


def unlock(*, ticket: Ticket, actor, expected_version: int | None = None) -> Ticket:
    """Release the lock; the owner does it, or someone with rw, or the system after the unlock timeout."""
    with transaction.atomic():
        fresh = lock_row(ticket, expected_version)
        if actor is not None and fresh.owner_id != actor.pk:
            perms.require(actor, perms.RW, fresh)
        elif actor is not None:
            perms.require(actor, perms.RO, fresh)
        if not fresh.is_locked:
            return ticket
        fresh.is_locked, fresh.locked_at = False, None
        bump(fresh, "is_locked", "locked_at")
        record(fresh, actor, "unlocked", "lock", "locked", "unlocked")
        events.publish(events.LOCK_CHANGED, fresh, actor, locked=False)
    refresh(ticket, fresh)
    return ticket


def _set_simple(ticket, actor, perm, field, value, event, expected_version):
    with transaction.atomic():
        fresh = load_for_change(ticket, actor, perm, expected_version, respect_lock=True)
        old = getattr(fresh, field)
        if old == value:
            return ticket
        setattr(fresh, field, value)
        bump(fresh, field)
        if field in ("priority", "category", "type"):
            sla.recompute(fresh, event=sla.ATTRIBUTE_CHANGED)
        if field == "title":
            search.reindex_ticket(fresh)
        record(fresh, actor, event, field, old or "", value or "")
        events.publish(event, fresh, actor, old=getattr(old, "pk", None), new=getattr(value, "pk", None))
    refresh(ticket, fresh)
    return ticket


def set_priority(*, ticket: Ticket, actor, priority, expected_version: int | None = None) -> Ticket:
    return _set_simple(ticket, actor, perms.PRIORITY, "priority", priority, events.PRIORITY_CHANGED, expected_version)


def set_category(*, ticket: Ticket, actor, category, expected_version: int | None = None) -> Ticket:
    return _set_simple(ticket, actor, perms.RW, "category", category, events.CATEGORY_CHANGED, expected_version)


def set_type(*, ticket: Ticket, actor, type, expected_version: int | None = None) -> Ticket:
    return _set_simple(ticket, actor, perms.RW, "type", type, events.TYPE_CHANGED, expected_version)


def set_title(*, ticket: Ticket, actor, title: str, expected_version: int | None = None) -> Ticket:
    title = one_line(title)
    if not title:
        raise InvalidChange("A ticket needs a title.")
    return _set_simple(ticket, actor, perms.RW, "title", title[:255], "title_changed", expected_version)


def _typed(field: CustomField, value) -> dict:
    if value in (None, ""):
        return {"value_text": "", "value_number": None, "value_date": None}
    if field.kind == CustomField.Kind.NUMBER:
        try:
            return {"value_text": "", "value_number": Decimal(str(value)), "value_date": None}
        except InvalidOperation:
            raise InvalidChange(f"{field.label}: {value!r} is not a number.") from None
    if field.kind == CustomField.Kind.DATE:
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise InvalidChange(f"{field.label}: {value!r} is not a date (YYYY-MM-DD).") from None
        return {"value_text": "", "value_number": None, "value_date": value}
    if field.kind == CustomField.Kind.CHOICE and str(value) not in [str(c) for c in field.choices]:
        raise InvalidChange(f"{field.label}: {value!r} is not one of the choices.")
    return {"value_text": str(value)[:500], "value_number": None, "value_date": None}


def set_custom_field(
    *, ticket: Ticket, actor, field: CustomField, value, expected_version: int | None = None
) -> Ticket:
    typed = _typed(field, value)
    with transaction.atomic():
        fresh = load_for_change(ticket, actor, perms.RW, expected_version, respect_lock=True)
        existing = CustomFieldValue.objects.filter(ticket=fresh, field=field).first()
        old = existing.value if existing else ""
        unchanged = existing is None and typed == _typed(field, None)
        if existing is not None:
            unchanged = all(getattr(existing, name) == typed_value for name, typed_value in typed.items())
        if unchanged:
            return ticket
        CustomFieldValue.objects.update_or_create(ticket=fresh, field=field, defaults=typed)
        bump(fresh)
        record(fresh, actor, events.FIELD_CHANGED, field.name, old, value)
        events.publish(events.FIELD_CHANGED, fresh, actor, field=field.name)
    refresh(ticket, fresh)
    return ticket
