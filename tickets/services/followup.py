"""A customer writes again on a ticket: the same rule for the web and for mail.

The message joins the ticket while it is open; a ticket waiting for the customer or pending (any
pending state type) wakes into the queue's follow-up state (tickets.pending.wake_state). A merged
ticket passes it on to the ticket it was merged into. On a closed ticket the queue's follow-up policy
decides: reopen it (into `State.objects.reopen()`), open a new ticket, or refuse (nothing is saved).
All of it is one transaction; the caller turns the outcome into its own answer (a flash message, a
rejection mail).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from tickets import permissions as perms
from tickets.errors import InvalidChange
from tickets.message import Message
from tickets.models import Article, Queue, State, Ticket
from tickets.pending import wake_state
from tickets.services._base import lock_row, refresh
from tickets.services.articles import append, check_message
from tickets.services.changes import change_state
from tickets.services.create import create_ticket

ADDED = "added"  # joined the open ticket
REOPENED = "reopened"  # joined the closed ticket and reopened it
NEW_TICKET = "new_ticket"  # opened a new ticket (policy "new")
REJECTED = "rejected"  # refused (policy "reject"): nothing was saved


@dataclass(frozen=True)
class FollowUp:
    outcome: str
    ticket: Ticket  # where the message ended up; for REJECTED, the ticket that refused it
    article: Article | None = None

    @property
    def rejected(self) -> bool:
        return self.outcome == REJECTED


def follow_up(
    *,
    ticket: Ticket,
    actor,
    message: Message,
    reopen_into: State | None = None,
    new_ticket: dict | None = None,
) -> FollowUp:
    """File a customer's message on `ticket` by the rules above.

    `actor` is the customer on the web, None for mail (the trusted system, which has checked the
    sender). `reopen_into` overrides the reopen state (the mail gateway reads it once per batch);
    `new_ticket` holds create_ticket's arguments for the "new ticket" policy (default: same queue
    and title, the ticket's customer).
    """
    message = check_message(message)
    with transaction.atomic():
        target = ticket.merge_target()
        if target.pk != ticket.pk and actor is not None and not perms.can(actor, perms.RO, target):
            raise InvalidChange(_("This request was merged into another one; please reply there."))
        fresh = lock_row(target)
        if fresh.is_open:
            article = append(fresh, actor, message)
            if fresh.state.is_pending and article.sender_type == Article.Sender.CUSTOMER:
                # Waiting for the customer, or pending: their answer wakes it.
                wake_into = wake_state(fresh.queue)
                if wake_into is not None:
                    change_state(ticket=fresh, actor=None, state=wake_into)
            refresh(target, fresh)
            return FollowUp(ADDED, target, article)
        policy = fresh.queue.follow_up_policy
        if policy == Queue.FollowUp.REJECT:
            return FollowUp(REJECTED, target)
        if policy == Queue.FollowUp.NEW_TICKET:
            return _new_ticket(fresh, actor, message, new_ticket or {})
        article = append(fresh, actor, message)
        state = reopen_into or State.objects.reopen()
        if state is not None:
            change_state(ticket=fresh, actor=None, state=state)
        refresh(target, fresh)
        return FollowUp(REOPENED, target, article)


def _new_ticket(closed: Ticket, actor, message: Message, fields: dict) -> FollowUp:
    fields = dict(fields)
    customer = fields.pop("customer") if "customer" in fields else (actor or closed.customer)
    queue = fields.pop("queue", None) or closed.queue
    title = fields.pop("title", None) or closed.title
    if actor is not None and actor.is_customer:
        # The customer files it, though the closed ticket's queue may not be open to them for new requests.
        message = message.but(author=actor, sender_type=Article.Sender.CUSTOMER, is_visible_to_customer=True)
        actor = None
    ticket = create_ticket(actor=actor, queue=queue, title=title, message=message, customer=customer, **fields)
    return FollowUp(NEW_TICKET, ticket, ticket.articles.order_by("id").first())
