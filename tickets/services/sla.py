"""The SLA clocks: which SLA applies, and the due times it gives a ticket.

Three clocks run from the ticket's creation, in business minutes of the SLA's calendar:
first response (met by the first customer-visible agent article), update (restarted by every
customer article and every customer-visible agent reply) and solution (met when the state stops
the clock). The ticket's state says what the clocks do (State.clock): running time counts,
paused time (waiting for the customer, pending) and stopped time do not, so every pause moves
the due times out by exactly the business time it lasted. Each change of the clock is a
TicketClockSegment row: the timeline that explains a breach.

`recompute()` is called by the services inside their transaction, on the row they have locked.
It saves the SLA fields itself (one UPDATE). While the clocks are paused or stopped the due
times keep the values they had (as if the clock had resumed at that moment), `escalation_at` and
the ticket's check (TicketSlaCheck) are empty, so neither a list nor the sweep sees the ticket.
"""

import math
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Company
from tickets.business_time import BusinessCalendar, add_working_minutes, working_minutes_between
from tickets.calendars import calendar_for
from tickets.models import SLA, Category, Clock, Priority, Queue, Ticket, TicketClockSegment, TicketSlaCheck, TicketType

# What happened (the `event` argument; also written on a new timeline segment).
CREATED = "created"
CUSTOMER_ARTICLE = "customer_article"
AGENT_REPLY = "agent_reply"
STATE_CHANGED = "state_changed"
ATTRIBUTE_CHANGED = "attribute_changed"  # queue, priority, category, type, company: pick the SLA again
SLA_CHANGED = "sla_changed"  # the SLA or its calendar was edited: recompute with the same SLA
RESTARTING = (CUSTOMER_ARTICLE, AGENT_REPLY)
RESELECTING = (CREATED, ATTRIBUTE_CHANGED)

SLA_FIELDS = [
    "sla",
    "first_response_due",
    "update_due",
    "solution_due",
    "escalation_at",
    "update_clock_from",
    "first_response_warning_due",
    "update_warning_due",
    "solution_warning_due",
]
CLOCKS = ("first_response", "update", "solution")
MARK_FIELDS = [f"{clock}_{mark}" for clock in CLOCKS for mark in ("warned_at", "breached_at")]
CHECK_FIELDS = ["check_at", *MARK_FIELDS]


def _sla_id_of(ticket: Ticket, relation: str, model) -> int | None:
    """The sla_id of the ticket's related row: from the loaded object if there is one, else one query."""
    if Ticket._meta.get_field(relation).is_cached(ticket):
        related = getattr(ticket, relation)
        return related.sla_id if related is not None else None
    pk = getattr(ticket, f"{relation}_id")
    if pk is None:
        return None
    return model.objects.filter(pk=pk).values_list("sla_id", flat=True).first()


PRECEDENCE = (
    ("company", Company),
    ("category", Category),
    ("type", TicketType),
    ("priority", Priority),
    ("queue", Queue),
)


def sla_for(ticket: Ticket) -> SLA | None:
    """The SLA that applies to `ticket`, by precedence: the first of these that names one.

    1. the customer company's contract (Company.sla),
    2. the ticket's category (Category.sla), then its type (TicketType.sla),
    3. the priority (Priority.sla),
    4. the queue (Queue.sla).
    None when none of them names an SLA: the ticket has no clocks. Related rows already loaded on
    the ticket are used as they are (the mail gateway's batch caches queues and priorities).
    """
    for relation, model in PRECEDENCE:
        sla_id = _sla_id_of(ticket, relation, model)
        if sla_id is not None:
            return (
                ticket.sla if ticket.sla_id == sla_id and Ticket.sla.is_cached(ticket) else SLA.objects.get(pk=sla_id)
            )
    return None


def sla_source(ticket: Ticket) -> str | None:
    """Which precedence level gave the ticket its SLA: "company", "category", "type", "priority" or
    "queue"; None when it has none, or when the configuration has changed since it was chosen (the
    first level naming an SLA now names another one)."""
    if ticket.sla_id is None:
        return None
    for relation, model in PRECEDENCE:
        sla_id = _sla_id_of(ticket, relation, model)
        if sla_id is not None:
            return relation if sla_id == ticket.sla_id else None
    return None


