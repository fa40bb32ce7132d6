"""The outbox: automatic mail and Django's own mail survive an SMTP outage; undeliverable addresses; admin."""

from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mailgateway import ingest, outbound, tasks
from mailgateway.models import OutgoingMail, UndeliverableAddress
from mailgateway.undeliverable import clear_undeliverable, is_undeliverable, mark_undeliverable
from tests.factories import PASSWORD, CustomerFactory
from tests.mail.helpers import make_mail
from tests.mail.servers import SmtpSink
from tickets import services
from tickets.message import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def smtp_outage(settings):
    """An SMTP transport whose server is down until the test calls .start()."""
    sink = SmtpSink()
    settings.HELPDESK_MAIL_TRANSPORT_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", sink.port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    sink.stop()


def back_up_and_retry(sink: SmtpSink) -> None:
    sink.start()
    OutgoingMail.objects.filter(status="queued").update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    tasks.retry_due_deliveries()


def sent_to(sink: SmtpSink, address: str) -> list:
    return [m for m in sink.parsed() if address in str(m["To"])]


def test_acknowledgement_survives_an_smtp_outage(smtp_outage, queue, customer, on_commit):
    with on_commit():
        record = ingest.receive(make_mail(subject="Need help", message_id="<need@acme.example>"), source="pipe")
    ack = OutgoingMail.objects.get(kind="acknowledgement")
    assert (ack.status, ack.to, ack.ticket_id) == ("queued", customer.email, record.ticket_id)
    assert ack.last_error.startswith("Will retry") and ack.attempts == 1

    back_up_and_retry(smtp_outage)

    [sent] = sent_to(smtp_outage, customer.email)
    assert record.ticket.subject_tag() in sent["Subject"]
    assert sent["Auto-Submitted"] == "auto-replied" and sent["In-Reply-To"] == "<need@acme.example>"
    assert sent["Message-ID"] == ack.message_id
    ack.refresh_from_db()
    assert ack.status == "sent" and ack.sent_at is not None


def test_agent_notification_survives_an_smtp_outage(smtp_outage, ticket, agent, second_agent, on_commit):
    with on_commit():
        services.assign_owner(ticket=ticket, actor=agent, owner=second_agent)
    notice = OutgoingMail.objects.get(kind="agent_assigned")
    assert notice.status == "queued" and notice.to == second_agent.email

    back_up_and_retry(smtp_outage)

    [sent] = sent_to(smtp_outage, second_agent.email)
    assert sent["Auto-Submitted"] == "auto-generated" and sent["Message-ID"] == notice.message_id


def test_password_reset_survives_an_smtp_outage(smtp_outage, client, on_commit):
    customer = CustomerFactory(email="reset-outage@acme.example")  # its own address: resets are rate-limited
    with on_commit():
        response = client.post(reverse("customer:password_reset"), {"email": customer.email})
    assert response.status_code == 302
    reset = OutgoingMail.objects.get(to=customer.email)
    assert reset.status == "queued" and not reset.is_automatic

    back_up_and_retry(smtp_outage)

    [sent] = sent_to(smtp_outage, customer.email)
    assert "/customer/" in sent.get_body(("plain",)).get_content()
    assert sent["Message-ID"] == reset.message_id


def test_django_mail_goes_through_the_outbox_and_reaches_the_transport(on_commit):
    with on_commit():
        django_mail.send_mail("Hello", "Body", "helpdesk@example.com", ["someone@example.org"])
    stored = OutgoingMail.objects.get(to="someone@example.org")
    assert (stored.status, stored.kind, stored.subject) == ("sent", "other", "Hello")
    [message] = django_mail.outbox
    assert message.extra_headers["Message-ID"] == stored.message_id


def test_every_automatic_mail_has_its_message_id_stored(queue, customer, agent, on_commit):
    with on_commit():
        ingest.receive(make_mail(subject="Server room flooded"), source="pipe")
    sent = {m.to[0]: m for m in django_mail.outbox}
    stored = {m.to: m for m in OutgoingMail.objects.all()}
    assert set(sent) == set(stored) == {customer.email, agent.email}
    for address, message in sent.items():
        assert message.extra_headers["Message-ID"] == stored[address].message_id
        assert stored[address].message_id.startswith("<") and stored[address].is_automatic


