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


# --- documents grouped by parent (a ticket's articles)
#
# A parent's text (every document's, and the public documents' alone) is one row of the FTS5 tables
# search_parent_fts and search_parent_public_fts, whose rowid is the search_parent id: a search
# matches parents, as on PostgreSQL.

_SCORE = "-bm25({fts}, 10.0, 1.0, 2.0, 1.0)"
_COLUMNS = ("title", "body", "keywords", "addresses")
_IDS_PER_STATEMENT = 500


def _parent_fts(public: bool) -> str:
    return "search_parent_public_fts" if public else "search_parent_fts"


def matching_parents_sql(kind: str, query: str, parsed, *, public: bool, scopes: list[str]) -> tuple[str, list]:
    """(`scopes` only narrow, and a laptop's few thousand tickets need no narrowing: not used here.)"""
    fts = _parent_fts(public)
    sql = (
        f"SELECT p.parent_id FROM {fts} JOIN search_parent p ON p.id = {fts}.rowid WHERE {fts} MATCH %s AND p.kind = %s"
    )
    return sql, [expression(parsed), kind]


def parent_score_sql(kind: str, query: str, parsed, *, public: bool, outer: str) -> tuple[str, list]:
    fts = _parent_fts(public)
    sql = (
        f"SELECT {_SCORE.format(fts=fts)} FROM {fts} JOIN search_parent p ON p.id = {fts}.rowid"
        f" WHERE {fts} MATCH %s AND p.kind = %s AND p.parent_id = {outer}"
    )
    return sql, [expression(parsed), kind]


def refresh_parents(kind: str, parent_ids: list[int], *, compact: bool = False) -> None:
    """The parents' text again from their documents; parents left without documents go. (`compact`
    is PostgreSQL's, for a parent too big for one tsvector; FTS5 has no such limit.)"""
    for start in range(0, len(parent_ids), _IDS_PER_STATEMENT):
        _refresh_some(kind, parent_ids[start : start + _IDS_PER_STATEMENT])


def _refresh_some(kind: str, ids: list[int]) -> None:
    marks = ", ".join(["%s"] * len(ids))
    parents = f"SELECT id FROM search_parent WHERE kind = %s AND parent_id IN ({marks})"
    joined = ", ".join(f"group_concat(d.{column}, char(10))" for column in _COLUMNS)
    with connection.cursor() as cursor:
        for fts in (_parent_fts(False), _parent_fts(True)):
            cursor.execute(f"DELETE FROM {fts} WHERE rowid IN ({parents})", [kind, *ids])
        cursor.execute(
            f"DELETE FROM search_parent WHERE kind = %s AND parent_id IN ({marks}) AND NOT EXISTS (SELECT 1 FROM"
            " search_document d WHERE d.kind = search_parent.kind AND d.parent_id = search_parent.parent_id)",
            [kind, *ids],
        )
        cursor.execute(
            f"INSERT OR IGNORE INTO search_parent (kind, parent_id)"
            f" SELECT DISTINCT kind, parent_id FROM search_document WHERE kind = %s AND parent_id IN ({marks})",
            [kind, *ids],
        )
        for fts, public in ((_parent_fts(False), ""), (_parent_fts(True), " AND d.is_public")):
            cursor.execute(
                f"INSERT INTO {fts} (rowid, {', '.join(_COLUMNS)}) SELECT p.id, {joined}"
                f" FROM search_parent p JOIN (SELECT * FROM search_document ORDER BY object_id) d"
                f" ON d.kind = p.kind AND d.parent_id = p.parent_id"
                f" WHERE p.kind = %s AND p.parent_id IN ({marks}){public} GROUP BY p.id",
                [kind, *ids],
            )


# --- a page's snippets, and the mail address criterion: conditions on search_fts joined to `d`

_FROM = "search_fts JOIN search_document d ON d.id = search_fts.rowid"
_SNIPPET = "snippet(search_fts, {column}, char(2), char(3), '…', 24)"


def query_condition(query: str, parsed) -> tuple[str, list]:
    return "search_fts MATCH %s", [expression(parsed)]


def _any_word_expression(parsed) -> str:
    words = dict.fromkeys(word for group in parsed.groups for unit in group for word in unit)
    return " OR ".join(_unit((word,)) for word in words)


def address_condition(address: str) -> tuple[str, list]:
    """The address's words as a phrase in the addresses column; an unfinished one as a prefix."""
    words = text.words(address)
    if not words:
        return "0", []
    return "search_fts MATCH %s", ["addresses : " + _unit(tuple(words)) + "*"]


def parents_sql(kind, condition, among_sql, among_params) -> tuple[str, list]:
    where, params = condition
    return f"SELECT d.parent_id FROM {_FROM} WHERE {where} AND d.kind = %s{among_sql}", [*params, kind, *among_params]


def best_hits(kind, query: str, parsed, among_sql, among_params, parents: list[int]) -> dict:
    """Each parent's best document: one matching the whole query if there is one, else the one with
    most of its words (a ticket's words may be spread over its articles)."""
    marks = ", ".join(["%s"] * len(parents))
    whole = "search_fts.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.parent_id, d.object_id, {_SCORE.format(fts='search_fts')}, {_SNIPPET.format(column=1)},"
            f" {_SNIPPET.format(column=0)}, {whole}"
            f" FROM {_FROM} WHERE search_fts MATCH %s AND d.kind = %s AND d.parent_id IN ({marks}){among_sql}",
            [expression(parsed), _any_word_expression(parsed), kind, *parents, *among_params],
        )
        best = {}
        for row in cursor.fetchall():
            key = (row[5], row[2], -row[1])
            if row[0] not in best or key > best[row[0]][0]:
                best[row[0]] = (key, row[:5])
    return {parent: hit_for(*row) for parent, (_key, row) in best.items()}


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
