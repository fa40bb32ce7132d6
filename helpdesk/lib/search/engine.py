"""The search engine: index documents, find them again (the one place the panels call).

A document is (kind, id, language, title, body) in plain text; `kind` names what it is
("faq" for knowledge-base articles, later "ticket"), `id` its primary key. A search takes
a queryset of the ids the reader may see (`among`), so that visibility stays with its owner
(e.g. `Article.objects.visible_to(user).values("pk")`) and is applied inside the query.

PostgreSQL: full text (`simple` configuration + `unaccent`, GIN index, websearch syntax,
ts_rank, ts_headline) and pg_trgm for misspelled titles. SQLite: FTS5 (bm25, snippet) and a
similarity match of titles in Python. See helpdesk/lib/search/postgres.py and sqlite.py.
"""

from django.db import connection, transaction
from django.db.models import QuerySet

from helpdesk.lib.search import postgres, sqlite, text
from helpdesk.lib.search.documents import Document, Hit
from helpdesk.lib.search.models import SearchDocument


def _backend():
    return postgres if connection.vendor == "postgresql" else sqlite


@transaction.atomic
def index(document: Document) -> None:
    """Add or replace one document (call it from the save path of what it describes)."""
    row, _ = SearchDocument.objects.update_or_create(
        kind=document.kind,
        object_id=document.id,
        defaults={
            "language": document.language or "",
            "title": text.clean(document.title),
            "body": text.clean(document.body),
        },
    )
    _backend().sync(row)


@transaction.atomic
def remove(kind: str, object_id: int) -> None:
    for row in SearchDocument.objects.filter(kind=kind, object_id=object_id):
        _backend().forget(row)
        row.delete()


def _candidates(kind: str, among: QuerySet | None) -> QuerySet:
    rows = SearchDocument.objects.filter(kind=kind)
    return rows if among is None else rows.filter(object_id__in=among)


def search(
    query: str, *, kind: str, among: QuerySet | None = None, language: str = "", limit: int = 20, typos: bool = True
) -> list[Hit]:
    """Documents matching `query` (web-search syntax), best first, those in `language` before the others.

    With `typos`, documents whose title looks like the query (a misspelled word) follow the
    full-text matches."""
    parsed = text.parse(query)
    if not parsed:
        return []
    backend = _backend()
    hits = backend.fulltext(_candidates(kind, among), query, parsed, language=language, limit=limit)
    if typos and len(hits) < limit and not parsed.excluded:
        found = {hit.object_id for hit in hits}
        rows = _candidates(kind, among).exclude(object_id__in=found)
        hits += backend.similar_titles(rows, query, language=language, limit=limit - len(hits))
    return hits


def suggest(query: str, *, kind: str, among: QuerySet | None = None, language: str = "", limit: int = 5) -> list[Hit]:
    """As-you-type suggestions: any of the words counts, the last one may be unfinished.
    Words of one or two letters ("my", "не", "w") only count when there is nothing else."""
    terms = text.words(query)
    terms = [term for term in terms if len(term) > 2] or terms
    if not terms:
        return []
    return _backend().any_words(_candidates(kind, among), terms, language=language, limit=limit)
