"""The escalation sweep: SLA warnings and breaches, marked, written down and told, each once.

A ticket's `sla_check_at` is its next warning or breach (tickets/services/sla.py keeps it); the
sweep reads only the tickets whose moment has come, through the partial index on that column, and
never scans the open tickets. For each clock of such a ticket whose warning or due time has passed
it sets the clock's `*_warned_at` / `*_breached_at` mark, writes a history row, publishes an event
and mails: the owner (or, with no active owner, the queue's agents) at warning and at breach, and
the queue's escalation contacts at breach; what one sweep finds on a ticket is one mail per person,
and a person told of more than DIGEST_ABOVE tickets in one batch gets one digest instead. A breach
found before its warning was told marks both and tells the breach only. Then `sla_check_at` moves
on to the next coming event, or NULL.

No calendar arithmetic here: the recompute stores each counting clock's warning moment beside its
due time (`*_warning_due`), and the marks and the next check of a batch are one UPDATE computed
from those columns. Tickets whose due times were stored before those columns existed get them
computed once, from their timeline.

Each event once: a batch of due rows is locked (FOR UPDATE SKIP LOCKED, so two workers share the
work and a ticket being changed by a service waits for the next run) and its marks, history and
mail (stored in the outbox by Django's mail backend) are written in one transaction. A second run
finds nothing due; a worker killed mid-run loses only its uncommitted batch, which the next run
does again in full. The statements of a batch depend neither on the number of open tickets nor on
the number of due tickets or mails.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.db.models.functions import Least, NullIf
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets import events, permissions
from tickets.business_time import BusinessCalendar
from tickets.models import Queue, Ticket, TicketClockSegment, TicketHistory
from tickets.services._base import history_entry
from tickets.services.sla import CLOCKS, calendar_of, clock_moments, clocks_for, store_moments

BATCH = 2000  # per-row work is small now; bigger batches mean fewer digests per person
WARNING, BREACH = "warning", "breach"
EVENT = {WARNING: events.SLA_WARNING, BREACH: events.SLA_BREACHED}
CLOCK_NAMES = {
    "first_response": _("first response"),
    "update": _("update"),
    "solution": _("solution"),
}
LINE = {
    BREACH: _("Ticket %(number)s has breached its SLA (%(clock)s): it was due at %(due)s (%(zone)s)."),
    WARNING: _("Ticket %(number)s is close to its SLA target (%(clock)s): it is due at %(due)s (%(zone)s)."),
}
MOMENT_FIELDS = [f"{clock}_{moment}" for clock in CLOCKS for moment in ("due", "warning_due")]
NEVER = datetime(9999, 12, 31, tzinfo=UTC)  # no next check (stands for NULL inside LEAST)
DIGEST_ABOVE = 3  # a person told of more tickets than this in one batch gets one digest mail
DIGEST_LINES = 50  # the tickets a digest lists; the rest are counted
KIND_HEADER = "X-Helpdesk-Kind"  # the outbox's kind hint (mailgateway.outbox.KIND_HEADER; that app is not imported)


@dataclass
class Crossing:
    """One clock of one ticket that reached its warning or its due time."""

    ticket: Ticket
    clock: str
    kind: str  # WARNING or BREACH
    due: datetime


@dataclass
class Swept:
    """What one batch (or a whole sweep) did."""

    tickets: int = 0
    events: int = 0
    mails: int = 0
    batches: int = 0

    def add(self, other: "Swept") -> None:
        self.tickets += other.tickets
        self.events += other.events
        self.mails += other.mails
        self.batches += other.batches


class Lookups:
    """What a sweep reads once per calendar or queue, not once per ticket."""

    def __init__(self):
        self.calendars: dict[int | None, BusinessCalendar] = {}  # by calendar id (sla.calendar_of's cache)
        self.readers: dict[int, dict[int, User]] = {}  # queue id -> the agents who see it, by id
        self.contacts: dict[int, list[User]] = {}

    def load_queues(self, queues: list[Queue]) -> None:
        """The agents who see each new queue and its escalation contacts (one query for the contacts)."""
        new = {q.pk: q for q in queues if q.pk not in self.readers}
        for queue in new.values():
            agents = permissions.agents_with(permissions.RO, queue)
            self.readers[queue.pk] = {agent.pk: agent for agent in agents}
            self.contacts[queue.pk] = []
        through = Queue.escalation_contacts.through
        rows = through.objects.filter(queue_id__in=new, user__is_active=True).exclude(user__email="")
        for row in rows.select_related("user").order_by("user_id"):
            self.contacts[row.queue_id].append(row.user)

    def told(self, ticket: Ticket, crossings: list[Crossing]) -> dict[User, list[Crossing]]:
        """Who hears of a ticket's crossings, and of which: the owner (if they see the queue), or with
        no active owner the queue's agents, of each; the escalation contacts of the breaches. One
        person (by address) is told once."""
        readers = self.readers[ticket.queue_id]
        if ticket.owner_id is not None and ticket.owner.is_active:
            owner = readers.get(ticket.owner_id)  # an owner who lost the queue is not told of it
            agents = [owner] if owner is not None and owner.email else []
        else:
            agents = [a for a in readers.values() if a.email]
        breaches = [c for c in crossings if c.kind == BREACH]
        people: dict[str, tuple[User, list[Crossing]]] = {}
        for group, heard in ((agents, crossings), (self.contacts[ticket.queue_id], breaches)):
            for person in group if heard else ():
                known = people.setdefault(person.email.lower(), (person, []))[1]
                known += [c for c in heard if c not in known]
        return dict(people.values())


def sweep(*, now: datetime | None = None, size: int = BATCH) -> Swept:
    """Mark, write down and tell every warning and breach that has come by `now`, batch after batch."""
    now = now or timezone.now()
    total, lookups = Swept(), Lookups()
    while True:
        done = sweep_batch(now=now, size=size, lookups=lookups)
        if not done.tickets:
            return total
        total.add(done)


def sweep_batch(*, now: datetime, size: int = BATCH, lookups: Lookups | None = None) -> Swept:
    """One transaction: up to `size` due tickets locked, marked, their history, events and mail."""
    lookups = lookups or Lookups()
    with transaction.atomic():
        due = Ticket.objects.sla_due(now).select_for_update(skip_locked=True)
        pks = list(due.values_list("pk", flat=True)[:size])
        if not pks:
            return Swept()
        rows = Ticket.objects.filter(pk__in=pks).select_related("queue", "state", "sla", "owner")
        tickets = list(rows.order_by("pk"))
        _store_missing_moments([t for t in tickets if not _has_moments(t)], now, lookups)
        crossings = [crossing for ticket in tickets for crossing in _crossings(ticket, now)]
        _save_marks(pks, now)
        TicketHistory.objects.bulk_create(
            history_entry(c.ticket, None, EVENT[c.kind], c.clock, "", f"{timezone.localtime(c.due):%Y-%m-%d %H:%M %Z}")
            for c in crossings
        )
        lookups.load_queues(list({c.ticket.queue_id: c.ticket.queue for c in crossings}.values()))
        mails = _notify(crossings, lookups)
        for c in crossings:
            events.publish(EVENT[c.kind], c.ticket, None, clock=c.clock, due=c.due.isoformat())
    return Swept(tickets=len(tickets), events=len(crossings), mails=mails, batches=1)


def _has_moments(ticket: Ticket) -> bool:
    """Whether the recompute stored the ticket's warning moments: a ticket with a next check has a
    counting clock, so at least one of them, unless its moments predate the stored ones."""
    return any(getattr(ticket, f"{clock}_warning_due") is not None for clock in CLOCKS)


def _store_missing_moments(tickets: list[Ticket], now: datetime, lookups: Lookups) -> None:
    """Tickets whose due times were computed before the warning moments were stored (or a stale
    check time on a ticket whose clocks no longer count): compute them once, from the timeline."""
    if not tickets:
        return
    segments = defaultdict(list)
    timeline = TicketClockSegment.objects.filter(ticket_id__in=[t.pk for t in tickets])
    for segment in timeline.order_by("ticket_id", "started", "id"):
        segments[segment.ticket_id].append(segment)
    for ticket in tickets:
        moments = {}
        if ticket.sla is not None:
            calendar = calendar_of(ticket, lookups.calendars)
            moments = clock_moments(ticket, clocks_for(ticket, ticket.sla, segments[ticket.pk], now, calendar=calendar))
        store_moments(ticket, moments)
    Ticket.objects.bulk_update(tickets, MOMENT_FIELDS)


def _crossings(ticket: Ticket, now: datetime) -> list[Crossing]:
    """The clocks of the ticket whose warning or due time has come and is not marked yet, from its
    stored moments: a breach found before its warning was told is told as a breach alone."""
    crossings = []
    for clock in CLOCKS:
        warn, due = getattr(ticket, f"{clock}_warning_due"), getattr(ticket, f"{clock}_due")
        if warn is None:
            continue  # met, or the clocks are paused or stopped
        if getattr(ticket, f"{clock}_breached_at") is None and due <= now:
            crossings.append(Crossing(ticket, clock, BREACH, due))
        elif getattr(ticket, f"{clock}_warned_at") is None and warn <= now:
            crossings.append(Crossing(ticket, clock, WARNING, due))
    return crossings


def _save_marks(pks: list[int], now: datetime) -> None:
    """One UPDATE for the batch, from the stored moments: each mark whose moment has come is `now`
    (a breach marks its warning too), and sla_check_at moves to the next coming event, or NULL."""
    values, checks = {}, []
    for clock in CLOCKS:
        warned, breached = f"{clock}_warned_at", f"{clock}_breached_at"
        counts = Q(**{f"{clock}_warning_due__isnull": False})
        warn_come, due_come = Q(**{f"{clock}_warning_due__lte": now}), Q(**{f"{clock}_due__lte": now})
        values[breached] = Case(
            When(counts & Q(**{f"{breached}__isnull": True}) & due_come, then=Value(now)), default=F(breached)
        )
        values[warned] = Case(
            When(counts & Q(**{f"{warned}__isnull": True}) & (warn_come | due_come), then=Value(now)),
            default=F(warned),
        )
        checks.append(
            Case(
                When(
                    counts & Q(**{f"{warned}__isnull": True}) & ~warn_come & ~due_come,
                    then=F(f"{clock}_warning_due"),
                ),
                When(counts & Q(**{f"{breached}__isnull": True}) & ~due_come, then=F(f"{clock}_due")),
                default=Value(NEVER),
                output_field=DateTimeField(),
            )
        )
    next_check = NullIf(Least(*checks), Value(NEVER))  # NEVER, not NULL: LEAST of a NULL is NULL outside PostgreSQL
    Ticket.objects.filter(pk__in=pks).update(**values, sla_check_at=next_check)


def _notify(crossings: list[Crossing], lookups: Lookups) -> int:
    """The batch's mail, in each person's language and time zone, stored in the outbox together.

    A person told of up to DIGEST_ABOVE tickets gets one mail per ticket (a line per clock); told of
    more, one digest listing them (at most DIGEST_LINES, then "and N more") that links to the
    Escalations view: an agent flooded by hundreds of mails in a minute reads none. A breach mail
    when any of what the person hears of is a breach, else a warning mail.
    """
    by_ticket: dict[int, list[Crossing]] = defaultdict(list)
    for crossing in crossings:
        by_ticket[crossing.ticket.pk].append(crossing)
    heard_by: dict[str, tuple[User, list[list[Crossing]]]] = {}
    for told in by_ticket.values():
        for person, heard in lookups.told(told[0].ticket, told).items():
            heard_by.setdefault(person.email.lower(), (person, []))[1].append(heard)
    messages, rendered = [], {}
    for person, items in heard_by.values():
        if len(items) > DIGEST_ABOVE:
            kind = _kind_of([c for heard in items for c in heard])
            messages.append(_message(person, kind, *_render_digest(kind, items, person)))
            continue
        for heard in items:
            kind = _kind_of(heard)
            key = (heard[0].ticket.pk, tuple((c.clock, c.kind) for c in heard), person.language, person.timezone)
            if key not in rendered:
                rendered[key] = _render(kind, heard, person)
            messages.append(_message(person, kind, *rendered[key]))
    if not messages:
        return 0
    return get_connection().send_messages(messages)


def _kind_of(crossings: list[Crossing]) -> str:
    return BREACH if any(c.kind == BREACH for c in crossings) else WARNING


def _message(person: User, kind: str, subject: str, text: str, html: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
        headers={
            "Auto-Submitted": "auto-generated",
            "X-Loop": settings.HELPDESK_MAIL_LOOP_ID,
            "Precedence": "bulk",
            "X-Auto-Response-Suppress": "All",
            KIND_HEADER: f"escalation_{kind}",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _lines(crossings: list[Crossing], zone: ZoneInfo) -> list[dict]:
    """Each crossing's line, in the active language, its due time in `zone` (formatted here, not by
    the template engine: a digest has hundreds of them)."""
    return [
        {
            "breach": c.kind == BREACH,
            "clock": CLOCK_NAMES[c.clock],
            "text": str(LINE[c.kind])
            % {
                "number": c.ticket.number,
                "clock": CLOCK_NAMES[c.clock],
                "due": f"{c.due.astimezone(zone):%Y-%m-%d %H:%M}",
                "zone": zone.key,
            },
        }
        for c in crossings
    ]


def _zone(person: User):
    try:
        return ZoneInfo(person.timezone or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def _render(kind: str, crossings: list[Crossing], person: User) -> tuple[str, str, str]:
    """The mail of `kind` about one ticket's `crossings` (each a line), for `person`."""
    ticket = crossings[0].ticket
    language = person.language or settings.LANGUAGE_CODE
    zone = _zone(person)
    with translation.override(language), timezone.override(zone):  # the templates show due times in `zone`
        lines = _lines(crossings, zone)
        context = {
            "ticket": ticket,
            "language": language,
            "clock": ", ".join(str(line["clock"]) for line in lines if line["breach"] == (kind == BREACH)),
            "lines": lines,
            "zone": zone.key,
            "sla": ticket.sla,
            "ticket_url": settings.HELPDESK_BASE_URL + reverse("agent:ticket", args=[ticket.pk]),
        }
        name = f"emails/escalation_{kind}"
        subject = render_to_string(f"{name}_subject.txt", context)
        text = render_to_string(f"{name}.txt", context)
        html = render_to_string(f"{name}.html", context)
    return f"{ticket.subject_tag()} {' '.join(subject.split())}"[:500], text.strip() + "\n", html


