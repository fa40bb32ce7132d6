"""Adding to the thread: articles, time accounting, splitting an article off."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F

from tickets import events
from tickets import permissions as perms
from tickets.errors import InvalidChange
from tickets.models import Article, Attachment, Ticket
from tickets.sanitize import clean_html
from tickets.services._base import bump, check_lock, load_for_change, lock_row, record, refresh
from tickets.storage import FileInput, clean_filename, store_bytes
from tickets.text import one_line

Channel = Article.Channel
Sender = Article.Sender


def parse_minutes(value, *, positive: bool = False) -> Decimal:
    """Minutes of work as a Decimal; refuses text, infinity and negative (or, if `positive`, zero) values."""
    try:
        minutes = Decimal(str(value or 0))
    except InvalidOperation:
        raise InvalidChange(f"{value!r} is not a number of minutes.") from None
    if not minutes.is_finite():
        raise InvalidChange(f"{value!r} is not a number of minutes.")
    if positive and minutes <= 0:
        raise InvalidChange("Time accounted must be more than zero minutes.")
    if minutes < 0:
        raise InvalidChange("Time accounted cannot be negative.")
    if minutes >= Decimal("100000000"):
        raise InvalidChange(f"{value!r} minutes is more than can be accounted at once.")
    return minutes


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


def write_article(
    ticket: Ticket,
    *,
    actor,
    author=None,
    channel: str,
    body_text: str = "",
    body_html: str = "",
    subject: str = "",
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
) -> Article:
    """Create the article rows on an already-locked ticket; callers hold the transaction."""
    author = author if author is not None else actor
    article = Article.objects.create(
        ticket=ticket,
        channel=channel,
        sender_type=sender_type or _sender_for(actor, author),
        is_visible_to_customer=is_visible_to_customer,
        author=author,
        from_address=from_address or (author.email if author else ""),
        to_addresses=to,
        cc_addresses=cc,
        subject=one_line(subject)[:500] or ticket.title,
        body_text=body_text,
        body_html=clean_html(body_html),
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        raw_message=store_bytes(raw_message) if raw_message else None,
        time_accounted=Decimal(str(time_minutes or 0)),
    )
    for item in attachments:
        Attachment.objects.create(
            article=article,
            stored=store_bytes(item.content),
            filename=clean_filename(item.filename),
            content_type=item.content_type or "application/octet-stream",
            size=len(item.content),
            is_inline=item.is_inline,
            content_id=item.content_id,
        )
    return article


def add_article(
    *,
    ticket: Ticket,
    actor,
    channel: str,
    body_text: str = "",
    body_html: str = "",
    subject: str = "",
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
) -> Article:
    """Append a message to the thread. Customers' articles are always visible to customers.

    Never refused for a form based on an older version: an article only adds, so two agents
    replying at once both keep their reply.
    """
    if channel not in Channel.values:
        raise InvalidChange(f"Unknown channel {channel!r}.")
    if not (body_text or body_html or attachments):
        raise InvalidChange("An article needs a text, an HTML body or an attachment.")
    time_minutes = parse_minutes(time_minutes)
    with transaction.atomic():
        fresh = lock_row(ticket)
        sender = sender_type or _sender_for(actor, author)
        if actor is not None and actor.is_customer:
            sender, is_visible_to_customer = Sender.CUSTOMER, True
            author, time_minutes = actor, 0
        _check_article_rights(fresh, actor, sender_type=sender, visible=is_visible_to_customer)
        article = write_article(
            fresh,
            actor=actor,
            author=author,
            channel=channel,
            body_text=body_text,
            body_html=body_html,
            subject=subject,
            sender_type=sender,
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
        changed = []
        if sender == Sender.AGENT and is_visible_to_customer and fresh.first_response_at is None:
            fresh.first_response_at = article.created
            changed.append("first_response_at")
        if article.time_accounted:
            fresh.time_accounted += article.time_accounted
            changed.append("time_accounted")
        bump(fresh, *changed)
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
            channel=channel,
            visible=is_visible_to_customer,
        )
    refresh(ticket, fresh)
    return article


def account_time(
    *, ticket: Ticket, actor, minutes, article: Article | None = None, expected_version: int | None = None
) -> Ticket:
    minutes = parse_minutes(minutes, positive=True)
    with transaction.atomic():
        fresh = load_for_change(ticket, actor, perms.NOTE, expected_version)
        if article is not None:
            if article.ticket_id != fresh.pk:
                raise InvalidChange("That article belongs to another ticket.")
            # F(): add to what is stored now, not to a possibly stale copy in memory.
            Article.objects.filter(pk=article.pk).update(time_accounted=F("time_accounted") + minutes)
        fresh.time_accounted += minutes
        bump(fresh, "time_accounted")
        record(fresh, actor, "time_accounted", "time_accounted", "", minutes)
        events.publish(events.TIME_ACCOUNTED, fresh, actor, minutes=str(minutes))
    refresh(ticket, fresh)
    return ticket


def split_article_to_ticket(*, article: Article, actor, queue=None, title: str = "") -> Ticket:
    """Copy one article (with its attachments) into a new ticket for the same customer and link both."""
    from tickets.services.create import create_ticket
    from tickets.services.relations import link

    source = article.ticket
    with transaction.atomic():
        fresh = load_for_change(source, actor, perms.RW, respect_lock=True)
        target_queue = queue or fresh.queue
        attachments = [
            FileInput(a.filename, _read(a.stored), a.content_type, a.is_inline, a.content_id)
            for a in article.attachments.select_related("stored")
        ]
        new = create_ticket(
            actor=actor,
            queue=target_queue,
            title=one_line(title) or article.subject or fresh.title,
            customer=fresh.customer,
            company=fresh.company,
            priority=fresh.priority,
            channel=article.channel,
            body_text=article.body_text,
            body_html=article.body_html,
            author=article.author,
            sender_type=article.sender_type,
            from_address=article.from_address,
            to=article.to_addresses,
            cc=article.cc_addresses,
            attachments=attachments,
            is_visible_to_customer=article.is_visible_to_customer,
        )
        record(fresh, actor, "split", "article", f"#{article.pk}", new.number)
        link(source=fresh, target=new, kind="parent", actor=actor)
    return new


def _read(stored) -> bytes:
    with stored.file.open("rb") as handle:
        return handle.read()
