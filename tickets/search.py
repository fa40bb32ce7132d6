"""Tickets in the search engine (helpdesk/lib/search): one document per article, found as its ticket.

An article's document: the ticket's title and the article's subject (weight A), its body as
plain text (B), its attachments' file names (C) and its To/Cc addresses (D), with the ticket
as `parent`. A search matches tickets (the engine's parent rows: every article's words together, so
the words may be in different articles), each shown with its best-matching article for the snippet.

Kept current by the service layer (tickets/services/), in the same transaction as the change:
`write_article` indexes every new article (created, replied, split, from mail), `set_title`
and `merge` re-index the ticket's articles. Installations upgraded from a version without
ticket search fill the index with `manage.py search_index_tickets` (`index_articles` here).

Searching keeps visibility with its owner: the caller passes the tickets the reader may see
(`permissions.tickets_for`, `customer_tickets`); for customers only public documents count
(an article's document is public when customers see the article, so never an internal note).
The text match is a semi-join on the parents' full-text index inside that same query.
"""

import re
from difflib import SequenceMatcher
from email.utils import getaddresses

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import Greatest

from accounts.models import Company, User
from helpdesk.lib.search import engine
from helpdesk.lib.search.documents import Document, Hit
from helpdesk.lib.search.text import plain_text
from tickets import permissions
from tickets.models import Article, Attachment, Ticket

KIND = "ticket"
SCORE = "search_score"
BATCH = 500
DOCUMENT_FIELDS = (
    "ticket__title",
    "ticket__customer_id",
    "ticket__company_id",
    "subject",
    "body_text",
    "body_html",
    "to_addresses",
    "cc_addresses",
    "ticket_id",
    "is_visible_to_customer",
)
NAME_SIMILARITY = 0.4  # pg_trgm word similarity; difflib's ratio must reach twice that
NAMES_COMPARED_IN_PYTHON = 20_000
_WORD = re.compile(r"[^\W_]+")  # "quarterly-report_2026.pdf" is found by "quarterly", "report", "2026", "pdf"


def document_for(article: Article, *, title: str, filenames: list[str]) -> Document:
    heading = title if not article.subject or article.subject == title else f"{title}\n{article.subject}"
    recipients = getaddresses([article.to_addresses or "", article.cc_addresses or ""])
    return Document(
        kind=KIND,
        id=article.pk,
        language="",
        title=heading,
        body=article.body_text or plain_text(article.body_html),
        parent=article.ticket_id,
        keywords=" ".join(f"{name} {' '.join(_WORD.findall(name))}" for name in filenames),
        addresses=" ".join(address for _name, address in recipients if "@" in address),
        public=article.is_visible_to_customer,
        scopes=scopes_of(article.ticket),
    )


def scopes_of(ticket: Ticket) -> tuple[str, ...]:
    """What a ticket's documents are filed under: its customer and company (set when the ticket is
    created and never changed by the services; a service that changes them must re-index the ticket)."""
    return tuple(
        f"{name}:{value}" for name, value in (("customer", ticket.customer_id), ("company", ticket.company_id)) if value
    )


def customer_scopes(user: User) -> list[str]:
    """The scopes of the tickets a customer may see (`permissions.customer_tickets`): their own, and
    their company's with the right. Only narrows the search; the ticket filter stays the caller's."""
    scopes = [f"customer:{user.pk}"]
    if user.company_id and permissions.sees_company_tickets(user):
        scopes.append(f"company:{user.company_id}")
    return scopes


def index_article(article: Article, *, title: str, filenames: list[str]) -> None:
    """A new article (the services call it where they write one, with its attachments' names)."""
    engine.index(document_for(article, title=title, filenames=filenames))


