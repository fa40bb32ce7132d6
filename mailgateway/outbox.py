"""The outbox: every mail the helpdesk sends is stored here first, then sent after the commit.

`queue(message, ...)` turns a Django EmailMessage into an OutgoingMail row in the caller's
transaction and enqueues the send task once that transaction commits. `deliver(mail_id)`
hands the stored message to the real transport (settings.HELPDESK_MAIL_TRANSPORT_BACKEND)
and records what happened: sent, a temporary failure (retried with backoff until
HELPDESK_MAIL_SEND_MAX_ATTEMPTS), or a permanent one (5xx). Automatic mail (any
Auto-Submitted other than "no") to an address marked undeliverable is kept as `suppressed`.
"""

import logging
import smtplib
from datetime import timedelta
from email.mime.base import MIMEBase

from celery import signature
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import BadHeaderError, EmailMessage, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from mailgateway.models import OutgoingMail, split_addresses
from mailgateway.undeliverable import normalize, undeliverable_among
from tickets.files import StoredFile
from tickets.message import new_message_id
from tickets.storage import store_bytes

# The task that sends one row. mailgateway.tasks sits above this module and imports it, so the task is
# named here, not imported (tests/test_architecture.py checks that the name is the registered one).
SEND_TASK = "mailgateway.tasks.send_outgoing"
SEND_MANY_TASK = "mailgateway.tasks.send_outgoing_many"

log = logging.getLogger(__name__)

SENT, RETRY, FAILED, SKIPPED = "sent", "retry", "failed", "skipped"
Status = OutgoingMail.Status
KIND_HEADER = "X-Helpdesk-Kind"  # a hint from code that cannot import this app (accounts); never sent
# A row whose send task was lost (worker restart, broker down) is picked up by the beat after this.
LOST_TASK_GRACE = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** (attempts - 1), 6 * 3600))


def is_automatic(headers: dict) -> bool:
    value = next((v for k, v in headers.items() if k.lower() == "auto-submitted"), "no")
    return str(value).strip().lower() != "no"


def _html_of(message: EmailMessage) -> str:
    for content, mimetype in getattr(message, "alternatives", ()):
        if mimetype == "text/html":
            return content if isinstance(content, str) else content.decode()
    return ""


def _store_attachments(message: EmailMessage) -> list[list]:
    stored = []
    for item in message.attachments:
        if isinstance(item, MIMEBase):
            filename = item.get_filename() or "attachment"
            content, mimetype = item.get_payload(decode=True) or b"", item.get_content_type()
        else:
            filename, content, mimetype = item
        if isinstance(content, str):
            content = content.encode()
        stored.append([store_bytes(content).pk, filename or "attachment", mimetype or "application/octet-stream"])
    return stored


def _row(message: EmailMessage, *, kind: str = "", ticket=None, article=None) -> OutgoingMail:
    """The unsaved row of one message (its attachments are stored by the caller)."""
    headers = {str(k): str(v) for k, v in message.extra_headers.items()}
    hint = headers.pop(KIND_HEADER, "")
    kind = kind or (hint if hint in OutgoingMail.Kind.values else OutgoingMail.Kind.OTHER)
    message_id = headers.get("Message-ID") or new_message_id()
    headers["Message-ID"] = message_id
    return OutgoingMail(
        kind=kind,
        message_id=message_id,
        ticket=ticket,
        article=article,
        from_address=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to="\n".join(message.to),
        cc="\n".join(message.cc),
        bcc="\n".join(message.bcc),
        reply_to="\n".join(message.reply_to),
        subject=(message.subject or "")[:1000],
        body_text=message.body or "",
        body_html=_html_of(message),
        headers=headers,
        is_automatic=is_automatic(headers),
        next_attempt_at=timezone.now() + LOST_TASK_GRACE,
    )


