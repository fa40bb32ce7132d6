"""Agent replies and forwards out as real mail, and the automatic mails of the helpdesk.

`deliver(article_id)` sends one queued article and says what happened; the Celery task
in tasks.py retries it with backoff. Headers are built only through EmailMessage.
"""

import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import transaction
from django.utils import timezone

from mailgateway.models import AutoMailLog, Delivery
from tickets import permissions as perms
from tickets.models import Article

Delivered = Article.Delivery
SENT, RETRY, FAILED, SKIPPED = "sent", "retry", "failed", "skipped"


def new_message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "helpdesk.local"
    return make_msgid(domain=domain)


def subject_with_tag(ticket, subject: str) -> str:
    from mailgateway.router import strip_tag

    one_line = " ".join((subject or ticket.title).split())
    return f"{ticket.subject_tag()} {strip_tag(one_line)}"[:500]


def _thread_ids(article: Article) -> tuple[str, str]:
    earlier = (
        Article.objects.filter(ticket_id=article.ticket_id, pk__lt=article.pk)
        .exclude(message_id="")
        .order_by("-id")
        .values_list("message_id", flat=True)[:20]
    )
    ids = list(reversed(list(earlier)))
    return (ids[-1] if ids else ""), " ".join(ids)


def build(article: Article) -> EmailMultiAlternatives:
    ticket = article.ticket
    queue = ticket.queue
    to = [a.strip() for a in article.to_addresses.split(",") if a.strip()]
    if not to and ticket.customer_id and ticket.customer.email:
        to = [ticket.customer.email]
    cc = [a.strip() for a in article.cc_addresses.split(",") if a.strip()]
    text = article.body_text
    if queue.signature:
        text = f"{text}\n\n-- \n{queue.signature}"
    in_reply_to, references = _thread_ids(article)
    headers = {"Message-ID": article.message_id, "X-Loop": settings.HELPDESK_MAIL_LOOP_ID}
    if article.in_reply_to or in_reply_to:
        headers["In-Reply-To"] = article.in_reply_to or in_reply_to
    if article.references or references:
        headers["References"] = article.references or references
    message = EmailMultiAlternatives(
        subject=subject_with_tag(ticket, article.subject),
        body=text,
        from_email=f"{queue.name} <{queue.sender_address}>",
        to=to,
        cc=cc,
        headers=headers,
    )
    if article.body_html:
        signature = f"<p>-- <br>{_escape(queue.signature)}</p>" if queue.signature else ""
        message.attach_alternative(article.body_html + signature, "text/html")
    for item in article.attachments.select_related("stored"):
        with item.stored.file.open("rb") as handle:
            message.attach(item.filename, handle.read(), item.content_type)
    return message


def _escape(text: str) -> str:
    from django.utils.html import escape, linebreaks

    return linebreaks(escape(text))


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    code = getattr(exc, "smtp_code", None)
    return bool(code and 500 <= code < 600)


def deliver(article_id: int) -> str:
    """Send one queued article. Returns SENT, RETRY (temporary failure), FAILED or SKIPPED.

    A cache lock keeps two workers (the task's retry and the beat safety net) from sending
    the same article at once; after a send the status is `sent` and later runs skip it.
    """
    lock = f"helpdesk:mail-send:{article_id}"
    if not cache.add(lock, 1, timeout=settings.EMAIL_TIMEOUT * 4 + 60):
        return SKIPPED
    try:
        return _deliver(article_id)
    finally:
        cache.delete(lock)


def _deliver(article_id: int) -> str:
    article = Article.objects.select_related("ticket__queue", "ticket__customer").filter(pk=article_id).first()
    if article is None or article.delivery_status != Delivered.QUEUED:
        return SKIPPED
    if not article.message_id:
        article.message_id = new_message_id()
        Article.objects.filter(pk=article.pk).update(message_id=article.message_id)
    record, _ = Delivery.objects.get_or_create(article=article)
    try:
        message = build(article)
        message.message()  # refuses CR/LF in headers before anything is sent
    except (BadHeaderError, ValueError) as exc:
        _mark(article, record, Delivered.FAILED, f"Cannot build the message: {exc}"[:2000])
        return FAILED
    if not message.recipients():
        _mark(article, record, Delivered.FAILED, "No recipient address.")
        return FAILED
    try:
        message.send(fail_silently=False)
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        record.attempts += 1
        if _is_permanent(exc) or record.attempts >= settings.HELPDESK_MAIL_SEND_MAX_ATTEMPTS:
            _mark(article, record, Delivered.FAILED, error)
            return FAILED
        record.next_attempt_at = timezone.now() + backoff(record.attempts)
        _mark(article, record, Delivered.QUEUED, f"Will retry: {error}")
        return RETRY
    record.attempts += 1
    record.sent_at = timezone.now()
    record.next_attempt_at = None
    _mark(article, record, Delivered.SENT, "")
    return SENT


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** (attempts - 1), 6 * 3600))


def _mark(article: Article, record: Delivery, status: str, error: str) -> None:
    with transaction.atomic():
        record.save()
        Article.objects.filter(pk=article.pk).update(delivery_status=status, delivery_error=error)


def resend_article(article: Article, actor) -> Article:
    """Queue an agent's email article again (after a failure, or on request). Needs rw on the ticket."""
    from mailgateway.tasks import send_article

    perms.require(actor, perms.RW, article.ticket)
    if article.channel != Article.Channel.EMAIL or article.sender_type != Article.Sender.AGENT:
        from tickets.errors import InvalidChange

        raise InvalidChange("Only an agent's email can be sent again.")
    with transaction.atomic():
        Delivery.objects.update_or_create(article=article, defaults={"attempts": 0, "next_attempt_at": None})
        Article.objects.filter(pk=article.pk).update(delivery_status=Delivered.QUEUED, delivery_error="")
        transaction.on_commit(lambda: send_article.delay(article.pk))
    article.delivery_status, article.delivery_error = Delivered.QUEUED, ""
    return article


def send_auto(
    *,
    kind: str,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    from_email: str = "",
    ticket=None,
    in_reply_to: str = "",
    auto: str = "auto-replied",
    capped: bool = True,
) -> bool:
    """An automatic mail (acknowledgement, notification): Auto-Submitted, X-Loop, and the hourly cap."""
    from mailgateway.loops import under_hourly_cap

    if not to:
        return False
    if capped and not under_hourly_cap(to):
        return False
    headers = {
        "Auto-Submitted": auto,
        "X-Loop": settings.HELPDESK_MAIL_LOOP_ID,
        "Precedence": "bulk",
        "X-Auto-Response-Suppress": "All",
        "Message-ID": new_message_id(),
    }
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = in_reply_to
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=from_email or settings.DEFAULT_FROM_EMAIL, to=[to], headers=headers
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)
    AutoMailLog.objects.create(recipient=to.lower(), kind=kind, ticket=ticket)
    return True
