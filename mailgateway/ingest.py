"""The ingest pipeline: store the raw bytes first, then process each message in its own transaction.

A source (IMAP, Maildir, pipe) calls `receive()` for every message, which stores an
InboundMessage (idempotent per account + UIDVALIDITY + UID, or account + file name)
and processes it. Processing is one transaction: the ticket/article and the
record's new status commit together, so a crash anywhere leaves the record pending
and the next run imports it exactly once. Only `is_done` records are flagged,
moved or deleted on the server.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html

from mailgateway import authentication, batch, bounces, loops, notifications, router
from mailgateway.charsets import decode_header_value
from mailgateway.filters import apply_filters
from mailgateway.models import InboundMessage, MailAccount
from mailgateway.parse import MessageRejected, ParsedMessage, cut, message_ids, parse, read_headers
from mailgateway.router import find_or_create_sender, route, strip_tag
from mailgateway.undeliverable import mark_undeliverable
from tickets import services
from tickets.message import Message
from tickets.models import Article, Priority, Queue, Ticket
from tickets.storage import store_bytes
from tickets.text import one_line

log = logging.getLogger(__name__)
Status = InboundMessage.Status
NOT_STORED_WHOLE = "only part of this message is stored; it is never imported"


@dataclass(frozen=True)
class Partial:
    """Only part of a message could be stored (its header, or nothing): its real size and why."""

    size: int
    reason: str


def store_raw(
    raw: bytes,
    *,
    account: MailAccount | None = None,
    source: str = "pipe",
    uidvalidity: int | None = None,
    uid: int | None = None,
    source_key: str = "",
    partial: Partial | None = None,
) -> InboundMessage:
    """The ingest record for these bytes, created once; an existing one is returned as it is.

    With `partial`, `raw` is not the whole message: the record is created quarantined and not
    stored whole, in one insert, so no run (nor an admin's reprocess) can import the fragment.
    """
    lookup = {}
    if account is not None and uid is not None:
        lookup = {"account": account, "uidvalidity": uidvalidity, "uid": uid}
    elif account is not None and source_key:
        lookup = {"account": account, "source_key": source_key}
    if lookup:
        existing = InboundMessage.objects.filter(**lookup).first()
        if existing:
            return existing
    try:
        head = parse_head(raw)
    except Exception:  # the header block is only used for display here
        head = {}
    record = InboundMessage(
        account=account,
        source=source,
        uidvalidity=uidvalidity,
        uid=uid,
        source_key=source_key,
        message_id=head.get("message_id", "")[:500],
        subject=cut(head.get("subject", ""), 500),
        from_address=cut(head.get("from", ""), 500),
        sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw) if partial is None else partial.size,
        raw=store_bytes(raw),
    )
    if partial is not None:
        record.stored_whole = False
        record.status = Status.QUARANTINED
        record.error = partial.reason
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        return InboundMessage.objects.get(**lookup)
    return record


def parse_head(raw: bytes) -> dict:
    """Message-ID, subject and sender from the header block alone, for the ingest record's display."""
    headers = read_headers(raw[:65536])
    ids = message_ids((headers.get("message-id") or [""])[0])
    return {  # NUL bytes removed: PostgreSQL refuses them, and the raw bytes must be stored whatever they hold
        "message_id": (ids[0] if ids else "").replace("\x00", ""),
        "subject": decode_header_value((headers.get("subject") or [""])[0]).replace("\x00", ""),
        "from": decode_header_value((headers.get("from") or [""])[0]).replace("\x00", ""),
    }


def receive(raw: bytes, **where) -> InboundMessage:
    """Store and process one message; the record comes back as it now is in the database."""
    record = store_raw(raw, **where)
    if not record.is_done:
        record = process(record, raw=raw)
    return record


def _read_raw(record: InboundMessage) -> bytes:
    with record.raw.file.open("rb") as handle:
        return handle.read()


def process(record: InboundMessage, *, raw: bytes | None = None) -> InboundMessage:
    """Turn one stored message into a ticket or article; never raises for a bad message.

    `raw` saves reading back the bytes just stored (it must be the record's bytes). Returns the
    record with its new status; reference data comes from the current batch (or one of its own).
    """
    try:
        with batch.batch(), transaction.atomic():
            locked = InboundMessage.objects.select_for_update(of=("self",)).select_related("raw").get(pk=record.pk)
            if locked.is_done:
                return locked
            if not locked.stored_whole:
                return _finish(locked, Status.QUARANTINED, error=locked.error or NOT_STORED_WHOLE)
            if raw is None or hashlib.sha256(raw).hexdigest() != locked.sha256:
                raw = _read_raw(locked)
            try:
                parsed = parse(raw)
            except MessageRejected as exc:
                return _finish(locked, Status.QUARANTINED, error=str(exc))
            _import(locked, parsed, raw)
            return locked
    except Exception as exc:
        log.exception("mail %s failed to import", record.pk)
        attempts = record.attempts + 1
        status = Status.QUARANTINED if attempts >= settings.HELPDESK_MAIL_MAX_ATTEMPTS else Status.FAILED
        error = f"{type(exc).__name__}: {exc}"[:5000]
        InboundMessage.objects.filter(pk=record.pk).update(attempts=attempts, status=status, error=error)
        record.attempts, record.status, record.error = attempts, status, error
        return record


def _finish(record: InboundMessage, status: str, *, error: str = "", ticket=None, article=None) -> InboundMessage:
    record.status = status
    record.error = error
    record.ticket = ticket
    record.article = article
    record.processed = timezone.now()
    record.attempts += 1
    record.save()
    return record


def content_digest(parsed: ParsedMessage) -> str:
    """What two copies of one message share whichever way they came.

    Relays add Received, Delivered-To, Return-Path, DKIM/ARC, spam scores and may re-encode
    the body (8bit to quoted-printable), so the raw bytes of two copies differ. The author's
    part does not: sender, date, subject, recipients, the decoded text and HTML, the attachments.
    """
    parts = [
        parsed.from_address,
        " ".join(parsed.header("date").split()),
        parsed.subject,
        ",".join(sorted(parsed.to)),
        ",".join(sorted(parsed.cc)),
        parsed.body_text.replace("\r\n", "\n").strip(),
        parsed.body_html.strip(),
        *sorted(hashlib.sha256(a.content).hexdigest() for a in parsed.attachments),
    ]
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Earlier:
    """An earlier copy of this message (same bytes or same Message-ID) and whether its content is the same."""

    same: bool
    what: str
    ticket_id: int | None = None
    article_id: int | None = None


def _digest_of_stored(raw_file) -> str | None:
    try:
        with raw_file.file.open("rb") as handle:
            return content_digest(parse(handle.read()))
    except (MessageRejected, OSError):
        return None


def _is_duplicate(record: InboundMessage, parsed: ParsedMessage) -> Earlier | None:
    """The earlier copy this message repeats, or one whose Message-ID it reuses with other content; else None."""
    match = Q(sha256=record.sha256)
    if parsed.message_id:
        match |= Q(message_id=parsed.message_id[:500])
    earlier = list(
        InboundMessage.objects.filter(match, status=Status.IMPORTED)
        .exclude(pk=record.pk)
        .select_related("raw")
        .order_by("pk")[:20]
    )
    if not earlier and parsed.message_id:
        article = (
            Article.objects.filter(message_id=parsed.message_id, channel=Article.Channel.EMAIL)
            .select_related("raw_message")
            .order_by("pk")
            .first()
        )
        if article is not None:
            what = f"article #{article.pk}"
            digest = _digest_of_stored(article.raw_message) if article.raw_message_id else None
            same = digest == content_digest(parsed) if digest else article.body_text.strip() == parsed.body_text.strip()
            return Earlier(same=same, what=what, ticket_id=article.ticket_id, article_id=article.pk)
        return None
    for other in earlier:
        if other.sha256 == record.sha256:
            return Earlier(True, f"inbound message #{other.pk} (identical bytes)", other.ticket_id, other.article_id)
    mine = content_digest(parsed)
    for other in earlier:
        if _digest_of_stored(other.raw) == mine:
            return Earlier(True, f"inbound message #{other.pk} (same content)", other.ticket_id, other.article_id)
    first = earlier[0] if earlier else None
    return Earlier(False, f"inbound message #{first.pk}", first.ticket_id, first.article_id) if first else None


def _duplicate(record: InboundMessage, earlier: Earlier) -> None:
    ticket = Ticket.objects.filter(pk=earlier.ticket_id).first() if earlier.ticket_id else None
    article = Article.objects.filter(pk=earlier.article_id).first() if earlier.article_id else None
    error = f"duplicate of {earlier.what}" + (f", imported into ticket {ticket.number}" if ticket else "")
    _finish(record, Status.DUPLICATE, error=error, ticket=ticket, article=article)


def _reused_id_note(parsed: ParsedMessage, earlier: Earlier) -> str:
    where = Ticket.objects.filter(pk=earlier.ticket_id).values_list("number", flat=True).first()
    return (
        f"This message reuses the Message-ID {parsed.message_id} of an earlier, different message "
        f"({earlier.what}{f', ticket {where}' if where else ''}). It was filed here, not dropped as a duplicate."
    )


def _import(record: InboundMessage, parsed: ParsedMessage, raw: bytes) -> None:
    record.message_id = parsed.message_id[:500]
    record.is_auto_generated = bool(loops.never_answer(parsed))
    earlier = _is_duplicate(record, parsed)
    if earlier is not None and earlier.same:
        _duplicate(record, earlier)
        return
    reused_note = _reused_id_note(parsed, earlier) if earlier is not None else ""
    is_bounce = loops.is_bounce(parsed) or bounces.looks_like_bounce(raw, parsed.headers)
    if loops.is_our_own(parsed) and not is_bounce:
        _finish(record, Status.IGNORED, error="our own mail came back (X-Loop)")
        return
    if is_bounce:
        _import_bounce(record, parsed, raw)
        return
    verdict = apply_filters(parsed)
    if record.account is not None and record.account.is_trusted:
        apply_control_headers(parsed, verdict)
    if verdict.ignore or verdict.spam:
        _finish(record, Status.SPAM if verdict.spam else Status.IGNORED, error=", ".join(verdict.matched))
        return
    sender = find_or_create_sender(parsed)
    where = route(parsed, sender, record.account)
    message = to_message(parsed, raw, sender)
    fields = _new_ticket_fields(parsed, sender, where.queue if verdict.queue is None else verdict.queue, verdict)
    if where.ticket is None:
        ticket = services.create_ticket(actor=None, message=message, **fields)
        article = ticket.articles.order_by("id").first()
        if where.not_participant:
            _system_note(
                ticket,
                "The subject named another ticket, but the sender is not a participant of it; "
                "a new ticket was opened instead. Check before merging.",
            )
    else:
        done = services.follow_up(
            ticket=where.ticket,
            actor=None,
            message=message,
            reopen_into=batch.current().reopen_state,
            new_ticket=fields,
        )
        if done.rejected:
            _finish(
                record, Status.REJECTED, error=f"follow-up to closed ticket {done.ticket.number}", ticket=done.ticket
            )
            transaction.on_commit(lambda: notifications.follow_up_rejected(record.pk), robust=True)
            return
        ticket, article = done.ticket, done.article
    if reused_note:
        _system_note(ticket, reused_note)
    _finish(record, Status.IMPORTED, error=reused_note, ticket=ticket, article=article)


def _system_note(ticket: Ticket, text: str) -> None:
    services.add_article(
        ticket=ticket,
        actor=None,
        message=Message(
            channel=Article.Channel.NOTE,
            sender_type=Article.Sender.SYSTEM,
            is_visible_to_customer=False,
            body_text=text,
        ),
    )


def apply_control_headers(parsed: ParsedMessage, verdict) -> None:
    """X-Helpdesk-Queue / -Priority / -Ignore: honoured only for a trusted account (set by our own MTA rules)."""
    name = parsed.header("x-helpdesk-queue").strip()
    if name:
        verdict.queue = Queue.objects.filter(name=name, is_active=True).first() or verdict.queue
    level = parsed.header("x-helpdesk-priority").strip()
    if level.isdigit():
        verdict.priority = Priority.objects.filter(level=int(level)).first() or verdict.priority
    if parsed.header("x-helpdesk-ignore").strip().lower() in ("yes", "1", "true"):
        verdict.ignore = True


UNVERIFIED_NOTE = (
    "Sender not verified: this mail claims to come from the agent {address}, but no trusted receiving server "
    "vouched for it (Authentication-Results). It is kept as an internal note and was not shown to the customer."
)


def to_message(parsed: ParsedMessage, raw: bytes, sender) -> Message:
    """The parsed mail as a Message: the customer's side, an agent's own only when a trusted server vouches for it.

    Mail claiming an agent as its sender that no trusted receiving server verified is kept as an
    internal note, flagged "Sender not verified", and not shown to the customer.
    """
    notes = list(parsed.notes)
    body_html = parsed.body_html
    claims_agent = sender is not None and sender.is_agent
    unverified = claims_agent and not authentication.sender_verified(parsed)
    if unverified:
        warning = UNVERIFIED_NOTE.format(address=parsed.from_address)
        notes.insert(0, warning)
        body_html = format_html("<p><strong>[{}]</strong></p>", warning) + body_html if body_html else ""
    body_text = parsed.body_text
    if notes:
        body_text = "\n".join(f"[{n}]" for n in notes) + "\n\n" + body_text
    if not (body_text or body_html or parsed.attachments):
        body_text = "(empty message)"
    return Message(
        channel=Article.Channel.NOTE if unverified else Article.Channel.EMAIL,
        author=None if unverified else sender,
        sender_type=Article.Sender.AGENT if claims_agent and not unverified else Article.Sender.CUSTOMER,
        is_visible_to_customer=not unverified,
        subject=parsed.subject,
        body_text=body_text,
        body_html=body_html,
        from_address=parsed.from_address,
        to=", ".join(parsed.to),
        cc=", ".join(parsed.cc),
        message_id=parsed.message_id,
        in_reply_to=parsed.in_reply_to,
        references=" ".join(parsed.references),
        attachments=parsed.attachments,
        raw_message=raw,
    )


def _new_ticket_fields(parsed: ParsedMessage, sender, queue, verdict) -> dict:
    """create_ticket's arguments besides the message, for mail that opens a ticket."""
    reference = batch.current()  # the defaults the service would look up, read once per batch
    return {
        "queue": queue,
        "title": one_line(strip_tag(parsed.subject)) or "(no subject)",
        "customer": sender if sender is not None and sender.is_customer else None,
        "priority": verdict.priority or reference.priority_for(queue),
        "state": verdict.state or reference.default_state,
        "category": verdict.category,
        "tags": verdict.tags,
    }


def _import_bounce(record: InboundMessage, parsed: ParsedMessage, raw: bytes) -> None:
    """A bounce joins the ticket of the mail it returns as a system article; a failure marks the address."""
    bounce = bounces.read_bounce(raw)
    ids = [bounce.message_id, *bounce.references] if bounce else []
    ids += [parsed.original_message_id, parsed.in_reply_to, *parsed.references]
    ticket = router.ticket_for_bounce(ids, [bounce.subject if bounce else "", parsed.subject])
    if ticket is None:
        _finish(record, Status.QUARANTINED, error="bounce for no known ticket")
        return
    summary, to_mark = _bounce_summary(ticket, bounce)
    body = parsed.body_text or parsed.delivery_status or "(bounce)"
    article = services.add_article(
        ticket=ticket,
        actor=None,
        message=Message(
            channel=Article.Channel.EMAIL,
            sender_type=Article.Sender.SYSTEM,
            is_visible_to_customer=False,
            subject=parsed.subject,
            body_text=f"{summary}\n\n{body}" if summary else body,
            from_address=parsed.from_address,
            message_id=parsed.message_id,
            attachments=parsed.attachments,
            raw_message=raw,
        ),
    )
    for address in to_mark:
        mark_undeliverable(address, reason=_bounce_reason(ticket, bounce), article=article)
    _finish(record, Status.IMPORTED, error=summary, ticket=ticket, article=article)


def _bounce_reason(ticket: Ticket, bounce: bounces.Bounce) -> str:
    return f"{bounce.diagnostic or 'delivery failed'} (bounce on ticket {ticket.number})"


def _bounce_summary(ticket: Ticket, bounce: bounces.Bounce | None) -> tuple[str, list[str]]:
    """The line that opens the bounce article, and the addresses to mark undeliverable."""
    if bounce is None or not bounce.recipients:
        return "", []
    who = ", ".join(bounce.recipients)
    why = f" ({bounce.diagnostic})" if bounce.diagnostic else ""
    if bounce.is_delay:
        return f"Delivery to {who} is delayed{why}. The mail server keeps trying; the address is not marked.", []
    known = router.ticket_addresses(ticket)
    to_mark = [a for a in bounce.recipients if a in known]
    lines = [f"Delivery to {who} failed{why}."]
    if to_mark:
        lines.append(
            f"Marked undeliverable: {', '.join(to_mark)}. Automatic mail to it stops until an agent clears the mark."
        )
    strangers = [a for a in bounce.recipients if a not in known]
    if strangers:
        lines.append(f"Not marked (this ticket never wrote to it): {', '.join(strangers)}.")
    return " ".join(lines), to_mark


def retry_pending(account: MailAccount | None = None, limit: int = 500) -> int:
    """Process records left pending or failed by an earlier crash; returns how many are now done."""
    rows = InboundMessage.objects.filter(status__in=[Status.PENDING, Status.FAILED])
    if account is not None:
        rows = rows.filter(account=account)
    done = 0
    with batch.batch():
        for record in rows.order_by("pk")[:limit]:
            done += process(record).is_done
    return done
