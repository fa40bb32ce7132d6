"""Documents grouped by a parent (a ticket's articles), with attachment names and mail addresses.

On SQLite the FTS5 table gets the two new columns (recreated, its rows copied); on PostgreSQL
the `vector` column stays as it is (the new parts are weighted C and D when a row is indexed).
"""

from django.db import migrations, models

SQLITE = [
    "CREATE VIRTUAL TABLE search_fts_new USING fts5("
    "title, body, keywords, addresses, tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO search_fts_new (rowid, title, body) SELECT rowid, title, body FROM search_fts",
    "DROP TABLE search_fts",
    "ALTER TABLE search_fts_new RENAME TO search_fts",
]
SQLITE_REVERSE = [
    "CREATE VIRTUAL TABLE search_fts_old USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO search_fts_old (rowid, title, body) SELECT rowid, title, body FROM search_fts",
    "DROP TABLE search_fts",
    "ALTER TABLE search_fts_old RENAME TO search_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [
        migrations.AddField(
            model_name="searchdocument", name="parent_id", field=models.BigIntegerField(blank=True, null=True)
        ),
        migrations.AddField(model_name="searchdocument", name="keywords", field=models.TextField(blank=True)),
        migrations.AddField(model_name="searchdocument", name="addresses", field=models.TextField(blank=True)),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["kind", "parent_id"], name="search_document_parent"),
        ),
        migrations.RunPython(_run(SQLITE), _run(SQLITE_REVERSE)),
    ]
