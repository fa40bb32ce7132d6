"""The search engine: index documents, find them again (the one place the panels call).

A document is (kind, id, language, title, body) in plain text; `kind` names what it is
("faq" for knowledge-base articles, later "ticket"), `id` its primary key. A search takes
a queryset of the ids the reader may see (`among`), so that visibility stays with its owner
(e.g. `Article.objects.visible_to(user).values("pk")`) and is applied inside the query.

PostgreSQL: full text (`simple` configuration + `unaccent`, GIN index, websearch syntax,
ts_rank, ts_headline) and pg_trgm for misspelled titles. SQLite: FTS5 (bm25, snippet) and a
similarity match of titles in Python. See helpdesk/lib/search/postgres.py and sqlite.py.
"""

import logging

from django.db import DatabaseError, connection, transaction
from django.db.models import Max, Min, QuerySet
from django.db.models.expressions import RawSQL

from helpdesk.lib.search import postgres, sqlite, text
from helpdesk.lib.search.documents import Document, Hit
from helpdesk.lib.search.models import SearchDocument, SearchWord

WORD_LENGTH = range(3, 101)  # the words worth correcting to
REBUILD_BATCH = 20_000  # parents per statement in rebuild_parents

logger = logging.getLogger(__name__)


def _backend():
    return postgres if connection.vendor == "postgresql" else sqlite


@transaction.atomic
def index(document: Document) -> None:
    """Add or replace one document (call it from the save path of what it describes)."""
    before = _parents_of(document.kind, [document.id])
    row, _ = SearchDocument.objects.update_or_create(
        kind=document.kind,
        object_id=document.id,
        defaults=_fields(document),
    )
    _backend().sync(row)
    refresh_parents(document.kind, [*before, document.parent])
    _remember_words([document.title])


def _parents_of(kind: str, ids: list[int]) -> list[int]:
    """The parents the documents `ids` have now (before they are replaced: a merged ticket's articles move)."""
    rows = SearchDocument.objects.filter(kind=kind, object_id__in=ids, parent_id__isnull=False)
    return list(rows.values_list("parent_id", flat=True).distinct())


def refresh_parents(kind: str, parent_ids) -> None:
    """Rebuild the parent rows (what a grouped search matches) of `parent_ids` from their documents.

    A parent whose words are too many for one PostgreSQL tsvector (1 MB: a thread of hundreds of
    mails full of codes) keeps its distinct words without positions, the shortest first, as many as
    fit (found by words, not by phrases), and a warning is logged."""
    ids = sorted({parent for parent in parent_ids if parent is not None})
    if not ids:
        return
    backend = _backend()
    try:
        with transaction.atomic():
            backend.refresh_parents(kind, ids)
        return
    except DatabaseError as error:
        if not _too_big(error):
            raise
    for parent in ids:
        _refresh_one(backend, kind, parent)


def _too_big(error: DatabaseError) -> bool:
    """PostgreSQL's "program limit exceeded" (class 54): e.g. "string is too long for tsvector"."""
    return str(getattr(error.__cause__, "sqlstate", "") or "").startswith("54")


def _refresh_one(backend, kind: str, parent: int) -> None:
    try:
        with transaction.atomic():
            backend.refresh_parents(kind, [parent])
    except DatabaseError as error:
        if not _too_big(error):
            raise
        logger.warning("search: %s %s has too many words for one vector, kept compact: %s", kind, parent, error)
        backend.refresh_parents(kind, [parent], compact=True)


def rebuild_parents(kind: str, *, batch: int = REBUILD_BATCH, progress=None) -> int:
    """Every parent of `kind` again from its documents (a migration, the bench), `batch` parent ids a
    statement; returns how many parent ids were covered."""
    bounds = SearchDocument.objects.filter(kind=kind, parent_id__isnull=False).aggregate(
        first=Min("parent_id"), last=Max("parent_id")
    )
    if bounds["first"] is None:
        return 0
    for start in range(bounds["first"], bounds["last"] + 1, batch):
        rows = SearchDocument.objects.filter(kind=kind, parent_id__gte=start, parent_id__lt=start + batch)
        refresh_parents(kind, list(rows.values_list("parent_id", flat=True).distinct()))
        if progress:
            progress(min(start + batch, bounds["last"] + 1) - bounds["first"])
    return bounds["last"] + 1 - bounds["first"]


def _remember_words(titles: list[str]) -> None:
    known = {word for title in titles for word in text.words(title) if len(word) in WORD_LENGTH}
    SearchWord.objects.bulk_create([SearchWord(word=word) for word in sorted(known)], ignore_conflicts=True)


def corrected(query: str, *, most: int = 5) -> str:
    """`query` with each word that is in no indexed title replaced by the nearest word that is
    ("pritner" -> "printer"): the "did you mean" of a search that found nothing. The query's
    syntax (quotes, -, OR) is kept. '' when there is nothing to correct."""
    asked = [word for word in dict.fromkeys(text.words(query)) if len(word) in WORD_LENGTH][:most]
    known = set(SearchWord.objects.filter(word__in=asked).values_list("word", flat=True))
    fixes = {}
    for word in asked:
        if word not in known:
            nearest = _backend().nearest_word(word)
            if nearest and nearest != word:
                fixes[word] = nearest
    if not fixes:
        return ""
    return text.replace_words(query, fixes)


