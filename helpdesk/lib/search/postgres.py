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


# --- documents grouped by parent (a ticket's articles)
#
# A parent (search_parent) holds the `||` of its documents' vectors (and of its public ones): a search
# matches parents through their GIN index, one row per ticket, so two words, a phrase or a common
# word cost an index probe and the matching rows' small heap tuples, not the grouping of every
# matching article. The documents themselves are read only for a page's snippets (best_hits).

AGGREGATE = "helpdesk_tsvector_agg"  # created by migration 0006: `||` over rows
# Created by migration 0006: `true`, declared costly. The planner prices `vector @@ query` as cheap,
# which it is in the GIN index, but not on a row, whose vector is read from TOAST: without this, a
# search's LIMITed count walks the table and reads thousands of vectors (70 ms) instead of taking
# the index's matches (20 ms). Evaluated only on the rows that match.
ROW_COST = "helpdesk_search_row_cost"
SCOPE = "@ "  # a scope's lexeme: "@ customer:12" (with a space, which no parsed word has)


def _parent_column(public: bool) -> str:
    return "p.public_vector" if public else "p.vector"


def _tsquery(query: str) -> tuple[str, list]:
    return f"websearch_to_tsquery('{CONFIG}', %s)", [text.fold(query)]


def matching_parents_sql(kind: str, query: str, parsed, *, public: bool, scopes: list[str]) -> tuple[str, list]:
    tsquery, params = _tsquery(query)
    if scopes:  # one index probe for the words and the scopes together
        tsquery = f"({tsquery} && %s::tsquery)"
        params = [*params, " | ".join(f"'{SCOPE}{name}'" for name in scopes)]
    sql = (
        f"SELECT p.parent_id FROM search_parent p"
        f" WHERE p.kind = %s AND {_parent_column(public)} @@ {tsquery} AND {ROW_COST}(p.parent_id)"
    )
    return sql, [kind, *params]


def parent_score_sql(kind: str, query: str, parsed, *, public: bool, outer: str) -> tuple[str, list]:
    tsquery, params = _tsquery(query)
    sql = (
        f"SELECT ts_rank({_parent_column(public)}, {tsquery}) FROM search_parent p"
        f" WHERE p.kind = %s AND p.parent_id = {outer}"
    )
    return sql, [*params, kind]


_SCOPES = f"""
    array_to_tsvector(ARRAY(
        SELECT DISTINCT '{SCOPE}' || name FROM unnest(string_to_array(string_agg(d.scopes, ' '), ' ')) name
        WHERE name <> ''))
"""
_REFRESH = f"""
    INSERT INTO search_parent (kind, parent_id, vector, public_vector)
    SELECT d.kind, d.parent_id, {AGGREGATE}(d.vector ORDER BY d.object_id) || {_SCOPES},
           {AGGREGATE}(d.vector ORDER BY d.object_id) FILTER (WHERE d.is_public) || {_SCOPES}
    FROM search_document d WHERE d.kind = %s AND d.parent_id = ANY(%s)
    GROUP BY d.kind, d.parent_id
    ON CONFLICT (kind, parent_id) DO UPDATE SET vector = EXCLUDED.vector, public_vector = EXCLUDED.public_vector
"""
COMPACT_BYTES = 1_000_000  # a tsvector holds at most 1 MB of lexemes and positions
_COMPACT_WORDS = f"""
    array_to_tsvector(ARRAY(
        SELECT lexeme FROM (
            SELECT w.lexeme, sum(octet_length(w.lexeme) + 1)
                   OVER (ORDER BY left(w.lexeme, 2) = '{SCOPE}' DESC, length(w.lexeme), w.lexeme) AS bytes
            FROM (SELECT DISTINCT u.lexeme FROM search_document d, unnest(d.vector) u
                  WHERE d.kind = %s AND d.parent_id = %s{{public}}
                  UNION
                  SELECT '{SCOPE}' || name FROM search_document d, unnest(string_to_array(d.scopes, ' ')) name
                  WHERE d.kind = %s AND d.parent_id = %s AND name <> '') w
        ) kept WHERE bytes <= %s))
"""
_COMPACT = f"""
    INSERT INTO search_parent (kind, parent_id, vector, public_vector)
    SELECT %s, %s, {_COMPACT_WORDS.format(public="")}, {_COMPACT_WORDS.format(public=" AND d.is_public")}
    ON CONFLICT (kind, parent_id) DO UPDATE SET vector = EXCLUDED.vector, public_vector = EXCLUDED.public_vector
"""


