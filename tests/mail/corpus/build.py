"""Writes the corpus of tricky messages (run once; the .eml files are committed).

Each message is built byte by byte so that its charset and encodings are exactly
what real mailers send, mistakes included.
"""

import base64
import quopri
from pathlib import Path

HERE = Path(__file__).parent
CRLF = b"\r\n"


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", CRLF)


def ew(text: str, charset: str, kind: str = "B") -> bytes:
    raw = text.encode(charset)
    if kind == "B":
        return b"=?" + charset.encode() + b"?B?" + base64.b64encode(raw) + b"?="
    return b"=?" + charset.encode() + b"?Q?" + quopri.encodestring(raw, header=True) + b"?="


def msg(headers: list[bytes], body: bytes) -> bytes:
    return CRLF.join(headers) + CRLF + CRLF + body.replace(b"\n", CRLF).replace(b"\r\r", b"\r")


RU = "Добрый день! Не печатает принтер в бухгалтерии, на экране ошибка. Помогите, пожалуйста, срочно."
PL = "Zażółć gęślą jaźń. Drukarka w księgowości nie działa, proszę o pomoc."
CZ = "Příliš žluťoučký kůň úpěl ďábelské ódy. Tiskárna v účtárně nefunguje."
LONG_RU = (
    "Здравствуйте! Пишу вам уже второй раз по поводу счёта за октябрь. В документах указана неверная сумма, "
    "а бухгалтерия не может закрыть месяц. Просим исправить счёт и прислать новый экземпляр как можно скорее. "
    "Заранее спасибо за помощь, с уважением, Иван Петрович."
)


def tnef_object(level: int, name: int, kind: int, data: bytes) -> bytes:
    checksum = sum(data) % 65536
    return (
        level.to_bytes(1, "little") + name.to_bytes(2, "little") + kind.to_bytes(2, "little")
        + len(data).to_bytes(4, "little") + data + checksum.to_bytes(2, "little")
    )  # fmt: skip


def tnef_blob() -> bytes:
    """A small winmail.dat: a body and one attachment, in Outlook's TNEF encoding."""
    return (
        (0x223E9F78).to_bytes(4, "little") + (0x1234).to_bytes(2, "little")
        + tnef_object(1, 0x800C, 0x0002, b"The body from Outlook's winmail.dat.\x00")
        + tnef_object(2, 0x9002, 0x0006, b"\x01\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00")
        + tnef_object(2, 0x8010, 0x0001, b"budget.xls\x00")
        + tnef_object(2, 0x800F, 0x0006, b"spreadsheet bytes")
    )  # fmt: skip


