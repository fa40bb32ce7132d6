"""The full-text structures for the database in use (see helpdesk/lib/search/postgres.py, sqlite.py).

PostgreSQL needs the extensions unaccent and pg_trgm. Both are "trusted" since PostgreSQL 13:
the owner of the database (or a role with CREATE on it) may create them; on older servers a
superuser must. Without them this migration stops with the statements to run.
"""

from django.db import DatabaseError, migrations, transaction

EXTENSIONS = ("unaccent", "pg_trgm")

POSTGRES = [
    "CREATE TEXT SEARCH CONFIGURATION helpdesk_search (COPY = pg_catalog.simple)",
    "ALTER TEXT SEARCH CONFIGURATION helpdesk_search ALTER MAPPING FOR"
    " asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, simple",
    "ALTER TABLE search_document ADD COLUMN vector tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX search_document_vector ON search_document USING gin (vector)",
    "CREATE INDEX search_document_title_trgm ON search_document USING gin (title gin_trgm_ops)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_document_title_trgm",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS helpdesk_search",
]
SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_fts"]


class MissingExtension(RuntimeError):
    pass


def _create_extensions(cursor, connection, names=EXTENSIONS) -> None:
    for name in names:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [name])
        if cursor.fetchone():
            continue
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {name}")
        except DatabaseError as error:
            database = connection.settings_dict.get("NAME")
            raise MissingExtension(
                f"The search engine needs the PostgreSQL extension {name!r}, and this database user may not "
                f"create it ({error}). Connected to database {database!r} as its owner or a superuser, run:\n"
                + "".join(f"    CREATE EXTENSION IF NOT EXISTS {each};\n" for each in names)
                + "(PostgreSQL 13 or later lets the database owner create both; on the Debian/Ubuntu "
                "packages they come with the server, elsewhere install postgresql-contrib.) "
                "Then run the migrations again."
            ) from error


def forward(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _create_extensions(cursor, connection)
            statements = POSTGRES
        elif connection.vendor == "sqlite":
            statements = SQLITE
        else:
            raise RuntimeError(f"no search backend for {connection.vendor}")
        for statement in statements:
            cursor.execute(statement)


def reverse(apps, schema_editor):
    connection = schema_editor.connection
    statements = POSTGRES_REVERSE if connection.vendor == "postgresql" else SQLITE_REVERSE
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_document")]

    operations = [migrations.RunPython(forward, reverse)]
