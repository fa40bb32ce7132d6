"""The escalation sweep: SLA warnings and breaches, marked, written down and told, each once.

A ticket's check (TicketSlaCheck.check_at) is its next warning or breach (tickets/services/sla.py
keeps it); the sweep reads only the tickets whose moment has come, through the partial index on
that column, and never scans the open tickets. For each clock of such a ticket whose warning or due
time has passed it sets the clock's `*_warned_at` / `*_breached_at` mark, writes a history row,
publishes an event and mails (tickets/services/escalation_mail.py says whom). A breach found before
its warning was told marks both and tells the breach only. Then the check moves on to the next
coming event, or NULL.

No calendar arithmetic here: the recompute stores each counting clock's warning moment beside its
due time (`*_warning_due`). No ticket row is written either: the marks and the next check live in
the narrow check table, whose batch of rows is replaced in two statements; the history rows and the
check rows are bulk-inserted (COPY on PostgreSQL). Tickets whose due times were stored before the
warning moments existed get them computed once, from their timeline.

Each event once: a batch of due tickets is locked (FOR UPDATE SKIP LOCKED, so two workers share the
work and a ticket being changed by a service waits for the next run; every writer of a check holds
its ticket's lock) and its marks, history and mail (stored in the outbox by Django's mail backend)
are written in one transaction. A second run finds nothing due; a worker killed mid-run loses only
its uncommitted batch, which the next run does again in full. The statements of a batch depend
neither on the number of open tickets nor on the number of due tickets or mails.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from celery import signature
from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.datetime import TimestamptzLoader

from tickets import events
from tickets.models import EscalationNotice, Ticket, TicketClockSegment, TicketHistory, TicketSlaCheck
from tickets.services.escalation_mail import BREACH, WARNING
from tickets.services.sla import (
    CHECK_FIELDS,
    CLOCKS,
    MARK_FIELDS,
    calendar_of,
    clock_moments,
    clocks_for,
    store_moments,
)

BATCH = 2000  # per-row work is small; bigger batches mean fewer digests per person
EVENT = {WARNING: events.SLA_WARNING, BREACH: events.SLA_BREACHED}
MOMENT_FIELDS = [f"{clock}_{moment}" for clock in CLOCKS for moment in ("due", "warning_due")]
TIMES = [*MOMENT_FIELDS, *MARK_FIELDS]  # what the sweep reads of a due ticket, after its id
NOTICE_TASK = "tickets.tasks.send_escalation_notices"  # by name: the services do not import the tasks


@dataclass
class Swept:
    """What one batch (or a whole sweep) did."""

    tickets: int = 0
    events: int = 0
    notices: int = 0
    batches: int = 0

    def add(self, other: "Swept") -> None:
        self.tickets += other.tickets
        self.events += other.events
        self.notices += other.notices
        self.batches += other.batches


def sweep(*, now: datetime | None = None, size: int = BATCH) -> Swept:
    """Mark, write down and tell every warning and breach that has come by `now`, batch after batch."""
    now = now or timezone.now()
    total, calendars = Swept(), {}
    while True:
        done = sweep_batch(now=now, size=size, calendars=calendars)
        if not done.tickets:
            return total
        total.add(done)


def sweep_batch(*, now: datetime, size: int = BATCH, calendars: dict | None = None) -> Swept:
    """One transaction: up to `size` due tickets locked, marked, their history, events and notice."""
    calendars = {} if calendars is None else calendars
    with transaction.atomic():
        tickets = _lock_due(now, size)
        if not tickets:
            return Swept()
        missing = [pk for pk, times in tickets if not _has_moments(times)]
        if missing:
            _store_missing_moments(missing, now, calendars)
            tickets = _rows(Ticket.objects.filter(pk__in=[pk for pk, _times in tickets]).order_by("pk"))
        crossings = [crossing for pk, times in tickets for crossing in _crossings(pk, times, now)]
        _rewrite_checks(tickets, now)
        _write_history(crossings, now)
        told = [(pk, clock, kind, due.isoformat()) for pk, clock, kind, due in crossings]
        if told:
            notice = EscalationNotice.objects.create(crossings=told)
            # robust: a broker that is down must not undo the marks; the next sweep tells the notice.
            transaction.on_commit(lambda: signature(NOTICE_TASK, args=(notice.pk,)).delay(), robust=True)
        events.publish_many(
            [events.Event(EVENT[kind], pk, None, {"clock": clock, "due": due}) for pk, clock, kind, due in told]
        )
    return Swept(tickets=len(tickets), events=len(crossings), notices=1 if crossings else 0, batches=1)


def _lock_due(now: datetime, size: int) -> list[tuple[int, dict]]:
    """Lock up to `size` due tickets with their check rows, skipping those a service or another worker
    holds (they are looked at by the next run), and read their moments and marks: one statement.

    Both rows are locked: a check that another worker moved on after this statement's snapshot is
    then read again (PostgreSQL re-checks a row it had to lock anew), so it is not told twice.
    """
    if connection.vendor != "postgresql":  # no row locks to take; Django's converters make the datetimes
        due = Ticket.objects.filter(sla_check__check_at__lte=now).order_by("sla_check__check_at", "pk")
        return _rows(due[:size])
    moments = ", ".join(f"t.{name}" for name in MOMENT_FIELDS)
    marks = ", ".join(f"c.{name}" for name in MARK_FIELDS)
    sql = (
        f"SELECT t.id, {moments}, {marks} FROM {Ticket._meta.db_table} t "
        f"JOIN {TicketSlaCheck._meta.db_table} c ON c.ticket_id = t.id "
        "WHERE c.check_at <= %s ORDER BY c.check_at, t.id LIMIT %s FOR UPDATE OF t, c SKIP LOCKED"
    )
    with connection.cursor() as cursor:
        # psycopg's own timestamp parser (C): Django's replacement of it, for this cursor, is Python, and a
        # batch has tens of thousands of timestamps. The session's time zone is UTC either way.
        cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(sql, [now, size])
        return [_named(row) for row in cursor.fetchall()]


def _rows(tickets) -> list[tuple[int, dict]]:
    """Each ticket's id and its moments and marks, by name."""
    rows = tickets.values_list("pk", *MOMENT_FIELDS, *(f"sla_check__{mark}" for mark in MARK_FIELDS))
    return [_named(row) for row in rows]