@lru_cache(maxsize=4096)
def _ticket_path(pk: int) -> str:
    return reverse("agent:ticket", args=[pk])  # each ticket once, though several digests name it


def _render_digest(kind: str, items: list[list[Crossing]], person: User) -> tuple[str, str, str]:
    """One mail about several tickets' crossings (`items`: each ticket's), for `person`: a ticket's
    lines each, the first DIGEST_LINES tickets, then how many more, and the Escalations view."""
    language = person.language or settings.LANGUAGE_CODE
    zone = _zone(person)
    base = settings.HELPDESK_BASE_URL
    with translation.override(language), timezone.override(zone):
        shown = [
            {
                "ticket": heard[0].ticket,
                "lines": _lines(heard, zone),
                "url": base + _ticket_path(heard[0].ticket.pk),
            }
            for heard in items[:DIGEST_LINES]
        ]
        context = {
            "language": language,
            "count": len(items),
            "breaches": sum(1 for heard in items if _kind_of(heard) == BREACH),
            "items": shown,
            "more": len(items) - len(shown),
            "zone": zone.key,
            "escalated_url": base + reverse("agent:escalated"),
        }
        subject = render_to_string("emails/escalation_digest_subject.txt", context)
        text = render_to_string("emails/escalation_digest.txt", context)
        html = render_to_string("emails/escalation_digest.html", context)
    return " ".join(subject.split())[:500], text.strip() + "\n", html