def refresh_parents(kind: str, parent_ids: list[int], *, compact: bool = False) -> None:
    """The parents' vectors again from their documents; parents left without documents go.

    `compact` (for a parent whose words do not fit one tsvector: a thread of hundreds of mails full
    of hashes and codes): its distinct words without positions or weights (found by words, not by
    phrases; ranked flat), the shortest first, as many as fit."""
    with connection.cursor() as cursor:
        if compact:
            for parent in parent_ids:
                params = [kind, parent, kind, parent, COMPACT_BYTES]
                cursor.execute(_COMPACT, [kind, parent, *params, *params])
        else:
            cursor.execute(_REFRESH, [kind, parent_ids])
        cursor.execute(
            "DELETE FROM search_parent p WHERE p.kind = %s AND p.parent_id = ANY(%s) AND NOT EXISTS"
            " (SELECT 1 FROM search_document d WHERE d.kind = p.kind AND d.parent_id = p.parent_id)",
            [kind, parent_ids],
        )


# --- a page's snippets, and the mail address criterion: conditions on documents (alias `d`)


def query_condition(query: str, parsed) -> tuple[str, list]:
    return f"d.vector @@ websearch_to_tsquery('{CONFIG}', %s)", [text.fold(query)]


def _any_word_query(parsed) -> tuple[str, list]:
    """Any of the query's wanted words (words are \\w+: no tsquery syntax in them)."""
    words = dict.fromkeys(word for group in parsed.groups for unit in group for word in unit)
    return f"to_tsquery('{CONFIG}', %s)", [" | ".join(f"'{word}'" for word in words)]


def address_condition(address: str) -> tuple[str, list]:
    """The address as one lexeme (the parser reads an address as one `email` token), in the D part;
    an unfinished address matches as a prefix."""
    address = text.fold(address.strip()).replace("'", "").replace("\\", "")
    return f"d.vector @@ to_tsquery('{CONFIG}', %s)", [f"'{address}':*D"]


def parents_sql(kind, condition, among_sql, among_params) -> tuple[str, list]:
    where, params = condition
    sql = f"SELECT d.parent_id FROM search_document d WHERE d.kind = %s AND {where}{among_sql}"
    return sql, [kind, *params, *among_params]


def best_hits(kind, query: str, parsed, among_sql, among_params, parents: list[int]) -> dict:
    """Each parent's best document: one matching the whole query if there is one (the words may be
    spread over a ticket's articles), else the one with most of its words; the snippet marks them all."""
    full, full_params = _tsquery(query)
    anyq, any_params = _any_word_query(parsed)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT b.parent_id, b.object_id, b.score,"
            f" ts_headline('{CONFIG}', d.body, {anyq}, %s), ts_headline('{CONFIG}', d.title, {anyq}, %s)"
            f" FROM (SELECT DISTINCT ON (d.parent_id) d.parent_id, d.object_id, d.id,"
            f"   ts_rank(d.vector, {full}) AS score"
            f"  FROM search_document d WHERE d.kind = %s AND d.parent_id = ANY(%s) AND d.vector @@ {anyq}{among_sql}"
            f"  ORDER BY d.parent_id, d.vector @@ {full} DESC, ts_rank(d.vector, {anyq}) DESC, d.object_id) b"
            f" JOIN search_document d ON d.id = b.id",
            [
                *any_params,
                _HEADLINE,
                *any_params,
                _HEADLINE,
                *full_params,
                kind,
                parents,
                *any_params,
                *among_params,
                *full_params,
                *any_params,
            ],  # fmt: skip
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
