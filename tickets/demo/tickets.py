"""A few hundred demo tickets, made through tickets.services like real ones, then backdated.

Ticket i is built from its own seeded random generator, so the data is the same on every
installation, and its first article carries the Message-ID `<demo-i@demo.helpdesk.test>`:
a ticket whose id is already present is skipped, which makes loading idempotent.
"""

import contextlib
import random
from datetime import datetime, timedelta

from django.utils import timezone

from tickets import events, services
from tickets import permissions as perms
from tickets.demo import clocks
from tickets.demo.setup import DOMAIN, Cast
from tickets.demo.texts import BY_LANGUAGE, SCENARIO_ROUTING
from tickets.message import Message
from tickets.models import (
    Article,
    Category,
    Clock,
    CustomField,
    Priority,
    State,
    Ticket,
    TicketHistory,
    TicketType,
    TimeEntry,
)
from tickets.storage import FileInput

SEED = "helpdesk-demo-1"
TICKETS = 300
DAYS = 90
# A 1x1 PNG: the "screenshot" some customers attach.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082"
)


def demo_id(i: int) -> str:
    return f"<demo-{i:04d}@{DOMAIN}>"


@contextlib.contextmanager
def quiet_events():
    """No acknowledgements or notifications to the demo's made-up addresses while loading."""
    with events.muted():
        yield


class Vocabulary:
    def __init__(self):
        self.states = {s.name: s for s in State.objects.all()}
        self.priorities = list(Priority.objects.order_by("level"))
        self.types = list(TicketType.objects.filter(is_active=True))
        self.categories = {
            (c.parent.name, c.name): c for c in Category.objects.filter(parent__isnull=False).select_related("parent")
        }
        self.asset_tag = CustomField.objects.get(name="asset-tag")
        self.impact = CustomField.objects.get(name="impact")


def ticket_of(i: int) -> Ticket | None:
    article = Article.objects.filter(message_id=demo_id(i)).select_related("ticket").first()
    return article.ticket if article else None


def load_tickets(cast: Cast, count: int = TICKETS) -> int:
    """Create the demo tickets that are missing; return how many were created."""
    present = set(Article.objects.filter(message_id__startswith="<demo-").values_list("message_id", flat=True))
    vocabulary = Vocabulary()
    workers = [a for a in cast.agents.values() if not a.is_superuser and a.username != "manager"]
    handlers = {name: [a for a in workers if perms.can_in_queue(a, perms.RW, q)] for name, q in cast.queues.items()}
    now = timezone.now()
    created = 0
    for i in range(count):
        if demo_id(i) not in present:
            TicketBuilder(i, cast, vocabulary, handlers, now).build()
            created += 1
    return created


