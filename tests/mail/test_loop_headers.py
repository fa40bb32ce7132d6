"""Loop headers of other systems are honoured: such mail is imported, and nobody gets an automatic answer."""

import pytest

from mailgateway import ingest
from tests.factories import CustomerFactory
from tests.mail.helpers import make_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def acknowledgements(mailoutbox, address):
    return [m for m in mailoutbox if m.to == [address]]


def deliver(on_commit, **kwargs):
    with on_commit():
        record = ingest.receive(make_mail(**kwargs), source="pipe")
    assert record.status == "imported", record.error
    return record


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Loop": "otrs@other-helpdesk.example"},
        {"X-Loop": "zammad"},
        {"X-Auto-Response-Suppress": "All"},
        {"X-Auto-Response-Suppress": "DR, OOF"},
        {"X-Auto-Response-Suppress": "RN,autoreply"},
        {"Auto-Submitted": "auto-notified"},
        {"Auto-Submitted": "Auto-Generated (nightly job)"},
        {"Auto-Submitted": "nonstandard-value"},
        {"Precedence": "auto_reply"},
        {"Precedence": "JUNK"},
        {"Precedence": "list"},
        {"List-Id": "Announcements <announce.lists.example>"},
        {"List-Unsubscribe": "<mailto:leave@lists.example>"},
        {"Return-Path": "<>"},
        {"Return-Path": "< >"},
        {"X-Autoreply": "yes"},
    ],
)
def test_mail_with_a_foreign_loop_header_gets_no_acknowledgement(queue, customer, mailoutbox, on_commit, headers):
    record = deliver(on_commit, headers=headers)
    assert record.ticket.customer == customer
    assert record.is_auto_generated
    assert acknowledgements(mailoutbox, customer.email) == []


@pytest.mark.parametrize(
    "sender",
    ["MAILER-DAEMON@mx.example.net", "postmaster@example.net", "no_reply@shop.example", "NoReply@shop.example",
     "do-not-reply@shop.example", "donotreply+orders@shop.example", "noreply-billing@shop.example"],
)  # fmt: skip
def test_mail_from_daemons_and_no_reply_senders_gets_no_acknowledgement(queue, mailoutbox, on_commit, sender):
    CustomerFactory(username=sender.lower(), email=sender.lower(), company=None)
    record = deliver(on_commit, sender=sender)
    assert record.is_auto_generated
    assert acknowledgements(mailoutbox, sender.lower()) == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Auto-Submitted": "no"},
        {"Auto-Submitted": "No (a person wrote this)"},
        {"X-Auto-Response-Suppress": "DR, RN"},
    ],
)
def test_mail_a_person_wrote_still_gets_its_acknowledgement(queue, customer, mailoutbox, on_commit, headers):
    record = deliver(on_commit, headers=headers)
    assert not record.is_auto_generated
    assert len(acknowledgements(mailoutbox, customer.email)) == 1
