"""What the agent panel shows of a ticket's SLA: each clock's due time, the business time left, and
the warning / breached badges; the zoom's SLA panel and the lists' escalation column.

The status is computed from the due times and `now` (in business time of the ticket's calendar), so
it is right even before the escalation sweep has run; the sweep's *_warned_at / *_breached_at marks
(TicketSlaCheck) are its history. `clock_views()` and `duration()` are pure; `sla_panel()` and `with_escalation()`
load what they need in a fixed number of queries, whatever the number of tickets or segments.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets.business_time import TWENTY_FOUR_SEVEN, BusinessCalendar, working_minutes_between
from tickets.calendars import Calendar, business_calendar, calendar_for
from tickets.catalog import Clock
from tickets.models import SLA, Ticket
from tickets.services.sla import sla_source
from tickets.sla import TicketClockSegment

# A clock's status. OK / WARNING / BREACHED for a clock still to be met; MET / LATE once met (late:
# after its due time); STOPPED for a clock the ticket's stopping state ended unmet (update, merged).
OK, WARNING, BREACHED, MET, LATE, STOPPED = "ok", "warning", "breached", "met", "late", "stopped"
PENDING = (OK, WARNING, BREACHED)
SEVERITY = {OK: 0, WARNING: 1, BREACHED: 2}

LABELS = {
    "first_response": gettext_lazy("First response"),
    "update": gettext_lazy("Update"),
    "solution": gettext_lazy("Solution"),
}
SOURCES = {
    "company": gettext_lazy("the customer company's contract"),
    "category": gettext_lazy("the ticket's category"),
    "type": gettext_lazy("the ticket's type"),
    "priority": gettext_lazy("the ticket's priority"),
    "queue": gettext_lazy("the ticket's queue"),
}


def duration(minutes: int) -> str:
    """Business minutes as "3 h 20 min", "45 min", "2 h"."""
    hours, rest = divmod(abs(minutes), 60)
    if hours and rest:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": rest}


@dataclass(frozen=True)
class ClockView:
    """One clock of a ticket as the agent sees it."""

    name: str  # first_response / update / solution
    due: datetime
    status: str
    minutes_left: int  # business minutes from now (from the pause, when paused) to the due time; < 0: overdue
    met_at: datetime | None = None
    warned_at: datetime | None = None  # the sweep's marks
    breached_at: datetime | None = None

    @property
    def label(self) -> str:
        return str(LABELS[self.name])

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING

    @property
    def left_text(self) -> str:
        """ "3 h 20 min left" or "overdue by 1 h 5 min" (business time)."""
        if self.minutes_left < 0 or self.status == BREACHED:
            return _("overdue by %(time)s") % {"time": duration(self.minutes_left)}
        return _("%(time)s left") % {"time": duration(self.minutes_left)}


def _met(ticket: Ticket, name: str, clock: str) -> datetime | None:
    """When the clock was met: the first response by the first customer-visible agent article, the
    solution by the stopping state (the ticket's closing)."""
    if name == "first_response":
        return ticket.first_response_at
    if name == "solution" and clock == Clock.STOPPED:
        return ticket.closed_at
    return None


def _running_minutes(calendar: BusinessCalendar, segments, start: datetime, now: datetime) -> int:
    """Business minutes the clocks ran since `start`, by the timeline."""
    total = 0
    for segment in segments:
        end = segment.ended or now
        if segment.clock == Clock.RUNNING and end > start:
            total += working_minutes_between(calendar, max(segment.started, start), end)
    return total


def clock_views(
    ticket: Ticket, sla: SLA, calendar: BusinessCalendar, now: datetime, segments: list | None = None
) -> list[ClockView]:
    """The ticket's clocks with a target and a due time, in order first response, update, solution.

    A running clock is breached once `now` reaches its due time and in warning once the business
    time left is at most (100 - warning_percent) % of its target, the sweep's threshold. A paused
    clock's time left is its target less the running time of the timeline (`segments`, the
    ticket's TicketClockSegment rows), as it will be when the clock resumes.
    """
    clock = ticket.state.clock
    views = []
    for name in LABELS:
        minutes, due = getattr(sla, f"{name}_minutes"), getattr(ticket, f"{name}_due")
        if minutes is None or due is None:
            continue
        marks = {mark: getattr(ticket, f"{name}_{mark}") for mark in ("warned_at", "breached_at")}
        met = _met(ticket, name, clock)
        if met is not None:
            left = working_minutes_between(calendar, met, due)
            views.append(ClockView(name, due, MET if met <= due else LATE, left, met_at=met, **marks))
            continue
        if clock == Clock.PAUSED and segments:
            start = (ticket.update_clock_from if name == "update" else None) or ticket.created
            left = minutes - _running_minutes(calendar, segments, start, now)
            breached = left <= 0
        else:
            left = working_minutes_between(calendar, now, due)
            breached = now >= due
        if clock == Clock.STOPPED:
            status = STOPPED
        elif breached:
            status = BREACHED
        elif left <= minutes - math.ceil(minutes * sla.warning_percent / 100):
            status = WARNING
        else:
            status = OK
        views.append(ClockView(name, due, status, left, **marks))
    return views


def escalation_view(views: list[ClockView]) -> ClockView | None:
    """The clock the lists show: the earliest due time of the clocks still to be met."""
    return min((v for v in views if v.is_pending), key=lambda v: v.due, default=None)


@dataclass
class SlaPanel:
    """The zoom's SLA panel."""

    sla: SLA | None
    source: str | None  # the precedence level that chose the SLA (sla_source), None if it no longer does
    clock: str  # running / paused / stopped: what the ticket's state does with the clocks
    state_name: str
    clocks: list[ClockView] = field(default_factory=list)
    segments: list[TicketClockSegment] = field(default_factory=list)

    @property
    def source_label(self) -> str:
        return str(SOURCES[self.source]) if self.source else ""

    @property
    def status(self) -> str:
        """The worst status of the clocks still to be met (OK if none)."""
        pending = [v.status for v in self.clocks if v.is_pending]
        return max(pending, key=SEVERITY.__getitem__, default=OK)

    @property
    def is_paused(self) -> bool:
        return self.clock == Clock.PAUSED


def sla_panel(ticket: Ticket, now: datetime | None = None) -> SlaPanel:
    """The SLA panel of a ticket loaded by get_ticket_for_agent (queue and state with it).

    A fixed number of queries: the timeline, and with an SLA the SLA, the levels of the precedence
    not loaded with the ticket, and the calendar with its hours and holidays.
    """
    now = now or timezone.now()
    segments = list(TicketClockSegment.objects.filter(ticket=ticket).order_by("started", "id"))
    panel = SlaPanel(sla=None, source=None, clock=ticket.state.clock, state_name=ticket.state.name, segments=segments)
    if ticket.sla_id is None:
        return panel
    panel.sla, panel.source = ticket.sla, sla_source(ticket)
    calendar = calendar_for(queue=ticket.queue, sla=panel.sla)
    panel.clocks = clock_views(ticket, panel.sla, calendar, now, segments)
    return panel


def with_escalation(tickets: list[Ticket], now: datetime | None = None) -> list[Ticket]:
    """Set `ticket.escalation` (a ClockView or None) on each ticket of a list page.

    Only tickets with a running clock (escalation_at) get one. Four queries whatever the number of
    tickets, none when no ticket of the page has a running clock: the SLAs, the calendars with their
    hours and holidays, the sweep's marks. The calendar is calendar_for()'s rule over the loaded rows.
    """
    now = now or timezone.now()
    running = [t for t in tickets if t.escalation_at is not None and t.sla_id is not None]
    for ticket in tickets:
        ticket.escalation = None
    if not running:
        return tickets
    slas = SLA.objects.in_bulk({t.sla_id for t in running})
    prefetch_related_objects(running, "sla_check")
    rows = {c.pk: c for c in Calendar.objects.prefetch_related("intervals", "holidays")}
    default = next((c.pk for c in rows.values() if c.is_default), None)
    built: dict[int | None, BusinessCalendar] = {}
    for ticket in running:
        sla = slas.get(ticket.sla_id)
        if sla is None:
            continue
        calendar_id = sla.calendar_id or ticket.queue.calendar_id
        calendar_id = calendar_id if calendar_id in rows else default
        if calendar_id not in built:
            built[calendar_id] = business_calendar(rows[calendar_id]) if calendar_id is not None else TWENTY_FOUR_SEVEN
        ticket.escalation = escalation_view(clock_views(ticket, sla, built[calendar_id], now))
    return tickets
