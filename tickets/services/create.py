"""Opening a ticket, whatever the channel."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from tickets import events, numbers
from tickets import permissions as perms
from tickets.errors import InvalidChange
from tickets.models import Article, Priority, Queue, State, StateType, Ticket
from tickets.services._base import record
from tickets.services.articles import parse_minutes, write_article
from tickets.services.relations import tag_objects
from tickets.storage import FileInput
from tickets.text import one_line


def default_state() -> State:
    state = State.objects.filter(is_default_new=True, is_active=True).first()
    state = state or State.objects.filter(type=StateType.NEW, is_active=True).first()
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
    channel: str = Article.Channel.WEB,
    body_text: str = "",
    body_html: str = "",
    customer=None,
    company=None,
    priority: Priority | None = None,
    state: State | None = None,
    type=None,
    category=None,
    owner=None,
    responsible=None,
    tags=(),
    author=None,
    sender_type: str | None = None,
    is_visible_to_customer: bool = True,
    from_address: str = "",
    to: str = "",
    cc: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    references: str = "",
    attachments: list[FileInput] = (),
    time_minutes=0,
    raw_message: bytes | None = None,
) -> Ticket:
    """Create a ticket with its first article. `actor` None is the trusted system (mail gateway)."""
    title = one_line(title)
    if not title:
        raise InvalidChange("A ticket needs a title.")
    perms.require_in_queue(actor, perms.CREATE, queue)
    time_minutes = parse_minutes(time_minutes)
    if actor is not None and actor.is_customer:
        # Customers file for themselves and set nothing an agent decides.
        customer, company, owner, responsible, state, type = actor, actor.company, None, None, None, None
        tags = ()
        author, sender_type, is_visible_to_customer = actor, Article.Sender.CUSTOMER, True
        time_minutes = 0  # time accounting is the agents' work log
    if customer is not None and company is None:
        company = customer.company
    if owner is not None:
        perms.require_in_queue(owner, perms.OWNER, queue)
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
            "sla": queue.sla,
        }
        ticket = numbers.create_numbered(lambda number: Ticket.objects.create(number=number, **fields))
        if ticket.state.type == StateType.CLOSED:
            ticket.closed_at = timezone.now()
            ticket.save(update_fields=["closed_at"])
        if tags:
            ticket.tags.add(*tag_objects(tags))
        record(ticket, actor, "ticket_created", "queue", "", queue.name)
        article = None
        if body_text or body_html or attachments:
            article = write_article(
                ticket,
                actor=actor,
                author=author if author is not None else (customer if actor is None else actor),
                channel=channel,
                body_text=body_text,
                body_html=body_html,
                subject=title,
                sender_type=sender_type,
                is_visible_to_customer=is_visible_to_customer,
                from_address=from_address,
                to=to,
                cc=cc,
                message_id=message_id,
                in_reply_to=in_reply_to,
                references=references,
                attachments=attachments,
                time_minutes=time_minutes,
                raw_message=raw_message,
            )
            if article.time_accounted:
                ticket.time_accounted = article.time_accounted
                ticket.save(update_fields=["time_accounted"])
        events.publish(
            events.TICKET_CREATED, ticket, actor, channel=channel, article_id=article.pk if article else None
        )
    return ticket
