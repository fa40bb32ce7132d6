"""A customer's reply, following the queue's policy when the ticket is already closed."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tickets import services
from tickets.errors import InvalidChange
from tickets.models import Article, Queue, State, Ticket


@dataclass
class ReplyOutcome:
    ticket: Ticket  # where the reply ended up (a new ticket under the "new ticket" policy)
    message: str


def reopen_state() -> State:
    state = State.objects.filter(is_default_reopen=True, is_active=True).first()
    if state is None:
        raise InvalidChange(_("No state is marked for reopened tickets; please contact the helpdesk."))
    return state


def customer_reply(*, ticket: Ticket, customer, body: str, attachments) -> ReplyOutcome:
    """Append the reply; reopen, open a new ticket or refuse when the ticket is closed."""
    if ticket.is_open:
        services.add_article(
            ticket=ticket, actor=customer, channel=Article.Channel.WEB, body_text=body, attachments=attachments
        )
        return ReplyOutcome(ticket, _("Your reply was added."))
    if ticket.merged_into_id:
        raise InvalidChange(_("This request was merged into another one; please reply there."))
    policy = ticket.queue.follow_up_policy
    if policy == Queue.FollowUp.REJECT:
        raise InvalidChange(
            _("This request is closed and cannot take replies any more. Please open a new request instead.")
        )
    if policy == Queue.FollowUp.NEW_TICKET:
        new = services.create_ticket(
            actor=None,
            queue=ticket.queue,
            title=ticket.title,
            customer=customer,
            author=customer,
            sender_type=Article.Sender.CUSTOMER,
            channel=Article.Channel.WEB,
            body_text=body,
            attachments=attachments,
        )
        return ReplyOutcome(
            new, _("This request was closed, so your reply opened the new request %(number)s.") % {"number": new.number}
        )
    services.add_article(
        ticket=ticket, actor=customer, channel=Article.Channel.WEB, body_text=body, attachments=attachments
    )
    services.change_state(ticket=ticket, actor=None, state=reopen_state())
    return ReplyOutcome(ticket, _("Your reply was added and the request was reopened."))


def close_state() -> State:
    state = State.objects.filter(type="closed", is_active=True).order_by("order", "pk").first()
    if state is None:
        raise InvalidChange(_("No closed state is defined; please contact the helpdesk."))
    return state