def _fields(document: Document) -> dict:
    return {
        "language": document.language or "",
        "title": text.clean(document.title),
        "body": text.clean(document.body),
        "parent_id": document.parent,
        "keywords": text.clean(document.keywords),
        "addresses": text.clean(document.addresses),
        "is_public": document.public,
        "scopes": " ".join(_scope(name) for name in document.scopes),
    }


def _scope(name: str) -> str:
    if not name or any(character.isspace() or character == "'" for character in name):
        raise ValueError(f"a scope is a name without spaces or quotes, not {name!r}")
    return name


@transaction.atomic
def index_many(documents: list[Document]) -> None:
    """Add or replace a batch of documents (a backfill): one upsert, then the full-text rows."""
    if not documents:
        return
    kinds = {document.kind for document in documents}
    before = {kind: _parents_of(kind, [d.id for d in documents if d.kind == kind]) for kind in kinds}
    rows = [SearchDocument(kind=document.kind, object_id=document.id, **_fields(document)) for document in documents]
    SearchDocument.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=["language", "title", "body", "parent_id", "keywords", "addresses", "is_public", "scopes"],
    )
    ids = [document.id for document in documents]
    saved = SearchDocument.objects.filter(kind__in=kinds, object_id__in=ids)
    _backend().sync_many(list(saved))
    for kind, parents in before.items():
        refresh_parents(kind, [*parents, *(d.parent for d in documents if d.kind == kind)])
    _remember_words([document.title for document in documents])


@transaction.atomic
def remove(kind: str, object_id: int) -> None:
    for row in SearchDocument.objects.filter(kind=kind, object_id=object_id):
        _backend().forget(row)
        row.delete()
        refresh_parents(kind, [row.parent_id])


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


def has_words(query: str) -> bool:
    """Is there anything to search for in `query` (not only exclusions or punctuation)?"""
    return bool(text.parse(query))


def _among_sql(among: QuerySet | None, public_only: bool = False) -> tuple[str, list]:
    public = " AND d.is_public" if public_only else ""
    if among is None:
        return public, []
    sql, params = among.order_by().query.sql_with_params()
    return f"{public} AND d.object_id IN ({sql})", list(params)


def filter_parents(
    parents: QuerySet,
    *,
    kind: str,
    query: str = "",
    address: str = "",
    public_only: bool = False,
    scopes: list[str] | None = None,
    score: str = "",
) -> QuerySet:
    """`parents` (e.g. tickets) whose documents of `kind` together match `query` (web-search syntax:
    the words may be in different documents, a ticket's title in one article, a word in another), or
    with a document holding the mail `address`, in one SQL query: a semi-join on the full-text index.

    `public_only` counts the public documents alone (a customer's search: no internal notes).
    `scopes` (PostgreSQL) keeps the parents filed under one of them (Document.scopes), matched inside
    the full-text index with the words: a customer's search of their company's 20,000 tickets reads
    the few that have the words, not every ticket with the words nor every ticket of the company.
    It narrows, it does not grant: `parents` stays the caller's exact filter. With
    `score`, the queryset gets an alias of that name, the parent's relevance (higher is better), to
    order by: computed only when the ordering asks for it (an alias is not selected, so a COUNT of
    the queryset does not rank). A query with nothing to search leaves `parents` as they are.
    """
    backend = _backend()
    parsed = text.parse(query) if query else None
    if parsed:
        scopes = [_scope(name) for name in scopes or []]
        sql, params = backend.matching_parents_sql(kind, query, parsed, public=public_only, scopes=scopes)
    elif address.strip():
        among_sql, among_params = _among_sql(None, public_only)
        sql, params = backend.parents_sql(kind, backend.address_condition(address), among_sql, among_params)
    else:
        return parents
    parents = parents.filter(pk__in=RawSQL(sql, params))
    return with_score(parents, kind=kind, query=query, public_only=public_only, score=score) if score else parents


def with_score(parents: QuerySet, *, kind: str, query: str, score: str, public_only: bool = False) -> QuerySet:
    """`parents` with an alias `score`, their relevance for `query` (higher is better; NULL for a parent
    without documents), to order by; `parents` are not filtered (they are the matches already)."""
    parsed = text.parse(query)
    if not parsed:
        return parents
    outer = f'"{parents.model._meta.db_table}"."{parents.model._meta.pk.column}"'
    sql, params = _backend().parent_score_sql(kind, query, parsed, public=public_only, outer=outer)
    return parents.alias(**{score: RawSQL(sql, params)})


def best_hits(
    query: str, *, kind: str, parents: list[int], among: QuerySet | None = None, public_only: bool = False
) -> dict[int, Hit]:
    """For each of `parents` (a page of results) its best-matching document, with a highlighted
    snippet (of the body, or of the title when only the title matches): one query."""
    parsed = text.parse(query)
    if not parsed or not parents:
        return {}
    among_sql, among_params = _among_sql(among, public_only)
    return _backend().best_hits(kind, query, parsed, among_sql, among_params, list(parents))


def suggest(query: str, *, kind: str, among: QuerySet | None = None, language: str = "", limit: int = 5) -> list[Hit]:
    """As-you-type suggestions: any of the words counts, the last one may be unfinished.
    Words of one or two letters ("my", "не", "w") only count when there is nothing else."""
    terms = text.words(query)
    terms = [term for term in terms if len(term) > 2] or terms
    if not terms:
        return []
    return _backend().any_words(_candidates(kind, among), terms, language=language, limit=limit)
