"""Agent replies and forwards out as real mail, and the automatic mails of the helpdesk.

Both are built here as Django EmailMessages and handed to the outbox (outbox.py), which
stores them in the caller's transaction and sends them after the commit, with retries.
Headers are built only through EmailMessage.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils.html import escape, linebreaks

from mailgateway import outbox
from mailgateway.loops import under_hourly_cap
from mailgateway.models import AutoMailLog, OutgoingMail
from mailgateway.parse import cut
from mailgateway.router import strip_tag
from tickets import permissions as perms
from tickets.errors import InvalidChange
from tickets.models import Article


def subject_with_tag(ticket, subject: str) -> str:
    """The tag, then the subject without its own tags and prefixes (the ticket's title when nothing else is left)."""
    text = strip_tag(" ".join((subject or "").split())) or strip_tag(" ".join(ticket.title.split()))
    return cut(f"{ticket.subject_tag()} {text}".strip(), 500)


def _thread_ids(article: Article) -> tuple[str, str]:
    earlier = (
        Article.objects.filter(ticket_id=article.ticket_id, pk__lt=article.pk)
        .exclude(message_id="")
        .order_by("-id")
        .values_list("message_id", flat=True)[:20]
    )
    ids = list(reversed(list(earlier)))
    return (ids[-1] if ids else ""), " ".join(ids)


def build(article: Article, *, with_attachments: bool = True) -> EmailMultiAlternatives:
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
    for item in article.attachments.select_related("stored") if with_attachments else ():
        with item.stored.file.open("rb") as handle:
            message.attach(item.filename, handle.read(), item.content_type)
    return message


def _escape(text: str) -> str:
    return linebreaks(escape(text))


def queue_article(article: Article) -> OutgoingMail:
    """Put an agent's email article (reply, forward, first mail of an email ticket) into the outbox.

    Call it in the transaction that wrote the article: the mail is stored with it and leaves
    right after the commit. A message that cannot be built is stored as failed, with the reason.
    """
    if not article.message_id:  # an article written before the services gave agents' mail its Message-ID
        article.message_id = outbox.new_message_id()  # kept on the outgoing mail, where replies find it
    message = build(article, with_attachments=False)
    files = [[a.stored_id, a.filename, a.content_type] for a in article.attachments.all()]
    kind = OutgoingMail.Kind.REPLY if article.is_visible_to_customer else OutgoingMail.Kind.FORWARD
    return outbox.queue(message, kind=kind, ticket=article.ticket, article=article, attachments=files)


def resend_article(article: Article, actor) -> OutgoingMail:
    """Send an agent's email article again (after a failure, or on request). Needs rw on the ticket."""
    perms.require(actor, perms.RW, article.ticket)
    if article.channel != Article.Channel.EMAIL or article.sender_type != Article.Sender.AGENT:
        raise InvalidChange("Only an agent's email can be sent again.")
    with transaction.atomic():
        mail = OutgoingMail.objects.filter(article=article).first()
        if mail is None:
            return queue_article(article)
        return outbox.send_again(mail)


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
    """An automatic mail (acknowledgement, notification): Auto-Submitted, X-Loop, and the hourly cap.

    False when nothing will be sent: no address, over the cap, or the address is undeliverable.
    """
    if not to:
        return False
    if capped and not under_hourly_cap(to):
        return False
    headers = {
        "Auto-Submitted": auto,
        "X-Loop": settings.HELPDESK_MAIL_LOOP_ID,
        "Precedence": "bulk",
        "X-Auto-Response-Suppress": "All",
        "Message-ID": outbox.new_message_id(),
    }
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = in_reply_to
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=from_email or settings.DEFAULT_FROM_EMAIL, to=[to], headers=headers
    )
    if html:
        message.attach_alternative(html, "text/html")
    with transaction.atomic():
        mail = outbox.queue(message, kind=kind, ticket=ticket)
        if mail.status == OutgoingMail.Status.SUPPRESSED:
            return False
        AutoMailLog.objects.create(recipient=to.lower(), kind=kind, ticket=ticket)
    return True
