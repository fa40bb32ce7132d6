"""Tags, watchers, links between tickets, and merging."""

from django.db import transaction
from django.utils import timezone

from tickets import events, search
from tickets import permissions as perms
from tickets.errors import InvalidChange
from tickets.models import Article, State, StateType, Tag, Ticket, TicketLink, TicketMerge
from tickets.services import sla
from tickets.services._base import bump, load_for_change, lock_row, record, refresh


def tag_objects(names) -> list[Tag]:
    cleaned = {n.strip().lower()[:50] for n in names if n and n.strip()}
    existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    for name in sorted(cleaned - existing.keys()):
        existing[name], _ = Tag.objects.get_or_create(name=name)
    return list(existing.values())


def tag(*, ticket: Ticket, actor, names: list[str], expected_version: int | None = None) -> Ticket:
    with transaction.atomic():
        fresh = load_for_change(ticket, actor, perms.RW, expected_version)
        have = set(fresh.tags.values_list("name", flat=True))
        new = [t for t in tag_objects(names) if t.name not in have]
        if not new:
            return ticket
        fresh.tags.add(*new)
        bump(fresh)
        record(fresh, actor, "tags_changed", "tags", "", ", ".join(sorted(t.name for t in new)))
        events.publish(events.TAGS_CHANGED, fresh, actor, added=[t.name for t in new])
    refresh(ticket, fresh)
    return ticket


def untag(*, ticket: Ticket, actor, names: list[str], expected_version: int | None = None) -> Ticket:
    with transaction.atomic():
        fresh = load_for_change(ticket, actor, perms.RW, expected_version)
        gone = list(fresh.tags.filter(name__in=[n.strip().lower() for n in names]))
        if not gone:
            return ticket
        fresh.tags.remove(*gone)
        bump(fresh)
        record(fresh, actor, "tags_changed", "tags", ", ".join(sorted(t.name for t in gone)), "")
        events.publish(events.TAGS_CHANGED, fresh, actor, removed=[t.name for t in gone])
    refresh(ticket, fresh)
    return ticket


def _change_watch(ticket, actor, user, add: bool):
    # Anyone who can see a ticket may watch it; adding or removing somebody else takes rw.
    perm = perms.RO if actor is not None and actor.pk == user.pk else perms.RW
    with transaction.atomic():
        fresh = load_for_change(ticket, actor, perm)
        if add and not (user.is_agent and perms.can(user, perms.RO, fresh)):
            raise InvalidChange(f"{user} cannot see this ticket and so cannot watch it.")
        watching = fresh.watchers.filter(pk=user.pk).exists()
        if watching == add:
            return ticket
        (fresh.watchers.add if add else fresh.watchers.remove)(user)
        record(fresh, actor, "watchers_changed", "watchers", "" if add else user, user if add else "")
        events.publish(events.WATCHERS_CHANGED, fresh, actor, user=user.pk, watching=add)
    return ticket


def watch(*, ticket: Ticket, actor, user=None) -> Ticket:
    return _change_watch(ticket, actor, user or actor, True)


def unwatch(*, ticket: Ticket, actor, user=None) -> Ticket:
    return _change_watch(ticket, actor, user or actor, False)


def link(*, source: Ticket, target: Ticket, kind: str, actor, expected_version: int | None = None) -> TicketLink:
    if source.pk == target.pk:
        raise InvalidChange("A ticket cannot be linked to itself.")
    if kind not in TicketLink.Kind.values:
        raise InvalidChange(f"Unknown link kind {kind!r}.")
    with transaction.atomic():
        fresh = load_for_change(source, actor, perms.RW, expected_version)
        perms.require(actor, perms.RO, target)
        link_row, created = TicketLink.objects.get_or_create(
            source=fresh, target=target, kind=kind, defaults={"created_by": actor}
        )
        if created:
            bump(fresh)
            record(fresh, actor, "linked", "link", "", f"{kind} {target.number}")
            events.publish(events.LINK_CHANGED, fresh, actor, target=target.pk, kind=kind, linked=True)
    return link_row


def unlink(*, source: Ticket, target: Ticket, kind: str, actor, expected_version: int | None = None) -> None:
    with transaction.atomic():
        fresh = load_for_change(source, actor, perms.RW, expected_version)
        deleted, _ = TicketLink.objects.filter(source=fresh, target=target, kind=kind).delete()
        if deleted:
            bump(fresh)
            record(fresh, actor, "unlinked", "link", f"{kind} {target.number}", "")
            events.publish(events.LINK_CHANGED, fresh, actor, target=target.pk, kind=kind, linked=False)


def merge(*, source: Ticket, target: Ticket, actor, expected_version: int | None = None) -> Ticket:
    """Move every article of `source` into `target`; `source` becomes a merged stub pointing at it.

    `expected_version` is the version of `source` the form was built from.
    """
    if source.pk == target.pk:
        raise InvalidChange("A ticket cannot be merged into itself.")
    merged_state = State.objects.filter(type=StateType.MERGED, is_active=True).first()
    if merged_state is None:
        raise InvalidChange("No state of type “merged” is defined.")
    with transaction.atomic():
        # Lock both rows in id order so two opposite merges cannot deadlock.
        first, second = sorted([source, target], key=lambda t: t.pk)
        locked = {t.pk: lock_row(t) for t in (first, second)}
        src, dst = locked[source.pk], locked[target.pk]
        for ticket in (src, dst):
            perms.require(actor, perms.RW, ticket)
        load_for_change(src, actor, perms.RW, expected_version, respect_lock=True)
        if src.state.type == StateType.MERGED:
            raise InvalidChange(f"Ticket {src.number} is already merged.")
        if dst.state.type == StateType.MERGED:
            raise InvalidChange(f"Ticket {dst.number} is merged itself; merge into {dst.merged_into}.")
        moved = Article.objects.filter(ticket=src).update(ticket=dst)
        search.reindex_ticket(dst)
        dst.time_accounted += src.time_accounted
        bump(dst, "time_accounted")
        record(dst, actor, "merged", "merge", src.number, f"{moved} articles")
        old_state = src.state
        src.state, src.merged_into, src.closed_at = merged_state, dst, timezone.now()
        src.is_locked, src.locked_at = False, None
        src.time_accounted = 0
        bump(src, "state", "merged_into", "closed_at", "is_locked", "locked_at", "time_accounted")
        sla.recompute(src, event=sla.STATE_CHANGED)
        record(src, actor, "state_changed", "state", old_state.name, merged_state.name)
        record(src, actor, "merged", "merge", "", dst.number)
        TicketMerge.objects.create(source=src, target=dst, merged_by=actor)
        events.publish(events.TICKET_MERGED, src, actor, target=dst.pk)
    refresh(source, src)
    refresh(target, dst)
    return target
