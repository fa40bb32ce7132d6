"""Who hears of the escalation sweep's warnings and breaches, and the mail they get.

The owner (or, with no active owner, the queue's agents) at warning and at breach, the queue's
escalation contacts at breach; what one batch finds on a ticket is one mail per person, and a person
told of more than DIGEST_ABOVE tickets in one batch gets one digest instead. The mail is stored in
the outbox by a worker right after the sweep's batch commits (`send_notice`, from the batch's
EscalationNotice), in each person's language and time zone.

A backlog minute can tell of thousands of tickets, so a digest's lines are formatted here, once per
ticket, language and zone, not by the template engine (a `{% for %}` over hundreds of lines per
mail was most of a sweep's time); the templates hold the frame.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from html import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets import permissions
from tickets.models import SLA, EscalationNotice, Queue, Ticket

WARNING, BREACH = "warning", "breach"
CLOCK_NAMES = {
    "first_response": _("first response"),
    "update": _("update"),
    "solution": _("solution"),
}
LINE = {
    BREACH: _("Ticket %(number)s has breached its SLA (%(clock)s): it was due at %(due)s (%(zone)s)."),
    WARNING: _("Ticket %(number)s is close to its SLA target (%(clock)s): it is due at %(due)s (%(zone)s)."),
}
DIGEST_ABOVE = 3  # a person told of more tickets than this in one batch gets one digest mail
DIGEST_LINES = 50  # the tickets a digest lists; the rest are counted
KIND_HEADER = "X-Helpdesk-Kind"  # the outbox's kind hint (mailgateway.outbox.KIND_HEADER; that app is not imported)


@dataclass(slots=True)
class DueTicket:
    """What the mail names of a ticket (a plain row, not a model instance: a backlog minute tells of
    thousands)."""

    pk: int
    number: str
    title: str
    queue_id: int
    owner_id: int | None
    owner_active: bool | None
    sla_id: int | None

    def subject_tag(self) -> str:
        return Ticket.subject_tag(self)


@dataclass(slots=True)
class Crossing:
    """One clock of one ticket that reached its warning or its due time."""

    ticket: DueTicket
    clock: str
    kind: str  # WARNING or BREACH
    due: datetime


class Lookups:
    """What the notices read once per queue or SLA, not once per ticket."""

    def __init__(self):
        self.readers: dict[int, dict[int, User]] = {}  # queue id -> the agents who see it, by id
        self.contacts: dict[int, list[User]] = {}
        self.slas: dict[int, SLA] = {}
        self.digest_items: dict[tuple, tuple[str, str]] = {}  # a ticket's digest entry, by language and zone

    def sla(self, pk: int | None) -> SLA | None:
        if pk is not None and pk not in self.slas:
            self.slas[pk] = SLA.objects.get(pk=pk)
        return self.slas.get(pk)

    def load_queues(self, pks: set[int]) -> None:
        """The agents who see each new queue and its escalation contacts (one query for the contacts)."""
        unknown = pks - self.readers.keys()
        new = {q.pk: q for q in Queue.objects.filter(pk__in=unknown)} if unknown else {}
        for queue in new.values():
            agents = permissions.agents_with(permissions.RO, queue)
            self.readers[queue.pk] = {agent.pk: agent for agent in agents}
            self.contacts[queue.pk] = []
        through = Queue.escalation_contacts.through
        rows = through.objects.filter(queue_id__in=new, user__is_active=True).exclude(user__email="")
        for row in rows.select_related("user").order_by("user_id"):
            self.contacts[row.queue_id].append(row.user)

    def told(self, ticket: DueTicket, crossings: list[Crossing]) -> dict[User, list[Crossing]]:
        """Who hears of a ticket's crossings, and of which: the owner (if they see the queue), or with
        no active owner the queue's agents, of each; the escalation contacts of the breaches. One
        person (by address) is told once."""
        readers = self.readers[ticket.queue_id]
        if ticket.owner_id is not None and ticket.owner_active:
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


def send_notice(pk: int, lookups: Lookups | None = None) -> int:
    """Tell one notice's warnings and breaches (mail stored in the outbox) and delete it, in one
    transaction; the number of mails. A notice another worker is telling, or told already, is left."""
    lookups = lookups or Lookups()
    with transaction.atomic():
        notice = EscalationNotice.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        if notice is None:
            return 0
        crossings = _crossings_of(notice)
        lookups.load_queues({c.ticket.queue_id for c in crossings})
        mails = notify(crossings, lookups)
        notice.delete()
    return mails


def send_pending(*, created_before: datetime | None = None) -> int:
    """Tell every notice (created before `created_before`: the ones whose own task did not run)."""
    notices = EscalationNotice.objects.order_by("pk")
    if created_before is not None:
        notices = notices.filter(created__lt=created_before)
    lookups = Lookups()
    return sum(send_notice(pk, lookups) for pk in notices.values_list("pk", flat=True))


def _crossings_of(notice: EscalationNotice) -> list[Crossing]:
    """The notice's crossings with what the mail names of their tickets (as they are now; a ticket
    deleted since is left out)."""
    ids = {ticket_id for ticket_id, _clock, _kind, _due in notice.crossings}
    rows = Ticket.objects.filter(pk__in=ids).values_list(
        "pk", "number", "title", "queue_id", "owner_id", "owner__is_active", "sla_id"
    )
    tickets = {row[0]: DueTicket(*row) for row in rows}
    return [
        Crossing(tickets[ticket_id], clock, kind, datetime.fromisoformat(due))
        for ticket_id, clock, kind, due in notice.crossings
        if ticket_id in tickets
    ]


def notify(crossings: list[Crossing], lookups: Lookups) -> int:
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
            messages.append(_message(person, kind, *_render_digest(kind, items, person, lookups)))
            continue
        for heard in items:
            kind = _kind_of(heard)
            key = (heard[0].ticket.pk, tuple((c.clock, c.kind) for c in heard), person.language, person.timezone)
            if key not in rendered:
                rendered[key] = _render(kind, heard, person, lookups.sla(heard[0].ticket.sla_id))
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


@lru_cache(maxsize=64)
def _phrases(language: str) -> dict:
    """The line texts and clock names in `language`, translated once per process."""
    with translation.override(language):
        return {
            "line": {kind: str(text) for kind, text in LINE.items()},
            "clock": {clock: str(name) for clock, name in CLOCK_NAMES.items()},
        }


def _lines(crossings: list[Crossing], zone: ZoneInfo) -> list[dict]:
    """Each crossing's line, in the active language, its due time in `zone`."""
    phrases = _phrases(translation.get_language() or settings.LANGUAGE_CODE)
    return [
        {
            "breach": c.kind == BREACH,
            "clock": phrases["clock"][c.clock],
            "text": phrases["line"][c.kind]
            % {
                "number": c.ticket.number,
                "clock": phrases["clock"][c.clock],
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


def _render(kind: str, crossings: list[Crossing], person: User, sla: SLA | None) -> tuple[str, str, str]:
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
            "sla": sla,
            "ticket_url": settings.HELPDESK_BASE_URL + _ticket_path(ticket.pk),
        }
        name = f"emails/escalation_{kind}"
        subject = render_to_string(f"{name}_subject.txt", context)
        text = render_to_string(f"{name}.txt", context)
        html = render_to_string(f"{name}.html", context)
    return f"{ticket.subject_tag()} {' '.join(subject.split())}"[:500], text.strip() + "\n", html


@lru_cache(maxsize=16)
def _ticket_path_pattern(language: str) -> str:
    """The agent panel's ticket path with a `{pk}` slot: reversed once per language, not once per
    ticket (a digest lists fifty; reverse() costs a few tenths of a millisecond each)."""
    marker = 987654321
    return reverse("agent:ticket", args=[marker]).replace(str(marker), "{pk}")


def _ticket_path(pk: int) -> str:
    return _ticket_path_pattern(translation.get_language() or "").format(pk=pk)


def _digest_item(heard: list[Crossing], zone: ZoneInfo, lookups: Lookups) -> tuple[str, str]:
    """One ticket's entry of a digest, as text and as HTML: its lines, its title and link. Built once
    per ticket, language and zone, though several people's digests list it."""
    ticket = heard[0].ticket
    key = (ticket.pk, tuple((c.clock, c.kind) for c in heard), translation.get_language(), zone.key)
    if key not in lookups.digest_items:
        lines = [line["text"] for line in _lines(heard, zone)]
        url = settings.HELPDESK_BASE_URL + _ticket_path(ticket.pk)
        text = "".join(f"{line}\n" for line in lines) + f"  {ticket.title}\n  {url}\n"
        html = "".join(f"<p>{escape(line)}</p>\n" for line in lines)
        html += f'<p><a href="{escape(url)}">{escape(ticket.title)}</a></p>\n'
        lookups.digest_items[key] = (text, html)
    return lookups.digest_items[key]


def _render_digest(kind: str, items: list[list[Crossing]], person: User, lookups: Lookups) -> tuple[str, str, str]:
    """One mail about several tickets' crossings (`items`: each ticket's), for `person`: a ticket's
    lines each, the first DIGEST_LINES tickets, then how many more, and the Escalations view."""
    language = person.language or settings.LANGUAGE_CODE
    zone = _zone(person)
    with translation.override(language), timezone.override(zone):
        shown = [_digest_item(heard, zone, lookups) for heard in items[:DIGEST_LINES]]
        context = {
            "language": language,
            "count": len(items),
            "breaches": sum(1 for heard in items if _kind_of(heard) == BREACH),
            "items_text": "".join(text for text, _html in shown),
            "items_html": mark_safe("".join(html for _text, html in shown)),  # every part escaped above
            "more": len(items) - len(shown),
            "zone": zone.key,
            "escalated_url": settings.HELPDESK_BASE_URL + reverse("agent:escalated"),
        }
        subject = render_to_string("emails/escalation_digest_subject.txt", context)
        text = render_to_string("emails/escalation_digest.txt", context)
        html = render_to_string("emails/escalation_digest.html", context)
    return " ".join(subject.split())[:500], text.strip() + "\n", html
