"""Every charset the README promises reads right: labelled, unlabelled and mislabelled.

The mails are in tests/mail/charsets/ (written by its build.py); each one's subject,
sender name, body and attachment names must come out as the sender wrote them.
"""

import pytest

from mailgateway import ingest
from mailgateway.charsets import decode, decode_header_value
from mailgateway.parse import SUBJECT_MAX_LENGTH, parse
from tests.mail.charsets.build import HERE, SPECIAL, UU_CONTENT, Sample, cases
from tests.mail.helpers import make_mail

CASES = cases()


def _encodes(text: str, charset: str) -> bool:
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        return False
    return True


def charset_mail(name: str) -> bytes:
    return (HERE / name).read_bytes()


@pytest.mark.parametrize(("name", "sample"), CASES, ids=[name for name, _ in CASES])
def test_subject_sender_body_and_filename_read_as_written(name: str, sample: Sample):
    parsed = parse(charset_mail(name))

    assert parsed.subject == sample.subject
    assert (parsed.from_name, parsed.from_address) == (sample.name, "sender@example.org")
    assert parsed.body_text == sample.body
    assert [a.filename for a in parsed.attachments] == [sample.filename]
    assert [a.content for a in parsed.attachments] == [b"file bytes"]


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_tricky_mail_reads_as_written(name: str):
    expected = SPECIAL[name]
    parsed = parse(expected.raw)

    assert parsed.subject == expected.subject
    assert parsed.from_address == expected.from_address
    assert parsed.from_name == expected.name
    assert expected.body in parsed.body_text
    assert sorted(a.filename for a in parsed.attachments) == sorted(expected.filenames)
    assert "\ufffd" not in parsed.subject + parsed.from_name + parsed.body_text


def test_the_charsets_the_readme_promises_are_the_ones_tested():
    readme = (HERE.parents[2] / "README.md").read_text()
    promised = readme.split("Tested charsets:", 1)[1].split(".\n", 1)[0]
    named = {label.strip().lower() for label in promised.replace(" and ", ", ").replace("\n", " ").split(",")}
    assert named == {sample.label for _, sample in CASES}


# --- the rules, one by one -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("äöüß", "iso-8859-1"),
        ("ÄÖÜ", "ISO-8859-1"),
        ("Grüße", "latin1"),
        ("Ça coûte 5 €", "windows-1252"),
        ("“Smart quotes” – and dashes…", "iso-8859-1"),
        ("Größe ÄÖÜ äöü ß", "iso-8859-1"),
        ("Zażółć", "iso-8859-2"),
        ("Счёт", "koi8-r"),
        ("Счёт", "windows-1251"),
        ("請求書", "shift_jis"),
        ("发票", "gb2312"),
    ],
)
def test_a_label_that_decodes_is_trusted_even_for_a_few_bytes(text: str, label: str):
    codec = {"latin1": "latin-1", "windows-1252": "cp1252", "iso-8859-1": "cp1252"}.get(label.lower(), label)
    assert decode(text.encode(codec), label)[0] == text
    assert decode_header_value(f"=?{label}?Q?{''.join(f'={b:02X}' for b in text.encode(codec))}?=") == text


TEXTS = [
    "Sehr geehrte Damen und Herren, die Größe stimmt nicht. Grüße aus Köln",
    "Fußgängerübergänge",
    "© 2026 Müller GmbH ® · 20 °C ± 2 – “quoted” ‘single’",
    "Bonjour, je n'arrive pas à me connecter. L'œuvre coûte 15 €. Merci, Hélène",
    "¿Dónde está mi pedido? Gracias, Íñigo",
    "Não consigo acessar o sistema. Obrigado, João",
    "Hej! Jag kan inte logga in. Hälsningar, Åsa Öberg – blåbærsyltetøy",
    "Árvíztűrő tükörfúrógép",
    "Dzień dobry, proszę o pomoc. Zażółć gęślą jaźń",
    "Příliš žluťoučký kůň úpěl ďábelské ódy",
    "Здравствуйте! Не могу войти в систему, пароль не подходит. Ёжик",
    "Добрий день! Не працює принтер. Дякую, Ґрета. Їжак",
    "Γεια σας, ο εκτυπωτής δεν λειτουργεί. Ευχαριστώ",
    "Merhaba, yazıcı çalışmıyor. Teşekkürler, Ayşe",
]
SINGLE_BYTE = [
    "iso-8859-1", "windows-1252", "iso-8859-15", "iso-8859-2", "windows-1250", "windows-1251", "koi8-r",
    "koi8-u", "iso-8859-5", "iso-8859-7", "windows-1253", "iso-8859-9", "windows-1254", "windows-1257", "cp866",
]  # fmt: skip
LABELLED = [(t, c) for t in TEXTS for c in SINGLE_BYTE if _encodes(t, c) and not t.encode(c).isascii()]


