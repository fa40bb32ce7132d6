"""The message value: immutable, built once from a mail, and what a customer sends is always theirs and visible."""

import dataclasses

import pytest

from mailgateway.ingest import to_message
from mailgateway.parse import parse
from tests.mail.helpers import make_mail
from tickets import services
from tickets.message import Message
from tickets.models import Article
from tickets.storage import FileInput

pytestmark = pytest.mark.django_db


def test_a_message_cannot_change_under_the_service():
    files = [FileInput("a.txt", b"a")]
    message = Message(body_text="Hi", attachments=files)
    files.append(FileInput("b.txt", b"b"))
    assert [f.filename for f in message.attachments] == ["a.txt"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.body_text = "changed"
    assert message.but(body_text="Bye").body_text == "Bye" and message.body_text == "Hi"


def test_a_customer_cannot_file_a_hidden_article_or_speak_for_someone_else(customer, agent, queue):
    ticket = services.create_ticket(
        actor=customer,
        queue=queue,
        title="Hidden?",
        message=Message(body_text="x", is_visible_to_customer=False, author=agent, sender_type="agent", time_minutes=9),
    )
    first = ticket.articles.get()
    assert (first.author, first.sender_type, first.is_visible_to_customer) == (customer, "customer", True)
    assert ticket.time_accounted == 0


def test_a_customers_mail_becomes_one_message(customer):
    raw = make_mail(subject="Printer", body="It smokes.", headers={"Cc": "bob@acme.example"}, message_id="<m1@acme>")
    message = to_message(parse(raw), raw, customer)
    assert (message.channel, message.author, message.sender_type) == (Article.Channel.EMAIL, customer, "customer")
    assert (message.subject, message.body_text.strip(), message.cc) == ("Printer", "It smokes.", "bob@acme.example")
    assert (message.message_id, message.raw_message, message.is_visible_to_customer) == ("<m1@acme>", raw, True)


def test_an_agents_unverified_mail_becomes_an_internal_note(agent):
    raw = make_mail(sender=agent.email, body="Please reset my password.")
    message = to_message(parse(raw), raw, agent)
    assert (message.channel, message.author, message.is_visible_to_customer) == (Article.Channel.NOTE, None, False)
    assert message.body_text.startswith("[Sender not verified")


def test_an_agents_email_gets_its_message_id_when_written_and_a_note_none(ticket, agent):
    mail = services.add_article(ticket=ticket, actor=agent, message=Message(channel="email", body_text="Fixed."))
    note = services.add_article(ticket=ticket, actor=agent, message=Message(channel="note", body_text="Internal."))
    mail.refresh_from_db()
    assert mail.message_id.startswith("<") and mail.message_id.endswith(">")
    assert note.message_id == ""
