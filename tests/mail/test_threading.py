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


# --- replies to anything we sent ------------------------------------------------------------


def test_reply_to_the_acknowledgement_without_the_tag_joins_the_ticket_and_gets_no_second_one(
    queue, customer, smtp, django_capture_on_commit_callbacks
):
    def acknowledgements():
        return [m for m in smtp.parsed() if customer.email in str(m["To"]) and m["Auto-Submitted"] == "auto-replied"]

    with django_capture_on_commit_callbacks(execute=True):
        first = receive(make_mail(subject="Printer on fire", message_id="<first@acme.example>"))
    [ack] = acknowledgements()
    ticket = first.ticket
    assert ticket.subject_tag() in ack["Subject"]

    # The customer's mail client (or the customer) dropped the tag; only In-Reply-To leads back.
    subject = "Re: " + str(ack["Subject"]).replace(ticket.subject_tag(), "").strip()
    with django_capture_on_commit_callbacks(execute=True):
        reply = receive(
            make_mail(
                subject=subject,
                body="It is a Brother HL-2130.",
                headers={"In-Reply-To": ack["Message-ID"]},
            )
        )

    assert reply.ticket == ticket
    assert Ticket.objects.count() == 1
    assert [a.body_text.strip() for a in ticket.articles.order_by("id")][-1] == "It is a Brother HL-2130."
    assert len(acknowledgements()) == 1


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


# --- a reused Message-ID ---------------------------------------------------------------------


def _copy(*, relay: str, cte: str, body: str = "Das Gerät raucht.\n", subject: str = "Printer on fire") -> bytes:
    """The same message as two relays deliver it: their own trace headers, the body encoded their way."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["Received"] = f"from {relay} by mx.support.example.com; Mon, 30 Nov 2026 10:00:00 +0000"
    message["Delivered-To"] = f"{relay}@support.example.com"
    message["From"] = "alice@acme.example"
    message["To"] = "1st-level@support.example.com"
    message["Subject"] = subject
    message["Date"] = "Mon, 30 Nov 2026 09:59:00 +0100"
    message["Message-ID"] = "<reused-1@acme.example>"
    message.set_content(body, cte=cte)
    return message.as_bytes()


def test_same_message_through_two_relays_is_a_duplicate_with_a_link_to_the_original(queue, customer):
    first = receive(_copy(relay="mx1", cte="8bit"))
    second = ingest.receive(_copy(relay="mx2", cte="quoted-printable"), source="pipe")

    assert second.status == "duplicate"
    assert second.ticket == first.ticket and second.article == first.article
    assert f"inbound message #{first.pk}" in second.error and first.ticket.number in second.error
    assert Ticket.objects.count() == 1 and first.ticket.articles.count() == 1


def test_identical_bytes_are_a_duplicate(queue, customer):
    raw = _copy(relay="mx1", cte="8bit")
    first = receive(raw)
    second = ingest.receive(raw, source="maildir", source_key="other-copy")
    assert second.status == "duplicate" and second.ticket == first.ticket
    assert "identical bytes" in second.error


def test_reused_message_id_with_other_content_is_filed_with_a_note(queue, customer):
    first = receive(_copy(relay="mx1", cte="8bit"))
    second = receive(_copy(relay="mx1", cte="8bit", subject="Scanner broken", body="Another problem.\n"))

    assert second.ticket != first.ticket
    assert Ticket.objects.count() == 2
    assert second.article.body_text.strip() == "Another problem."
    note = second.ticket.articles.get(channel="note")
    assert not note.is_visible_to_customer
    assert "<reused-1@acme.example>" in note.body_text and first.ticket.number in note.body_text
    assert "reuses the Message-ID" in second.error


def test_a_third_message_reusing_the_id_is_compared_with_every_earlier_copy(queue, customer):
    receive(_copy(relay="mx1", cte="8bit"))
    second = receive(_copy(relay="mx1", cte="8bit", subject="Scanner broken", body="Another problem.\n"))
    third = ingest.receive(
        _copy(relay="mx2", cte="base64", subject="Scanner broken", body="Another problem.\n"), source="pipe"
    )
    assert third.status == "duplicate" and third.ticket == second.ticket


def test_admin_shows_the_duplicate_with_its_reason_and_a_link_to_the_original_ticket(
    client, admin_user, queue, customer
):
    from django.urls import reverse

    first = receive(_copy(relay="mx1", cte="8bit"))
    second = ingest.receive(_copy(relay="mx2", cte="quoted-printable"), source="pipe")
    client.force_login(admin_user)
    page = client.get(reverse("admin:mailgateway_inboundmessage_change", args=[second.pk])).content.decode()
    assert f"duplicate of inbound message #{first.pk} (same content)" in page
    assert reverse("admin:tickets_ticket_change", args=[first.ticket_id]) in page