def index_articles(articles: QuerySet[Article], *, batch: int = BATCH) -> int:
    """(Re-)index `articles` in batches of `batch` (three queries a batch); returns how many."""
    count, last = 0, 0
    articles = articles.order_by("pk").select_related("ticket").only(*DOCUMENT_FIELDS)
    while True:
        chunk = list(articles.filter(pk__gt=last)[:batch])
        if not chunk:
            return count
        names: dict[int, list[str]] = {}
        for article_id, filename in Attachment.objects.filter(article__in=chunk).values_list("article_id", "filename"):
            names.setdefault(article_id, []).append(filename)
        engine.index_many([document_for(a, title=a.ticket.title, filenames=names.get(a.pk, [])) for a in chunk])
        count += len(chunk)
        last = chunk[-1].pk


def reindex_ticket(ticket: Ticket) -> int:
    """After the title changed or articles moved in (merge)."""
    return index_articles(Article.objects.filter(ticket_id=ticket.pk))


def matching(
    tickets: QuerySet[Ticket], text: str, *, customer: User | None = None, rank: bool = False
) -> QuerySet[Ticket]:
    """`tickets` whose articles match `text` (web-search syntax; the words may be in different
    articles); for a `customer` (the user searching), only the articles customers see count (never
    internal notes), among their own and their company's tickets. With `rank`, `search_score` (the
    ticket's relevance) to order by. Empty text: `tickets` unchanged."""
    score = SCORE if rank else ""
    scopes = customer_scopes(customer) if customer else None
    return engine.filter_parents(
        tickets, kind=KIND, query=text, public_only=customer is not None, scopes=scopes, score=score
    )


def ranked(tickets: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """`tickets` (the matches of `matching`) with `search_score`, their relevance for `text`, to order by."""
    return engine.with_score(tickets, kind=KIND, query=text, score=SCORE)


def with_recipient(tickets: QuerySet[Ticket], address: str) -> QuerySet[Ticket]:
    """`tickets` with an article sent to `address` (To or Cc; an unfinished address as a prefix)."""
    return engine.filter_parents(tickets, kind=KIND, address=address)


def has_text(text: str) -> bool:
    return engine.has_words(text)


def attach_hits(tickets: list[Ticket], text: str, *, customer: bool = False) -> list[Ticket]:
    """Give each ticket of a page `search_hit` (its best article, snippet highlighted): one query."""
    parents = [t.pk for t in tickets]
    hits: dict[int, Hit] = engine.best_hits(text, kind=KIND, parents=parents, public_only=customer)
    for ticket in tickets:
        ticket.search_hit = hits.get(ticket.pk)
    return tickets


def corrected(text: str) -> str:
    """The query with its misspelled words corrected to words of ticket titles ('' if none)."""
    return engine.corrected(text)


def similar_names(value: str, *, companies: bool, limit: int = 3) -> list[str]:
    """Customer user names (or company names) that look like `value`: "did you mean" for a
    customer or company criterion that matched nobody. pg_trgm on PostgreSQL, difflib on SQLite."""
    value = value.strip()
    if not value:
        return []
    if companies:
        rows, fields = Company.objects.all(), ("name",)
    else:
        rows, fields = User.customers.all(), ("username", "last_name")
    if connection.vendor == "postgresql":
        score = (
            Greatest(*[TrigramWordSimilarity(value, field) for field in fields])
            if len(fields) > 1
            else (TrigramWordSimilarity(value, fields[0]))
        )
        rows = rows.annotate(likeness=score).filter(likeness__gte=NAME_SIMILARITY).order_by("-likeness", fields[0])
        return list(rows.values_list(fields[0], flat=True)[:limit])
    folded = value.casefold()
    scored = []
    for row in rows.values_list(*fields)[:NAMES_COMPARED_IN_PYTHON]:
        likeness = max(SequenceMatcher(None, folded, (field or "").casefold()).ratio() for field in row)
        if likeness >= NAME_SIMILARITY * 2:
            scored.append((-likeness, row[0]))
    return [name for _likeness, name in sorted(scored)[:limit]]
