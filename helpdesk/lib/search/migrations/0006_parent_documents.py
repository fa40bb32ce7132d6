"""One row per parent of documents (a ticket): what a grouped search matches (see models.SearchParent).

Documents get `scopes` (what their parent is filed under: a ticket's customer and company).
PostgreSQL: the aggregate `helpdesk_tsvector_agg` (the `||` of tsvectors over rows), the planner's
price of reading a row's vector (`helpdesk_search_row_cost`, see postgres.py), the columns
`vector` and `public_vector` stored out of line (`toast_tuple_target`: the table's own pages stay
small, so a search that matches many tickets reads few pages) and their GIN indexes (made after
the rows). SQLite: two FTS5 tables. The parents of the documents already indexed are built here,
in batches.
"""

from django.db import migrations, models

from helpdesk.lib.search import engine  # the refresh the engine runs whenever a document changes

AGGREGATE = "helpdesk_tsvector_agg"

ROW_COST = "helpdesk_search_row_cost"

POSTGRES = [
    f"CREATE AGGREGATE {AGGREGATE} (tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '')",
    # see helpdesk/lib/search/postgres.py ROW_COST: `true`, priced like reading a vector from TOAST
    f"CREATE FUNCTION {ROW_COST} (bigint) RETURNS boolean LANGUAGE plpgsql IMMUTABLE PARALLEL RESTRICTED COST 100"
    " AS 'BEGIN RETURN true; END'",
    "ALTER TABLE search_parent ADD COLUMN vector tsvector NOT NULL DEFAULT '',"
    " ADD COLUMN public_vector tsvector NOT NULL DEFAULT ''",
    "ALTER TABLE search_parent SET (toast_tuple_target = 128)",
]
POSTGRES_INDEXES = [  # after the rows are built: faster than maintaining them row by row
    "CREATE INDEX search_parent_vector ON search_parent USING gin (vector)",
    "CREATE INDEX search_parent_public_vector ON search_parent USING gin (public_vector)",
    "ANALYZE search_parent",
]
POSTGRES_REVERSE = [f"DROP AGGREGATE IF EXISTS {AGGREGATE} (tsvector)", f"DROP FUNCTION IF EXISTS {ROW_COST} (bigint)"]
SQLITE = [
    "CREATE VIRTUAL TABLE search_parent_fts USING fts5("
    "title, body, keywords, addresses, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE search_parent_public_fts USING fts5("
    "title, body, keywords, addresses, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_parent_public_fts", "DROP TABLE IF EXISTS search_parent_fts"]
BATCH = 20_000  # parents per statement when building them from the documents already there


def forward(apps, schema_editor):
    connection = schema_editor.connection
    statements = POSTGRES if connection.vendor == "postgresql" else SQLITE
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("SELECT DISTINCT kind FROM search_document WHERE parent_id IS NOT NULL")
        kinds = [row[0] for row in cursor.fetchall()]
    for kind in kinds:
        engine.rebuild_parents(kind, batch=BATCH)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in POSTGRES_INDEXES:
                cursor.execute(statement)


def reverse(apps, schema_editor):
    connection = schema_editor.connection
    statements = POSTGRES_REVERSE if connection.vendor == "postgresql" else SQLITE_REVERSE
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_public_documents")]

    operations = [
        migrations.AddField(model_name="searchdocument", name="scopes", field=models.TextField(blank=True)),
        migrations.CreateModel(
            name="SearchParent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=40)),
                ("parent_id", models.BigIntegerField()),
            ],
            options={
                "db_table": "search_parent",
                "constraints": [models.UniqueConstraint(fields=("kind", "parent_id"), name="search_parent_once")],
            },
        ),
        migrations.RunPython(forward, reverse),
    ]
