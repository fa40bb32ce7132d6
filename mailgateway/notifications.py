"""Who hears about what: acknowledgements and customer notices, and agents' notifications.

Each message is three templates in templates/emails/ (<kind>_subject.txt, <kind>.txt,
<kind>.html), rendered in the recipient's language; an administrator may override
them per queue and language (EmailTemplate in admin).
"""

import logging
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Q
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from accounts.models import User
from mailgateway import outbound
from mailgateway.models import EmailTemplate, InboundMessage
from tickets import permissions as perms
from tickets.customer_access import rating_url, ticket_status_url
from tickets.models import Article, Ticket

log = logging.getLogger(__name__)


def _override(kind: str, queue, language: str) -> EmailTemplate | None:
    rows = EmailTemplate.objects.filter(kind=kind).filter(Q(queue=queue) | Q(queue__isnull=True))
    rows = rows.filter(Q(language=language) | Q(language=""))
    # Most specific first: this queue before every queue, this language before any.
    return sorted(rows, key=lambda r: (r.queue_id is None, r.language == ""))[0] if rows else None


def render(kind: str, *, ticket: Ticket, language: str, **context) -> tuple[str, str, str]:
    """(subject, text, html) of one message."""
    language = language or settings.LANGUAGE_CODE
    context = {"ticket": ticket, "language": language, **context}
    with translation.override(language):
        custom = _override(kind, ticket.queue, language)
        if custom is not None:
            ctx = Context(context, autoescape=False)
            subject = Template(custom.subject).render(ctx)
            text = Template(custom.body_text).render(ctx)
            html = Template(custom.body_html).render(Context(context)) if custom.body_html else ""
        else:
            subject = render_to_string(f"emails/{kind}_subject.txt", context)
            text = render_to_string(f"emails/{kind}.txt", context)
            html = render_to_string(f"emails/{kind}.html", context)
    subject = " ".join(subject.split())
    return f"{ticket.subject_tag()} {subject}"[:500], text.strip() + "\n", html


def _ticket_url(ticket: Ticket) -> str:
    for name in ("agent:ticket", "agent:ticket_detail"):
        try:
            return settings.HELPDESK_BASE_URL + reverse(name, args=[ticket.pk])
        except NoReverseMatch:
            continue
    return f"{settings.HELPDESK_BASE_URL}/agent/tickets/{ticket.pk}/"


def _load(ticket_id: int) -> Ticket | None:
    return Ticket.objects.select_related("queue", "state", "customer", "owner").filter(pk=ticket_id).first()


def _customer_may_hear(ticket: Ticket, article_id: int | None = None) -> bool:
    """Not when the mail that opened or followed up the ticket was automatic (loop protection)."""
    if not (ticket.customer_id and ticket.customer.email and ticket.customer.is_active):
        return False
    if article_id:
        inbound = InboundMessage.objects.filter(article_id=article_id).first()
        if inbound is not None and inbound.is_auto_generated:
            return False
    return True


def _send_customer(kind: str, ticket: Ticket, *, in_reply_to: str = "", **context) -> bool:
    customer = ticket.customer
    subject, text, html = render(kind, ticket=ticket, language=customer.language, **context)
    return outbound.send_auto(
        kind=kind,
        to=customer.email,
        subject=subject,
        text=text,
        html=html,
        from_email=f"{ticket.queue.name} <{ticket.queue.sender_address}>",
        ticket=ticket,
        in_reply_to=in_reply_to,
    )


# --- customers -------------------------------------------------------------------------------


def acknowledge(ticket_id: int, article_id: int | None) -> bool:
    ticket = _load(ticket_id)
    if ticket is None or not ticket.queue.auto_response_enabled or not _customer_may_hear(ticket, article_id):
        return False
    article = Article.objects.filter(pk=article_id).first() if article_id else None
    if article is not None and article.sender_type != Article.Sender.CUSTOMER:
        return False  # an agent opened it on the customer's behalf and answers themselves
    return _send_customer(
        "acknowledgement",
        ticket,
        in_reply_to=article.message_id if article else "",
        status_url=ticket_status_url(ticket, ticket.customer.email),
        custom_text=ticket.queue.auto_response_template,
    )