@pytest.mark.parametrize(("text", "label"), LABELLED)
def test_text_in_the_charset_it_names_reads_unchanged(text: str, label: str):
    assert decode(text.encode(label), label)[0] == text


def test_utf8_bytes_under_a_latin1_label_are_utf8():
    assert decode("Grüße aus München".encode(), "iso-8859-1")[0] == "Grüße aus München"


def test_a_latin1_label_on_cyrillic_or_japanese_bytes_is_not_believed():
    assert decode("Не работает принтер".encode("cp1251"), "iso-8859-1")[0] == "Не работает принтер"
    assert decode("プリンターが動きません".encode("cp932"), "iso-8859-1")[0] == "プリンターが動きません"


def test_c1_control_codes_under_a_latin1_label_mean_another_charset():
    """0x9D is undefined in Windows-1252 (a C1 control in ISO-8859-1): the Czech ť of Windows-1250."""
    assert decode("Žluťoučký kůň".encode("cp1250"), "iso-8859-1")[0] == "Žluťoučký kůň"


def test_koi8_r_label_on_windows_1251_text_is_corrected_by_the_case_of_its_letters():
    text = "Добрый день! Не печатает принтер в бухгалтерии."
    assert decode(text.encode("cp1251"), "koi8-r")[0] == text


@pytest.mark.parametrize(
    ("text", "charset"),
    [
        (t, c)
        for t in TEXTS[:12]
        for c in ("windows-1252", "iso-8859-2", "windows-1251", "koi8-r")
        if _encodes(t, c) and not t.encode(c).isascii()
    ]
    + [("お世話になっております。請求書の件でご連絡いたしました。", c) for c in ("cp932", "euc-jp")]
    + [("您好，我们的打印机不能正常工作，请尽快派人来修理。谢谢！", "gbk")]
    + [("您好，我們的印表機無法正常工作，請盡快派人來修理。謝謝！", "big5")],
)
def test_unlabelled_sentences_are_recognised(text: str, charset: str):
    assert decode(text.encode(charset), None)[0] == text


@pytest.mark.parametrize(
    ("text", "label"),
    [("プリンターが動きません", "iso-2022-jp"), ("Привет, мир", "utf-7"), ("打印机坏了", "hz")],
)
def test_seven_bit_charsets_are_decoded_by_their_label_not_returned_as_ascii(text: str, label: str):
    data = text.encode(label)
    assert data.isascii()
    assert decode(data, label)[0] == text
    b_word = __import__("base64").b64encode(data).decode()
    assert decode_header_value(f"Re: =?{label}?B?{b_word}?= (2)") == f"Re: {text} (2)"


def test_utf8_with_one_broken_byte_is_read_as_utf8_not_guessed():
    data = "Привет, это почти правильный UTF-8 текст".encode() + b"\xd0"
    assert decode(data, "utf-8")[0] == "Привет, это почти правильный UTF-8 текст\ufffd"


def test_unknown_charset_in_an_encoded_word_is_recovered():
    word = "=?x-unknown?B?" + __import__("base64").b64encode("Счёт за октябрь".encode("cp1251")).decode() + "?="
    assert decode_header_value(word) == "Счёт за октябрь"


def test_a_long_subject_is_cut_with_an_ellipsis_at_the_models_limit():
    parsed = parse(make_mail(subject="Ä" * 300 + " " + "b" * 400))
    assert len(parsed.subject) == SUBJECT_MAX_LENGTH and parsed.subject.endswith("…")
    assert parse(make_mail(subject="ü" * 499)).subject == "ü" * 499


def test_parse_is_pure_and_needs_no_database():
    """No django_db mark here: any query would fail the test."""
    for name, _ in CASES:
        parse(charset_mail(name))


# --- through the gateway: what agents and customers see --------------------------------------


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def imported(raw: bytes):
    record = ingest.receive(raw, source="pipe")
    assert record.status == "imported", record.error
    return record.ticket


