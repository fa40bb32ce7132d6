"""Writes the charset corpus: one mail per charset and variant (run once; the .eml files are committed).

Every charset the README promises is written three ways:
- labelled: RFC 2047 subject and sender name, a text part with its charset, an RFC 2231 or
  RFC 2047 filename in that charset;
- unlabelled: the same text as raw 8-bit bytes everywhere, with no charset named at all;
- mislabelled: raw 8-bit headers, and a body and filename that name the wrong charset.
UTF-7 is only labelled: unlabelled UTF-7 is plain ASCII text and cannot be told apart from it.
SPECIAL holds the other tricky cases (split encoded words, a Russian subject in a mail whose
body says ISO-8859-1, broken boundaries, uuencode, a bad ISO-2022-JP parameter, ...).

`python tests/mail/charsets/build.py` rewrites the files.
"""

import base64
import quopri
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
CRLF = b"\r\n"
ADDRESS = b"<sender@example.org>"


@dataclass(frozen=True)
class Sample:
    codec: str  # how the bytes are written
    label: str  # what a correct mail calls it
    wrong: str  # what a mislabelled mail calls it
    subject: str
    name: str
    body: str
    filename: str


SAMPLES = [
    Sample(
        "utf-8",
        "utf-8",
        "iso-8859-1",
        "Drucker kaputt – принтер сломан – 打印机坏了",
        "Zoë Ångström",
        "Hallo zusammen! Der Drucker im zweiten Stock ist kaputt.\n"
        "Привет! Принтер на втором этаже сломан.\n你好！二楼的打印机坏了。",
        "Störung – Отчёт 报告.pdf",
    ),
    Sample(
        "iso-8859-1",
        "iso-8859-1",
        "utf-8",
        "Rückfrage zur Größe der Bestellung",
        "Jürgen Müller",
        "Sehr geehrte Damen und Herren,\nbei der Bestellung vom März ist die Größe falsch: "
        "wir hatten 42 bestellt, geliefert wurde 44. Bitte um Rückruf.\nFreundliche Grüße aus München",
        "Bestellübersicht März.pdf",
    ),
    Sample(
        "iso-8859-2",
        "iso-8859-2",
        "iso-8859-1",
        "Drukarka nie działa - zażółć gęślą jaźń",
        "Łukasz Żółkiewski",
        "Dzień dobry,\ndrukarka w księgowości znowu nie działa. Proszę o szybką pomoc, "
        "bo musimy wydrukować faktury źródłowe.\nPozdrawiam, Łukasz",
        "Faktura źródłowa październik.pdf",
    ),
    Sample(
        "iso-8859-15",
        "iso-8859-15",
        "iso-8859-1",
        "Facture de 120 € pour l'œuvre",
        "Chloé Lefèvre",
        "Bonjour,\nla facture de 120 € pour la restauration de l'œuvre n'est pas arrivée. "
        "Pourriez-vous la renvoyer ?\nCordialement, Chloé",
        "Reçu 120 € œuvre.pdf",
    ),
    Sample(
        "windows-1250",
        "windows-1250",
        "iso-8859-1",
        "Tiskárna nefunguje – kůň úpěl",
        "Jiří Dvořák",
        "Dobrý den,\npříliš žluťoučký kůň úpěl ďábelské ódy a tiskárna v účtárně zase nefunguje. "
        "Prosím o opravu.\nS pozdravem, Jiří",
        "Účtenka říjen.pdf",
    ),
    Sample(
        "windows-1251",
        "windows-1251",
        "iso-8859-1",
        "Счёт за октябрь не оплачен",
        "Иван Петров",
        "Здравствуйте!\nСчёт №15 за октябрь до сих пор не оплачен, бухгалтерия не может закрыть месяц. "
        "Пожалуйста, проверьте платёж.\nС уважением, Иван",
        "Счёт №15.pdf",
    ),
    Sample(
        "windows-1252",
        "windows-1252",
        "utf-8",
        "La impresora “no funciona” – ¿qué pasa?",
        "José Núñez",
        "Hola:\nla impresora de la oficina “no funciona” desde el lunes – ¿pueden enviar a alguien? "
        "La factura del año pasado fue de 50 €.\nSaludos, José",
        "Factura año 2026 – 50 €.pdf",
    ),
    Sample(
        "koi8-r",
        "koi8-r",
        "windows-1251",
        "Не работает принтер в бухгалтерии",
        "Ольга Смирнова",
        "Добрый день!\nНе печатает принтер в бухгалтерии, на экране ошибка. "
        "Помогите, пожалуйста, срочно: нужно распечатать акт сверки.\nОльга",
        "Акт сверки.xlsx",
    ),
    Sample(
        "koi8-u",
        "koi8-u",
        "iso-8859-1",
        "Принтер не працює, допоможіть",
        "Ігор Ґалаґан",
        "Добрий день!\nПринтер у бухгалтерії не працює вже третій день. "
        "Є гарантія, тож прошу їх замінити якнайшвидше.\nДякую, Ігор",
        "Звіт про ґудзики.pdf",
    ),
    Sample(
        "iso-2022-jp",
        "iso-2022-jp",
        "us-ascii",
        "プリンターが動きません",
        "山田太郎",
        "お世話になっております。\n経理部のプリンターが動きません。至急ご対応をお願いいたします。\n山田",
        "請求書.pdf",
    ),
    Sample(
        "cp932",
        "shift_jis",
        "iso-8859-1",
        "請求書の件について",
        "佐藤花子",
        "いつもお世話になっております。\n先月の請求書の金額が見積書①と異なっています。ご確認をお願いします。\n佐藤",
        "見積書①.xlsx",
    ),
    Sample(
        "gb2312",
        "gb2312",
        "iso-8859-1",
        "打印机无法正常工作",
        "王小明",
        "您好！\n我们办公室的打印机无法正常工作，请尽快派人来修理。\n谢谢，王小明",
        "发票.pdf",
    ),
    Sample(
        "gbk",
        "gbk",
        "utf-8",
        "关于李喆账户的问题",
        "李喆",
        "您好！\n李喆的账户无法登录，密码重置邮件也没有收到。请帮忙查看一下。\n谢谢",
        "喆的报表.xlsx",
    ),
    Sample(
        "big5",
        "big5",
        "iso-8859-1",
        "印表機無法運作",
        "陳大文",
        "您好：\n我們辦公室的印表機無法運作，請盡快派人來修理。\n謝謝，陳大文",
        "報價單.pdf",
    ),
    Sample(
        "utf-7",
        "utf-7",
        "",
        "Привет, Grüße aus Kiew",
        "Мария Иванова",
        "Здравствуйте!\nПринтер не печатает. Grüße, Мария",
        "Отчёт.txt",
    ),
]