def state_changed(ticket_id: int, actor_id: int | None) -> bool:
    ticket = _load(ticket_id)
    if ticket is None or not _customer_may_hear(ticket) or actor_id == ticket.customer_id:
        return False
    if ticket.state.type == "closed":
        return _send_customer("ticket_closed", ticket, rating_url=rating_url(ticket))
    if ticket.state.type in ("merged", "removed"):
        return False
    return _send_customer("state_changed", ticket)


def agent_replied(ticket_id: int, article_id: int) -> bool:
    """A visible agent answer that is not itself an email (web, phone): tell the customer."""
    ticket = _load(ticket_id)
    article = Article.objects.filter(pk=article_id).first()
    if ticket is None or article is None or not _customer_may_hear(ticket):
        return False
    return _send_customer("agent_reply", ticket, article=article)


def follow_up_rejected(inbound_id: int) -> bool:
    inbound = InboundMessage.objects.select_related("ticket__queue").filter(pk=inbound_id).first()
    if inbound is None or inbound.ticket is None or inbound.is_auto_generated:
        return False
    ticket = inbound.ticket
    address = inbound.from_address
    address = parseaddr(address)[1]
    user = User.objects.filter(email__iexact=address).first()
    subject, text, html = render(
        "follow_up_rejected", ticket=ticket, language=getattr(user, "language", "") or settings.LANGUAGE_CODE
    )
    return outbound.send_auto(
        kind="follow_up_rejected",
        to=address,
        subject=subject,
        text=text,
        html=html,
        from_email=ticket.queue.sender_address,
        ticket=ticket,
        in_reply_to=inbound.message_id,
    )


# --- agents ----------------------------------------------------------------------------------


def agents_of_queue(ticket: Ticket, preference: str):
    """The agents who see `ticket` and asked for this kind of notice (`preference`: a User flag)."""
    return list(perms.agents_with(perms.RO, ticket.queue).filter(**{preference: True}).exclude(email=""))


def _send_agent(kind: str, agent: User, ticket: Ticket, **context) -> bool:
    subject, text, html = render(
        kind, ticket=ticket, language=agent.language, ticket_url=_ticket_url(ticket), **context
    )
    return outbound.send_auto(
        kind=kind,
        to=agent.email,
        subject=subject,
        text=text,
        html=html,
        ticket=ticket,
        auto="auto-generated",
        capped=False,
    )


def agents_new_ticket(ticket_id: int, actor_id: int | None, article_id: int | None) -> int:
    ticket = _load(ticket_id)
    if ticket is None:
        return 0
    article = Article.objects.filter(pk=article_id).first() if article_id else None
    agents = [a for a in agents_of_queue(ticket, "notify_new_ticket") if a.pk != actor_id]
    return sum(_send_agent("agent_new_ticket", a, ticket, article=article) for a in agents)


def agents_follow_up(ticket_id: int, article_id: int) -> int:
    """A customer wrote again: the owner hears of it; with no owner, the queue's agents."""
    ticket = _load(ticket_id)
    article = Article.objects.filter(pk=article_id).first()
    if ticket is None or article is None:
        return 0
    owner = ticket.owner
    if owner is not None and owner.is_active:
        agents = [owner] if owner.notify_follow_up and owner.email and perms.can(owner, perms.RO, ticket) else []
    else:
        agents = agents_of_queue(ticket, "notify_follow_up")
    return sum(_send_agent("agent_follow_up", a, ticket, article=article) for a in agents)


def agent_assigned(ticket_id: int, actor_id: int | None) -> bool:
    ticket = _load(ticket_id)
    if ticket is None or ticket.owner is None or ticket.owner_id == actor_id:
        return False
    owner = ticket.owner
    if not (owner.is_active and owner.notify_assigned and owner.email and perms.can(owner, perms.RO, ticket)):
        return False
    return _send_agent("agent_assigned", owner, ticket)


def agent_reminder(ticket_id: int) -> int:
    """A pending reminder is due: the owner hears of it; with no (active) owner, the queue's agents."""
    ticket = _load(ticket_id)
    if ticket is None:
        return 0
    owner = ticket.owner
    if owner is not None and owner.is_active:
        wanted = owner.notify_reminder and owner.email and perms.can(owner, perms.RO, ticket)
        agents = [owner] if wanted else []
    else:
        agents = agents_of_queue(ticket, "notify_reminder")
    return sum(_send_agent("agent_reminder", a, ticket) for a in agents)
