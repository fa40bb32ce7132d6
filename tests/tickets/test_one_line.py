"""Titles and subjects are one line whatever the channel: line breaks and control characters never get in."""

import pytest

from mailgateway import ingest
from tests.mail.helpers import make_mail
from tickets import services
from tickets.errors import InvalidChange
from tickets.message import Message
from tickets.models import Ticket
from tickets.text import one_line

BREAKS = ["\r\n", "\r", "\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"]


@pytest.mark.parametrize("brk", BREAKS)
def test_each_kind_of_line_break_becomes_one_space(brk):
    assert one_line(f"Printer{brk}Bcc: everyone@example.com") == "Printer Bcc: everyone@example.com"
    assert one_line(f"Printer {brk}{brk} on fire") == "Printer on fire"


def test_other_control_characters_go_and_tab_and_text_stay():
    assert one_line("\x00Pri\x1bnter\x7f\x9b\ton fire  ") == "Printer\ton fire"
    assert one_line("Принтер · ﬁre 🔥") == "Принтер · ﬁre 🔥"
    assert one_line(None) == one_line("\r\n\u2028") == ""


@pytest.mark.django_db
def test_create_ticket_stores_a_one_line_title_and_first_subject(queue, customer):
    ticket = services.create_ticket(
        actor=customer,
        queue=queue,
        title="VPN\u2028X-Injected: yes\r\nbroken",
        message=Message(body_text="Hi."),
    )
    assert ticket.title == "VPN X-Injected: yes broken"
    assert ticket.articles.get().subject == "VPN X-Injected: yes broken"


@pytest.mark.django_db
def test_a_title_of_nothing_but_line_breaks_is_refused_with_a_clear_error(queue, customer):
    with pytest.raises(InvalidChange, match="needs a title"):
        services.create_ticket(
            actor=customer,
            queue=queue,
            title="\r\n\u2029\x00",
            message=Message(body_text="Hi."),
        )
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_set_title_article_subject_and_split_are_one_line(ticket, agent):
    services.set_title(ticket=ticket, actor=agent, title="New\ntitle\x07")
    article = services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(channel="note", subject="Note\u0085Subject", body_text="x", is_visible_to_customer=False),
    )
    new = services.split_article_to_ticket(article=article, actor=agent, title="Split\u2028off")

    ticket.refresh_from_db()
    assert ticket.title == "New title"
    assert article.subject == "Note Subject"
    assert new.title == "Split off"


@pytest.mark.django_db
def test_a_mail_subject_with_encoded_line_breaks_becomes_a_one_line_title(queue, customer, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # An RFC 2047 encoded word carries the CR LF and U+2028 past the header parser.
    encoded = "=?utf-8?b?UHJpbnRlcg0KQmNjOiBldmlsQGV4YW1wbGUuY29t4oCob24gZmlyZQ==?="
    raw = make_mail(subject="placeholder").replace(b"Subject: placeholder", b"Subject: " + encoded.encode())

    record = ingest.receive(raw, source="pipe")

    assert record.status == "imported", record.error
    assert record.ticket.title == "Printer Bcc: evil@example.com on fire"
    assert record.article.subject == "Printer Bcc: evil@example.com on fire"


@pytest.mark.django_db
def test_a_mail_whose_subject_is_nothing_but_control_characters_still_becomes_a_ticket(queue, customer, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    raw = make_mail(subject="placeholder").replace(b"Subject: placeholder", b"Subject: =?utf-8?b?AQ0K4oCo?=")

    record = ingest.receive(raw, source="pipe")

    assert record.status == "imported", record.error
    assert record.ticket.title == "(no subject)"
