"""Time accounting: each piece of work is a TimeEntry (who, which day, how long, billable or not, a note, on
which article); the ticket's `time_accounted` is kept as the sum of its entries, and an article's as the sum
of the entries made with it. A period locked for invoicing (TimeLock) refuses every add, edit and delete of
time worked on its days."""

import zoneinfo
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tickets import events
from tickets import permissions as perms
from tickets.errors import InvalidChange, PermissionDenied, TimeLocked
from tickets.models import Article, Ticket
from tickets.services._base import bump, load_for_change, lock_row, record, refresh
from tickets.text import one_line
from tickets.time_entries import TimeEntry, TimeLock

NOTE_LENGTH = TimeEntry._meta.get_field("note").max_length
# What one entry holds (TimeEntry.minutes: 8 digits, 2 after the point): almost two years of work at once.
MAX_MINUTES = Decimal("1000000")


def parse_minutes(value, *, positive: bool = False) -> Decimal:
    """Minutes of work as a Decimal; refuses text, infinity and negative (or, if `positive`, zero) values."""
    try:
        minutes = Decimal(str(value or 0))
    except InvalidOperation:
        raise InvalidChange(f"{value!r} is not a number of minutes.") from None
    if not minutes.is_finite():
        raise InvalidChange(f"{value!r} is not a number of minutes.")
    if positive and minutes <= 0:
        raise InvalidChange("Time accounted must be more than zero minutes.")
    if minutes < 0:
        raise InvalidChange("Time accounted cannot be negative.")
    if minutes >= MAX_MINUTES:
        raise InvalidChange(f"{value!r} minutes is more than can be accounted at once.")
    if minutes != minutes.quantize(Decimal("0.01")):
        raise InvalidChange(f"{value!r}: minutes are counted to two decimal places at most.")
    return minutes


def today_for(user) -> date:
    """Today in the user's time zone (the site's for the system or an unknown zone name)."""
    name = getattr(user, "timezone", "") or settings.TIME_ZONE
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return timezone.localtime(timezone.now(), zone).date()


def check_unlocked(ticket: Ticket, day: date) -> None:
    lock = TimeLock.objects.covering(day, ticket.company_id)
    if lock is not None:
        raise TimeLocked(day, lock)


def describe(entry: TimeEntry) -> str:
    """One entry in the ticket history: minutes, day, billable; the same words in every language."""
    billable = "billable" if entry.billable else "not billable"
    minutes = Decimal(entry.minutes).quantize(Decimal("0.01"))
    return f"{minutes} min, {entry.worked_on}, {billable}"


def _clean_note(note: str) -> str:
    note = one_line(note or "")
    if len(note) > NOTE_LENGTH:
        raise InvalidChange(f"A note on time accounted has at most {NOTE_LENGTH} characters.")
    return note


def _day(value) -> date:
    if not isinstance(value, date):
        raise InvalidChange(f"{value!r} is not a day.")
    return value


def entry_for_article(fresh: Ticket, article: Article, actor) -> TimeEntry | None:
    """The entry for the time written with an article (a reply, a note, a new ticket), on a ticket already
    locked by the caller's transaction. The caller adds it to the ticket's total and writes the history."""
    if not article.time_accounted:
        return None
    author = actor if actor is not None else article.author
    day = today_for(author)
    check_unlocked(fresh, day)
    return TimeEntry.objects.create(
        ticket=fresh, article=article, author=author, worked_on=day, minutes=article.time_accounted
    )


def add_time_entry(
    *,
    ticket: Ticket,
    actor,
    minutes,
    article: Article | None = None,
    worked_on: date | None = None,
    billable: bool = True,
    note: str = "",
    expected_version: int | None = None,
) -> TimeEntry:
    """Account time on a ticket: one entry by `actor`, on `worked_on` (today in the actor's time zone)."""
    minutes = parse_minutes(minutes, positive=True)
    note = _clean_note(note)
    with transaction.atomic():
        fresh = load_for_change(ticket, actor, perms.NOTE, expected_version)
        if actor is not None and not actor.is_agent:
            raise PermissionDenied(f"{actor} may not account time on ticket {fresh.number}")
        day = _day(worked_on) if worked_on is not None else today_for(actor)
        check_unlocked(fresh, day)
        if article is not None:
            if article.ticket_id != fresh.pk:
                raise InvalidChange("That article belongs to another ticket.")
            # F(): add to what is stored now, not to a possibly stale copy in memory.
            Article.objects.filter(pk=article.pk).update(time_accounted=F("time_accounted") + minutes)
        entry = TimeEntry.objects.create(
            ticket=fresh,
            article=article,
            author=actor,
            worked_on=day,
            minutes=minutes,
            billable=bool(billable),
            note=note,
        )
        fresh.time_accounted += minutes
        bump(fresh, "time_accounted")
        record(fresh, actor, "time_accounted", "time_accounted", "", minutes)
        events.publish(events.TIME_ACCOUNTED, fresh, actor, minutes=str(minutes), entry_id=entry.pk)
    refresh(ticket, fresh)
    return entry


