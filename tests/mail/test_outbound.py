"""Agent mail leaves through the outbox and a real SMTP listener: threaded, at once, retried when SMTP is down."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mailgateway import outbound, tasks
from mailgateway.models import OutgoingMail
from tests.mail.servers import SmtpSink
from tickets import services
from tickets.errors import PermissionDenied
from tickets.message import Message
from tickets.models import Article, Ticket
from tickets.storage import FileInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def reply(ticket, agent, capture, body="Have you tried turning it off and on again?", **kwargs):
    """What the reply view does: the article and its outbox row in one transaction, sent after the commit."""
    with capture(execute=True), transaction.atomic():
        message = Message(channel="email", body_text=body, to=ticket.customer.email, **kwargs)
        article = services.add_article(ticket=ticket, actor=agent, message=message)
        outbound.queue_article(article)
    return article


def delivery(article) -> OutgoingMail:
    return OutgoingMail.objects.get(article=article)


def smtp_down(settings) -> SmtpSink:
    """Nothing listens on the port yet: every connection is refused until sink.start()."""
    sink = SmtpSink()
    settings.HELPDESK_MAIL_TRANSPORT_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", sink.port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return sink


def make_due(mail: OutgoingMail) -> None:
    OutgoingMail.objects.filter(pk=mail.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


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
    mail = delivery(article)
    assert (mail.status, mail.last_error, mail.kind) == ("sent", "", "reply")
    [sent] = smtp.parsed()
    assert sent["From"].addresses[0].addr_spec == queue.sender_address
    assert sent["To"] == ticket.customer.email
    assert sent["Subject"] == f"{ticket.subject_tag()} Printer on fire"
    assert sent["Message-ID"] == article.message_id == mail.message_id
    assert sent["In-Reply-To"] == "<customer-1@acme.example>"
    assert "<customer-1@acme.example>" in sent["References"]
    body = sent.get_body(("plain",)).get_content()
    assert "turning it off and on again" in body and "Your 1st level team" in body
    assert [p.get_filename() for p in sent.iter_attachments()] == ["steps.txt"]
    assert [p.get_content().replace("\r\n", "\n") for p in sent.iter_attachments()] == ["1. off\n2. on\n"]


def test_smtp_down_keeps_the_reply_queued_and_delivers_when_it_is_back(
    settings, ticket, agent, django_capture_on_commit_callbacks
):
    sink = smtp_down(settings)

    article = reply(ticket, agent, django_capture_on_commit_callbacks)

    mail = delivery(article)
    assert mail.status == "queued" and mail.attempts == 1
    assert mail.last_error.startswith("Will retry")
    assert mail.next_attempt_at > timezone.now()

    sink.start()
    try:
        assert tasks.retry_due_deliveries() == 0  # the backoff has not passed yet
        make_due(mail)
        assert tasks.retry_due_deliveries() == 1
        mail.refresh_from_db()
        assert (mail.status, mail.last_error, mail.attempts) == ("sent", "", 2)
        article.refresh_from_db()
        assert [m["Message-ID"] for m in sink.parsed()] == [article.message_id]
        assert tasks.retry_due_deliveries() == 0
        assert len(sink.messages) == 1  # never sent twice
    finally:
        sink.stop()


def test_gives_up_after_the_configured_number_of_attempts(settings, ticket, agent, django_capture_on_commit_callbacks):
    smtp_down(settings)
    settings.HELPDESK_MAIL_SEND_MAX_ATTEMPTS = 2
    article = reply(ticket, agent, django_capture_on_commit_callbacks)
    make_due(delivery(article))
    tasks.retry_due_deliveries()
    mail = delivery(article)
    assert (mail.status, mail.attempts, mail.next_attempt_at) == ("failed", 2, None)
    assert "Connection" in mail.last_error or "refused" in mail.last_error.lower()


def test_permanent_refusal_fails_the_mail_and_an_agent_can_send_it_again(
    smtp, ticket, agent, django_capture_on_commit_callbacks
):
    smtp.refuse[ticket.customer.email] = "550 5.1.1 no such user"
    article = reply(ticket, agent, django_capture_on_commit_callbacks)
    mail = delivery(article)
    assert mail.status == "failed" and "no such user" in mail.last_error and mail.attempts == 1

    smtp.refuse.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outbound.resend_article(article, agent)
    assert delivery(article).status == "sent"
    assert len(smtp.messages) == 1


def test_zoom_shows_the_failure_and_send_again_delivers_it(
    smtp, ticket, agent, agent_client, django_capture_on_commit_callbacks
):
    smtp.refuse[ticket.customer.email] = "550 5.1.1 no such user"
    article = reply(ticket, agent, django_capture_on_commit_callbacks)
    html = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert 'data-delivery="failed"' in html and "no such user" in html

    smtp.refuse.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(reverse("agent:resend", args=[ticket.pk, article.pk]), follow=True)
    html = response.content.decode()
    assert "The mail is queued to be sent again." in html
    assert len(smtp.messages) == 1
    html = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert 'data-delivery="sent"' in html and "no such user" not in html


def test_outsider_cannot_resend(ticket, agent, outsider_agent, django_capture_on_commit_callbacks, smtp):
    article = reply(ticket, agent, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        outbound.resend_article(article, outsider_agent)


def test_outsider_gets_404_from_the_send_again_button(ticket, agent, outsider_agent, client, smtp):
    client.force_login(outsider_agent)
    article = ticket.articles.get()
    response = client.post(reverse("agent:resend", args=[ticket.pk, article.pk]))
    assert response.status_code == 404


def test_names_and_subjects_cannot_inject_headers(smtp, ticket, agent, django_capture_on_commit_callbacks):
    article = reply(ticket, agent, django_capture_on_commit_callbacks, subject="Hi\r\nBcc: victim@example.com")
    assert delivery(article).status == "sent"
    [envelope] = smtp.messages
    assert envelope.rcpt_tos == [ticket.customer.email]
    [sent] = smtp.parsed()
    assert sent["Bcc"] is None and sent["Subject"].endswith("Hi Bcc: victim@example.com")


def test_a_reply_whose_task_was_lost_is_sent_by_the_safety_net(smtp, ticket, agent):
    with transaction.atomic():  # no on-commit callbacks run: as if the broker lost the task
        article = services.add_article(
            ticket=ticket,
            actor=agent,
            message=Message(channel="email", body_text="Lost?", to=ticket.customer.email),
        )
        outbound.queue_article(article)
    assert tasks.retry_due_deliveries() == 0  # too fresh: its own task may still be on its way
    assert smtp.messages == []

    OutgoingMail.objects.filter(article=article).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    tasks.retry_due_deliveries()
    assert delivery(article).status == "sent" and len(smtp.messages) == 1


def test_a_forward_leaves_right_after_the_commit(smtp, ticket, agent_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            reverse("agent:compose", args=[ticket.pk, "forward"]),
            {"version": ticket.version, "to": "vendor@example.net", "subject": "Fwd: printer", "body": "FYI"},
        )
    assert response.status_code == 302
    forward = Article.objects.get(to_addresses="vendor@example.net")
    assert (delivery(forward).status, delivery(forward).kind) == ("sent", "forward")
    [envelope] = smtp.messages
    assert envelope.rcpt_tos == ["vendor@example.net"]
    assert smtp.parsed()[0]["Message-ID"] == forward.message_id


def test_an_agent_created_email_ticket_mails_the_customer_right_after_the_commit(
    smtp, agent_client, queue, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(
            reverse("agent:create", args=["email"]),
            {"customer": customer.pk, "queue": queue.pk, "title": "Your order", "body": "Hello, your order shipped."},
        )
    article = Ticket.objects.get(title="Your order").articles.get()
    assert delivery(article).status == "sent"
    [sent] = smtp.parsed()
    assert sent["To"] == customer.email and "your order shipped" in sent.get_body(("plain",)).get_content()
    assert sent["Message-ID"] == article.message_id


def test_zoom_joins_the_delivery_state_with_constant_queries(
    smtp, ticket, agent, agent_client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    url = reverse("agent:ticket", args=[ticket.pk])
    reply(ticket, agent, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(100) as one:
        agent_client.get(url)
    for n in range(5):
        reply(ticket, agent, django_capture_on_commit_callbacks, body=f"answer {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = agent_client.get(url).content.decode()
    assert html.count('data-delivery="sent"') == 6


def test_a_reply_whose_subject_is_only_the_tag_goes_out_with_the_tag_and_the_title(
    smtp, ticket, agent, django_capture_on_commit_callbacks
):
    reply(ticket, agent, django_capture_on_commit_callbacks, subject=f"Re: {ticket.subject_tag()} ")

    [envelope] = smtp.messages
    subject_line = next(line for line in envelope.original_content.split(b"\r\n") if line.startswith(b"Subject:"))
    assert subject_line == f"Subject: {ticket.subject_tag()} Printer on fire".encode()
    assert outbound.subject_with_tag(ticket, ticket.subject_tag()) == f"{ticket.subject_tag()} Printer on fire"


def test_a_long_subject_is_cut_with_a_mark(ticket):
    subject = outbound.subject_with_tag(ticket, "word " * 200)
    assert len(subject) == 500 and subject.endswith("…")
