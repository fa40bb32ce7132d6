"""Splitting one article off into a new ticket of its own, linked to the one it came from."""

from django.db import transaction

from tickets import permissions as perms
from tickets.message import Message
from tickets.models import Article, Ticket
from tickets.services._base import load_for_change, record
from tickets.services.create import create_ticket
from tickets.services.relations import link
from tickets.storage import FileInput
from tickets.text import one_line


def split_article_to_ticket(*, article: Article, actor, queue=None, title: str = "") -> Ticket:
    """Copy one article (with its attachments) into a new ticket for the same customer and link both."""
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
            message=Message(
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
            ),
        )
        record(fresh, actor, "split", "article", f"#{article.pk}", new.number)
        link(source=fresh, target=new, kind="parent", actor=actor)
    return new


def _read(stored) -> bytes:
    with stored.file.open("rb") as handle:
        return handle.read()
