"""Adding to the thread: articles (with the time written with them, tickets/services/time.py)."""

from decimal import Decimal

from django.db import transaction

from tickets import events, search
from tickets import permissions as perms
from tickets.errors import InvalidChange
from tickets.message import Message, new_message_id
from tickets.models import Article, Attachment, Ticket
from tickets.sanitize import clean_html
from tickets.services import durations, sla
from tickets.services._base import bump, check_lock, lock_row, record, refresh
from tickets.services.time import entry_for_article, parse_minutes
from tickets.storage import clean_filename, store_bytes
from tickets.text import one_line

Channel = Article.Channel
Sender = Article.Sender


def _sender_for(actor, author) -> str:
    who = author or actor
    if who is None:
        return Sender.SYSTEM
    return Sender.AGENT if who.is_agent else Sender.CUSTOMER


def _check_article_rights(ticket: Ticket, actor, *, sender_type: str, visible: bool) -> None:
    if actor is None:
        return
    if actor.is_customer:
        perms.require(actor, perms.RO, ticket)
        return
    if visible:
        # Whatever it records (a reply, a customer's call), what the customer will see needs full rights;
        # an agent's own message to the customer also respects another agent's lock.
        perms.require(actor, perms.RW, ticket)
        if sender_type == Sender.AGENT:
            check_lock(ticket, actor)
    else:
        perms.require(actor, perms.NOTE, ticket)


def write_article(ticket: Ticket, *, actor, message: Message) -> Article:
    """Create the article rows on an already-locked ticket; callers hold the transaction."""
    author = message.author if message.author is not None else actor
    sender_type = message.sender_type or _sender_for(actor, author)
    message_id = message.message_id
    if not message_id and message.channel == Channel.EMAIL and sender_type == Sender.AGENT:
        message_id = new_message_id()  # the mail that leaves with it carries it, and replies thread on it
    article = Article.objects.create(
        ticket=ticket,
        channel=message.channel,
        sender_type=sender_type,
        is_visible_to_customer=message.is_visible_to_customer,
        author=author,
        from_address=message.from_address or (author.email if author else ""),
        to_addresses=message.to,
        cc_addresses=message.cc,
        subject=one_line(message.subject)[:500] or ticket.title,
        body_text=message.body_text,
        body_html=clean_html(message.body_html),
        message_id=message_id,
        in_reply_to=message.in_reply_to,
        references=message.references,
        raw_message=store_bytes(message.raw_message) if message.raw_message else None,
        time_accounted=Decimal(str(message.time_minutes or 0)),
    )
    filenames = []
    for item in message.attachments:
        attachment = Attachment.objects.create(
            article=article,
            stored=store_bytes(item.content),
            filename=clean_filename(item.filename),
            content_type=item.content_type or "application/octet-stream",
            size=len(item.content),
            is_inline=item.is_inline,
            content_id=item.content_id,
        )
        filenames.append(attachment.filename)
    search.index_article(article, title=ticket.title, filenames=filenames)
    return article


def check_message(message: Message) -> Message:
    """Refuse a message no article can be made of; its time as a checked number of minutes."""
    if message.channel not in Channel.values:
        raise InvalidChange(f"Unknown channel {message.channel!r}.")
    if not message.has_content:
        raise InvalidChange("An article needs a text, an HTML body or an attachment.")
    return message.but(time_minutes=parse_minutes(message.time_minutes))


def add_article(*, ticket: Ticket, actor, message: Message) -> Article:
    """Append a message to the thread. Customers' articles are always visible to customers.

    Never refused for a form based on an older version: an article only adds, so two agents
    replying at once both keep their reply.
    """
    message = check_message(message)
    with transaction.atomic():
        fresh = lock_row(ticket)
        article = append(fresh, actor, message)
    refresh(ticket, fresh)
    return article


def append(fresh: Ticket, actor, message: Message) -> Article:
    """add_article on a ticket already locked by the caller's transaction (`check_message` done)."""
    sender = message.sender_type or _sender_for(actor, message.author)
    if actor is not None and actor.is_customer:
        message = message.but(is_visible_to_customer=True, author=actor, time_minutes=0)
        sender = Sender.CUSTOMER
    message = message.but(sender_type=sender)
    visible = message.is_visible_to_customer
    _check_article_rights(fresh, actor, sender_type=sender, visible=visible)
    article = write_article(fresh, actor=actor, message=message)
    changed = []
    if sender == Sender.AGENT and visible and fresh.first_response_at is None:
        fresh.first_response_at = article.created
        changed.append("first_response_at")
    changed += durations.update(fresh)
    if entry_for_article(fresh, article, actor):
        fresh.time_accounted += article.time_accounted
        changed.append("time_accounted")
    bump(fresh, *changed)
    sla.recompute_after_article(fresh, sender=sender, visible=visible)
    # The channel code, not its label: history is read in every language.
    record(fresh, actor, "article_added", "article", "", f"{article.channel} #{article.pk}")
    if article.time_accounted:
        record(fresh, actor, "time_accounted", "time_accounted", "", article.time_accounted)
    events.publish(
        events.ARTICLE_ADDED,
        fresh,
        actor,
        article_id=article.pk,
        sender_type=sender,
        channel=message.channel,
        visible=visible,
    )
    return article