def _check(mail: OutgoingMail, message: EmailMessage, marked: dict[str, str]) -> None:
    """A message that cannot be built is failed; marked addresses of automatic mail are left out."""
    problem = _problem(message, mail.headers)
    marked = {a: r for a, r in marked.items() if a in {normalize(x) for x in mail.recipients()}}
    if problem:
        mail.status, mail.last_error, mail.next_attempt_at = Status.FAILED, problem, None
    elif marked and mail.is_automatic:
        _leave_out(mail, marked)


def queue(message: EmailMessage, *, kind: str = "", ticket=None, article=None, attachments=None) -> OutgoingMail:
    """Store one message (in the caller's transaction) and send it right after the commit.

    `attachments` ([stored file id, name, type] each) replaces the message's own, so that an
    article's files are referenced rather than copied.
    """
    mail = _row(message, kind=kind, ticket=ticket, article=article)
    _check(mail, message, undeliverable_among(mail.recipients()) if mail.is_automatic else {})
    with transaction.atomic():
        mail.attachments = _store_attachments(message) if attachments is None else attachments
        mail.save()
        if mail.status == Status.QUEUED:
            _send_after_commit(mail.pk)
    return mail


def queue_many(messages: list[EmailMessage]) -> list[OutgoingMail]:
    """Store several messages like `queue`, in a few statements whatever their number (one query
    for the undeliverable marks, one INSERT); they are sent right after the commit, by one task."""
    mails = [_row(message) for message in messages]
    automatic = [address for mail in mails if mail.is_automatic for address in mail.recipients()]
    marked = undeliverable_among(automatic) if automatic else {}
    for mail, message in zip(mails, messages, strict=True):
        _check(mail, message, marked)
    with transaction.atomic():
        for mail, message in zip(mails, messages, strict=True):
            mail.attachments = _store_attachments(message)
        OutgoingMail.objects.bulk_create(mails)
        _send_many_after_commit([mail.pk for mail in mails if mail.status == Status.QUEUED])
    return mails


def _leave_out(mail: OutgoingMail, marked: dict[str, str]) -> None:
    """Automatic mail goes to no marked address; with none left it is kept as suppressed, with the reason."""
    for field in ("to", "cc", "bcc"):
        kept = [a for a in split_addresses(getattr(mail, field)) if normalize(a) not in marked]
        setattr(mail, field, "\n".join(kept))
    reasons = "; ".join(f"{address}: {reason}" for address, reason in marked.items())
    mail.last_error = f"Undeliverable address, left out until an agent clears the mark - {reasons}"[:2000]
    if not mail.recipients():
        mail.to = "\n".join(marked)  # what it was meant for stays visible in the admin list
        mail.status, mail.next_attempt_at = Status.SUPPRESSED, None


def _problem(message: EmailMessage, headers: dict) -> str:
    if not message.recipients():
        return "No recipient address."
    subject = message.subject or ""
    if "\n" in subject or "\r" in subject:  # checked here: encoding a non-ASCII subject costs more than the rest
        detail = f"Header values can't contain newlines (got {subject!r} for header 'Subject')"
        return f"Cannot build the message: {detail}"[:2000]
    probe = EmailMultiAlternatives(
        subject="", body="", from_email=message.from_email, to=message.to, cc=message.cc, headers=headers
    )
    try:
        probe.message()  # refuses CR/LF in headers before anything is stored as sendable
    except (BadHeaderError, ValueError) as exc:
        return f"Cannot build the message: {exc}"[:2000]
    return ""


def _send_after_commit(mail_id: int) -> None:
    # robust: a broker that is down must not fail the request; the beat picks the row up later.
    transaction.on_commit(lambda: signature(SEND_TASK, args=(mail_id,)).delay(), robust=True)


def _send_many_after_commit(mail_ids: list[int]) -> None:
    """One task for a batch's mail (a sweep stores dozens at once): one message to the broker."""
    if len(mail_ids) == 1:
        _send_after_commit(mail_ids[0])
    elif mail_ids:
        transaction.on_commit(lambda: signature(SEND_MANY_TASK, args=(mail_ids,)).delay(), robust=True)