MESSAGES = {
    "koi8r.eml": msg(
        [
            b"From: " + ew("Иван Петров", "koi8-r") + b" <ivan@example.ru>",
            b"To: support@support.example.com",
            b"Subject: " + ew("Не работает принтер", "koi8-r"),
            b"Message-ID: <koi8r-1@example.ru>",
            b"Date: Mon, 23 Nov 2026 10:00:00 +0300",
            b"MIME-Version: 1.0",
            b"Content-Type: text/plain; charset=koi8-r",
            b"Content-Transfer-Encoding: 8bit",
        ],
        RU.encode("koi8-r") + b"\n",
    ),
    "cp1251.eml": msg(
        [
            b"From: buh@example.ru",
            b"To: support@support.example.com",
            b"Subject: " + ew("Счёт за октябрь", "windows-1251", "Q"),
            b"Message-ID: <cp1251-1@example.ru>",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/mixed; boundary="b1"',
        ],
        b"--b1\nContent-Type: text/plain; charset=windows-1251\nContent-Transfer-Encoding: quoted-printable\n\n"
        + quopri.encodestring(RU.encode("windows-1251"))
        + b'\n--b1\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="'
        + ew("Счёт.pdf", "windows-1251")
        + b'"\nContent-Transfer-Encoding: base64\n\n'
        + b64(b"%PDF-1.4 fake")
        + b"--b1--\n",
    ),
    "polish.eml": msg(
        [
            b"From: " + ew("Łukasz Żółw", "iso-8859-2", "Q") + b" <lukasz@example.pl>",
            b"To: support@support.example.com",
            b"Subject: " + ew("Drukarka nie działa - zażółć", "iso-8859-2", "Q"),
            b"Message-ID: <pl-1@example.pl>",
            b"MIME-Version: 1.0",
            b"Content-Type: text/plain; charset=ISO-8859-2",
            b"Content-Transfer-Encoding: quoted-printable",
        ],
        quopri.encodestring(PL.encode("iso-8859-2")) + b"\n",
    ),
    "czech.eml": msg(
        [
            b"From: jana@example.cz",
            b"To: support@support.example.com",
            b"Subject: " + ew("Tiskárna nefunguje, kůň úpěl", "utf-8", "Q"),
            b"Message-ID: <cz-1@example.cz>",
            b"MIME-Version: 1.0",
            b"Content-Type: text/plain; charset=windows-1250",
            b"Content-Transfer-Encoding: 8bit",
        ],
        CZ.encode("windows-1250") + b"\n",
    ),
    "mislabelled.eml": msg(
        [
            b"From: petr@example.ru",
            b"To: support@support.example.com",
            b"Subject: invoice",
            b"Message-ID: <mislabelled-1@example.ru>",
            b"MIME-Version: 1.0",
            b"Content-Type: text/plain; charset=utf-8",
            b"Content-Transfer-Encoding: 8bit",
        ],
        LONG_RU.encode("windows-1251") + b"\n",
    ),
    "undeclared.eml": msg(
        [
            b"From: olga@example.ru",
            b"To: support@support.example.com",
            b"Subject: " + "Вопрос по счёту".encode(),
            b"Message-ID: <undeclared-1@example.ru>",
        ],
        LONG_RU.encode("koi8-r") + b"\n",
    ),
    "rfc2231.eml": msg(
        [
            b"From: anna@example.de",
            b"To: support@support.example.com",
            b"Subject: files",
            b"Message-ID: <rfc2231-1@example.de>",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/mixed; boundary="xx"',
        ],
        b"--xx\nContent-Type: text/plain; charset=utf-8\n\nSee the attached files.\n"
        b"--xx\nContent-Type: text/plain\nContent-Disposition: attachment;\n"
        b" filename*=utf-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%20%C5%BC%C3%B3%C5%82w.txt\n\nreport\n"
        b"--xx\nContent-Type: application/octet-stream\nContent-Disposition: attachment;\n"
        b" filename*0*=utf-8''Gr%C3%BC%C3%9Fe%20aus%20;\n filename*1*=M%C3%BCnchen.bin\n\nbinary\n--xx--\n",
    ),
    "html_only.eml": msg(
        [
            b"From: web@example.com",
            b"To: support@support.example.com",
            b"Subject: HTML only",
            b"Message-ID: <html-1@example.com>",
            b"MIME-Version: 1.0",
            b"Content-Type: text/html; charset=utf-8",
        ],
        b"<html><head><script>alert('x')</script></head><body><p>Hello <b>team</b>,</p>"
        b'<p onclick="steal()">the portal is down.</p><img src="http://tracker.example/p.gif"></body></html>\n',
    ),
    "alternative_inline.eml": msg(
        [
            b"From: designer@example.com",
            b"To: support@support.example.com",
            b"Subject: Logo broken",
            b"Message-ID: <inline-1@example.com>",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/alternative; boundary="alt"',
        ],
        b"--alt\nContent-Type: text/plain; charset=utf-8\n\nThe logo is broken, see picture.\n"
        b'--alt\nContent-Type: multipart/related; boundary="rel"\n\n'
        b'--rel\nContent-Type: text/html; charset=utf-8\n\n<p>The logo is broken:</p><img src="cid:logo@example.com">\n'
        b"--rel\nContent-Type: image/png\nContent-ID: <logo@example.com>\nContent-Disposition: inline\n"
        b"Content-Transfer-Encoding: base64\n\n" + b64(b"\x89PNG\r\n\x1a\nfakepng") + b"--rel--\n--alt--\n",
    ),
    "forwarded.eml": msg(
        [
            b"From: boss@example.com",
            b"To: support@support.example.com",
            b"Subject: Fwd: customer complaint",
            b"Message-ID: <fwd-1@example.com>",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/mixed; boundary="f"',
        ],
        b"--f\nContent-Type: text/plain; charset=utf-8\n\nPlease handle this.\n"
        b"--f\nContent-Type: message/rfc822\n\n"
        b"From: angry@example.org\nSubject: Complaint\nMessage-ID: <orig-1@example.org>\n"
        b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="g"\n\n'
        b"--g\nContent-Type: text/plain; charset=iso-8859-2\nContent-Transfer-Encoding: quoted-printable\n\n"
        + quopri.encodestring("Jestem zły".encode("iso-8859-2"))
        + b'\n--g\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename="evidence.txt"\n\n'
        b"proof\n--g--\n--f--\n",
    ),
    "broken_headers.eml": (
        b"From: =?utf-8?B?broken <broken@example.com>\r\n"
        b"To: support@support.example.com\r\n"
        b"Subject: " + "Привет без кодировки".encode() + b"\r\n"
        b"this line is no header\r\n"
        b'Content-Type: text/plain; charset="no-such-charset"\r\n'
        b"\r\n" + "Текст письма в неизвестной кодировке, но это UTF-8.".encode() + b"\r\n"
    ),
    "auto_reply.eml": msg(
        [
            b"From: alice@acme.example",
            b"To: support@support.example.com",
            b"Subject: Out of office",
            b"Message-ID: <ooo-1@acme.example>",
            b"Auto-Submitted: auto-replied",
            b"Content-Type: text/plain; charset=utf-8",
        ],
        b"I am away until Monday.\n",
    ),
    "winmail.eml": msg(
        [
            b"From: outlook@example.com",
            b"To: support@support.example.com",
            b"Subject: Outlook mail",
            b"Message-ID: <tnef-1@example.com>",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/mixed; boundary="t"',
        ],
        b"--t\nContent-Type: text/plain\n\nSee attachment.\n"
        b'--t\nContent-Type: application/ms-tnef; name="winmail.dat"\nContent-Disposition: attachment; '
        b'filename="winmail.dat"\nContent-Transfer-Encoding: base64\n\n' + b64(b"not really tnef") + b"--t--\n",
    ),
    "winmail_real.eml": msg(
        [
            b"From: outlook@example.com",
            b"To: support@support.example.com",
            b"Subject: Budget",
            b"Message-ID: <tnef-2@example.com>",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/mixed; boundary="t"',
        ],
        b'--t\nContent-Type: application/ms-tnef; name="winmail.dat"\nContent-Disposition: attachment; '
        b'filename="winmail.dat"\nContent-Transfer-Encoding: base64\n\n' + b64(tnef_blob()) + b"--t--\n",
    ),
}


def bounce(original_message_id: str) -> bytes:
    return msg(
        [
            b"From: MAILER-DAEMON@mx.example.net (Mail Delivery System)",
            b"To: support@support.example.com",
            b"Subject: Undelivered Mail Returned to Sender",
            b"Message-ID: <bounce-1@mx.example.net>",
            b"Auto-Submitted: auto-replied",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
        ],
        b"--r\nContent-Type: text/plain\n\nThe mail could not be delivered: user unknown.\n"
        b"--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
        b"Final-Recipient: rfc822; nobody@acme.example\nAction: failed\nStatus: 5.1.1\n"
        b"--r\nContent-Type: message/rfc822\n\nFrom: support@support.example.com\nTo: nobody@acme.example\n"
        b"Subject: Re: question\nMessage-ID: " + original_message_id.encode() + b"\n\nOur answer.\n--r--\n",
    )


if __name__ == "__main__":
    for name, raw in MESSAGES.items():
        (HERE / name).write_bytes(raw)
    print(f"wrote {len(MESSAGES)} messages")
