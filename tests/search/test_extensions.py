"""Without the right to create an extension the search migration stops with the statements to run."""

import importlib

import pytest
from django.db import connection

fulltext = importlib.import_module("helpdesk.lib.search.migrations.0002_fulltext")

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_a_role_that_may_not_create_the_extension_gets_the_statements_to_run():
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE helpdesk_search_probe NOLOGIN")  # undone with the test's transaction
        cursor.execute("SET LOCAL ROLE helpdesk_search_probe")
        # file_fdw is not a trusted extension: only a superuser may create it, as with unaccent
        # and pg_trgm before PostgreSQL 13 or for a role without CREATE on the database
        with pytest.raises(fulltext.MissingExtension) as refused:
            fulltext._create_extensions(cursor, connection, names=("file_fdw",))
        cursor.execute("RESET ROLE")
    message = str(refused.value)
    assert "needs the PostgreSQL extension 'file_fdw'" in message
    assert "CREATE EXTENSION IF NOT EXISTS file_fdw;" in message
    assert "Then run the migrations again." in message


def test_the_extensions_are_there_after_the_migrations():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname IN ('unaccent', 'pg_trgm') ORDER BY 1")
        assert [row[0] for row in cursor.fetchall()] == ["pg_trgm", "unaccent"]
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = 'helpdesk_search'")
        assert cursor.fetchone() == (1,)
