"""A trigram index on the ticket titles (PostgreSQL), for the list filter's text box.

The filter matches titles with `UPPER(title) LIKE UPPER('%text%')` (Django's icontains), which a
btree cannot serve: over all states it read every ticket (0.4-0.8 s at a million). The GIN
trigram index on the same expression answers it. pg_trgm is created by the search app's
migration (search.0002_fulltext, which explains the privilege it needs). SQLite has no such
index and scans, as before.
"""

from django.db import migrations

CREATE = "CREATE INDEX IF NOT EXISTS ticket_title_trgm ON tickets_ticket USING gin ((UPPER(title::text)) gin_trgm_ops)"
DROP = "DROP INDEX IF EXISTS ticket_title_trgm"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0014_ticket_sort_keys"),
        ("search", "0002_fulltext"),
    ]

    operations = [migrations.RunPython(forward, reverse)]
