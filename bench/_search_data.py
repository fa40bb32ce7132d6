"""The ticket search in the bench: its documents for data loaded with set-based SQL, and its cases.

    from _search_data import CASES, cases, fill
    with connection.cursor() as cursor:
        fill(cursor)                     # after the tickets and articles are loaded, before VACUUM ANALYZE
    for name, url in cases():            # CASES with the queue's and state's ids filled in
        ...                              # request url as the agent ("agent"), like the other cases

`fill` builds every article's search document in one INSERT ... SELECT (tickets.search_backfill,
the same SQL the backfill command runs in batches) and every ticket's parent row from them
(helpdesk.lib.search.engine.rebuild_parents, what the service layer runs for one ticket), with the
GIN and trigram indexes dropped during the load and built again after it (faster than maintaining
them row by row).
The words are from the demo scenarios (tickets/demo/texts) that bench/panels.py loads: "copies"
only in the long thread, "please" in most English messages, "blank pages" in one scenario's title.
"""

import time

INDEXES = {
    "search_document_vector": "CREATE INDEX search_document_vector ON search_document USING gin (vector)",
    "search_document_title_trgm": (
        "CREATE INDEX search_document_title_trgm ON search_document USING gin (title gin_trgm_ops)"
    ),
    "search_parent_vector": "CREATE INDEX search_parent_vector ON search_parent USING gin (vector)",
    "search_parent_public_vector": (
        "CREATE INDEX search_parent_public_vector ON search_parent USING gin (public_vector)"
    ),
}

# (name, url): {queue} and {state} are the ids of the queue "1st level" and the state "open" (see cases())
CASES = [
    ("search: a rare word (copies)", "/agent/search/?q=copies"),
    ("search: a common word (please)", "/agent/search/?q=please"),
    ("search: two words (printer cartridge)", "/agent/search/?q=printer+cartridge"),
    ('search: a phrase ("blank pages")', "/agent/search/?q=%22blank+pages%22"),
    ("search: a Cyrillic word (пароль)", "/agent/search/?q=%D0%BF%D0%B0%D1%80%D0%BE%D0%BB%D1%8C"),
    ("search: vpn in 1st level, state open", "/agent/search/?q=vpn&queue={queue}&state={state}"),
    ("search: a typo (pritner)", "/agent/search/?q=pritner"),
    ("search: common word sorted by updated", "/agent/search/?q=please&sort=-updated"),
    ("search: criteria only (queue, state)", "/agent/search/?queue={queue}&state={state}"),
]


def fill(cursor) -> float:
    """Every article's search document, set-based; returns the seconds it took."""
    from tickets.search_backfill import fill_all

    began = time.monotonic()
    cursor.execute("DELETE FROM search_document WHERE kind = 'ticket'")
    cursor.execute("DELETE FROM search_parent WHERE kind = 'ticket'")
    for name in INDEXES:
        cursor.execute(f"DROP INDEX IF EXISTS {name}")
    fill_all(cursor)
    cursor.execute("SET maintenance_work_mem = '512MB'")
    for statement in INDEXES.values():
        cursor.execute(statement)
    cursor.execute("RESET maintenance_work_mem")
    cursor.execute("ANALYZE search_document")
    cursor.execute("ANALYZE search_parent")
    return time.monotonic() - began


def cases() -> list[tuple[str, str]]:
    """CASES with the ids of this database (call after Django is set up)."""
    from tickets.models import Queue, State

    queue = Queue.objects.get(name="1st level").pk
    state = State.objects.get(name="open").pk
    return [(name, url.format(queue=queue, state=state)) for name, url in CASES]