def account_time(
    *,
    ticket: Ticket,
    actor,
    minutes,
    article: Article | None = None,
    expected_version: int | None = None,
    worked_on: date | None = None,
    billable: bool = True,
    note: str = "",
) -> Ticket:
    """add_time_entry, returning the ticket (its first callers' signature)."""
    add_time_entry(
        ticket=ticket,
        actor=actor,
        minutes=minutes,
        article=article,
        worked_on=worked_on,
        billable=billable,
        note=note,
        expected_version=expected_version,
    )
    return ticket


def _lock_entry(entry: TimeEntry, actor) -> tuple[Ticket, TimeEntry]:
    """Lock the entry's ticket, then the entry; refuse whoever may not change it."""
    ticket_id = TimeEntry.objects.filter(pk=entry.pk).values_list("ticket_id", flat=True).first()
    if ticket_id is None:
        raise InvalidChange("That time entry no longer exists.")
    fresh = lock_row(Ticket(pk=ticket_id))
    row = TimeEntry.objects.select_for_update().filter(pk=entry.pk, ticket=fresh).first()
    if row is None:  # moved by a merge between the two reads
        raise InvalidChange("That time entry was moved to another ticket; reload and try again.")
    row.ticket = fresh
    if not perms.may_edit_time_entry(actor, row):
        raise PermissionDenied(f"{actor} may not change time entry {row.pk} of ticket {fresh.number}")
    check_unlocked(fresh, row.worked_on)
    return fresh, row


def _add_to_totals(fresh: Ticket, row: TimeEntry, delta: Decimal) -> None:
    if delta and row.article_id:
        Article.objects.filter(pk=row.article_id).update(time_accounted=F("time_accounted") + delta)
    fresh.time_accounted += delta
    bump(fresh, "time_accounted")


def edit_time_entry(
    *,
    entry: TimeEntry,
    actor,
    minutes=None,
    worked_on: date | None = None,
    billable: bool | None = None,
    note: str | None = None,
) -> TimeEntry:
    """Change an entry (its author or an administrator); what is not given stays. The history keeps old → new."""
    new_minutes = parse_minutes(minutes, positive=True) if minutes is not None else None
    new_note = _clean_note(note) if note is not None else None
    with transaction.atomic():
        fresh, row = _lock_entry(entry, actor)
        before = describe(row)
        old_minutes, old_note = row.minutes, row.note
        if new_minutes is not None:
            row.minutes = new_minutes
        if worked_on is not None:
            row.worked_on = _day(worked_on)
            check_unlocked(fresh, row.worked_on)
        if billable is not None:
            row.billable = bool(billable)
        if new_note is not None:
            row.note = new_note
        after = describe(row)
        if before == after and row.note == old_note:
            return row
        row.save()
        _add_to_totals(fresh, row, row.minutes - old_minutes)
        record(fresh, actor, events.TIME_ENTRY_CHANGED, "time_entry", before, after)
        events.publish(events.TIME_ENTRY_CHANGED, fresh, actor, entry_id=row.pk, minutes=str(row.minutes - old_minutes))
    for f in ("minutes", "worked_on", "billable", "note", "updated"):
        setattr(entry, f, getattr(row, f))
    return row


def delete_time_entry(*, entry: TimeEntry, actor) -> Ticket:
    """Remove an entry (its author or an administrator); its minutes leave the ticket's total."""
    with transaction.atomic():
        fresh, row = _lock_entry(entry, actor)
        before, pk = describe(row), row.pk
        row.delete()
        _add_to_totals(fresh, row, -row.minutes)
        record(fresh, actor, events.TIME_ENTRY_DELETED, "time_entry", before, "")
        events.publish(events.TIME_ENTRY_DELETED, fresh, actor, entry_id=pk, minutes=str(-row.minutes))
    return fresh


def move_entries(src: Ticket, dst: Ticket) -> int:
    """A merge: the source's entries go with its time to the target (both rows locked by the caller).

    Time in a locked period stays where it was invoiced: when the two tickets belong to different companies,
    a merge moving time of a locked day is refused."""
    entries = TimeEntry.objects.filter(ticket=src)
    if src.company_id != dst.company_id:
        for ticket in (src, dst):
            lock = TimeLock.objects.for_company(ticket.company_id).first()
            if lock is not None:
                first = entries.filter(worked_on__lte=lock.locked_until).order_by("worked_on").first()
                if first is not None:
                    raise TimeLocked(first.worked_on, lock)
    return entries.update(ticket=dst)
