"""What agents take from the knowledge base into tickets: an article's solution or link for a
reply, and a new draft article prefilled from a ticket's answer."""

import re

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.html import escape, linebreaks

from faq.models import Article
from helpdesk.lib.quotes import split_quoted
from helpdesk.lib.search.text import plain_text
from tickets.models import Article as TicketArticle
from tickets.permissions import get_ticket_for_agent
from tickets.sanitize import clean_html

_BLOCK_END = re.compile(r"</(?:p|div|li|h[1-6]|pre|blockquote|tr)>|<br\s*/?>", re.IGNORECASE)


def solution_text(article: Article) -> str:
    """The solution as plain text for a reply, one line per paragraph or list item."""
    text = plain_text(_BLOCK_END.sub("\n", article.solution or ""))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def public_link(article: Article) -> str | None:
    """An address the customer can open: the public FAQ for public articles, the customer panel's for
    articles for customers; internal articles and drafts have none."""
    names = {Article.State.PUBLIC: "faq:article", Article.State.CUSTOMERS: "faq_customer:article"}
    name = names.get(article.state)
    if name is None:
        return None
    return settings.HELPDESK_BASE_URL + reverse(name, args=[article.language, article.slug])


def _as_html(message: TicketArticle | None) -> str:
    if message is None:
        return ""
    if message.body_html:
        return clean_html(message.body_html)
    own, _quoted = split_quoted(message.body_text or "")
    return linebreaks(escape(own.strip()))


def draft_from_answer(user, ticket_article_id) -> dict:
    """Initial values of a new draft article made from a ticket's answer: the ticket's title, the
    customer's first message as the problem, the chosen answer as the solution. 404 unless the agent
    may read the ticket."""
    try:
        ticket_id = TicketArticle.objects.values_list("ticket_id", flat=True).get(pk=int(ticket_article_id))
    except (TicketArticle.DoesNotExist, TypeError, ValueError):
        raise Http404("No such article") from None
    ticket = get_ticket_for_agent(user, ticket_id)
    answer = ticket.articles.get(pk=int(ticket_article_id))
    first = ticket.articles.filter(sender_type=TicketArticle.Sender.CUSTOMER).order_by("created", "pk").first()
    return {
        "title": ticket.title,
        "problem": _as_html(first),
        "solution": _as_html(answer),
        "state": Article.State.DRAFT,
    }
