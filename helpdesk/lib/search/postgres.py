"""PostgreSQL backend: tsvector column `vector` (GIN), configuration `helpdesk_search`
(`simple` with `unaccent` before it), websearch_to_tsquery, ts_rank, ts_headline; pg_trgm for
typo-tolerant titles (GIN trigram index on `title`).

Text is case-folded in Python before it becomes a vector or a query: with a database created
in the C locale PostgreSQL lowers only ASCII letters. Highlighting (ts_headline) and the
trigram match run inside PostgreSQL and follow the database's LC_CTYPE: in the C locale they
miss upper-case non-Latin letters and pg_trgm ignores non-ASCII letters altogether, so create
the database with a UTF-8 locale (e.g. C.UTF-8 or en_US.UTF-8; the official Docker image does).
"""

from django.db import connection

from helpdesk.lib.search import text
from helpdesk.lib.search.documents import hit_for, hits

CONFIG = "helpdesk_search"
TITLE_SIMILARITY = "0.3"
_HEADLINE = f"StartSel={text.MARK_START}, StopSel={text.MARK_STOP}, MaxWords=30, MinWords=12, MaxFragments=2"


# title A, body B, keywords (attachment names) C, addresses (To/Cc) D
VECTOR = (
    f"setweight(to_tsvector('{CONFIG}', %s), 'A') || setweight(to_tsvector('{CONFIG}', %s), 'B')"
    f" || setweight(to_tsvector('{CONFIG}', %s), 'C') || setweight(to_tsvector('{CONFIG}', %s), 'D')"
)


def _vector_params(row) -> list:
    return [text.fold(row.title), text.fold(row.body), text.fold(row.keywords), text.fold(row.addresses)]


def sync(row) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE search_document SET vector = {VECTOR} WHERE id = %s", [*_vector_params(row), row.pk])


def sync_many(rows) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE search_document SET vector = {VECTOR} WHERE id = %s", [[*_vector_params(r), r.pk] for r in rows]
        )


def forget(row) -> None:
    """The vector goes with its row."""


def _ranked(rows, tsquery_sql: str, query_params: list, *, language: str, limit: int) -> list:
    rows = rows.extra(
        select={
            "score": f"ts_rank(search_document.vector, {tsquery_sql})",
            "snippet": f"ts_headline('{CONFIG}', search_document.body, {tsquery_sql}, %s)",
            "other_language": "search_document.language <> %s",
        },
        select_params=[*query_params, *query_params, _HEADLINE, language],
        where=[f"search_document.vector @@ {tsquery_sql}"],
        params=query_params,
    ).order_by("other_language", "-score", "object_id")
    return hits(rows[:limit])


def fulltext(rows, query: str, parsed, *, language: str, limit: int) -> list:
    return _ranked(rows, f"websearch_to_tsquery('{CONFIG}', %s)", [text.fold(query)], language=language, limit=limit)


def any_words(rows, terms: list[str], *, language: str, limit: int) -> list:
    # words are \w+ only, so they cannot carry tsquery operators
    expression = " | ".join([*terms[:-1], terms[-1] + ":*"])
    return _ranked(rows, f"to_tsquery('{CONFIG}', %s)", [expression], language=language, limit=limit)


def similar_titles(rows, query: str, *, language: str, limit: int) -> list:
    with connection.cursor() as cursor:  # the <% operator (and its index) use this threshold
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [TITLE_SIMILARITY])
    rows = rows.extra(
        select={"score": "word_similarity(%s, search_document.title)", "snippet": "''"},
        select_params=[query],
        where=["%s <%% search_document.title"],
        params=[query],
    ).order_by("-score", "object_id")
    return hits(rows[:limit], typo=True)


# --- documents grouped by parent (a ticket's articles): conditions on the alias `d`


def query_condition(query: str, parsed) -> tuple[str, list]:
    return f"d.vector @@ websearch_to_tsquery('{CONFIG}', %s)", [text.fold(query)]


def address_condition(address: str) -> tuple[str, list]:
    """The address as one lexeme (the parser reads an address as one `email` token), in the D part;
    an unfinished address matches as a prefix."""
    address = text.fold(address.strip()).replace("'", "").replace("\\", "")
    return f"d.vector @@ to_tsquery('{CONFIG}', %s)", [f"'{address}':*D"]


def parents_sql(kind, condition, among_sql, among_params) -> tuple[str, list]:
    where, params = condition
    sql = f"SELECT d.parent_id FROM search_document d WHERE d.kind = %s AND {where}{among_sql}"
    return sql, [kind, *params, *among_params]


def score_sql(kind, condition, among_sql, among_params, outer) -> tuple[str, list]:
    where, params = condition
    rank = where.replace("d.vector @@ ", "ts_rank(d.vector, ", 1) + ")"
    sql = (
        f"SELECT max({rank}) FROM search_document d WHERE d.kind = %s AND d.parent_id = {outer} AND {where}{among_sql}"
    )
    return sql, [*params, kind, *params, *among_params]


def best_hits(kind, condition, among_sql, among_params, parents: list[int]) -> dict:
    where, params = condition
    query_sql = where.removeprefix("d.vector @@ ")
    rank = f"ts_rank(d.vector, {query_sql})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT b.parent_id, b.object_id, b.score,"
            f" ts_headline('{CONFIG}', d.body, {query_sql}, %s), ts_headline('{CONFIG}', d.title, {query_sql}, %s)"
            f" FROM (SELECT DISTINCT ON (d.parent_id) d.parent_id, d.object_id, d.id, {rank} AS score"
            f"  FROM search_document d WHERE d.kind = %s AND d.parent_id = ANY(%s) AND {where}{among_sql}"
            f"  ORDER BY d.parent_id, score DESC, d.object_id) b"
            f" JOIN search_document d ON d.id = b.id",
            [*params, _HEADLINE, *params, _HEADLINE, *params, kind, parents, *params, *among_params],
        )
        return {row[0]: hit_for(*row) for row in cursor.fetchall()}


def nearest_word(word: str) -> str:
    """The indexed title word most like `word` (pg_trgm's `%` through the trigram index), or ''."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM search_word WHERE word %% %s ORDER BY similarity(word, %s) DESC, word LIMIT 1",
            [word, word],
        )
        row = cursor.fetchone()
    return row[0] if row else ""