@pytest.mark.django_db
def test_iso_2022_jp_mail_gets_a_japanese_title_body_filename_and_acknowledgement(queue, mailoutbox, on_commit):
    with on_commit():
        ticket = imported(charset_mail("iso-2022-jp_labelled.eml"))
    article = ticket.articles.get()
    assert ticket.title == "プリンターが動きません"
    assert article.body_text.startswith("お世話になっております。")
    assert [a.filename for a in article.attachments.all()] == ["請求書.pdf"]
    [ack] = [m for m in mailoutbox if m.to == ["sender@example.org"]]
    assert "プリンターが動きません" in ack.subject and "\x1b" not in ack.subject


@pytest.mark.django_db
def test_raw_russian_subject_in_a_mail_whose_body_says_latin1_is_russian(queue):
    ticket = imported(charset_mail("raw_russian_subject_latin1_body.eml"))
    assert ticket.title == "Счёт за октябрь не оплачен"
    assert ticket.customer.get_full_name() == "Иван Петров"
    assert "Grüße aus Köln" in ticket.articles.get().body_text


@pytest.mark.django_db
def test_bad_iso_2022_jp_filename_parameter_does_not_reject_the_mail(queue):
    ticket = imported(charset_mail("bad_rfc2231_iso2022jp.eml"))
    article = ticket.articles.get()
    assert ticket.title == "見積書"
    assert [a.filename for a in article.attachments.all()] == ["見積書.pdf"]


@pytest.mark.django_db
def test_uuencoded_block_in_the_text_becomes_an_attachment(queue):
    article = imported(charset_mail("uuencode_inline.eml")).articles.get()
    attachment = article.attachments.get()
    assert attachment.filename == "server log.txt"
    assert attachment.stored.file.open("rb").read() == UU_CONTENT
    assert "begin 644" not in article.body_text and "Here is the log." in article.body_text


@pytest.mark.django_db
def test_multipart_without_boundary_is_read_as_its_text(queue):
    article = imported(charset_mail("no_boundary.eml")).articles.get()
    assert article.body_text == "Der Text ist trotzdem lesbar: Grüße."
    assert article.attachments.count() == 0


@pytest.mark.django_db
def test_long_subject_keeps_500_characters_and_the_title_is_cut_with_an_ellipsis(queue):
    subject = "Drucker " * 80
    ticket = imported(make_mail(subject=subject))
    article = ticket.articles.get()
    assert article.subject == subject.strip()[:499].rstrip() + "…"
    assert len(ticket.title) <= 255 and ticket.title.endswith("…")
    assert ticket.title[:-1].rstrip() == subject[: len(ticket.title) - 1].rstrip()


def test_utf16_body_is_decoded_by_its_label_and_a_byte_order_mark_is_dropped():
    raw = (
        b"From: a@example.org\r\nSubject: utf-16\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-16\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + __import__("base64").b64encode("Hello – Привет".encode("utf-16"))
        + b"\r\n"
    )
    assert parse(raw).body_text == "Hello – Привет"
    bom = b"From: a@example.org\r\nSubject: bom\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\xef\xbb\xbfHallo\r\n"
    assert parse(bom).body_text == "Hallo"


def test_the_quarantine_list_subject_is_one_line_too():
    raw = b"From: a@example.org\r\nSubject: =?utf-8?Q?one=0D=0Atwo=E2=80=A8three?=\r\n\r\nx\r\n"
    assert ingest.parse_head(raw)["subject"] == "one two three"


@pytest.mark.parametrize(
    ("disposition", "filename"),
    [
        (b"attachment; filename=report.pdf; filename*=UTF-8''r%C3%A9port.pdf", "réport.pdf"),
        (b"attachment; filename*=iso-8859-1'de'Gr%FC%DFe.txt", "Grüße.txt"),
        (b'attachment; filename="\xcf\xf0\xe8\xe2\xe5\xf2.txt"', "Привет.txt"),
        (b'attachment; filename="=?UTF-8?Q?=D0=9F=D1=80?= file.txt"', "Пр file.txt"),
        (b'attachment; filename*0="part one "; filename*1="part two.txt"', "part one part two.txt"),
    ],
)
def test_filename_parameters_in_every_form(disposition: bytes, filename: str):
    raw = (
        b"From: a@example.org\r\nSubject: files\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n"
        b"--x\r\nContent-Type: text/plain; charset=windows-1251\r\n\r\nhi\r\n--x\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: " + disposition + b"\r\n\r\ndata\r\n--x--\r\n"
    )
    assert [a.filename for a in parse(raw).attachments] == [filename]
