"""Mail delivered to a real Dovecot over IMAP becomes tickets, exactly once, whatever crashes."""

import pytest
from django.db import DatabaseError
from django.urls import reverse

from mailgateway import ingest
from mailgateway.models import InboundMessage
from mailgateway.sources import imap as imap_source
from mailgateway.tasks import poll_account_now
from tests.mail.helpers import make_mail
from tickets.models import Article, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def server_flags(imap):
    client = imap.client()
    try:
        client.select_folder("INBOX")
        return {uid: set(data[b"FLAGS"]) for uid, data in client.fetch(client.search(["ALL"]), ["FLAGS"]).items()}
    finally:
        client.logout()


@pytest.mark.smoke
def test_new_mail_becomes_a_ticket_and_is_flagged_after_commit(imap, imap_account, queue, customer):
    imap.append(make_mail(subject="VPN is down", body="Since this morning."))

    stats = imap_source.poll(imap_account)

    ticket = Ticket.objects.get()
    assert ticket.title == "VPN is down"
    assert ticket.queue == queue
    assert ticket.customer == customer
    article = ticket.articles.get()
    assert article.channel == "email" and article.body_text.strip() == "Since this morning."
    assert article.raw_message is not None
    assert stats["imported"] == 1
    assert all(b"$HelpdeskImported" in flags for flags in server_flags(imap).values())
    record = InboundMessage.objects.get()
    assert (record.status, record.server_done) == ("imported", True)
    assert record.uid in server_flags(imap)
    assert record.uidvalidity and record.sha256


def test_crash_between_fetch_and_commit_imports_exactly_once(imap, imap_account, queue, customer, monkeypatch):
    imap.append(make_mail(subject="First"), make_mail(subject="Second"))
    real_route = ingest.route
    calls = {"n": 0}

    def crash_on_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real_route(*args, **kwargs)

    monkeypatch.setattr(ingest, "route", crash_on_second)
    imap_source.poll(imap_account)

    # The raw bytes of both are stored; the crashed one is not imported, and not flagged on the server.
    assert InboundMessage.objects.count() == 2
    assert list(Ticket.objects.values_list("title", flat=True)) == ["First"]
    first, second = (InboundMessage.objects.get(subject=s).uid for s in ("First", "Second"))
    flags = server_flags(imap)
    assert b"$HelpdeskImported" in flags[first] and b"$HelpdeskImported" not in flags[second]

    monkeypatch.setattr(ingest, "route", real_route)
    imap_source.poll(imap_account)
    imap_source.poll(imap_account)

    assert sorted(Ticket.objects.values_list("title", flat=True)) == ["First", "Second"]
    assert Article.objects.count() == 2
    assert all(b"$HelpdeskImported" in f for f in server_flags(imap).values())


def test_crash_after_commit_before_flagging_does_not_import_twice(imap, imap_account, queue, monkeypatch):
    imap.append(make_mail(subject="Only once"))

    def lost_connection(*args, **kwargs):
        raise ConnectionResetError("connection lost before STORE")

    monkeypatch.setattr(imap_source, "_mark_done", lost_connection)
    with pytest.raises(ConnectionResetError):
        imap_source.poll(imap_account)
    assert Ticket.objects.count() == 1
    assert [b"$HelpdeskImported" in f for f in server_flags(imap).values()] == [False]

    monkeypatch.undo()
    imap_source.poll(imap_account)

    assert Ticket.objects.count() == 1
    assert [b"$HelpdeskImported" in f for f in server_flags(imap).values()] == [True]


def test_same_message_id_twice_becomes_one_article(imap, imap_account, queue):
    raw = make_mail(subject="Duplicate", message_id="<dup-1@acme.example>")
    imap.append(raw, raw)

    imap_source.poll(imap_account)

    assert Article.objects.filter(message_id="<dup-1@acme.example>").count() == 1
    assert sorted(InboundMessage.objects.values_list("status", flat=True)) == ["duplicate", "imported"]


def test_a_poison_message_does_not_stop_the_rest(imap, imap_account, queue, settings):
    settings.HELPDESK_MAIL_MAX_PARTS = 5
    many_parts = b"From: x@example.com\r\nSubject: poison\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
    many_parts += b"".join(b"--b\r\nContent-Type: text/plain\r\n\r\npart\r\n" for _ in range(10)) + b"--b--\r\n"
    imap.append(many_parts, make_mail(subject="Healthy"))

    imap_source.poll(imap_account)

    assert list(Ticket.objects.values_list("title", flat=True)) == ["Healthy"]
    poison = InboundMessage.objects.get(subject="poison")
    assert poison.status == "quarantined" and "MIME parts" in poison.error
    assert all(b"$HelpdeskImported" in f for f in server_flags(imap).values())


def test_reply_is_threaded_onto_its_ticket_by_subject_tag(imap, imap_account, queue, customer):
    imap.append(make_mail(subject="Broken mouse"))
    imap_source.poll(imap_account)
    ticket = Ticket.objects.get()

    imap.append(make_mail(subject=f"AW: Re: {ticket.subject_tag()} Broken mouse", body="Still broken."))
    imap_source.poll(imap_account)

    assert Ticket.objects.count() == 1
    assert list(ticket.articles.values_list("body_text", flat=True))[-1].strip() == "Still broken."


