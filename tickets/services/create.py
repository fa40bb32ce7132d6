"""Opening a ticket, whatever the channel."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from tickets import events, numbers
from tickets import permissions as perms
from tickets.errors import InvalidChange
from tickets.message import Message
from tickets.models import Article, Priority, Queue, State, StateType, Ticket
from tickets.services import durations, sla
from tickets.services._base import record
from tickets.services.articles import write_article
from tickets.services.relations import tag_objects
from tickets.services.time import entry_for_article, parse_minutes
from tickets.text import one_line


def default_state() -> State:
    state = State.objects.default_new()
    if state is None:
        raise InvalidChange("No state is marked as the default for new tickets.")
    return state


def default_priority(queue: Queue) -> Priority:
    if queue.default_priority_id:
        return queue.default_priority
    priority = Priority.objects.filter(is_default=True).first() or Priority.objects.order_by("level").first()
    if priority is None:
        raise InvalidChange("No priority is defined.")
    return priority


def create_ticket(
    *,
    actor,
    queue: Queue,
    title: str,
    message: Message | None = None,
    customer=None,
    company=None,
    priority: Priority | None = None,
    state: State | None = None,
    type=None,
    category=None,
    owner=None,
    responsible=None,
    tags=(),
) -> Ticket:
    """Create a ticket with its first article (the message, if it has content).

    `actor` None is the trusted system (mail gateway). The message's subject is the title.
    """
    message = message or Message()
    title = one_line(title)
    if not title:
        raise InvalidChange("A ticket needs a title.")
    perms.require_in_queue(actor, perms.CREATE, queue)
    message = message.but(time_minutes=parse_minutes(message.time_minutes))
    if actor is not None and actor.is_customer:
        # Customers file for themselves and set nothing an agent decides.
        customer, company, owner, responsible, state, type = actor, actor.company, None, None, None, None
        tags = ()
        # time accounting is the agents' work log
        message = message.but(
            author=actor, sender_type=Article.Sender.CUSTOMER, is_visible_to_customer=True, time_minutes=0
        )
    if customer is not None and company is None:
        company = customer.company
    if owner is not None:
        perms.require_in_queue(owner, perms.OWNER, queue)
    if message.author is None:
        message = message.but(author=customer if actor is None else actor)
    with transaction.atomic():
        fields = {
            "title": Truncator(title).chars(255),  # a cut is marked with an ellipsis
            "queue": queue,
            "state": state or default_state(),
            "priority": priority or default_priority(queue),
            "type": type,
            "category": category,
            "customer": customer,
            "company": company,
            "owner": owner,
            "responsible": responsible,
            "channel": message.channel,
        }
        ticket = numbers.create_numbered(lambda number: Ticket.objects.create(number=number, **fields))
        if ticket.state.type == StateType.CLOSED:
            ticket.closed_at = timezone.now()
            ticket.save(update_fields=["closed_at", *durations.update(ticket)])
        if tags:
            ticket.tags.add(*tag_objects(tags))
        record(ticket, actor, "ticket_created", "queue", "", queue.name)
        article = None
        if message.has_content:
            article = write_article(ticket, actor=actor, message=message.but(subject=title))
            if entry_for_article(ticket, article, actor):
                ticket.time_accounted = article.time_accounted
                ticket.save(update_fields=["time_accounted"])
        sla.recompute(ticket, event=sla.CREATED)
        events.publish(
            events.TICKET_CREATED,
            ticket,
            actor,
            channel=message.channel,
            article_id=article.pk if article else None,
        )
    return ticket
