"""Agent replies leave through a real SMTP listener, threaded, retried when SMTP is down."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mailgateway import outbound, tasks
from mailgateway.models import Delivery
from tests.mail.servers import SmtpSink
from tickets import services
from tickets.errors import PermissionDenied
from tickets.files_store import FileInput

pytestmark = pytest.mark.django_db


def reply(ticket, agent, capture, body="Have you tried turning it off and on again?", **kwargs):
    with capture(execute=True):
        return services.add_article(
            ticket=ticket,
            actor=agent,
            channel="email",
            body_text=body,
            delivery_status="queued",
            to=ticket.customer.email,
            **kwargs,
        )


@pytest.mark.smoke
def test_agent_reply_is_sent_from_the_queue_with_thread_headers(
    smtp, ticket, agent, queue, django_capture_on_commit_callbacks
):
    queue.signature = "Your 1st level team"
    queue.save()
    first = ticket.articles.get()
    first.message_id = "<customer-1@acme.example>"
    first.save()

    article = reply(
        ticket,
        agent,
        django_capture_on_commit_callbacks,
        attachments=[FileInput("steps.txt", b"1. off\n2. on\n", "text/plain")],
    )

    article.refresh_from_db()
    assert (article.delivery_status, article.delivery_error) == ("sent", "")
    [sent] = smtp.parsed()
    assert sent["From"].addresses[0].addr_spec == queue.sender_address
    assert sent["To"] == ticket.customer.email
    assert sent["Subject"] == f"{ticket.subject_tag()} Printer on fire"
    assert sent["Message-ID"] == article.message_id
    assert sent["In-Reply-To"] == "<customer-1@acme.example>"
    assert "<customer-1@acme.example>" in sent["References"]
    body = sent.get_body(("plain",)).get_content()
    assert "turning it off and on again" in body and "Your 1st level team" in body
    assert [p.get_filename() for p in sent.iter_attachments()] == ["steps.txt"]


def test_smtp_down_keeps_the_reply_queued_and_delivers_when_it_is_back(
    settings, ticket, agent, django_capture_on_commit_callbacks
):
    sink = SmtpSink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", sink.port, 5

    article = reply(ticket, agent, django_capture_on_commit_callbacks)

    article.refresh_from_db()
    assert article.delivery_status == "queued"
    assert article.delivery_error.startswith("Will retry")
    assert Delivery.objects.get(article=article).attempts == 1

    sink.start()
    try:
        Delivery.objects.filter(article=article).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        tasks.retry_due_deliveries()
        article.refresh_from_db()
        assert (article.delivery_status, article.delivery_error) == ("sent", "")
        assert [m["Message-ID"] for m in sink.parsed()] == [article.message_id]
        tasks.retry_due_deliveries()
        assert len(sink.messages) == 1  # never sent twice
    finally:
        sink.stop()


def test_permanent_refusal_fails_the_article_and_an_agent_can_resend(
    smtp, ticket, agent, django_capture_on_commit_callbacks, monkeypatch, settings
):
    import smtplib

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({ticket.customer.email: (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refuse)
    article = reply(ticket, agent, django_capture_on_commit_callbacks)
    article.refresh_from_db()
    assert article.delivery_status == "failed" and "no such user" in article.delivery_error

    monkeypatch.undo()
    settings.EMAIL_PORT = smtp.port
    with django_capture_on_commit_callbacks(execute=True):
        outbound.resend_article(article, agent)
    article.refresh_from_db()
    assert article.delivery_status == "sent"
    assert len(smtp.messages) == 1


def test_outsider_cannot_resend(ticket, agent, outsider_agent, django_capture_on_commit_callbacks, smtp):
    article = reply(ticket, agent, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        outbound.resend_article(article, outsider_agent)


def test_names_and_subjects_cannot_inject_headers(smtp, ticket, agent, django_capture_on_commit_callbacks):
    article = reply(ticket, agent, django_capture_on_commit_callbacks, subject="Hi\r\nBcc: victim@example.com")
    article.refresh_from_db()
    assert article.delivery_status == "sent"
    [envelope] = smtp.messages
    assert envelope.rcpt_tos == [ticket.customer.email]
    [sent] = smtp.parsed()
    assert sent["Bcc"] is None and sent["Subject"].endswith("Hi Bcc: victim@example.com")


def test_a_reply_whose_task_was_lost_is_sent_by_the_safety_net(smtp, ticket, agent):
    from datetime import timedelta

    from tickets.models import Article

    article = services.add_article(  # no on-commit callbacks run: as if the broker lost the task
        ticket=ticket, actor=agent, channel="email", body_text="Lost?", delivery_status="queued",
        to=ticket.customer.email,
    )  # fmt: skip
    tasks.retry_due_deliveries()
    assert smtp.messages == []  # too fresh: its own task may still be on its way

    Article.objects.filter(pk=article.pk).update(created=timezone.now() - timedelta(minutes=11))
    tasks.retry_due_deliveries()
    article.refresh_from_db()
    assert article.delivery_status == "sent" and len(smtp.messages) == 1