def test_login_failure_is_recorded_for_the_alert(imap, imap_account):
    imap_account.password = "wrong"
    imap_account.save()

    assert poll_account_now(imap_account) is None

    imap_account.refresh_from_db()
    assert imap_account.failing_since is not None
    assert imap_account.last_error


def test_oversized_mail_is_quarantined_by_header_and_never_deleted(imap, imap_account, queue, settings):
    settings.HELPDESK_MAIL_MAX_BYTES = 20_000
    imap_account.after_import = "delete"
    imap_account.save()
    imap.append(make_mail(subject="Huge", attachment=("big.bin", b"z" * 50_000)), make_mail(subject="Small"))

    imap_source.poll(imap_account)
    imap_source.poll(imap_account)

    assert list(Ticket.objects.values_list("title", flat=True)) == ["Small"]
    huge = InboundMessage.objects.get(subject="Huge")
    assert huge.status == "quarantined" and "stays on the mail server" in huge.error
    assert huge.size > 50_000 and huge.raw.size < 5_000
    remaining = server_flags(imap)
    assert list(remaining) == [huge.uid] and b"$HelpdeskImported" in remaining[huge.uid]


def test_reprocess_in_admin_refuses_a_message_stored_by_its_header_only(
    imap, imap_account, queue, settings, client, admin_user
):
    settings.HELPDESK_MAIL_MAX_BYTES = 20_000
    imap.append(make_mail(subject="Huge", attachment=("big.bin", b"z" * 50_000)))
    imap_source.poll(imap_account)
    huge = InboundMessage.objects.get()
    assert (huge.status, huge.stored_whole) == ("quarantined", False)

    settings.HELPDESK_MAIL_MAX_BYTES = 200_000  # even once the limit allows it, the header alone is no message
    client.force_login(admin_user)
    page = client.post(
        reverse("admin:mailgateway_inboundmessage_changelist"),
        {"action": "reprocess", "_selected_action": [huge.pk]},
        follow=True,
    ).content.decode()

    assert "“Huge”" in page and "was not reprocessed" in page and "stays on the mail server" in page
    assert "0 messages imported." in page
    assert not Ticket.objects.exists()
    huge.refresh_from_db()
    assert huge.status == "quarantined" and "stays on the mail server" in huge.error


def test_one_message_that_cannot_be_stored_does_not_block_the_mailbox(imap, imap_account, queue, monkeypatch):
    imap.append(make_mail(subject="First"), make_mail(subject="Cannot be stored"), make_mail(subject="Third"))
    first, bad, third = sorted(server_flags(imap))
    real_store_raw = ingest.store_raw

    def failing_for_one(raw, **where):
        if where.get("uid") == bad:
            raise DatabaseError("value too long for this row")
        return real_store_raw(raw, **where)

    monkeypatch.setattr(ingest, "store_raw", failing_for_one)
    stats = imap_source.poll(imap_account)

    assert sorted(Ticket.objects.values_list("title", flat=True)) == ["First", "Third"]
    assert (stats["imported"], stats["failed"], stats["flagged"]) == (2, 1, 2)
    flags = server_flags(imap)
    assert b"$HelpdeskImported" in flags[first] and b"$HelpdeskImported" in flags[third]
    assert b"$HelpdeskImported" not in flags[bad] and b"\\Seen" not in flags[bad]
    assert not InboundMessage.objects.filter(uid=bad).exists()

    monkeypatch.setattr(ingest, "store_raw", real_store_raw)
    imap_source.poll(imap_account)

    assert sorted(Ticket.objects.values_list("title", flat=True)) == ["Cannot be stored", "First", "Third"]
    assert all(b"$HelpdeskImported" in f for f in server_flags(imap).values())


def test_plaintext_imap_is_refused_for_a_remote_host():
    from django.core.exceptions import ValidationError

    from mailgateway.models import MailAccount

    account = MailAccount(name="x", host="imap.example.com", username="u", security="none")
    with pytest.raises(ValidationError):
        account.full_clean()


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_mail_is_fetched_over_tls_and_starttls(imap, imap_account, queue, customer, monkeypatch, security):
    monkeypatch.setenv("SSL_CERT_FILE", str(imap.cert))  # the test server's self-signed certificate
    imap_account.security = security
    imap_account.port = imap.tls_port if security == "tls" else imap.port
    imap_account.save()
    imap.append(make_mail(subject="Over TLS"))

    assert poll_account_now(imap_account)["imported"] == 1
    assert Ticket.objects.get().title == "Over TLS"


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_an_untrusted_certificate_is_refused_and_the_mail_stays(imap, imap_account, monkeypatch, security):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    imap_account.security = security
    imap_account.port = imap.tls_port if security == "tls" else imap.port
    imap_account.save()
    imap.append(make_mail(subject="Not over a forged line"))

    assert poll_account_now(imap_account) is None

    imap_account.refresh_from_db()
    assert "CERTIFICATE_VERIFY_FAILED" in imap_account.last_error and imap_account.failing_since
    assert not Ticket.objects.exists() and not InboundMessage.objects.exists()
    assert len(server_flags(imap)) == 1