def ew(text: str, charset: str, kind: str = "B", codec: str | None = None) -> bytes:
    raw = text.encode(codec or charset)
    if kind == "B":
        return b"=?" + charset.encode() + b"?B?" + base64.b64encode(raw) + b"?="
    encoded = b"".join(
        bytes([byte]) if chr(byte).isalnum() and byte < 128 else b"_" if byte == 32 else b"=%02X" % byte for byte in raw
    )
    return b"=?" + charset.encode() + b"?Q?" + encoded + b"?="


def rfc2231(name: str, charset: str, raw: bytes, pieces: int = 1) -> bytes:
    """filename*=charset''%XX, or in `pieces` continuations split at byte boundaries (even mid-character)."""
    quoted = urllib.parse.quote_from_bytes(raw, safe="").encode()
    if pieces == 1:
        return b" " + name.encode() + b"*=" + charset.encode() + b"''" + quoted
    step = -(-len(raw) // pieces)
    chunks = [urllib.parse.quote_from_bytes(raw[i : i + step], safe="").encode() for i in range(0, len(raw), step)]
    lines = [b" " + name.encode() + b"*0*=" + charset.encode() + b"''" + chunks[0]]
    lines += [b" " + name.encode() + b"*%d*=" % i + chunk for i, chunk in enumerate(chunks[1:], 1)]
    return b";\r\n".join(lines)


def mail(headers: list[bytes], parts: list[tuple[list[bytes], bytes]]) -> bytes:
    head = CRLF.join([*headers, b"MIME-Version: 1.0", b'Content-Type: multipart/mixed; boundary="=_b"'])
    body = b""
    for part_headers, payload in parts:
        body += b"--=_b" + CRLF + CRLF.join(part_headers) + CRLF + CRLF + payload + CRLF
    return head + CRLF + CRLF + body + b"--=_b--" + CRLF


def crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", CRLF)


def labelled(sample: Sample, index: int) -> bytes:
    enc = sample.codec
    cte = ("8bit", "quoted-printable", "base64")[index % 3] if enc not in ("iso-2022-jp", "utf-7") else "7bit"
    body = crlf(sample.body.encode(enc) + b"\n")
    if cte == "quoted-printable":
        body = crlf(quopri.encodestring(body))
    elif cte == "base64":
        body = crlf(base64.encodebytes(body))
    raw_name = sample.filename.encode(enc)
    if index % 2:  # RFC 2047 in both parameters, as Outlook and Thunderbird write them
        filename = b' name="' + ew(sample.filename, sample.label, "B", enc) + b'"'
        disposition = (
            b'Content-Disposition: attachment; filename="' + ew(sample.filename, sample.label, "B", enc) + b'"'
        )
        ctype = b"Content-Type: application/octet-stream;" + filename
    else:  # RFC 2231, in three continuations split wherever the bytes fall
        disposition = b"Content-Disposition: attachment;\r\n" + rfc2231("filename", sample.label, raw_name, 3)
        ctype = b"Content-Type: application/octet-stream"
    return mail(
        [
            b"From: " + ew(sample.name, sample.label, "B", enc) + b" " + ADDRESS,
            b"To: support@support.example.com",
            b"Subject: " + ew(sample.subject, sample.label, "BQ"[index % 2], enc),
            b"Message-ID: <labelled-%d@example.org>" % index,
        ],
        [
            (
                [
                    b"Content-Type: text/plain; charset=" + sample.label.encode(),
                    b"Content-Transfer-Encoding: " + cte.encode(),
                ],
                body,
            ),
            ([ctype, disposition, b"Content-Transfer-Encoding: base64"], base64.b64encode(b"file bytes")),
        ],
    )


def unlabelled(sample: Sample, index: int) -> bytes:
    enc = sample.codec
    return mail(
        [
            b'From: "' + sample.name.encode(enc) + b'" ' + ADDRESS,
            b"To: support@support.example.com",
            b"Subject: " + sample.subject.encode(enc),
            b"Message-ID: <unlabelled-%d@example.org>" % index,
        ],
        [
            ([b"Content-Type: text/plain", b"Content-Transfer-Encoding: 8bit"], crlf(sample.body.encode(enc) + b"\n")),
            (
                [
                    b"Content-Type: application/octet-stream",
                    b'Content-Disposition: attachment; filename="' + sample.filename.encode(enc) + b'"',
                    b"Content-Transfer-Encoding: base64",
                ],
                base64.b64encode(b"file bytes"),
            ),
        ],
    )


def mislabelled(sample: Sample, index: int) -> bytes:
    enc, wrong = sample.codec, sample.wrong
    return mail(
        [
            sample.name.encode(enc).join([b"From: ", b" " + ADDRESS]),
            b"To: support@support.example.com",
            b"Subject: " + sample.subject.encode(enc),
            b"Message-ID: <mislabelled-%d@example.org>" % index,
        ],
        [
            (
                [b"Content-Type: text/plain; charset=" + wrong.encode(), b"Content-Transfer-Encoding: 8bit"],
                crlf(sample.body.encode(enc) + b"\n"),
            ),
            (
                [
                    b"Content-Type: application/octet-stream",
                    b"Content-Disposition: attachment;" + rfc2231("filename", wrong, sample.filename.encode(enc)),
                    b"Content-Transfer-Encoding: base64",
                ],
                base64.b64encode(b"file bytes"),
            ),
        ],
    )


VARIANTS = {"labelled": labelled, "unlabelled": unlabelled, "mislabelled": mislabelled}


def file_name(sample: Sample, variant: str) -> str:
    return f"{sample.label}_{variant}.eml"


def cases() -> list[tuple[str, Sample]]:
    """(file name, sample) for every charset and variant written."""
    out = []
    for sample in SAMPLES:
        for variant in VARIANTS:
            if sample.codec == "utf-7" and variant != "labelled":
                continue
            out.append((file_name(sample, variant), sample))
    return out


# --- the other tricky cases ------------------------------------------------------------------

RU_SUBJECT = "Счёт за октябрь не оплачен"
DE_SUBJECT = "Rückfrage zur Größe der Bestellung"
DE_BODY = "Sehr geehrte Damen und Herren,\nbitte schicken Sie die Rechnung für März noch einmal.\nGrüße aus Köln"
RU_BODY = "Здравствуйте!\nСчёт за октябрь до сих пор не оплачен. Пожалуйста, проверьте платёж.\nИван"
UU_CONTENT = bytes(range(256)) * 3


def simple(headers: list[bytes], body: bytes, ctype: bytes = b"text/plain; charset=iso-8859-1") -> bytes:
    return CRLF.join([*headers, b"MIME-Version: 1.0", b"Content-Type: " + ctype]) + CRLF + CRLF + crlf(body)


def uuencode(data: bytes, name: str) -> bytes:
    import binascii

    lines = [b"begin 644 " + name.encode()]
    lines += [binascii.b2a_uu(data[i : i + 45]).rstrip(b"\n") for i in range(0, len(data), 45)]
    return CRLF.join([*lines, b"`", b"end"]) + CRLF


@dataclass(frozen=True)
class Special:
    raw: bytes
    subject: str
    body: str = ""  # a text the body must contain
    name: str = ""
    filenames: list[str] = field(default_factory=list)
    from_address: str = "sender@example.org"


SPECIAL = {
    # A UTF-8 character split between two B words, and a Q word split inside a two-byte sequence.
    "split_encoded_words.eml": Special(
        simple(
            [
                b"From: =?utf-8?Q?J=C3?= =?utf-8?Q?=BCrgen_M=C3=BC?=\r\n =?utf-8?Q?ller?= " + ADDRESS,
                b"Subject: =?UTF-8?B?"
                + base64.b64encode("Привет, ".encode()[:-3])
                + b"?=\r\n =?UTF-8?B?"
                + base64.b64encode("Привет, ".encode()[-3:] + "мир – 世界".encode())
                + b"?= and plain text",
            ],
            b"Hello.\n",
            b"text/plain; charset=us-ascii",
        ),
        subject="Привет, мир – 世界 and plain text",
        name="Jürgen Müller",
        body="Hello.",
    ),
    # Old mailers: raw windows-1251 subject, and a body that says ISO-8859-1 (German, really latin-1).
    "raw_russian_subject_latin1_body.eml": Special(
        simple(
            [b"From: " + "Иван Петров".encode("cp1251") + b" " + ADDRESS, b"Subject: " + RU_SUBJECT.encode("cp1251")],
            DE_BODY.encode("latin-1"),
        ),
        subject=RU_SUBJECT,
        name="Иван Петров",
        body=DE_BODY,
    ),
    # A one-word raw subject is enough when the body's Latin label plainly does not fit it.
    "raw_short_russian_subject_latin1_body.eml": Special(
        simple([b"From: " + ADDRESS, b"Subject: " + "Привет".encode("cp1251")], DE_BODY.encode("latin-1")),
        subject="Привет",
        body=DE_BODY,
    ),
    # ... while umlauts side by side in a raw subject stay German.
    "raw_umlaut_run_subject_latin1_body.eml": Special(
        simple([b"From: " + ADDRESS, b"Subject: " + "ÄÖÜ: Größe prüfen".encode("latin-1")], DE_BODY.encode("latin-1")),
        subject="ÄÖÜ: Größe prüfen",
        body=DE_BODY,
    ),
    # The same subject, with a Russian body that is also windows-1251 but says ISO-8859-1.
    "raw_russian_subject_mislabelled_body.eml": Special(
        simple([b"From: " + ADDRESS, b"Subject: " + RU_SUBJECT.encode("cp1251")], RU_BODY.encode("cp1251")),
        subject=RU_SUBJECT,
        body=RU_BODY,
    ),
    # And the German case: raw latin-1 subject, latin-1 body; must stay German.
    "raw_german_subject_latin1_body.eml": Special(
        simple(
            [
                b"From: " + "Jürgen Müller".encode("latin-1") + b" " + ADDRESS,
                b"Subject: " + DE_SUBJECT.encode("latin-1"),
            ],
            DE_BODY.encode("latin-1"),
        ),
        subject=DE_SUBJECT,
        name="Jürgen Müller",
        body=DE_BODY,
    ),
    # Raw UTF-8 headers (RFC 6532) in a mail whose body is ISO-8859-1.
    "raw_utf8_subject_latin1_body.eml": Special(
        simple([b"From: " + ADDRESS, b"Subject: " + DE_SUBJECT.encode()], DE_BODY.encode("latin-1")),
        subject=DE_SUBJECT,
        body=DE_BODY,
    ),
    # An encoded word that names ISO-8859-1 but carries windows-1251 bytes.
    "encoded_word_wrong_charset.eml": Special(
        simple(
            [b"From: " + ADDRESS, b"Subject: " + ew(RU_SUBJECT, "iso-8859-1", "Q", "cp1251")],
            RU_BODY.encode("cp1251"),
            b"text/plain; charset=windows-1251",
        ),
        subject=RU_SUBJECT,
        body=RU_BODY,
    ),
    # Latin-1 labels are right: German umlauts in an ISO-8859-1 encoded word stay German.
    "encoded_word_latin1.eml": Special(
        simple(
            [
                b"From: " + ew("Jürgen Müller", "ISO-8859-1", "Q") + b" " + ADDRESS,
                b"Subject: " + ew("Größe ÄÖÜ äöü ß", "ISO-8859-1"),
            ],
            b"Hallo.\n",
        ),
        subject="Größe ÄÖÜ äöü ß",
        name="Jürgen Müller",
        body="Hallo.",
    ),
    # ISO-2022-JP escape sequences raw in the subject (no encoded word) and in an unlabelled body.
    "iso2022jp_raw_headers.eml": Special(
        simple(
            [b"From: " + ADDRESS, b"Subject: " + "至急：プリンター故障".encode("iso-2022-jp")],
            "本文です。".encode("iso-2022-jp") + b"\n",
            b"text/plain",
        ),
        subject="至急：プリンター故障",
        body="本文です。",
    ),
    # A multipart with no boundary parameter at all: its text is the body.
    "no_boundary.eml": Special(
        CRLF.join(
            [b"From: " + ADDRESS, b"Subject: no boundary", b"MIME-Version: 1.0", b"Content-Type: multipart/mixed"]
        )
        + CRLF
        + CRLF
        + crlf("Der Text ist trotzdem lesbar: Grüße.\n".encode()),
        subject="no boundary",
        body="Der Text ist trotzdem lesbar: Grüße.",
    ),
    # A boundary parameter that the body does not use: the parts are found by the one it does use.
    "wrong_boundary.eml": Special(
        CRLF.join(
            [
                b"From: " + ADDRESS,
                b"Subject: wrong boundary",
                b"MIME-Version: 1.0",
                b'Content-Type: multipart/mixed; boundary="declared"',
            ]
        )
        + CRLF
        + CRLF
        + crlf(
            b"--used\nContent-Type: text/plain; charset=koi8-r\n\n"
            + "Текст письма.".encode("koi8-r")
            + b'\n--used\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="scan.pdf"\n'
            b"Content-Transfer-Encoding: base64\n\nJVBERi0xLjQ=\n--used--\n"
        ),
        subject="wrong boundary",
        body="Текст письма.",
        filenames=["scan.pdf"],
    ),
    # A uuencoded attachment as a part (Content-Transfer-Encoding: x-uuencode) ...
    "uuencode_part.eml": Special(
        mail(
            [b"From: " + ADDRESS, b"Subject: uuencoded part"],
            [
                ([b"Content-Type: text/plain; charset=us-ascii"], b"See the file."),
                (
                    [b"Content-Type: application/octet-stream", b"Content-Transfer-Encoding: x-uuencode"],
                    uuencode(UU_CONTENT, "data.bin"),
                ),
            ],
        ),
        subject="uuencoded part",
        body="See the file.",
        filenames=["data.bin"],
    ),
    # ... and the old way: a `begin 644 name` block inside a plain text body.
    "uuencode_inline.eml": Special(
        simple(
            [b"From: " + ADDRESS, b"Subject: uuencoded in the text"],
            b"Here is the log.\n\n" + uuencode(UU_CONTENT, "server log.txt") + b"\nRegards\n",
            b"text/plain; charset=us-ascii",
        ),
        subject="uuencoded in the text",
        body="Here is the log.",
        filenames=["server log.txt"],
    ),
    # An RFC 2231 filename in ISO-2022-JP whose closing escape is missing (the standard parser
    # raises on it), beside a name parameter with an unterminated encoded word.
    "bad_rfc2231_iso2022jp.eml": Special(
        mail(
            [
                b"From: " + ADDRESS,
                b"Subject: =?ISO-2022-JP?B?" + base64.b64encode("見積書".encode("iso-2022-jp")) + b"?=",
            ],
            [
                ([b"Content-Type: text/plain; charset=ISO-2022-JP"], "添付をご確認ください。".encode("iso-2022-jp")),
                (
                    [
                        b'Content-Type: application/pdf; name="=?ISO-2022-JP?B?GyRCOCtAUQ"',
                        b"Content-Disposition: attachment;\r\n filename*=ISO-2022-JP'ja'"
                        + urllib.parse.quote_from_bytes("見積書".encode("iso-2022-jp")[:-3]).encode()
                        + b".pdf",
                        b"Content-Transfer-Encoding: base64",
                    ],
                    base64.b64encode(b"%PDF"),
                ),
            ],
        ),
        subject="見積書",
        body="添付をご確認ください。",
        filenames=["見積書.pdf"],
    ),
    # No From: Reply-To is the sender, not the Return-Path (a bounce address).
    "no_from_reply_to.eml": Special(
        simple(
            [
                b"Return-Path: <bounces+123@mailer.example.net>",
                b"Reply-To: " + ew("Анна", "koi8-r") + b" <anna@example.org>",
                b"Subject: no from",
            ],
            b"Hello.\n",
        ),
        subject="no from",
        name="Анна",
        body="Hello.",
        from_address="anna@example.org",
    ),
    # The whole mailbox, address included, in one encoded word.
    "encoded_mailbox.eml": Special(
        simple([b"From: " + ew("Jürgen Müller <jm@example.de>", "utf-8"), b"Subject: mailbox"], b"Hello.\n"),
        subject="mailbox",
        name="Jürgen Müller",
        body="Hello.",
        from_address="jm@example.de",
    ),
    # Encoded line breaks and Unicode separators in a subject fold to spaces.
    "subject_line_breaks.eml": Special(
        simple(
            [b"From: " + ADDRESS, b"Subject: " + ew("first\r\nsecond\u2028third\u2029fourth\u0085fifth", "utf-8", "Q")],
            b"Hello.\n",
        ),
        subject="first second third fourth fifth",
        body="Hello.",
    ),
    # A label Python does not know on an 8-bit body and a GB2312 label on text with GBK-only characters.
    "unknown_label_and_gbk_in_gb2312.eml": Special(
        mail(
            [b"From: " + ADDRESS, b"Subject: " + ew("李喆的账户", "gb2312", "B", "gbk")],
            [([b"Content-Type: text/plain; charset=x-no-such-charset"], RU_BODY.encode("koi8-r"))],
        ),
        subject="李喆的账户",
        body=RU_BODY,
    ),
}


if __name__ == "__main__":
    written = 0
    for name, sample in cases():
        variant = name.rsplit("_", 1)[1].removesuffix(".eml")
        (HERE / name).write_bytes(VARIANTS[variant](sample, SAMPLES.index(sample)))
        written += 1
    for name, special in SPECIAL.items():
        (HERE / name).write_bytes(special.raw)
        written += 1
    print(f"wrote {written} messages")
