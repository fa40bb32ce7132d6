"""SQLite backend (the embedded default): an FTS5 table `search_fts` (title, body) whose rowid
is the search_document id, kept in the same transaction as the row; bm25 ranking (title
weighs ten times the body) and snippet(). Misspelled titles are matched in Python
(difflib), which is fine for the size of a laptop installation.

The web-search syntax is translated into an FTS5 expression from the parsed query, every
word quoted, so nothing the user types is FTS5 syntax.
"""

from difflib import SequenceMatcher

from django.db import connection

from helpdesk.lib.search import text
from helpdesk.lib.search.documents import Hit, hits

TITLE_SIMILARITY = 0.75


def sync(row) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [row.pk])
        cursor.execute("INSERT INTO search_fts (rowid, title, body) VALUES (%s, %s, %s)", [row.pk, row.title, row.body])


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
            "score": "-bm25(search_fts, 10.0, 1.0)",
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
