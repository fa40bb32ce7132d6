"""Quarantine, accounts and filters in admin: visible, escaped, reprocessable; passwords never shown."""

import pytest
from django.urls import reverse

from mailgateway import ingest
from mailgateway.models import InboundMessage, MailAccount
from tests.factories import PASSWORD
from tests.mail.helpers import make_mail
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.login(username=admin_user.username, password=PASSWORD)
    return client


def test_quarantined_mail_shows_its_raw_source_escaped_and_can_be_reprocessed(admin_client, queue, settings):
    settings.HELPDESK_MAIL_MAX_BYTES = 400
    raw = make_mail(subject="<script>alert(1)</script>", body="y" * 500)
    record = ingest.receive(raw, source="pipe")
    assert record.status == "quarantined"

    listing = admin_client.get(reverse("admin:mailgateway_inboundmessage_changelist") + "?status=quarantined")
    assert listing.status_code == 200
    detail = admin_client.get(reverse("admin:mailgateway_inboundmessage_change", args=[record.pk]))
    html = detail.content.decode()
    assert "over the limit" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)</script>" not in html

    settings.HELPDESK_MAIL_MAX_BYTES = 10_000
    response = admin_client.post(
        reverse("admin:mailgateway_inboundmessage_changelist"),
        {"action": "reprocess", "_selected_action": [record.pk]},
        follow=True,
    )
    assert "1 message imported." in response.content.decode()
    record.refresh_from_db()
    assert record.status == "imported"
    assert Ticket.objects.get().title == "<script>alert(1)</script>"


def test_account_password_is_never_shown_and_kept_when_left_empty(admin_client, queue):
    account = MailAccount.objects.create(name="box", host="imap.example.com", username="u", password="s3cret-pass")
    url = reverse("admin:mailgateway_mailaccount_change", args=[account.pk])
    page = admin_client.get(url).content.decode()
    assert "s3cret-pass" not in page

    form = {
        "name": "box", "kind": "imap", "host": "imap.example.com", "port": 993, "security": "tls", "username": "u",
        "password": "", "folder": "INBOX", "maildir_path": "", "after_import": "flag", "move_to_folder": "",
        "poll_interval_seconds": 60, "is_active": "on",
    }  # fmt: skip
    response = admin_client.post(url, form)
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.password == "s3cret-pass"


def test_failing_account_raises_a_banner_in_admin(admin_client, queue):
    from django.utils import timezone

    MailAccount.objects.create(
        name="broken", host="imap.example.com", username="u", failing_since=timezone.now(), last_error="login failed"
    )
    page = admin_client.get(reverse("admin:mailgateway_mailaccount_changelist")).content.decode()
    assert "broken" in page and "has failed to fetch since" in page and "login failed" in page


def test_outsider_agent_without_staff_cannot_see_quarantine(client, outsider_agent):
    client.login(username=outsider_agent.username, password=PASSWORD)
    response = client.get(reverse("admin:mailgateway_inboundmessage_changelist"))
    assert response.status_code == 302
    assert InboundMessage.objects.count() == 0
