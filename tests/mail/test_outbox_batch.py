"""Several messages handed to Django's mail backend at once are stored together (outbox.queue_many):
the same rows, checks and sending as one by one, in statements that do not grow with their number."""

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mailgateway.models import OutgoingMail
from mailgateway.undeliverable import mark_undeliverable

pytestmark = pytest.mark.django_db


def notice(to, subject="SLA breached", **headers):
    message = EmailMultiAlternatives(
        subject=subject,
        body="Ticket 1 has breached its SLA.",
        from_email="helpdesk@example.com",
        to=to,
        headers={"Auto-Submitted": "auto-generated", "X-Helpdesk-Kind": "escalation_breach", **headers},
    )
    message.attach_alternative("<p>Ticket 1 has breached its SLA.</p>", "text/html")
    return message


def stored_for(count, captured_counts):
    messages = [notice([f"agent{n}@example.com"]) for n in range(count)]
    with CaptureQueriesContext(connection) as captured:
        assert get_connection().send_messages(messages) == count
    captured_counts.append(len(captured))


@pytest.mark.smoke
def test_messages_sent_together_reach_the_smtp_server_after_the_commit(smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = get_connection().send_messages(
            [notice(["anna@example.com"]), notice(["mia@example.com"], subject="Other"), EmailMessage("No one")]
        )
    assert sent == 2
    rows = OutgoingMail.objects.order_by("pk")
    assert [(m.kind, m.to, m.status) for m in rows] == [
        ("escalation_breach", "anna@example.com", "sent"),
        ("escalation_breach", "mia@example.com", "sent"),
    ]
    assert rows[0].body_html == "<p>Ticket 1 has breached its SLA.</p>" and rows[0].is_automatic
    received = smtp.parsed()
    assert sorted(m["To"] for m in received) == ["anna@example.com", "mia@example.com"]
    assert all("X-Helpdesk-Kind" not in m for m in received)
    assert {m["Message-ID"] for m in received} == {r.message_id for r in rows}


def test_a_marked_address_is_left_out_of_automatic_mail_sent_together(smtp, django_capture_on_commit_callbacks):
    mark_undeliverable("gone@example.com", reason="550 mailbox unknown")
    with django_capture_on_commit_callbacks(execute=True):
        get_connection().send_messages(
            [notice(["gone@example.com"]), notice(["ops@example.com", "gone@example.com"]), notice(["ok@example.com"])]
        )
    rows = OutgoingMail.objects.order_by("pk")
    assert [(m.to, m.status) for m in rows] == [
        ("gone@example.com", "suppressed"),
        ("ops@example.com", "sent"),
        ("ok@example.com", "sent"),
    ]
    assert "gone@example.com: 550 mailbox unknown" in rows[0].last_error
    assert sorted(m["To"] for m in smtp.parsed()) == ["ok@example.com", "ops@example.com"]


def test_a_message_that_cannot_be_built_fails_alone(smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        get_connection().send_messages([notice(["a@example.com"], **{"X-Bad": "one\ntwo"}), notice(["b@example.com"])])
    rows = OutgoingMail.objects.order_by("pk")
    assert [m.status for m in rows] == ["failed", "sent"]
    assert rows[0].last_error.startswith("Cannot build the message")
    assert [m["To"] for m in smtp.parsed()] == ["b@example.com"]


def test_storing_messages_together_takes_the_same_statements_for_3_or_30():
    counts = []
    stored_for(3, counts)
    stored_for(30, counts)
    assert counts[0] == counts[1]
    assert OutgoingMail.objects.count() == 33


def test_a_subject_with_a_line_break_fails_alone_with_the_reason(smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        broken = notice(["a@example.com"], subject="Broken\nBcc: x@evil.example")
        get_connection().send_messages([broken, notice(["b@example.com"])])
    rows = OutgoingMail.objects.order_by("pk")
    assert [m.status for m in rows] == ["failed", "sent"]
    assert rows[0].last_error == (
        "Cannot build the message: Header values can't contain newlines "
        "(got 'Broken\\nBcc: x@evil.example' for header 'Subject')"
    )
    assert [m["To"] for m in smtp.parsed()] == ["b@example.com"]


def test_messages_stored_together_are_one_send_task_for_the_broker(smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        get_connection().send_messages([notice([f"agent{n}@example.com"]) for n in range(5)])
    assert len(callbacks) == 1  # one message to the broker, not one per mail
    assert list(OutgoingMail.objects.values_list("status", flat=True)) == ["sent"] * 5
    assert len(smtp.parsed()) == 5


def test_the_many_send_task_is_the_outboxs():
    from mailgateway import outbox, tasks

    assert outbox.SEND_MANY_TASK == tasks.send_outgoing_many.name