@dataclass(frozen=True)
class Clocks:
    """A ticket's running time: the intervals that do not count, and what runs now."""

    calendar: BusinessCalendar
    stopped: tuple[tuple[datetime, datetime], ...]  # paused or stopped, in order, ended ones closed at `now`
    running_now: bool
    now: datetime

    def reach(self, start: datetime, minutes: int) -> datetime:
        """The moment `minutes` of running business time have passed since `start`.

        When the clock is not running now and the target is not yet reached, the moment it would
        be reached if the clock resumed now.
        """
        remaining, cursor = minutes, start
        for a, b in self.stopped:
            if b <= cursor:
                continue
            if a > cursor:
                run = working_minutes_between(self.calendar, cursor, a)
                if run >= remaining:
                    return add_working_minutes(self.calendar, cursor, remaining)
                remaining -= run
            cursor = max(cursor, b)
        return add_working_minutes(self.calendar, cursor, remaining)


def recompute_after_article(ticket: Ticket, *, sender: str, visible: bool) -> None:
    """A customer's article or an agent's customer-visible reply restarts the update clock."""
    if sender == "customer":
        recompute(ticket, event=CUSTOMER_ARTICLE)
    elif sender == "agent" and visible:
        recompute(ticket, event=AGENT_REPLY)


def _timeline(ticket: Ticket, now: datetime, event: str) -> list[TicketClockSegment]:
    """The ticket's segments, closed and opened so that the current one matches its state."""
    segments = list(TicketClockSegment.objects.filter(ticket=ticket).order_by("started", "id"))
    current = segments[-1] if segments and segments[-1].ended is None else None
    clock, reason = ticket.state.clock, ticket.state.name
    if current is not None and current.clock == clock:
        return segments
    if current is not None:
        current.ended = now
        current.save(update_fields=["ended"])
    started = now if segments else min(ticket.created or now, now)
    segments.append(
        TicketClockSegment.objects.create(ticket=ticket, clock=clock, started=started, reason=reason, event=event)
    )
    return segments


def clocks_for(
    ticket: Ticket,
    sla: SLA,
    segments: list[TicketClockSegment],
    now: datetime,
    calendar: BusinessCalendar | None = None,
) -> Clocks:
    """The ticket's Clocks from its timeline (`calendar`: the SLA's, when the caller has it already)."""
    stopped = tuple((s.started, s.ended or now) for s in segments if s.clock != Clock.RUNNING)
    return Clocks(
        calendar=calendar or calendar_for(queue=ticket.queue, sla=sla),
        stopped=stopped,
        running_now=ticket.state.clock == Clock.RUNNING,
        now=now,
    )


def _clear(check: TicketSlaCheck, *names: str) -> None:
    for name in names:
        setattr(check, f"{name}_warned_at", None)
        setattr(check, f"{name}_breached_at", None)


def check_of(ticket: Ticket) -> TicketSlaCheck:
    """The ticket's check row (marks and next look), or a new unsaved one."""
    check = getattr(ticket, "sla_check", None)
    return check if check is not None else TicketSlaCheck(ticket=ticket)


def recompute(ticket: Ticket, *, event: str, now: datetime | None = None, calendars: dict | None = None) -> None:
    """Bring the ticket's timeline, SLA and due times up to date after `event`, and save them.

    Call it inside the service's transaction with the row locked (the services' `fresh`).
    `calendars`: a cache of business calendars by calendar id, kept by a caller doing many tickets.
    """
    now = now or timezone.now()
    segments = _timeline(ticket, now, event)
    check = check_of(ticket)
    if event in RESELECTING:
        sla = sla_for(ticket)
        if (sla.pk if sla else None) != ticket.sla_id:
            _clear(check, *CLOCKS)
            ticket.sla = sla
    if event in RESTARTING:
        ticket.update_clock_from = now
        _clear(check, "update")
    check.check_at = _set_due_times(ticket, check, segments, now, calendars)
    ticket.save(update_fields=SLA_FIELDS)
    save_check(check)


def save_check(check: TicketSlaCheck) -> None:
    """Save the check (one UPDATE); a ticket with nothing to check nor marked gets no row."""
    if check._state.adding:
        if any(getattr(check, name) is not None for name in CHECK_FIELDS):
            check.save(force_insert=True)
        return
    check.save(update_fields=CHECK_FIELDS)


@dataclass(frozen=True)
class Moments:
    """One clock of a ticket: when it is due, when its warning comes, whether it counts now."""

    due: datetime
    warn: datetime | None  # None when the clock does not count (met, or the clocks are not running)

    @property
    def counts(self) -> bool:
        return self.warn is not None


