"""Outlook's winmail.dat in a legacy codepage: its body and attachment names read in that codepage."""

import pytest

from mailgateway import ingest
from tests.mail.corpus.build import CRLF, LONG_RU, b64, msg, tnef_object

pytestmark = pytest.mark.django_db

SIGNATURE = (0x223E9F78).to_bytes(4, "little") + (0x1234).to_bytes(2, "little")
GERMAN = "Grüße aus München: die Übersicht für März liegt bei. Schöne Woche!"


def oem_codepage(number: int) -> bytes:
    return tnef_object(1, 0x9007, 0x0006, number.to_bytes(4, "little") + (0).to_bytes(4, "little"))


def winmail(body: bytes, filename: bytes, *, codepage: int | None) -> bytes:
    """A winmail.dat with an old-style body (attBody) and one attachment titled `filename` (attAttachTitle)."""
    return (
        SIGNATURE
        + (oem_codepage(codepage) if codepage else b"")
        + tnef_object(1, 0x800C, 0x0002, body + b"\x00")
        + tnef_object(2, 0x9002, 0x0006, b"\x01\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00")
        + tnef_object(2, 0x8010, 0x0001, filename + b"\x00")
        + tnef_object(2, 0x800F, 0x0006, b"spreadsheet bytes")
    )


def outlook_mail(blob: bytes) -> bytes:
    return msg(
        [b"From: outlook@example.com", b"To: support@support.example.com", b"Subject: Outlook", b"MIME-Version: 1.0",
         b'Content-Type: multipart/mixed; boundary="t"'],
        b'--t\nContent-Type: application/ms-tnef; name="winmail.dat"\nContent-Disposition: attachment; '
        b'filename="winmail.dat"\nContent-Transfer-Encoding: base64\n\n' + b64(blob) + CRLF + b"--t--\n",
    )  # fmt: skip


def imported_article(blob: bytes):
    record = ingest.receive(outlook_mail(blob), source="pipe")
    assert record.status == "imported", record.error
    return record.ticket.articles.get()


@pytest.mark.parametrize(
    ("codepage", "charset", "body", "filename"),
    [
        (1251, "cp1251", LONG_RU, "Счёт за октябрь.xls"),
        (1252, "cp1252", GERMAN, "Übersicht März.xls"),
    ],
)
def test_winmail_dat_body_and_attachment_name_are_read_in_its_codepage(queue, codepage, charset, body, filename):
    article = imported_article(winmail(body.encode(charset), filename.encode(charset), codepage=codepage))

    assert article.body_text == body
    assert [a.filename for a in article.attachments.all()] == [filename]
    assert "\ufffd" not in article.body_text


def test_winmail_dat_without_a_codepage_is_read_in_the_detected_charset(queue):
    article = imported_article(winmail(LONG_RU.encode("cp1251"), "Счёт за октябрь.xls".encode("cp1251"), codepage=None))

    assert article.body_text == LONG_RU
    assert [a.filename for a in article.attachments.all()] == ["Счёт за октябрь.xls"]