def _named(row) -> tuple[int, dict]:
    """(ticket id, {moment or mark name: value}) from a row of the id then TIMES."""
    return row[0], dict(zip(TIMES, row[1:], strict=True))


def _has_moments(times: dict) -> bool:
    """Whether the recompute stored the ticket's warning moments: a ticket with a next check has a
    counting clock, so at least one of them, unless its moments predate the stored ones."""
    return any(times[f"{clock}_warning_due"] is not None for clock in CLOCKS)


def _store_missing_moments(pks: list[int], now: datetime, calendars: dict) -> None:
    """Tickets whose due times were computed before the warning moments were stored (or a stale
    check time on a ticket whose clocks no longer count): compute them once, from the timeline."""
    tickets = list(Ticket.objects.filter(pk__in=pks).select_related("queue", "state", "sla"))
    segments = defaultdict(list)
    timeline = TicketClockSegment.objects.filter(ticket_id__in=pks)
    for segment in timeline.order_by("ticket_id", "started", "id"):
        segments[segment.ticket_id].append(segment)
    for ticket in tickets:
        moments = {}
        if ticket.sla is not None:
            calendar = calendar_of(ticket, calendars)
            moments = clock_moments(ticket, clocks_for(ticket, ticket.sla, segments[ticket.pk], now, calendar=calendar))
        store_moments(ticket, moments)
    Ticket.objects.bulk_update(tickets, MOMENT_FIELDS)


