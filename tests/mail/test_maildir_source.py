"""The Maildir source: one hostile message never blocks the folder, and done messages are never read again."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from mailgateway import ingest
from mailgateway.models import InboundMessage, MailAccount
from mailgateway.sources import maildir
from tests.mail.helpers import make_mail
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def make_maildir(root: Path) -> Path:
    for sub in ("new", "cur", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    return root


def deliver(root: Path, name: str, raw: bytes) -> Path:
    """The way an MTA delivers: written in tmp/, then renamed into new/."""
    tmp = root / "tmp" / name
    tmp.write_bytes(raw)
    target = root / "new" / name
    os.rename(tmp, target)
    return target


def files(root: Path, sub: str) -> list[str]:
    return sorted(os.listdir(root / sub))


@pytest.fixture
def box(tmp_path):
    return make_maildir(tmp_path / "Maildir")


@pytest.fixture
def account(box, queue):
    return MailAccount.objects.create(name="local", kind="maildir", maildir_path=str(box))


@pytest.fixture
def reads(monkeypatch):
    """Counts the message files the source opens."""
    opened = []
    real = maildir.read_message

    def counting(path):
        opened.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(maildir, "read_message", counting)
    return opened


@pytest.fixture
def poison_route(monkeypatch):
    """Processing raises for the message whose subject is 'poison' (as a bug or a bad row would)."""
    real = ingest.route

    def route(parsed, *args, **kwargs):
        if parsed.subject == "poison":
            raise RuntimeError("the router choked on this message")
        return real(parsed, *args, **kwargs)

    monkeypatch.setattr(ingest, "route", route)


def test_poisoned_messages_are_quarantined_and_the_rest_of_the_folder_is_imported(
    box, account, settings, poison_route, tmp_path
):
    settings.HELPDESK_MAIL_MAX_BYTES = 20_000
    settings.HELPDESK_MAIL_MAX_ATTEMPTS = 2
    original = make_mail(subject="First good one")
    deliver(box, "1000.a.host", original)
    os.symlink(tmp_path / "gone", box / "new" / "1001.b.host")  # listed, but cannot be read
    deliver(box, "1002.c.host", b"\x00\x01\x02 this is no mail at all \xff\xfe")
    deliver(box, "1003.d.host", make_mail(subject="Too big", body="x" * 40_000))
    deliver(box, "1004.e.host", make_mail(subject="poison"))
    deliver(box, "1005.f.host", make_mail(subject="Second good one"))

    stats = maildir.poll(account)

    assert sorted(Ticket.objects.values_list("title", flat=True)) == ["First good one", "Second good one"]
    assert stats["imported"] == 2 and stats["failed"] == 1
    records = {r.source_key: r for r in InboundMessage.objects.all()}
    assert records["1001.b.host"].status == "quarantined" and "could not be read" in records["1001.b.host"].error
    assert records["1002.c.host"].status == "quarantined" and "no headers" in records["1002.c.host"].error
    assert records["1003.d.host"].status == "quarantined" and "over the limit" in records["1003.d.host"].error
    assert records["1004.e.host"].status == "failed" and "choked" in records["1004.e.host"].error
    assert files(box, "new") == ["1004.e.host"]  # not done: not marked, tried again next time
    with open(box / "cur" / "1000.a.host:2,S", "rb") as handle:
        assert handle.read() == original  # the file is left exactly as delivered

    maildir.poll(account)  # the second failure quarantines it

    poisoned = InboundMessage.objects.get(source_key="1004.e.host")
    assert poisoned.status == "quarantined" and "choked" in poisoned.error
    assert files(box, "new") == []
    assert files(box, "cur") == [f"100{n}.{c}.host:2,S" for n, c in enumerate("abcdef")]


def test_a_folder_of_done_messages_is_not_read_again(box, account, reads, django_assert_num_queries):
    for n in range(20):
        deliver(box, f"{2000 + n}.host", make_mail(subject=f"Mail {n}"))
    maildir.poll(account)
    assert len(reads) == 20 and Ticket.objects.count() == 20
    reads.clear()

    with django_assert_num_queries(1):
        stats = maildir.poll(account)

    assert reads == []
    assert stats == {"fetched": 0, "imported": 0, "failed": 0, "flagged": 0}


def test_a_committed_message_left_unmarked_by_a_crash_is_marked_without_being_read(box, account, reads):
    path = deliver(box, "3000.host", make_mail(subject="Committed, then the worker died"))
    ingest.receive(path.read_bytes(), account=account, source="maildir", source_key="3000.host")
    assert files(box, "new") == ["3000.host"]

    maildir.poll(account)

    assert reads == [] and files(box, "cur") == ["3000.host:2,S"]
    assert Ticket.objects.count() == 1


def test_a_message_that_keeps_failing_is_not_read_from_disk_again(box, account, reads, poison_route, settings):
    settings.HELPDESK_MAIL_MAX_ATTEMPTS = 5
    deliver(box, "4000.host", make_mail(subject="poison"))
    maildir.poll(account)
    maildir.poll(account)
    assert reads == ["4000.host"]
    assert InboundMessage.objects.get().attempts == 2


def test_delete_after_import_removes_only_what_is_stored_whole(box, account, settings, tmp_path):
    settings.HELPDESK_MAIL_MAX_BYTES = 20_000
    account.after_import = MailAccount.AfterImport.DELETE
    account.save()
    deliver(box, "5000.host", make_mail(subject="Fine"))
    deliver(box, "5001.host", make_mail(subject="Too big", body="y" * 40_000))
    os.symlink(tmp_path / "gone", box / "new" / "5002.host")

    maildir.poll(account)
    maildir.poll(account)

    assert files(box, "new") == []
    assert files(box, "cur") == ["5001.host:2,S", "5002.host:2,S"]
    assert Ticket.objects.get().title == "Fine"


def test_move_after_import_files_the_message_in_the_maildir_folder(box, account):
    account.after_import = MailAccount.AfterImport.MOVE
    account.move_to_folder = "Done"
    account.save()
    deliver(box, "6000.host", make_mail(subject="Archive me"))

    maildir.poll(account)
    maildir.poll(account)

    assert files(box, "new") == [] and files(box, "cur") == []
    assert files(box, ".Done/cur") == ["6000.host:2,S"]
    assert Ticket.objects.count() == 1


def test_a_nul_byte_in_a_header_is_stored_and_does_not_block_the_folder(box, account, settings):
    settings.HELPDESK_MAIL_MAX_ATTEMPTS = 1
    deliver(box, "7000.host", make_mail(subject="Before"))
    nul = b"From: x@acme.example\r\nTo: a@support.example.com\r\nSubject: evil\x00subject\r\n\r\nbody\x00\r\n"
    deliver(box, "7001.host", nul)
    deliver(box, "7002.host", make_mail(subject="After"))

    maildir.poll(account)

    assert {"Before", "After"} <= set(Ticket.objects.values_list("title", flat=True))
    record = InboundMessage.objects.get(source_key="7001.host")
    assert record.is_done and record.raw.size == len(nul)
    assert files(box, "new") == []


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def reprocess(admin_client, *records):
    return admin_client.post(
        reverse("admin:mailgateway_inboundmessage_changelist"),
        {"action": "reprocess", "_selected_action": [r.pk for r in records]},
        follow=True,
    ).content.decode()


def test_reprocess_refuses_a_maildir_message_stored_by_its_header_or_not_at_all(
    box, account, settings, tmp_path, admin_client
):
    settings.HELPDESK_MAIL_MAX_BYTES = 20_000
    deliver(box, "7000.host", make_mail(subject="Too big", body="y" * 40_000))
    os.symlink(tmp_path / "gone", box / "new" / "7001.host")
    maildir.poll(account)
    too_big, unreadable = InboundMessage.objects.order_by("source_key")
    assert not too_big.stored_whole and not unreadable.stored_whole

    settings.HELPDESK_MAIL_MAX_BYTES = 100_000
    page = reprocess(admin_client, too_big, unreadable)

    assert "was not reprocessed: the whole message is not stored here" in page
    assert "0 messages imported." in page
    assert not Ticket.objects.exists()
    for record in (too_big, unreadable):
        record.refresh_from_db()
        assert record.status == "quarantined"
    assert "over the limit" in too_big.error and "could not be read" in unreadable.error
