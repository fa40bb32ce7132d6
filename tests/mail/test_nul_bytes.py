"""NUL bytes, which PostgreSQL refuses in text, never keep a mail from being filed."""

import pytest

from mailgateway import ingest

pytestmark = pytest.mark.django_db

RAW = (
    b"From: Alice <alice@acme.example>\r\n"
    b"To: 1st-level@support.example.com\r\n"
    b"Subject: Printer\x00 on fire\r\n"
    b"Message-ID: <nul\x00@acme.example>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"It\x00 smokes.\r\n"
)


def test_a_mail_with_nul_bytes_in_headers_and_body_is_filed_without_them(queue, customer):
    record = ingest.receive(RAW, source="pipe")
    assert record.status == "imported", record.error
    assert record.ticket.title == "Printer on fire"
    assert record.article.body_text.strip() == "It smokes."
    assert "\x00" not in record.subject
