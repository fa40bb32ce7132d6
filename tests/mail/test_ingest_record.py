"""The ingest record shows a message's subject and sender as stored, a cut one marked as cut."""

import pytest

from mailgateway import ingest

pytestmark = pytest.mark.django_db


def test_an_overlong_subject_and_sender_are_cut_with_a_mark_on_the_record():
    long_name = "Alice " + "von " * 200 + "Acme"
    raw = (
        f"From: {long_name} <alice@acme.example>\r\n"
        f"Subject: {'Printer on fire ' * 60}\r\n"
        "Message-ID: <long@acme.example>\r\n\r\nIt smokes.\r\n"
    ).encode()

    record = ingest.store_raw(raw, source="pipe")

    record.refresh_from_db()
    assert len(record.subject) == 500 and record.subject.endswith("…")
    assert record.subject.startswith("Printer on fire Printer on fire")
    assert len(record.from_address) == 500 and record.from_address.endswith("…")
    assert record.from_address.startswith("Alice von von")


def test_a_short_subject_and_sender_are_stored_as_they_are():
    raw = b"From: Alice <alice@acme.example>\r\nSubject: Printer on fire\r\n\r\nIt smokes.\r\n"
    record = ingest.store_raw(raw, source="pipe")
    record.refresh_from_db()
    assert (record.subject, record.from_address) == ("Printer on fire", "Alice <alice@acme.example>")
