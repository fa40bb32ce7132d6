"""Filling the ticket search index for articles written before it existed (an upgrade, a bulk import).

`backfill()` walks the articles in id order, `batch` at a time, each batch in its own transaction,
so it can be stopped and run again (documents are replaced, not duplicated). On PostgreSQL a batch
is one set-based statement (`INSERT ... SELECT ... ON CONFLICT`, the vector computed by the
database); on SQLite the documents are built in Python (tickets.search.index_articles).

The SQL builds the same document as tickets.search.document_for, with the database doing the
work: the ticket's title and the subject, the text body (or the HTML body without its tags),
the attachments' names and the To/Cc addresses.
"""

from django.db import connection, transaction

from helpdesk.lib.search import engine
from helpdesk.lib.search.postgres import CONFIG
from tickets import search
from tickets.models import Article

BATCH = 5000

_DOCUMENTS = """
    SELECT a.id AS object_id,
           CASE WHEN a.subject = '' OR a.subject = t.title THEN t.title ELSE t.title || E'\\n' || a.subject END
               AS title,
           CASE WHEN a.body_text <> '' THEN a.body_text ELSE regexp_replace(a.body_html, '<[^>]*>', ' ', 'g') END
               AS body,
           a.ticket_id AS parent_id,
           a.is_visible_to_customer AS is_public,
           concat_ws(' ', 'customer:' || t.customer_id, 'company:' || t.company_id) AS scopes,
           coalesce((SELECT string_agg(f.filename || ' ' || regexp_replace(f.filename, '[\\W_]+', ' ', 'g'), ' ')
                     FROM tickets_attachment f WHERE f.article_id = a.id), '') AS keywords,
           array_to_string(ARRAY(SELECT (regexp_matches(a.to_addresses || ' ' || a.cc_addresses,
                                                        '[^\\s<>,;"]+@[^\\s<>,;"]+', 'g'))[1]), ' ') AS addresses
    FROM tickets_article a JOIN tickets_ticket t ON t.id = a.ticket_id
"""

_INSERT = f"""
    INSERT INTO search_document (
        kind, object_id, language, title, body, parent_id, keywords, addresses, is_public, scopes, vector)
    SELECT %s, d.object_id, '', d.title, d.body, d.parent_id, d.keywords, d.addresses, d.is_public, d.scopes,
           setweight(to_tsvector('{CONFIG}', lower(d.title)), 'A')
           || setweight(to_tsvector('{CONFIG}', lower(d.body)), 'B')
           || setweight(to_tsvector('{CONFIG}', lower(d.keywords)), 'C')
           || setweight(to_tsvector('{CONFIG}', lower(d.addresses)), 'D')
    FROM ({_DOCUMENTS} {{where}}) d
"""

UPSERT = (
    _INSERT
    + """
    ON CONFLICT (kind, object_id) DO UPDATE SET
        title = EXCLUDED.title, body = EXCLUDED.body, parent_id = EXCLUDED.parent_id,
        keywords = EXCLUDED.keywords, addresses = EXCLUDED.addresses, is_public = EXCLUDED.is_public,
        scopes = EXCLUDED.scopes,
        vector = EXCLUDED.vector
"""
)


# the title words, for correcting misspelled queries (helpdesk.lib.search.engine.corrected)
_WORDS = """
    INSERT INTO search_word (word)
    SELECT word FROM ts_stat(%s) WHERE length(word) BETWEEN 3 AND 100
    ON CONFLICT (word) DO NOTHING
"""


def _title_words(cursor, where: str = "") -> None:
    cursor.execute(
        _WORDS, [f"SELECT to_tsvector('simple', lower(title)) FROM search_document WHERE kind = '{search.KIND}'{where}"]
    )


def fill_all(cursor) -> None:
    """Every article's document in one statement, the tickets' parent rows (engine.rebuild_parents), then
    the title words (PostgreSQL; for a freshly loaded database, where no ticket document exists yet: the
    bench). The caller may drop and rebuild the indexes around it."""
    cursor.execute(_INSERT.format(where=""), [search.KIND])
    engine.rebuild_parents(search.KIND)
    _title_words(cursor)


def _postgres_batch(first_id: int, last_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(  # the parents they had (an article moved by a merge leaves one)
            "SELECT DISTINCT parent_id FROM search_document WHERE kind = %s AND object_id BETWEEN %s AND %s",
            [search.KIND, first_id, last_id],
        )
        parents = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            UPSERT.format(where="WHERE a.id BETWEEN %s AND %s") + " RETURNING parent_id",
            [search.KIND, first_id, last_id],
        )
        parents += [row[0] for row in cursor.fetchall()]
        _title_words(cursor, f" AND object_id BETWEEN {int(first_id)} AND {int(last_id)}")
    engine.refresh_parents(search.KIND, parents)


def backfill(*, batch: int = BATCH, progress=None) -> int:
    """Index every article, `batch` at a time; `progress(done)` after each batch. Returns the count."""
    ids = Article.objects.order_by("pk").values_list("pk", flat=True)
    done, last = 0, 0
    while True:
        chunk = list(ids.filter(pk__gt=last)[:batch])
        if not chunk:
            return done
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _postgres_batch(chunk[0], chunk[-1])
            else:
                search.index_articles(Article.objects.filter(pk__gte=chunk[0], pk__lte=chunk[-1]))
        done += len(chunk)
        last = chunk[-1]
        if progress:
            progress(done)