def test_undeliverable_address_gets_no_automatic_mail_until_an_agent_clears_it(queue, customer, agent, on_commit):
    bounce = mark_undeliverable(f"Alice <{customer.email.upper()}>", reason="550 5.1.1 mailbox unknown")
    assert bounce.address == customer.email and is_undeliverable(customer.email)

    with on_commit():
        ingest.receive(make_mail(subject="First"), source="pipe")
    ack = OutgoingMail.objects.get(kind="acknowledgement")
    assert ack.status == "suppressed" and "mailbox unknown" in ack.last_error
    assert customer.email not in [m.to[0] for m in django_mail.outbox]

    assert clear_undeliverable(customer.email, actor=agent)
    assert not is_undeliverable(customer.email)
    with on_commit():
        ingest.receive(make_mail(subject="Second"), source="pipe")
    assert [m.to for m in django_mail.outbox if "Second" in m.subject and m.to == [customer.email]]


def test_an_agent_reply_to_an_undeliverable_address_still_goes_out_and_the_zoom_warns(
    ticket, agent, customer, client, on_commit
):
    mark_undeliverable(customer.email, reason="550 no such user")
    with on_commit():
        article = services.add_article(
            ticket=ticket,
            actor=agent,
            message=Message(channel="email", body_text="Hi", to=customer.email),
        )
        outbound.queue_article(article)
    assert OutgoingMail.objects.get(article=article).status == "sent"
    client.force_login(agent)
    html = client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert f"{customer.email} is marked undeliverable" in html


def test_a_customer_cannot_clear_a_mark(customer):
    from django.core.exceptions import PermissionDenied

    mark_undeliverable("gone@example.com", reason="bounce")
    with pytest.raises(PermissionDenied):
        clear_undeliverable("gone@example.com", actor=customer)
    assert is_undeliverable("gone@example.com")


@pytest.fixture
def admin_client(client, admin_user):
    client.login(username=admin_user.username, password=PASSWORD)
    return client


def test_admin_lists_the_outbox_by_status_and_sends_a_failed_mail_again(admin_client, smtp, on_commit):
    smtp.refuse["nobody@example.org"] = "550 no such user"
    with on_commit():
        django_mail.send_mail("Welcome", "Body", "helpdesk@example.com", ["nobody@example.org"])
    failed = OutgoingMail.objects.get()
    assert failed.status == "failed"

    url = reverse("admin:mailgateway_outgoingmail_changelist")
    listing = admin_client.get(url + "?status__exact=failed").content.decode()
    assert "Welcome" in listing

    smtp.refuse.clear()
    with on_commit():
        response = admin_client.post(url, {"action": "send_again", "_selected_action": [failed.pk]}, follow=True)
    assert "1 mail queued again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == "sent" and len(smtp.messages) == 1


def test_admin_clears_an_undeliverable_mark(admin_client):
    mark = mark_undeliverable("gone@example.com", reason="bounce")
    url = reverse("admin:mailgateway_undeliverableaddress_changelist")
    response = admin_client.post(url, {"action": "clear", "_selected_action": [mark.pk]}, follow=True)
    assert "1 address cleared." in response.content.decode()
    assert not UndeliverableAddress.objects.exists()


def test_automatic_mail_to_several_leaves_out_only_the_marked_address(settings, on_commit):
    from mailgateway.models import MailAccount
    from mailgateway.tasks import alert_failing_accounts

    settings.ADMINS = [("A", "ops@example.com"), ("B", "gone@example.com")]
    MailAccount.objects.create(
        name="box", host="h", username="u", failing_since=timezone.now() - timedelta(hours=2), last_error="auth"
    )
    mark_undeliverable("gone@example.com", reason="550 mailbox unknown")
    with on_commit():
        alert_failing_accounts()
    [alert] = django_mail.outbox
    assert alert.to == ["ops@example.com"]
    stored = OutgoingMail.objects.get(kind="account_alert")
    assert stored.status == "sent" and stored.to == "ops@example.com"


def test_admin_never_shows_the_password_reset_link(admin_client, on_commit):
    customer = CustomerFactory(email="reset-admin@acme.example")
    with on_commit():
        Client().post(reverse("customer:password_reset"), {"email": customer.email})
    [reset] = django_mail.outbox
    link = next(line for line in reset.body.splitlines() if "/customer/" in line).strip()
    stored = OutgoingMail.objects.get(to=customer.email)
    html = admin_client.get(reverse("admin:mailgateway_outgoingmail_change", args=[stored.pk])).content.decode()
    assert stored.message_id.strip("<>") in html and link not in html