def _crossings(pk: int, times: dict, now: datetime) -> list[tuple[int, str, str, datetime]]:
    """(ticket id, clock, WARNING or BREACH, due time) of each clock whose warning or due time has come
    and is not marked yet, from the stored moments: a breach found before its warning was told is told
    as a breach alone."""
    crossings = []
    for clock in CLOCKS:
        warn, due = times[f"{clock}_warning_due"], times[f"{clock}_due"]
        if warn is None:
            continue  # met, or the clocks are paused or stopped
        if times[f"{clock}_breached_at"] is None and due <= now:
            crossings.append((pk, clock, BREACH, due))
        elif times[f"{clock}_warned_at"] is None and warn <= now:
            crossings.append((pk, clock, WARNING, due))
    return crossings


def _rewrite_checks(tickets: list[tuple[int, dict]], now: datetime) -> None:
    """Each ticket's marks as the crossings leave them (a breach marks its warning too) and its next
    check: the next unmarked warning or due time of a counting clock, or NULL (it leaves the sweep's
    index). No ticket row is written: the check rows are, in a few statements whatever the batch size."""
    rows = []
    for pk, times in tickets:
        checks = []
        for clock in CLOCKS:
            warn, due = times[f"{clock}_warning_due"], times[f"{clock}_due"]
            if warn is None:
                continue
            warned, breached = f"{clock}_warned_at", f"{clock}_breached_at"
            if times[breached] is None and due <= now:
                times[breached] = now
            if times[warned] is None and (warn <= now or due <= now):
                times[warned] = now
            if times[warned] is None:
                checks.append(warn)
            elif times[breached] is None:
                checks.append(due)
        rows.append((pk, min(checks, default=None), *(times[mark] for mark in MARK_FIELDS)))
    table, columns = TicketSlaCheck._meta.db_table, ["ticket_id", *CHECK_FIELDS]
    if connection.vendor != "postgresql":
        TicketSlaCheck.objects.filter(ticket_id__in=[pk for pk, _times in tickets]).delete()
        _insert_rows(TicketSlaCheck, columns, rows)
        return
    # PostgreSQL: the rows copied into a scratch table, then one UPDATE from it. An UPDATE leaves the
    # ticket reference as it is, so the commit re-checks no foreign key (a re-insert would, per row).
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE swept_checks (LIKE {table}) ON COMMIT DROP")
        _insert_rows(TicketSlaCheck, columns, rows, table="swept_checks")
        assignments = ", ".join(f"{name} = s.{name}" for name in CHECK_FIELDS)
        cursor.execute(f"UPDATE {table} t SET {assignments} FROM swept_checks s WHERE t.ticket_id = s.ticket_id")
        cursor.execute("DROP TABLE swept_checks")  # the next batch may share the transaction (a caller's atomic)


def _insert_rows(model, columns: list[str], rows: list[tuple], table: str | None = None) -> None:
    """Insert plain rows into `model`'s table (or `table`, PostgreSQL only): PostgreSQL's COPY (a
    backlog minute writes tens of thousands of history rows; an INSERT with that many parameters spends
    longer composing than running), elsewhere through the ORM."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows])
        return
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table or model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _write_history(crossings: list[tuple[int, str, str, datetime]], now: datetime) -> None:
    """The history row of each crossing, as `history_entry` writes it and the ticket's history shows it."""
    zone, labels = timezone.get_current_timezone(), {}
    rows = []
    for pk, clock, kind, due in crossings:
        minute = due.replace(second=0, microsecond=0)  # formatted once per minute: many tickets share one
        if minute not in labels:
            labels[minute] = f"{minute.astimezone(zone):%Y-%m-%d %H:%M %Z}"
        rows.append((pk, EVENT[kind], None, clock, "", labels[minute], now))
    columns = ["ticket_id", "event", "actor_id", "field", "old_value", "new_value", "created"]
    _insert_rows(TicketHistory, columns, rows)
