"""Addresses are compared as whole addresses: smith@ is not john.smith@, wherever access depends on it."""

import pytest
from django.core import mail
from django.urls import reverse

from helpdesk.lib import addresses
from mailgateway import ingest
from tests.conftest import send_at_once
from tests.factories import CustomerFactory
from tests.mail.helpers import make_mail
from tickets import services
from tickets.message import Message
from tickets.permissions import may_follow_up_by_mail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _outbox_mail(settings, monkeypatch):
    """Mail a status link as soon as it is stored: these tests look at mail.outbox right after a request."""
    send_at_once(settings, monkeypatch)


@pytest.fixture
def john(company):
    return CustomerFactory(username="john", email="john.smith@acme.example", company=None)


@pytest.fixture
def johns_ticket(john, queue):
    return services.create_ticket(
        actor=None,
        queue=queue,
        title="Invoice question",
        customer=john,
        message=Message(
            body_text="Where is my invoice?",
            channel="email",
            from_address='"John Smith" <john.smith@acme.example>',
            to="1st-level@support.example.com",
            cc='"Finance" <finance.team@acme.example>, boss@acme.example',
        ),
    )


def ask_for_link(client, email, number):
    return client.post(reverse("customer:status_request"), {"email": email, "number": number})


def test_a_substring_of_the_requesters_address_gets_no_status_link(client, johns_ticket):
    ask_for_link(client, "smith@acme.example", johns_ticket.number)
    ask_for_link(client, "n.smith@acme.example", johns_ticket.number)
    ask_for_link(client, "acme.example", johns_ticket.number)
    assert mail.outbox == []


def test_the_requesters_own_address_in_any_case_gets_the_link(client, johns_ticket):
    ask_for_link(client, "John.Smith@ACME.example", johns_ticket.number)
    [sent] = mail.outbox
    assert sent.to == ["john.smith@acme.example"]


def test_a_requester_without_an_account_is_matched_on_the_whole_from_address(client, queue):
    ticket = services.create_ticket(
        actor=None,
        queue=queue,
        title="No account",
        message=Message(body_text="hi", channel="email", from_address='"Gus Jones" <gus.jones@x.example>'),
    )
    ask_for_link(client, "jones@x.example", ticket.number)
    assert mail.outbox == []
    ask_for_link(client, "gus.jones@x.example", ticket.number)
    assert [m.to for m in mail.outbox] == [["gus.jones@x.example"]]


def test_a_substring_address_is_not_a_participant(johns_ticket):
    assert not may_follow_up_by_mail(johns_ticket, "smith@acme.example", None)
    assert not may_follow_up_by_mail(johns_ticket, "team@acme.example", None)
    assert not may_follow_up_by_mail(johns_ticket, "oss@acme.example", None)
    assert may_follow_up_by_mail(johns_ticket, "Finance.Team@acme.example", None)
    assert may_follow_up_by_mail(johns_ticket, "boss@acme.example", None)
    assert may_follow_up_by_mail(johns_ticket, "John <john.smith@acme.example>", None)


def test_mail_from_a_substring_address_opens_its_own_ticket_instead_of_posting_into_another(queue, johns_ticket):
    CustomerFactory(username="smith", email="smith@acme.example", company=None)
    raw = make_mail(sender="smith@acme.example", subject=f"Re: {johns_ticket.subject_tag()} Invoice question")
    record = ingest.receive(raw, source="pipe")
    assert record.ticket != johns_ticket
    assert johns_ticket.articles.count() == 1
    note = record.ticket.articles.get(channel="note")
    assert "not a participant" in note.body_text


def test_address_in_a_display_name_does_not_count():
    assert addresses.address_set('"boss@acme.example" <intern@acme.example>') == {"intern@acme.example"}
    assert addresses.normalise("  Ann <Ann@X.Example> ") == "ann@x.example"
    assert addresses.normalise("not an address") == ""


def test_participant_check_is_one_query(johns_ticket, django_assert_num_queries):
    johns_ticket = type(johns_ticket).objects.select_related("customer").get(pk=johns_ticket.pk)
    with django_assert_num_queries(1):
        assert may_follow_up_by_mail(johns_ticket, "boss@acme.example", None)
