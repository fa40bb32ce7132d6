"""Threading rules: the ticket tag with and without brackets, replies to anything we sent, reused Message-IDs."""

import pytest

from mailgateway import ingest
from mailgateway.models import InboundMessage
from mailgateway.router import strip_tag
from tests.mail.helpers import make_mail
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def receive(raw: bytes) -> InboundMessage:
    record = ingest.receive(raw, source="pipe")
    assert record.status == "imported", record.error
    return record


# --- the ticket tag without brackets ---------------------------------------------------------


def test_unbracketed_tag_from_the_customer_threads_onto_the_ticket(ticket, customer):
    record = receive(make_mail(subject=f"Re: Ticket#{ticket.number} Printer on fire"))
    assert record.ticket == ticket
    assert ticket.articles.count() == 2
    assert Ticket.objects.count() == 1


def test_unbracketed_tag_from_a_stranger_opens_a_new_ticket_with_a_note(ticket, other_customer):
    record = receive(make_mail(sender=other_customer.email, subject=f"Re: Ticket#{ticket.number} Printer"))
    assert record.ticket != ticket
    assert ticket.articles.count() == 1
    assert record.ticket.title == "Printer"
    note = record.ticket.articles.get(channel="note")
    assert not note.is_visible_to_customer and "not a participant" in note.body_text


def test_unbracketed_tag_inside_a_longer_digit_run_is_not_a_tag(ticket, customer):
    record = receive(make_mail(subject=f"Invoice Ticket#{ticket.number}99 Printer"))
    assert record.ticket != ticket
    assert ticket.articles.count() == 1


def test_a_tag_glued_to_a_word_is_not_a_tag(ticket, customer):
    record = receive(make_mail(subject=f"MyTicket#{ticket.number} Printer"))
    assert record.ticket != ticket


@pytest.mark.parametrize(
    ("subject", "title"),
    [
        ("Re: Ticket#2026112310000017 Printer", "Printer"),
        ("Re: [Ticket#2026112310000017] Printer", "Printer"),
        ("AW: Ticket# 2026112310000017: Printer", "Printer"),
        ("Fwd: Printer Ticket#2026112310000017", "Printer"),
        ("Printer on fire", "Printer on fire"),
        ("Order 12345678901234567890", "Order 12345678901234567890"),
    ],
)
def test_strip_tag_removes_bracketed_and_bare_tags_from_titles(subject, title):
    assert strip_tag(subject) == title
