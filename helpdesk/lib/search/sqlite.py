"""SQLite backend (the embedded default): an FTS5 table `search_fts` (title, body, keywords, addresses) whose rowid
is the search_document id, kept in the same transaction as the row; bm25 ranking (title
weighs ten times the body) and snippet(). Misspelled titles are matched in Python
(difflib), which is fine for the size of a laptop installation.

The web-search syntax is translated into an FTS5 expression from the parsed query, every
word quoted, so nothing the user types is FTS5 syntax.
"""

from difflib import SequenceMatcher

from django.db import connection

from helpdesk.lib.search import text
from helpdesk.lib.search.documents import Hit, hit_for, hits

TITLE_SIMILARITY = 0.75


def sync(row) -> None:
    sync_many([row])


def sync_many(rows) -> None:
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [[row.pk] for row in rows])
        cursor.executemany(
            "INSERT INTO search_fts (rowid, title, body, keywords, addresses) VALUES (%s, %s, %s, %s, %s)",
            [[row.pk, row.title, row.body, row.keywords, row.addresses] for row in rows],
        )


def forget(row) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [row.pk])


def _unit(words: tuple[str, ...]) -> str:
    return '"' + " ".join(words) + '"'


def expression(parsed) -> str:
    groups = ["(" + " OR ".join(_unit(unit) for unit in group) + ")" for group in parsed.groups]
    result = " AND ".join(groups)
    for unit in parsed.excluded:
        result = f"({result}) NOT {_unit(unit)}"
    return result


def _ranked(rows, match: str, *, language: str, limit: int) -> list:
    rows = rows.extra(
        tables=["search_fts"],
        select={
            "score": "-bm25(search_fts, 10.0, 1.0, 2.0, 1.0)",
            "snippet": "snippet(search_fts, 1, char(2), char(3), '…', 24)",
            "other_language": "search_document.language <> %s",
        },
        select_params=[language],
        where=["search_fts.rowid = search_document.id", "search_fts MATCH %s"],
        params=[match],
    ).order_by("other_language", "-score", "object_id")
    return hits(rows[:limit])


def fulltext(rows, query: str, parsed, *, language: str, limit: int) -> list:
    return _ranked(rows, expression(parsed), language=language, limit=limit)


def any_words(rows, terms: list[str], *, language: str, limit: int) -> list:
    match = " OR ".join([*(_unit((term,)) for term in terms[:-1]), _unit((terms[-1],)) + "*"])
    return _ranked(rows, match, language=language, limit=limit)


def _similarity(query_words: list[str], title: str) -> float:
    title_words = text.words(title)
    if not query_words or not title_words:
        return 0.0
    best = [max(SequenceMatcher(None, word, other).ratio() for other in title_words) for word in query_words]
    return sum(best) / len(best)


def similar_titles(rows, query: str, *, language: str, limit: int) -> list:
    query_words = text.words(query)
    scored = []
    for row in rows.only("object_id", "language", "title"):
        score = _similarity(query_words, row.title)
        if score >= TITLE_SIMILARITY:
            scored.append((-score, row.object_id, row))
    scored.sort(key=lambda item: item[:2])
    return [
        Hit(row.object_id, row.language, row.title, text.highlighted(""), -negative, typo=True)
        for negative, _, row in scored[:limit]
    ]


# --- documents grouped by parent (a ticket's articles): conditions on search_fts joined to `d`

_FROM = "search_fts JOIN search_document d ON d.id = search_fts.rowid"
_SCORE = "-bm25(search_fts, 10.0, 1.0, 2.0, 1.0)"
_SNIPPET = "snippet(search_fts, {column}, char(2), char(3), '…', 24)"


def query_condition(query: str, parsed) -> tuple[str, list]:
    return "search_fts MATCH %s", [expression(parsed)]


def address_condition(address: str) -> tuple[str, list]:
    """The address's words as a phrase in the addresses column; an unfinished one as a prefix."""
    words = text.words(address)
    if not words:
        return "0", []
    return "search_fts MATCH %s", ["addresses : " + _unit(tuple(words)) + "*"]


def parents_sql(kind, condition, among_sql, among_params) -> tuple[str, list]:
    where, params = condition
    return f"SELECT d.parent_id FROM {_FROM} WHERE {where} AND d.kind = %s{among_sql}", [*params, kind, *among_params]


def score_sql(kind, condition, among_sql, among_params, outer) -> tuple[str, list]:
    where, params = condition
    # FTS5 refuses bm25() inside an aggregate: the best document is the first by score
    sql = (
        f"SELECT {_SCORE} AS score FROM {_FROM} WHERE {where} AND d.kind = %s AND d.parent_id = {outer}{among_sql}"
        " ORDER BY score DESC LIMIT 1"
    )
    return sql, [*params, kind, *among_params]


def best_hits(kind, condition, among_sql, among_params, parents: list[int]) -> dict:
    where, params = condition
    marks = ", ".join(["%s"] * len(parents))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.parent_id, d.object_id, {_SCORE}, {_SNIPPET.format(column=1)}, {_SNIPPET.format(column=0)}"
            f" FROM {_FROM} WHERE {where} AND d.kind = %s AND d.parent_id IN ({marks}){among_sql}",
            [*params, kind, *parents, *among_params],
        )
        best = {}
        for row in cursor.fetchall():
            if row[0] not in best or (row[2], -row[1]) > (best[row[0]][2], -best[row[0]][1]):
                best[row[0]] = row
    return {parent: hit_for(*row) for parent, row in best.items()}


def nearest_word(word: str) -> str:
    """The indexed title word most like `word`, compared in Python (a laptop's vocabulary), or ''."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM search_word")
        best = max(
            ((SequenceMatcher(None, word, other).ratio(), other) for (other,) in cursor.fetchall()),
            key=lambda item: (item[0], [-ord(c) for c in item[1]]),
            default=(0.0, ""),
        )
    return best[1] if best[0] >= TITLE_SIMILARITY else ""
