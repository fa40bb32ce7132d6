"""An agent's use cases that combine services: reply and set the next state; open a ticket.

Each is one transaction. Mail to send is handed to `deliver` (the views pass
mailgateway.outbound.queue_article) inside that transaction, so the outbox row commits with
the article and the domain does not import the mail app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from tickets.errors import ChangedMeanwhile, PermissionDenied
from tickets.message import Message
from tickets.models import Article, Queue, State, Ticket
from tickets.services.articles import add_article
from tickets.services.changes import change_state
from tickets.services.create import create_ticket
from tickets.services.seen import Seen

Deliver = Callable[[Article], object]


@dataclass(frozen=True)
class Reply:
    article: Article
    refused: ChangedMeanwhile | None = None  # the state change left out: someone else changed the state meanwhile


def reply(
    *,
    ticket: Ticket,
    actor,
    message: Message,
    next_state: State | None = None,
    pending_until: datetime | None = None,
    seen: Seen | None = None,
    deliver: Deliver | None = None,
) -> Reply:
    """Add the agent's article (sent through `deliver`), then set the state chosen with it.

    The article is always kept. The state is refused, and returned as `refused`, only when
    someone else changed it since the form showed `seen` (None: the form is too old to tell).
    """
    with transaction.atomic():
        article = add_article(ticket=ticket, actor=actor, message=message)
        if deliver is not None:
            deliver(article)
        if next_state is None:
            return Reply(article)
        if seen is None:
            refused = ChangedMeanwhile(
                _(
                    "Someone else changed this ticket since you opened the form; your change of the state was not applied."  # noqa: E501
                )
            )
            return Reply(article, refused)
        try:
            change_state(ticket=ticket, actor=actor, state=next_state, pending_until=pending_until, seen=seen)
        except ChangedMeanwhile as exc:
            return Reply(article, exc)  # the article stays; only the colliding change is left out
    return Reply(article)


def open_ticket(
    *,
    actor,
    queue: Queue,
    title: str,
    message: Message,
    customer,
    priority=None,
    category=None,
    next_state: State | None = None,
    deliver: Deliver | None = None,
) -> Ticket:
    """An agent opens a ticket (a phone call, an outbound mail) and may set its state at once."""
    if actor is not None and not actor.is_agent:
        raise PermissionDenied(f"{actor} is not an agent; customers open their requests with create_ticket.")
    with transaction.atomic():
        ticket = create_ticket(
            actor=actor,
            queue=queue,
            title=title,
            message=message,
            customer=customer,
            priority=priority,
            category=category,
        )
        if deliver is not None:  # the first mail leaves right after the commit, like a reply
            deliver(ticket.articles.order_by("id").first())
        if next_state is not None:
            change_state(ticket=ticket, actor=actor, state=next_state)
    return ticket
