"""Bounces in every common form: attached to the ticket of the mail they return, failures mark the address."""

import pytest

from mailgateway import ingest
from mailgateway.models import InboundMessage, OutgoingMail, UndeliverableAddress
from tests.mail import bounce_mails
from tests.mail.helpers import make_mail
from tickets.message import Message
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

FAILURES = [
    bounce_mails.report_with_message,
    bounce_mails.report_with_headers,
    bounce_mails.qmail,
    bounce_mails.exim,
    bounce_mails.exim_without_failed_recipients_header,
]
DELAYS = [bounce_mails.report_delayed, bounce_mails.exim_delay]


@pytest.fixture
def mailed_ticket(queue, customer) -> Ticket:
    record = ingest.receive(make_mail(subject="Printer on fire"), source="pipe")
    assert record.status == "imported", record.error
    return record.ticket


@pytest.fixture
def acknowledgement(mailed_ticket, customer) -> OutgoingMail:
    """The acknowledgement as the outbox records it: its Message-ID and ticket, nothing else points at it."""
    return OutgoingMail.objects.create(
        kind=OutgoingMail.Kind.ACKNOWLEDGEMENT,
        status=OutgoingMail.Status.SENT,
        message_id="<ack-4711@support.example.com>",
        ticket=mailed_ticket,
        from_address="support@support.example.com",
        to=customer.email,
        subject="We received your request",
        is_automatic=True,
    )


def receive_bounce(raw: bytes) -> InboundMessage:
    return ingest.receive(raw, source="pipe")


@pytest.mark.parametrize("form", FAILURES, ids=lambda f: f.__name__)
def test_failure_in_every_form_is_attached_and_marks_the_address(form, mailed_ticket, acknowledgement, customer):
    # The returned subject lost the tag: only the acknowledgement's Message-ID leads to the ticket.
    record = receive_bounce(form(acknowledgement.message_id, customer.email, subject="We received your request"))

    assert record.status == "imported", record.error
    assert record.ticket == mailed_ticket
    article = mailed_ticket.articles.order_by("id").last()
    assert (article.sender_type, article.is_visible_to_customer) == ("system", False)
    assert article.body_text.startswith(f"Delivery to {customer.email} failed")
    assert "Marked undeliverable" in article.body_text
    mark = UndeliverableAddress.objects.get()
    assert mark.address == customer.email and mark.article == article
    assert mailed_ticket.number in mark.reason
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("form", DELAYS, ids=lambda f: f.__name__)
def test_delay_notice_is_attached_but_does_not_mark_the_address(form, mailed_ticket, acknowledgement, customer):
    record = receive_bounce(form(acknowledgement.message_id, customer.email))

    assert record.status == "imported" and record.ticket == mailed_ticket
    article = mailed_ticket.articles.order_by("id").last()
    assert not article.is_visible_to_customer
    assert f"Delivery to {customer.email} is delayed" in article.body_text
    assert not UndeliverableAddress.objects.exists()


def test_bounce_of_an_agent_reply_is_found_by_the_articles_message_id(mailed_ticket, customer, agent):
    from tickets.services import add_article

    reply = add_article(
        ticket=mailed_ticket,
        actor=agent,
        message=Message(channel="email", body_text="Try this.", to=customer.email),
    )
    reply.message_id = "<reply-1@support.example.com>"
    reply.save(update_fields=["message_id"])

    record = receive_bounce(bounce_mails.qmail(reply.message_id, customer.email, subject="Re: Printer"))

    assert record.ticket == mailed_ticket
    assert UndeliverableAddress.objects.filter(address=customer.email).exists()


def test_bounce_found_by_the_tag_of_the_returned_subject(mailed_ticket, customer):
    raw = bounce_mails.exim("<lost@elsewhere.example>", customer.email, subject=f"{mailed_ticket.subject_tag()} Hi")
    record = receive_bounce(raw)
    assert record.status == "imported" and record.ticket == mailed_ticket


def test_bounce_for_an_address_the_ticket_never_wrote_to_marks_nothing(mailed_ticket, acknowledgement):
    record = receive_bounce(bounce_mails.report_with_message(acknowledgement.message_id, "victim@elsewhere.example"))
    assert record.ticket == mailed_ticket
    assert "Not marked" in mailed_ticket.articles.order_by("id").last().body_text
    assert not UndeliverableAddress.objects.exists()


def test_bounce_for_nothing_we_know_is_quarantined(queue):
    record = receive_bounce(bounce_mails.qmail("<never-sent@support.example.com>", "bob@acme.example"))
    assert record.status == "quarantined" and record.error == "bounce for no known ticket"
    assert not Ticket.objects.exists() and not UndeliverableAddress.objects.exists()


def test_after_a_bounce_of_the_acknowledgement_the_next_notice_is_suppressed(
    queue, customer, agent, smtp, django_capture_on_commit_callbacks
):
    from tests.factories import state
    from tickets import services

    with django_capture_on_commit_callbacks(execute=True):
        ticket = ingest.receive(make_mail(subject="Printer on fire"), source="pipe").ticket
    ack = OutgoingMail.objects.get(kind="acknowledgement", ticket=ticket)
    assert ack.status == "sent"

    record = receive_bounce(bounce_mails.exim(ack.message_id, customer.email, subject="We received your request"))
    assert record.ticket == ticket and UndeliverableAddress.objects.filter(address=customer.email).exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.change_state(ticket=ticket, actor=agent, state=state("closed successful"))
    notice = OutgoingMail.objects.filter(ticket=ticket, to__contains=customer.email).latest("id")
    assert notice.kind != "acknowledgement" and notice.status == "suppressed"
    to_customer = [m for m in smtp.parsed() if customer.email in str(m["To"])]
    assert [m["Message-ID"] for m in to_customer] == [ack.message_id]  # only the acknowledgement went out
