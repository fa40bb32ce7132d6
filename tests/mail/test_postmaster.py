"""The pipe entry point: `manage.py postmaster < message.eml` with sysexits exit codes."""

import io

import pytest
from django.core.management import call_command
from django.db import OperationalError

from mailgateway import ingest
from mailgateway.models import InboundMessage
from tests.mail.helpers import make_mail
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


class Stdin:
    def __init__(self, raw: bytes):
        self.buffer = io.BytesIO(raw)


def run_postmaster(monkeypatch, raw: bytes) -> int:
    monkeypatch.setattr("sys.stdin", Stdin(raw))
    with pytest.raises(SystemExit) as exit_info:
        call_command("postmaster", stdout=io.StringIO(), stderr=io.StringIO())
    return exit_info.value.code


@pytest.mark.smoke
def test_piped_mail_becomes_a_ticket_and_exits_zero(monkeypatch, queue, customer):
    assert run_postmaster(monkeypatch, make_mail(subject="Piped in")) == 0
    assert Ticket.objects.get().title == "Piped in"


def test_database_down_exits_with_tempfail_so_the_mta_retries(monkeypatch, queue):
    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(ingest, "store_raw", down)
    assert run_postmaster(monkeypatch, make_mail()) == 75
    assert Ticket.objects.count() == 0


def test_unparseable_mail_is_accepted_into_quarantine(monkeypatch, queue, settings):
    settings.HELPDESK_MAIL_MAX_BYTES = 100
    assert run_postmaster(monkeypatch, make_mail(body="x" * 500)) == 0
    assert InboundMessage.objects.get().status == "quarantined"


def test_empty_input_is_a_data_error(monkeypatch):
    assert run_postmaster(monkeypatch, b"  \n") == 65


def test_same_message_piped_twice_is_one_ticket(monkeypatch, queue):
    raw = make_mail(message_id="<twice@acme.example>")
    run_postmaster(monkeypatch, raw)
    run_postmaster(monkeypatch, raw)
    assert Ticket.objects.count() == 1
    assert sorted(InboundMessage.objects.values_list("status", flat=True)) == ["duplicate", "imported"]


def test_piped_mail_that_failed_to_process_is_retried_by_the_beat_task(monkeypatch, queue):
    from mailgateway.tasks import retry_pending_messages

    def broken(*args, **kwargs):
        raise RuntimeError("router bug")

    with monkeypatch.context() as patch:
        patch.setattr(ingest, "route", broken)
        assert run_postmaster(monkeypatch, make_mail(subject="Retry me")) == 0
    record = InboundMessage.objects.get()
    assert record.status == "failed" and "router bug" in record.error

    assert retry_pending_messages() == 1
    assert Ticket.objects.get().title == "Retry me"
