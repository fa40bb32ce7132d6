"""The demo tickets' SLA clocks, after they were backdated.

The services computed each ticket's due times at the moment it was made (now); the demo then spread
its articles and history over the past. `settle()` gives the ticket the clock timeline of that past
(from its state changes), the update clock's restart at its last customer article or visible agent
reply, recomputes the due times through tickets.services.sla as of the demo's `now`, and sets the
warning / breach marks the escalation sweep would have set by then (so the sweep does not notify the
demo's made-up people about months of history at the first `make run`).
"""

from datetime import datetime, timedelta

from django.db.models import Q

from tickets.business_time import BusinessCalendar, working_minutes_between
from tickets.calendars import calendar_for
from tickets.models import Article, Clock, State, Ticket, TicketClockSegment, TicketHistory
from tickets.services import sla as sla_service
from tickets.sla_display import BREACHED, WARNING, clock_views

# Ticket number i -> how far its first response clock has run (share of the target) at loading time:
# a few tickets in warning and a few breached, whatever the day and hour the demo is loaded.
SHOWCASE = {3: 0.85, 17: 0.85, 77: 0.85, 151: 0.85, 8: 1.5, 26: 1.5, 98: 1.5, 203: 1.5}


def business_minutes_before(calendar: BusinessCalendar, end: datetime, minutes: int) -> datetime:
    """A moment from which `minutes` working minutes have passed by `end` (to the half minute)."""
    early, late = end - timedelta(days=366), end
    while late - early > timedelta(seconds=30):
        middle = early + (late - early) / 2
        if working_minutes_between(calendar, middle, end) >= minutes:
            early = middle
        else:
            late = middle
    return early


def started_for(ticket_id: int, share: float, now: datetime) -> datetime | None:
    """When the ticket must have been created for its first response clock to have run `share` of its
    target by `now` (None without an SLA or a first response target)."""
    ticket = Ticket.objects.select_related("queue", "sla").get(pk=ticket_id)
    sla = ticket.sla
    if sla is None or not sla.first_response_minutes:
        return None
    calendar = calendar_for(queue=ticket.queue, sla=sla)
    return business_minutes_before(calendar, now, max(round(sla.first_response_minutes * share), 1))


def _timeline(ticket: Ticket, states: dict[str, State]) -> list[TicketClockSegment]:
    """Running from the creation; then a segment for each state change that changes what the clock does."""
    segments = [TicketClockSegment(ticket=ticket, clock=Clock.RUNNING, started=ticket.created, reason="new")]
    changes = TicketHistory.objects.filter(ticket=ticket, event="state_changed").order_by("created", "id")
    moments = [(row.created, states.get(row.new_value)) for row in changes]
    moments.append((ticket.updated, ticket.state))
    for when, state in moments:
        if state is None or state.clock == segments[-1].clock:
            continue
        when = max(when, segments[-1].started)
        segments[-1].ended = when
        segments.append(TicketClockSegment(ticket=ticket, clock=state.clock, started=when, reason=state.name))
    return segments


def _update_clock_from(ticket: Ticket) -> datetime:
    """The last customer article or customer-visible agent reply restarted the update clock."""
    restarts = Q(sender_type=Article.Sender.CUSTOMER) | Q(sender_type=Article.Sender.AGENT, is_visible_to_customer=True)
    last = Article.objects.filter(restarts, ticket=ticket).order_by("-created").values_list("created", flat=True)
    return max(last[0], ticket.created) if last else ticket.created


def settle(ticket_id: int, now: datetime, states: dict[str, State]) -> Ticket:
    """Recompute a backdated demo ticket's clocks as of `now`, with the sweep's marks; returns it."""
    ticket = Ticket.objects.select_related("queue", "state", "sla").get(pk=ticket_id)
    TicketClockSegment.objects.filter(ticket=ticket).delete()
    TicketClockSegment.objects.bulk_create(_timeline(ticket, states))
    ticket.update_clock_from = _update_clock_from(ticket)
    ticket.save(update_fields=["update_clock_from"])
    sla_service.recompute(ticket, event=sla_service.SLA_CHANGED, now=now)
    if ticket.sla is None or ticket.state.clock != Clock.RUNNING:
        return ticket
    calendar = calendar_for(queue=ticket.queue, sla=ticket.sla)
    check = sla_service.check_of(ticket)  # the marks the recompute below keeps
    marked = False
    for view in clock_views(ticket, ticket.sla, calendar, now):
        if view.status in (WARNING, BREACHED):
            setattr(check, f"{view.name}_warned_at", now if view.status == WARNING else view.due)
            marked = True
        if view.status == BREACHED:
            setattr(check, f"{view.name}_breached_at", view.due)
    if marked:  # the next check moves on from the warnings and breaches already marked
        sla_service.recompute(ticket, event=sla_service.SLA_CHANGED, now=now)
    return ticket