class TicketBuilder:
    def __init__(self, i, cast: Cast, vocabulary: Vocabulary, handlers, now: datetime):
        self.i, self.cast, self.vocabulary, self.handlers, self.now = i, cast, vocabulary, handlers, now
        self.rng = random.Random(f"{SEED}-{i}")
        self.manager = cast.agents["manager"]

    def build(self) -> Ticket:
        rng, i = self.rng, self.i
        previous = ticket_of(i - 1) if i % 40 == 13 else None
        customer = previous.customer if previous else rng.choice(self.cast.customers)
        self.texts = BY_LANGUAGE[customer.language]
        key = rng.choice(sorted(self.texts.SCENARIOS))
        subject, body, reply = self.texts.SCENARIOS[key]
        queue_name, category, tags = SCENARIO_ROUTING[key]
        if i % 23 == 0:
            queue_name = "Postmaster"  # mail to an address no queue claims
        queue = self.cast.queues[queue_name]
        start = self.now - timedelta(days=rng.uniform(0, DAYS), minutes=rng.randint(0, 600))
        if previous:
            subject, body = previous.title, self.texts.REMINDER
            start = min(previous.created + timedelta(hours=3), self.now)
        self.customer, self.queue = customer, queue
        self.handler = rng.choice(self.handlers[queue.name])
        ticket = self.create(subject, body, tags, category)
        if previous:
            self.backdate(ticket, start, closing=False)
            services.merge(source=ticket, target=previous, actor=self.manager)
            return clocks.settle(ticket.pk, self.now, self.vocabulary.states)
        if i in clocks.SHOWCASE:
            return self.showcase(ticket, clocks.SHOWCASE[i])
        if queue.name == "1st level" and rng.random() < 0.2:
            services.move_queue(ticket=ticket, actor=self.handler, queue=self.cast.queues["2nd level"])
            self.queue = ticket.queue
            self.handler = rng.choice(self.handlers["2nd level"])
        n_articles = rng.choices([1, 2, 3, 4, 5, 6], weights=[3, 4, 4, 3, 2, 1])[0]
        age_days = (self.now - start).days
        closing = n_articles > 1 and rng.random() < (0.85 if age_days > 21 else 0.35)
        if n_articles > 1 or rng.random() < 0.4:
            services.assign_owner(ticket=ticket, actor=self.handler, owner=self.handler)
        self.thread(ticket, n_articles, reply, closing)
        self.extras(ticket, key)
        state = self.set_state(ticket, n_articles, closing)
        if state.is_open and state.clock == Clock.RUNNING:
            # The current work, well within its SLA (the showcase tickets are the ones in warning or breached):
            # its first response clock has run 10-60 % of its target, every other clock less.
            start = clocks.started_for(ticket.pk, rng.uniform(0.1, 0.6), self.now) or start
        self.backdate(ticket, start, closing)
        self.relate(ticket)
        return clocks.settle(ticket.pk, self.now, self.vocabulary.states)

    def showcase(self, ticket: Ticket, share: float) -> Ticket:
        """A new ticket whose first response clock has run `share` of its target by now (warning, breached)."""
        services.assign_owner(ticket=ticket, actor=self.handler, owner=self.handler)
        start = clocks.started_for(ticket.pk, share, self.now)
        self.backdate(ticket, start or self.now - timedelta(hours=1), closing=False)
        return clocks.settle(ticket.pk, self.now, self.vocabulary.states)

    def create(self, subject, body, tags, category) -> Ticket:
        rng, customer, queue = self.rng, self.customer, self.queue
        channel = "email" if queue.name == "Postmaster" else rng.choices(["email", "web", "phone"], [5, 3, 2])[0]
        if channel == "web" and not queue.customer_selectable:
            channel = "email"
        message = Message(
            body_text=f"{body}\n\n{self.texts.SIGN_OFF}\n{customer.display_name()}", message_id=demo_id(self.i)
        )
        common = {
            "queue": queue,
            "title": subject,
            "customer": customer,
            "priority": rng.choices(self.vocabulary.priorities, weights=[1, 3, 10, 4, 1])[0],
            "category": self.vocabulary.categories[category],
        }
        ticket_type = rng.choice(self.vocabulary.types)
        if channel == "web":
            ticket = services.create_ticket(actor=customer, message=message.but(channel="web"), **common)
            services.set_type(ticket=ticket, actor=self.handler, type=ticket_type)
            services.tag(ticket=ticket, actor=self.handler, names=tags)
            return ticket
        if channel == "phone":
            return services.create_ticket(
                actor=self.handler,
                message=message.but(channel="phone", author=customer, sender_type=Article.Sender.CUSTOMER),
                type=ticket_type,
                tags=tags,
                **common,
            )
        return services.create_ticket(
            actor=None,
            message=message.but(
                channel="email",
                from_address=f'"{customer.display_name()}" <{customer.email}>',
                to=queue.sender_address,
            ),
            type=ticket_type,
            tags=tags,
            **common,
        )

    def thread(self, ticket: Ticket, n_articles: int, first_reply: str, closing: bool) -> None:
        rng, texts = self.rng, self.texts
        for k in range(1, n_articles):
            last = k == n_articles - 1
            if k % 2 == 1 and rng.random() < 0.25:
                services.add_article(
                    ticket=ticket,
                    actor=self.handler,
                    message=Message(
                        channel=Article.Channel.NOTE,
                        body_text=rng.choice(texts.NOTES),
                        is_visible_to_customer=False,
                        time_minutes=rng.choice([5, 10, 15, 30]),
                    ),
                )
            elif k % 2 == 1:
                text = first_reply if k == 1 else rng.choice(texts.AGENT_REPLIES)
                services.add_article(
                    ticket=ticket,
                    actor=self.handler,
                    message=Message(
                        channel=Article.Channel.EMAIL,
                        body_text=f"{text}\n\n{texts.SIGN_OFF}\n{self.handler.display_name()}",
                        subject=f"RE: {ticket.subject_tag()} {ticket.title}",
                        from_address=self.queue.sender_address,
                        to=self.customer.email,
                        time_minutes=rng.choice([0, 0, 5, 10]),
                    ),
                )
            else:
                text = rng.choice(texts.THANKS) if last and closing else rng.choice(texts.FOLLOW_UPS)
                attach = [FileInput("screenshot.png", PNG, "image/png")] if rng.random() < 0.15 else []
                services.add_article(
                    ticket=ticket,
                    actor=None,
                    message=Message(
                        author=self.customer,
                        channel=Article.Channel.EMAIL,
                        sender_type=Article.Sender.CUSTOMER,
                        body_text=f"{text}\n\n{self.customer.display_name()}",
                        subject=f"RE: {ticket.subject_tag()} {ticket.title}",
                        from_address=self.customer.email,
                        to=self.queue.sender_address,
                        attachments=attach,
                    ),
                )

    def extras(self, ticket: Ticket, key: str) -> None:
        rng, vocabulary = self.rng, self.vocabulary
        if key in ("printer", "laptop"):
            tag = f"NB-{rng.randint(1000, 9999)}"
            services.set_custom_field(ticket=ticket, actor=self.handler, field=vocabulary.asset_tag, value=tag)
        if rng.random() < 0.3:
            impact = rng.choice(["low", "medium", "high"])
            services.set_custom_field(ticket=ticket, actor=self.handler, field=vocabulary.impact, value=impact)
        if rng.random() < 0.2:
            services.account_time(ticket=ticket, actor=self.handler, minutes=rng.choice([10, 15, 30, 45]))
        if rng.random() < 0.1:
            services.watch(ticket=ticket, actor=self.manager)
        if rng.random() < 0.1:
            services.tag(ticket=ticket, actor=self.handler, names=[rng.choice(["urgent", "vip", "follow-up"])])

    def set_state(self, ticket: Ticket, n_articles: int, closing: bool) -> State:
        rng, states = self.rng, self.vocabulary.states
        if self.queue.name == "Postmaster" and n_articles == 1 and rng.random() < 0.5:
            name = "rejected as spam"
        elif closing:
            name = "closed successful" if rng.random() < 0.9 else "closed unsuccessful"
        elif n_articles == 1:
            name = rng.choice(["new", "new", "open"])
        else:
            name = rng.choice(["open", "open", "waiting for customer", "waiting for us", "pending reminder"])
        state = states[name]
        pending = self.now + timedelta(days=rng.randint(1, 10)) if state.is_pending else None
        if name != "new":
            services.change_state(ticket=ticket, actor=self.handler, state=state, pending_until=pending)
        if state.is_open and ticket.owner_id == self.handler.pk and rng.random() < 0.3:
            services.lock(ticket=ticket, actor=self.handler)
        return state

    def relate(self, ticket: Ticket) -> None:
        kind = "related" if self.i % 25 == 5 else "parent" if self.i % 50 == 30 else None
        other = ticket_of(self.i - 3) if kind else None
        if other is not None and other.pk != ticket.pk:
            services.link(source=ticket, target=other, kind=kind, actor=self.manager)

    def backdate(self, ticket: Ticket, start: datetime, closing: bool) -> None:
        """Spread the ticket over its past: articles hours apart, history in between, never in the future."""
        articles = list(Article.objects.filter(ticket=ticket).order_by("id"))
        gaps = [timedelta(hours=self.rng.uniform(0.3, 30)) for _ in articles[1:]]
        room = (self.now - timedelta(minutes=5)) - start
        total = sum(gaps, timedelta())
        if total > room:
            gaps = [g * max(room / total, 0) for g in gaps]
        moment, times = start, [start]
        for gap in gaps:
            moment += gap
            times.append(moment)
        for article, when in zip(articles, times, strict=True):
            article.created = when
        Article.objects.bulk_update(articles, ["created"])
        end = min(times[-1] + timedelta(minutes=self.rng.randint(1, 30)), self.now)
        # Time entries follow their articles' days; time accounted on the ticket alone, its last day.
        days = {a.pk: timezone.localtime(a.created).date() for a in articles}
        entries = list(TimeEntry.objects.filter(ticket=ticket))
        for entry in entries:
            entry.worked_on = days.get(entry.article_id) or timezone.localtime(end).date()
        TimeEntry.objects.bulk_update(entries, ["worked_on"])
        history = list(TicketHistory.objects.filter(ticket=ticket).order_by("id"))
        for k, row in enumerate(history):
            row.created = start + (end - start) * (k / max(len(history) - 1, 1))
        TicketHistory.objects.bulk_update(history, ["created"])
        agent_replies = [a.created for a in articles if a.sender_type == "agent" and a.is_visible_to_customer]
        ticket.refresh_from_db()
        Ticket.objects.filter(pk=ticket.pk).update(
            created=start,
            updated=end,
            first_response_at=agent_replies[0] if agent_replies else None,
            closed_at=end if ticket.closed_at else None,
            locked_at=end if ticket.is_locked else None,
        )
        ticket.refresh_from_db()
