"""Articles written before the search existed become findable with `manage.py search_index_tickets`."""

import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from helpdesk.lib.search import engine
from helpdesk.lib.search.models import SearchDocument, SearchParent, SearchWord
from tickets import services
from tickets.message import Message
from tickets.search import KIND
from tickets.search_backfill import fill_all
from tickets.storage import FileInput

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.fixture
def old_tickets(agent, queue):
    """Tickets whose documents are gone, as on an installation upgraded from before the search."""
    first = services.create_ticket(
        actor=agent,
        queue=queue,
        title="Příliš žluťoučký kůň",
        message=Message(
            channel="email",
            body_text="Принтер печатает пустые листы",
            to="Helpdesk <helpdesk@example.com>",
            attachments=[FileInput("scan_2026-report.pdf", b"%PDF", "application/pdf")],
        ),
    )
    second = services.create_ticket(
        actor=agent,
        queue=queue,
        title="Heating",
        message=Message(channel="email", body_html="<p>the <b>heater</b></p>"),
    )
    services.add_article(
        ticket=first,
        actor=agent,
        message=Message(channel="note", body_text="internal zanzibar", is_visible_to_customer=False),
    )
    SearchDocument.objects.filter(kind=KIND).delete()
    SearchParent.objects.filter(kind=KIND).delete()
    SearchWord.objects.all().delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in ("search_fts", "search_parent_fts", "search_parent_public_fts"):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (our table names)
    return first, second


def public_words(ticket) -> dict[str, bool]:
    """The internal notes' documents of `ticket`: not public (customers never search them)."""
    rows = SearchDocument.objects.filter(kind=KIND, parent_id=ticket.pk, body__startswith="internal")
    return dict(rows.values_list("body", "is_public"))


def found(client, **params) -> list[str]:
    return [t.number for t in client.get(reverse("agent:search"), params).context["page"].objects]


def test_the_backfill_command_makes_old_articles_findable(client, agent, old_tickets):
    first, second = old_tickets
    client.force_login(agent)
    assert found(client, q="принтер") == []
    call_command("search_index_tickets", batch=1)
    assert found(client, q="принтер") == [first.number]
    assert found(client, q="prilis") == [first.number]
    assert found(client, q="heater") == [second.number]
    assert found(client, q="report") == [first.number]
    assert found(client, recipient="helpdesk@example.com") == [first.number]
    assert found(client, q="zlutoucky kun") == [first.number]
    assert found(client, q="Haeting") == [second.number]  # the title words are known again: corrected
    assert public_words(first) == {"internal zanzibar": False}
    call_command("search_index_tickets")  # again: replaced, not duplicated
    assert SearchDocument.objects.filter(kind=KIND).count() == 3


@pytest.mark.postgres
def test_the_bench_fill_builds_the_same_documents(client, agent, old_tickets):
    first, second = old_tickets
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        from _search_data import CASES, fill
    finally:
        sys.path.pop(0)
    with connection.cursor() as cursor:
        fill(cursor)
    client.force_login(agent)
    assert found(client, q="ПРИНТЕР") == [first.number]
    assert found(client, q="heater") == [second.number]
    assert found(client, q="scan") == [first.number]
    assert found(client, q="Haeting") == [second.number]
    assert found(client, recipient="helpdesk@example.com") == [first.number]
    assert all(url.startswith("/agent/search/?") for _name, url in CASES)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_document WHERE kind = %s", [KIND])
        fill_all(cursor)  # the statement alone, the indexes kept
    assert found(client, q="zlutoucky") == [first.number]


def test_the_tickets_rows_are_rebuilt_from_their_articles_documents(client, agent, queue):
    """What migration search.0006 runs on an installation whose articles are indexed already."""
    ticket = services.create_ticket(
        actor=agent, queue=queue, title="Boiler", message=Message(channel="email", body_text="pressure low")
    )
    services.add_article(ticket=ticket, actor=agent, message=Message(channel="note", body_text="valve replaced"))
    SearchParent.objects.filter(kind=KIND).delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in ("search_parent_fts", "search_parent_public_fts"):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (our table names)
    client.force_login(agent)
    assert found(client, q="pressure valve") == []
    engine.rebuild_parents(KIND, batch=1)
    assert found(client, q="pressure valve") == [ticket.number]
    assert found(client, q="boiler") == [ticket.number]


def test_the_backfill_writes_what_the_services_write(agent, queue, customer):
    ticket = services.create_ticket(
        actor=agent,
        queue=queue,
        title="Žluťoučký printer",
        customer=customer,
        message=Message(
            channel="email",
            body_text="Принтер jams",
            cc="Boss <boss@example.com>",
            attachments=[FileInput("log_2026.txt", b"x", "text/plain")],
        ),
    )
    services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(channel="note", body_text="internal words", is_visible_to_customer=False),
    )
    fields = ("object_id", "title", "body", "parent_id", "keywords", "addresses", "is_public", "scopes")
    written = list(SearchDocument.objects.filter(kind=KIND).order_by("object_id").values_list(*fields))
    assert written[0][-1] == f"customer:{customer.pk} company:{customer.company_id}"
    vectors = _parent_vectors()
    if connection.vendor == "postgresql":  # the customer's search narrows by them inside the index
        assert f"'@ customer:{customer.pk}'" in vectors[0][2] and "'internal'" not in vectors[0][2]
    SearchDocument.objects.filter(kind=KIND).delete()
    SearchParent.objects.filter(kind=KIND).delete()
    call_command("search_index_tickets")
    assert list(SearchDocument.objects.filter(kind=KIND).order_by("object_id").values_list(*fields)) == written
    assert _parent_vectors() == vectors


def _parent_vectors() -> list:
    if connection.vendor != "postgresql":
        return list(SearchParent.objects.filter(kind=KIND).values_list("parent_id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT parent_id, vector::text, public_vector::text FROM search_parent ORDER BY parent_id")
        return cursor.fetchall()
