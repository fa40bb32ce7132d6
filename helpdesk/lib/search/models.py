"""One row per searchable thing (an FAQ article, a ticket's article): the engine's own index table.

`parent_id` groups documents that are found together (a ticket's articles: a search returns
tickets, each with its best article); `keywords` (attachment file names) and `addresses`
(To/Cc) weigh less than the title and body.

The full-text structures live beside it, made by the migrations for the database in use:
on PostgreSQL a `vector` tsvector column with a GIN index and a trigram index on `title`;
on SQLite the FTS5 tables `search_fts` and `search_trigram` keyed by this table's id.
"""

from django.db import models


class SearchDocument(models.Model):
    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    language = models.CharField(max_length=10, blank=True)
    title = models.TextField()
    body = models.TextField(blank=True)
    parent_id = models.BigIntegerField(null=True, blank=True)
    keywords = models.TextField(blank=True)
    addresses = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)  # False: for the staff only (an internal note)
    scopes = models.TextField(blank=True)  # Document.scopes, space-separated

    class Meta:
        db_table = "search_document"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_once")]
        indexes = [models.Index(fields=["kind", "parent_id"], name="search_document_parent")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class SearchWord(models.Model):
    """Every word of the indexed titles, once: what a misspelled query is corrected to ("did you mean").

    PostgreSQL looks the nearest words up through a trigram index (pg_trgm); SQLite compares them in
    Python. Words are case-folded and keep their accents, as they are shown to the user."""

    word = models.CharField(max_length=100, unique=True)

    class Meta:
        db_table = "search_word"

    def __str__(self):
        return self.word


class SearchParent(models.Model):
    """One row per parent of documents (a ticket, whose documents are its articles): what a grouped
    search matches, so that a ticket is found by its words wherever they are in it (the title, any
    article) in one index probe per ticket, rather than by grouping every matching article.

    Rebuilt from its documents by the engine whenever one of them is indexed (helpdesk/lib/search/engine.py,
    `refresh_parents`). The full-text structures live beside it, made by the migration for the database in
    use: on PostgreSQL the tsvector columns `vector` (every document) and `public_vector` (the public ones:
    what a customer may search) with GIN indexes; on SQLite the FTS5 tables `search_parent_fts` and
    `search_parent_public_fts` keyed by this table's id."""

    kind = models.CharField(max_length=40)
    parent_id = models.BigIntegerField()

    class Meta:
        db_table = "search_parent"
        constraints = [models.UniqueConstraint(fields=["kind", "parent_id"], name="search_parent_once")]

    def __str__(self):
        return f"{self.kind} parent {self.parent_id}"
