"""Postmaster filters, the Maildir source, the failing-account alert and the fetchmail command."""

import io
import mailbox
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from mailgateway import ingest
from mailgateway.models import MailAccount, OutgoingMail, PostmasterFilter
from mailgateway.tasks import alert_failing_accounts, retry_due_deliveries
from tests.factories import AdminFactory, AgentFactory, QueueFactory, priority, state
from tests.mail.helpers import make_mail
from tests.mail.servers import SmtpSink
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_filter_on_header_sets_queue_priority_state_and_tags(queue):
    urgent = QueueFactory(name="Urgent")
    PostmasterFilter.objects.create(
        name="VIP", field="From", match="contains", value="@vip.example",
        set_queue=urgent, set_priority=priority(5), set_state=state("open"), add_tags="vip, fast",
    )  # fmt: skip
    ticket = ingest.receive(make_mail(sender="ceo@vip.example"), source="pipe").ticket
    assert (ticket.queue, ticket.priority.level, ticket.state.name) == (urgent, 5, "open")
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["fast", "vip"]


@pytest.mark.smoke
def test_filter_marks_spam_and_creates_nothing(queue):
    PostmasterFilter.objects.create(name="spam", field="X-Spam-Flag", match="exact", value="YES", mark_spam=True)
    record = ingest.receive(make_mail(headers={"X-Spam-Flag": "YES"}), source="pipe")
    assert record.status == "spam"
    assert Ticket.objects.count() == 0


def test_regex_filter_on_body_and_ignore(queue):
    PostmasterFilter.objects.create(name="noise", field="body", match="regex", value=r"unsubscribe\s+here", ignore=True)
    assert ingest.receive(make_mail(body="Click to UNSUBSCRIBE here"), source="pipe").status == "ignored"
    assert ingest.receive(make_mail(body="Real problem"), source="pipe").status == "imported"


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(\w*)*x", r"(a)\1", r"(?=a)"])
def test_catastrophic_regexes_are_refused_in_admin(pattern):
    rule = PostmasterFilter(name="bad", field="Subject", match="regex", value=pattern)
    with pytest.raises(ValidationError):
        rule.full_clean()


def test_maildir_source_imports_once_and_marks_seen(tmp_path, queue):
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    box.add(make_mail(subject="From maildir"))
    account = MailAccount.objects.create(name="local", kind="maildir", maildir_path=str(tmp_path / "Maildir"))

    call_command("fetchmail", stdout=io.StringIO())
    call_command("fetchmail", stdout=io.StringIO())

    assert list(Ticket.objects.values_list("title", flat=True)) == ["From maildir"]
    [msg] = mailbox.Maildir(account.maildir_path, create=False)
    assert "S" in msg.get_flags()


def test_account_failing_too_long_alerts_administrators_once(mailoutbox, settings, django_capture_on_commit_callbacks):
    settings.ADMINS = [("Admin", "admin@example.com")]
    settings.HELPDESK_MAIL_ALERT_AFTER_MINUTES = 30
    MailAccount.objects.create(
        name="box", host="h", username="u", failing_since=timezone.now() - timedelta(minutes=31), last_error="timeout"
    )
    MailAccount.objects.create(name="fresh", host="h", username="u", failing_since=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert alert_failing_accounts() == 1
        assert alert_failing_accounts() == 0
    [alert] = mailoutbox
    assert "box" in alert.subject and "timeout" in alert.body and alert.to == ["admin@example.com"]


def test_failing_account_alert_reaches_administrator_accounts_without_admins_setting(
    mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.ADMINS = []
    AdminFactory(email="boss@example.com")
    AdminFactory(email="")
    AgentFactory(email="agent@example.com")
    AdminFactory(email="gone@example.com", is_active=False)
    MailAccount.objects.create(
        name="box", host="h", username="u", failing_since=timezone.now() - timedelta(hours=2), last_error="auth"
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert alert_failing_accounts() == 1
    [alert] = mailoutbox
    assert alert.to == ["boss@example.com"]


def test_failing_account_alert_is_kept_in_the_outbox_while_smtp_is_down(settings, django_capture_on_commit_callbacks):
    settings.ADMINS = [("Admin", "admin@example.com")]
    MailAccount.objects.create(
        name="box", host="h", username="u", failing_since=timezone.now() - timedelta(hours=2), last_error="auth"
    )
    sink = SmtpSink()
    settings.HELPDESK_MAIL_TRANSPORT_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", sink.port, 5

    with django_capture_on_commit_callbacks(execute=True):
        assert alert_failing_accounts() == 1
    assert alert_failing_accounts() == 0  # alerted once; the outbox retries the mail
    alert_mail = OutgoingMail.objects.get(kind="account_alert")
    assert alert_mail.status == "queued" and alert_mail.last_error.startswith("Will retry")

    sink.start()
    try:
        OutgoingMail.objects.filter(pk=alert_mail.pk).update(next_attempt_at=timezone.now())
        retry_due_deliveries()
        [alert] = sink.parsed()
    finally:
        sink.stop()
    assert "box" in alert["Subject"] and alert["To"] == "admin@example.com"
