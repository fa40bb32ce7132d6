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
from django.db.models.expressions import RawSQL

from helpdesk.lib.search import postgres, sqlite, text
from helpdesk.lib.search.documents import Document, Hit
from helpdesk.lib.search.models import SearchDocument, SearchWord

WORD_LENGTH = range(3, 101)  # the words worth correcting to


def _backend():
    return postgres if connection.vendor == "postgresql" else sqlite


@transaction.atomic
def index(document: Document) -> None:
    """Add or replace one document (call it from the save path of what it describes)."""
    row, _ = SearchDocument.objects.update_or_create(
        kind=document.kind,
        object_id=document.id,
        defaults=_fields(document),
    )
    _backend().sync(row)
    _remember_words([document.title])


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
    }


@transaction.atomic
def index_many(documents: list[Document]) -> None:
    """Add or replace a batch of documents (a backfill): one upsert, then the full-text rows."""
    if not documents:
        return
    rows = [SearchDocument(kind=document.kind, object_id=document.id, **_fields(document)) for document in documents]
    SearchDocument.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=["language", "title", "body", "parent_id", "keywords", "addresses"],
    )
    kinds = {document.kind for document in documents}
    ids = [document.id for document in documents]
    saved = SearchDocument.objects.filter(kind__in=kinds, object_id__in=ids)
    _backend().sync_many(list(saved))
    _remember_words([document.title for document in documents])


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


def has_words(query: str) -> bool:
    """Is there anything to search for in `query` (not only exclusions or punctuation)?"""
    return bool(text.parse(query))


def _among_sql(among: QuerySet | None) -> tuple[str, list]:
    if among is None:
        return "", []
    sql, params = among.query.sql_with_params()
    return f" AND d.object_id IN ({sql})", list(params)


def filter_parents(
    parents: QuerySet,
    *,
    kind: str,
    query: str = "",
    address: str = "",
    among: QuerySet | None = None,
    score: str = "",
) -> QuerySet:
    """`parents` (e.g. tickets) that have a document of `kind` matching `query` (web-search syntax)
    or holding the mail `address`, in one SQL query: a semi-join on the full-text index.

    `among` limits the documents that count (a queryset of their object ids, e.g. the articles a
    customer may see). With `score`, the queryset gets an alias of that name, the best document's
    relevance (higher is better), to order by: computed only when the ordering asks for it (an
    alias is not selected, so a COUNT of the queryset does not rank). A query with nothing to
    search leaves `parents` as they are.
    """
    backend = _backend()
    if query and text.parse(query):
        condition = backend.query_condition(query, text.parse(query))
    elif address.strip():
        condition = backend.address_condition(address)
    else:
        return parents
    among_sql, among_params = _among_sql(among)
    sql, params = backend.parents_sql(kind, condition, among_sql, among_params)
    parents = parents.filter(pk__in=RawSQL(sql, params))
    if score:
        outer = f'"{parents.model._meta.db_table}"."{parents.model._meta.pk.column}"'
        sql, params = backend.score_sql(kind, condition, among_sql, among_params, outer)
        parents = parents.alias(**{score: RawSQL(sql, params)})
    return parents


def best_hits(query: str, *, kind: str, parents: list[int], among: QuerySet | None = None) -> dict[int, Hit]:
    """For each of `parents` (a page of results) its best-matching document, with a highlighted
    snippet (of the body, or of the title when only the title matches): one query."""
    parsed = text.parse(query)
    if not parsed or not parents:
        return {}
    backend = _backend()
    among_sql, among_params = _among_sql(among)
    return backend.best_hits(kind, backend.query_condition(query, parsed), among_sql, among_params, list(parents))


def suggest(query: str, *, kind: str, among: QuerySet | None = None, language: str = "", limit: int = 5) -> list[Hit]:
    """As-you-type suggestions: any of the words counts, the last one may be unfinished.
    Words of one or two letters ("my", "не", "w") only count when there is nothing else."""
    terms = text.words(query)
    terms = [term for term in terms if len(term) > 2] or terms
    if not terms:
        return []
    return _backend().any_words(_candidates(kind, among), terms, language=language, limit=limit)