def build(mail: OutgoingMail) -> EmailMultiAlternatives:
    headers = {**mail.headers, "Message-ID": mail.message_id}
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=mail.from_address,
        to=split_addresses(mail.to),
        cc=split_addresses(mail.cc),
        bcc=split_addresses(mail.bcc),
        reply_to=split_addresses(mail.reply_to),
        headers=headers,
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    files = StoredFile.objects.in_bulk([row[0] for row in mail.attachments])
    for stored_id, filename, mimetype in mail.attachments:
        with files[stored_id].file.open("rb") as handle:
            message.attach(filename, handle.read(), mimetype)
    return message


def transport():
    path = settings.HELPDESK_MAIL_TRANSPORT_BACKEND
    if path == settings.EMAIL_BACKEND or path.endswith("OutboxBackend"):
        raise ImproperlyConfigured("HELPDESK_MAIL_TRANSPORT_BACKEND must be a real transport, not the outbox.")
    return get_connection(path, fail_silently=False)


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    code = getattr(exc, "smtp_code", None)
    return bool(code and 500 <= code < 600)


def deliver(mail_id: int) -> str:
    """Send one queued mail. Returns SENT, RETRY (temporary failure), FAILED or SKIPPED.

    A cache lock keeps two workers (the task's retry and the beat safety net) from sending
    the same mail at once; once sent, the status is `sent` and later runs skip it.
    """
    lock = f"helpdesk:mail-send:{mail_id}"
    if not cache.add(lock, 1, timeout=settings.EMAIL_TIMEOUT * 4 + 60):
        return SKIPPED
    try:
        return _deliver(mail_id)
    finally:
        cache.delete(lock)


def _deliver(mail_id: int) -> str:
    mail = OutgoingMail.objects.filter(pk=mail_id, status=Status.QUEUED).first()
    if mail is None:
        return SKIPPED
    try:
        message = build(mail)
    except (OSError, KeyError) as exc:
        return _record(mail, Status.FAILED, f"Cannot build the message: {type(exc).__name__}: {exc}")
    try:
        with transport() as connection:
            connection.send_messages([message])
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        mail.attempts += 1
        if _is_permanent(exc) or mail.attempts >= settings.HELPDESK_MAIL_SEND_MAX_ATTEMPTS:
            return _record(mail, Status.FAILED, error)
        mail.next_attempt_at = timezone.now() + backoff(mail.attempts)
        _record(mail, Status.QUEUED, f"Will retry: {error}")
        return RETRY
    mail.attempts += 1
    mail.sent_at = timezone.now()
    return _record(mail, Status.SENT, "")


def _record(mail: OutgoingMail, status: str, error: str) -> str:
    mail.status, mail.last_error = status, error[:2000]
    if status != Status.QUEUED:
        mail.next_attempt_at = None
    mail.save(update_fields=["status", "last_error", "attempts", "next_attempt_at", "sent_at"])
    return {Status.SENT: SENT, Status.FAILED: FAILED}.get(status, RETRY)


def send_again(mail: OutgoingMail) -> OutgoingMail:
    """Queue a failed, suppressed (after the mark was cleared) or even a sent mail once more."""
    with transaction.atomic():
        OutgoingMail.objects.filter(pk=mail.pk).update(
            status=Status.QUEUED, attempts=0, last_error="", next_attempt_at=timezone.now() + LOST_TASK_GRACE
        )
        _send_after_commit(mail.pk)
    mail.refresh_from_db()
    return mail


def due_ids(limit: int = 500) -> list[int]:
    """Queued mail whose backoff has passed or whose send task was lost (one indexed query)."""
    due = OutgoingMail.objects.filter(status=Status.QUEUED, next_attempt_at__lte=timezone.now())
    return list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
