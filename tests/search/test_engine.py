"""The search engine on whichever database the suite runs on (PostgreSQL, and SQLite in the smoke pass)."""

import pytest

from helpdesk.lib.search import engine
from helpdesk.lib.search.documents import Document
from helpdesk.lib.search.models import SearchDocument
from tests.conftest import ON_POSTGRES

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

DOCS = [
    Document("doc", 1, "en", "Printer does not print", "The printer on the second floor shows paper jam."),
    Document("doc", 2, "ru", "Принтер не печатает", "Если ПРИНТЕР пишет «замятие бумаги», откройте лоток."),
    Document("doc", 3, "pl", "Drukarka nie drukuje", "Gdy drukarka zgłasza zacięcie papieru, otwórz podajnik."),
    Document("doc", 4, "cs", "Tiskárna netiskne", "Když tiskárna hlásí uvíznutí papíru, otevřete zásobník."),
    Document("doc", 5, "en", "Reset your VPN password", "Open the portal and choose a new password for the VPN."),
    Document("doc", 6, "en", "Wireless network at the office", "Connect to the guest network, then sign in."),
]


@pytest.fixture
def docs(db):
    for document in DOCS:
        engine.index(document)


def found(query, **kwargs):
    return [hit.object_id for hit in engine.search(query, kind="doc", **kwargs)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("printer", 1),
        ("PRINTER", 1),
        ("принтер", 2),  # the body has it in capitals
        ("ПРИНТЕР", 2),
        ("Принтер", 2),
        ("drukarka", 3),
        ("zacięcie", 3),
        ("tiskarna", 4),  # without the accent
        ("Tiskárna", 4),
        ("UVÍZNUTÍ", 4),
    ],
)
def test_each_language_is_found_whatever_the_case_and_accents(docs, query, expected):
    assert found(query, typos=False) == [expected]


def test_all_words_are_required(docs):
    assert found("password portal", typos=False) == [5]
    assert found("password floor", typos=False) == []


def test_a_quoted_phrase_keeps_its_words_together(docs):
    assert found('"new password"', typos=False) == [5]
    assert found('"password new"', typos=False) == []


def test_a_minus_excludes(docs):
    assert found("network", typos=False) == [6]
    assert found("network -guest", typos=False) == []
    assert found('password -"second floor"', typos=False) == [5]


def test_or_takes_either(docs):
    assert sorted(found("vpn OR wireless", typos=False)) == [5, 6]
    assert sorted(found("drukarka OR tiskárna", typos=False)) == [3, 4]


def test_the_title_outranks_the_body(docs):
    engine.index(Document("doc", 7, "en", "Paper sizes", "Which paper the printer takes."))
    assert found("printer", typos=False)[:2] == [1, 7]


def test_the_readers_language_comes_first(docs):
    engine.index(Document("doc", 8, "pl", "Printer (PL)", "printer printer"))
    assert found("printer", language="pl", typos=False)[0] == 8


def test_snippets_highlight_the_words_and_escape_the_rest(docs):
    engine.index(Document("doc", 9, "en", "Markup", "Type <b>bold</b> & 1 < 2, then press the jam button."))
    (hit,) = engine.search("jam button", kind="doc", among=[9], typos=False)
    assert "<mark>jam</mark> <mark>button</mark>" in hit.snippet
    assert "<b>" not in hit.snippet
    assert "&amp;" in hit.snippet


def test_only_the_allowed_ids_are_searched(docs):
    assert found("printer OR drukarka", among=[3], typos=False) == [3]
    assert found("printer", among=[], typos=False) == []


def test_a_misspelled_title_word_still_finds_the_document(docs):
    assert found("pritner") == [1]
    assert found("Wireles netwrok") == [6]


def test_nothing_to_search_finds_nothing(docs):
    assert found("") == []
    assert found("-printer") == []
    assert found('"" OR') == []


def test_reindexing_replaces_and_removal_forgets(docs):
    engine.index(Document("doc", 1, "en", "Scanner", "The scanner is slow."))
    assert found("printer", typos=False) == []
    assert found("scanner", typos=False) == [1]
    engine.remove("doc", 1)
    assert found("scanner", typos=False) == []
    assert not SearchDocument.objects.filter(kind="doc", object_id=1).exists()


def test_suggestions_match_any_word_and_an_unfinished_last_one(docs):
    assert [hit.object_id for hit in engine.suggest("my print", kind="doc")] == [1]
    assert {hit.object_id for hit in engine.suggest("vpn wirel", kind="doc")} == {5, 6}


def test_query_syntax_is_never_passed_through(docs):
    for query in ["NEAR(a b)", "title:printer", '"unclosed', "a & | !b", "*", "printer:*"]:
        engine.search(query, kind="doc")  # no database error
        engine.suggest(query, kind="doc")


def test_the_backend_is_the_databases(docs):
    from django.db import connection

    assert (connection.vendor == "postgresql") == ON_POSTGRES