def clock_moments(ticket: Ticket, clocks: Clocks) -> dict[str, Moments]:
    """Each clock the ticket's SLA sets (by name, in CLOCKS order): its due time and warning moment."""
    sla = ticket.sla
    created = ticket.created or clocks.now
    targets = {
        "first_response": (sla.first_response_minutes, created, ticket.first_response_at is not None),
        "update": (sla.update_minutes, ticket.update_clock_from or created, False),
        "solution": (sla.solution_minutes, created, False),
    }
    moments = {}
    for name, (minutes, start, met) in targets.items():
        if minutes is None:
            continue
        counts = not met and clocks.running_now
        warn = clocks.reach(start, math.ceil(minutes * sla.warning_percent / 100)) if counts else None
        moments[name] = Moments(due=clocks.reach(start, minutes), warn=warn)
    return moments


def next_check(check: TicketSlaCheck, moments: dict[str, Moments]) -> datetime | None:
    """The next warning or breach still to be marked: the ticket's check (TicketSlaCheck.check_at)."""
    checks = []
    for name, moment in moments.items():
        if not moment.counts:
            continue
        if getattr(check, f"{name}_warned_at") is None:
            checks.append(moment.warn)
        elif getattr(check, f"{name}_breached_at") is None:
            checks.append(moment.due)
    return min(checks, default=None)


def store_moments(ticket: Ticket, moments: dict[str, Moments]) -> None:
    """Set each clock's due time and warning moment on the ticket (the warning NULL when the clock
    does not count): what the escalation sweep reads instead of doing the arithmetic again."""
    for name in CLOCKS:
        moment = moments.get(name)
        setattr(ticket, f"{name}_due", moment.due if moment else None)
        setattr(ticket, f"{name}_warning_due", moment.warn if moment else None)


def calendar_of(ticket: Ticket, calendars: dict | None = None) -> BusinessCalendar:
    """The calendar of the ticket's SLA (read once per calendar id when `calendars` caches them)."""
    if calendars is None:
        return calendar_for(queue=ticket.queue, sla=ticket.sla)
    key = (ticket.sla.calendar_id if ticket.sla else None) or ticket.queue.calendar_id
    if key not in calendars:
        calendars[key] = calendar_for(queue=ticket.queue, sla=ticket.sla)
    return calendars[key]


def _clear_marks_moved_out(check: TicketSlaCheck, moments: dict, now: datetime) -> None:
    """A warning or breach mark whose moment now lies ahead (the SLA or its calendar was edited to give
    more time) no longer holds: clear it, so the ticket leaves the Escalations view and the sweep tells
    it again if it crosses again. A pause cannot do this: paused time moves a due time out only by
    time that has already passed."""
    for name, moment in moments.items():
        if not moment.counts:
            continue
        if moment.warn > now:
            setattr(check, f"{name}_warned_at", None)
        if moment.due > now:
            setattr(check, f"{name}_breached_at", None)


def _set_due_times(
    ticket: Ticket,
    check: TicketSlaCheck,
    segments: list[TicketClockSegment],
    now: datetime,
    calendars: dict | None = None,
) -> datetime | None:
    """Set the ticket's due times; returns its next check (None: nothing for the sweep to look at)."""
    sla = ticket.sla
    ticket.first_response_due = ticket.update_due = ticket.solution_due = None
    ticket.escalation_at = None
    for name in CLOCKS:
        setattr(ticket, f"{name}_warning_due", None)
    if sla is None:
        return None
    moments = clock_moments(ticket, clocks_for(ticket, sla, segments, now, calendar_of(ticket, calendars)))
    _clear_marks_moved_out(check, moments, now)
    store_moments(ticket, moments)
    ticket.escalation_at = min((m.due for m in moments.values() if m.counts), default=None)
    return next_check(check, moments)


def recompute_batch(*, sla_id: int | None, after_pk: int, size: int) -> int | None:
    """Recompute the open tickets of one SLA (None: of every SLA, after a calendar change) with
    pk > after_pk, `size` of them.

    Each ticket in its own short transaction with the row locked. Returns the last pk done, or
    None when there are no more. Idempotent: recomputing a ticket twice gives the same result.
    """
    tickets = Ticket.objects.open().filter(sla__isnull=False)
    if sla_id is not None:
        tickets = tickets.filter(sla_id=sla_id)
    pks = list(tickets.filter(pk__gt=after_pk).order_by("pk").values_list("pk", flat=True)[:size])
    calendars: dict = {}  # each calendar read once per batch
    for pk in pks:
        with transaction.atomic():
            Ticket.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True).get()
            fresh = Ticket.objects.select_related("queue", "state", "sla", "sla_check").get(pk=pk)
            recompute(fresh, event=SLA_CHANGED, calendars=calendars)
    return pks[-1] if pks else None
