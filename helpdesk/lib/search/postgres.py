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
from helpdesk.lib.search.documents import hits

CONFIG = "helpdesk_search"
TITLE_SIMILARITY = "0.3"
_HEADLINE = f"StartSel={text.MARK_START}, StopSel={text.MARK_STOP}, MaxWords=30, MinWords=12, MaxFragments=2"


def sync(row) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE search_document SET vector = setweight(to_tsvector('{CONFIG}', %s), 'A')"
            f" || setweight(to_tsvector('{CONFIG}', %s), 'B') WHERE id = %s",
            [text.fold(row.title), text.fold(row.body), row.pk],
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
