"""Every tricky message in tests/mail/corpus/ imports with the text a person would read."""

import pytest

from mailgateway import ingest
from mailgateway.parse import parse
from tests.mail.helpers import corpus, make_mail
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def imported(name: str) -> Ticket:
    record = ingest.receive(corpus(name), source="pipe")
    assert record.status == "imported", record.error
    return record.ticket


@pytest.mark.smoke
def test_koi8r_subject_sender_and_body(queue):
    ticket = imported("koi8r.eml")
    article = ticket.articles.get()
    assert ticket.title == "Не работает принтер"
    assert article.body_text.startswith("Добрый день! Не печатает принтер")
    assert ticket.customer.get_full_name() == "Иван Петров"
    assert article.raw_message.size == len(corpus("koi8r.eml"))


def test_windows_1251_quoted_printable_and_encoded_filename(queue):
    ticket = imported("cp1251.eml")
    article = ticket.articles.get()
    assert ticket.title == "Счёт за октябрь"
    assert "Помогите, пожалуйста" in article.body_text
    assert [a.filename for a in article.attachments.all()] == ["Счёт.pdf"]


def test_polish_iso_8859_2(queue):
    ticket = imported("polish.eml")
    assert ticket.title == "Drukarka nie działa - zażółć"
    assert ticket.articles.get().body_text.startswith("Zażółć gęślą jaźń.")
    assert ticket.customer.first_name == "Łukasz"


def test_czech_windows_1250_body_with_utf8_subject(queue):
    ticket = imported("czech.eml")
    assert ticket.title == "Tiskárna nefunguje, kůň úpěl"
    assert "Příliš žluťoučký kůň úpěl ďábelské ódy" in ticket.articles.get().body_text


@pytest.mark.parametrize("name", ["mislabelled.eml", "undeclared.eml"])
def test_mislabelled_or_undeclared_charset_is_recovered(queue, name):
    body = imported(name).articles.get().body_text
    assert body.startswith("Здравствуйте! Пишу вам уже второй раз по поводу счёта за октябрь.")


def test_rfc2231_filenames_including_continuations(queue):
    names = sorted(a.filename for a in imported("rfc2231.eml").articles.get().attachments.all())
    assert names == ["Grüße aus München.bin", "Отчёт żółw.txt"]


def test_html_only_mail_is_sanitised_and_has_a_text_version(queue):
    article = imported("html_only.eml").articles.get()
    assert "<script" not in article.body_html and "onclick" not in article.body_html
    assert "<b>team</b>" in article.body_html
    assert "Hello team" in article.body_text and "the portal is down." in article.body_text


def test_alternative_keeps_text_and_html_and_inline_image(queue):
    article = imported("alternative_inline.eml").articles.get()
    assert article.body_text.strip() == "The logo is broken, see picture."
    assert 'src="cid:logo@example.com"' in article.body_html
    image = article.attachments.get()
    assert (image.is_inline, image.content_id, image.content_type) == (True, "logo@example.com", "image/png")


def test_forwarded_message_is_kept_whole_and_readable(queue):
    article = imported("forwarded.eml").articles.get()
    assert "Please handle this." in article.body_text
    assert "From: angry@example.org" in article.body_text and "Jestem zły" in article.body_text
    names = sorted(a.filename for a in article.attachments.all())
    assert names == ["Complaint.eml", "evidence.txt"]


def test_broken_headers_still_import_without_losing_text(queue):
    ticket = imported("broken_headers.eml")
    assert ticket.title == "Привет без кодировки"
    assert ticket.customer.email == "broken@example.com"
    assert "Текст письма в неизвестной кодировке" in ticket.articles.get().body_text


def test_unreadable_winmail_dat_is_kept_as_attachment_and_said_so(queue):
    article = imported("winmail.eml").articles.get()
    assert [a.filename for a in article.attachments.all()] == ["winmail.dat"]
    assert "winmail.dat could not be unpacked" in article.body_text


def test_auto_reply_is_imported_but_marked_never_to_answer(queue, customer, mailoutbox):
    record = ingest.receive(corpus("auto_reply.eml"), source="pipe")
    assert record.status == "imported" and record.is_auto_generated


def test_bounce_is_attached_to_the_original_ticket_as_system_article(queue, customer):
    from tests.mail.corpus.build import bounce

    original = imported_from_raw(make_mail(subject="question", message_id="<orig-bounce@acme.example>"))
    record = ingest.receive(bounce("<orig-bounce@acme.example>"), source="pipe")

    assert record.status == "imported" and record.ticket == original
    article = original.articles.order_by("id").last()
    assert (article.sender_type, article.is_visible_to_customer) == ("system", False)
    assert "user unknown" in article.body_text
    assert Ticket.objects.count() == 1


def imported_from_raw(raw: bytes) -> Ticket:
    record = ingest.receive(raw, source="pipe")
    assert record.status == "imported", record.error
    return record.ticket


def test_twenty_megabyte_attachment_is_imported_whole(queue, settings):
    content = bytes(range(256)) * (20 * 1024 * 1024 // 256)
    ticket = imported_from_raw(make_mail(subject="big file", attachment=("big.bin", content)))
    stored = ticket.articles.get().attachments.get()
    assert stored.size == len(content)
    assert stored.stored.file.open("rb").read() == content


def test_mail_over_the_size_limit_is_quarantined_not_half_imported(queue, settings):
    settings.HELPDESK_MAIL_MAX_BYTES = 50_000
    record = ingest.receive(make_mail(subject="too big", attachment=("x.bin", b"x" * 60_000)), source="pipe")
    assert record.status == "quarantined" and "over the limit" in record.error
    assert record.raw.size > 50_000
    assert Ticket.objects.count() == 0


def test_deep_nesting_is_refused(settings):
    settings.HELPDESK_MAIL_MAX_DEPTH = 3
    raw = b"From: a@example.com\r\nSubject: deep\r\n"
    for level in range(6):
        raw += f"Content-Type: multipart/mixed; boundary=b{level}\r\n\r\n--b{level}\r\n".encode()
    raw += b"Content-Type: text/plain\r\n\r\nhi\r\n"
    from mailgateway.parse import MessageRejected

    with pytest.raises(MessageRejected):
        parse(raw)


def test_winmail_dat_is_unpacked_into_body_and_attachments(queue):
    article = imported("winmail_real.eml").articles.get()
    assert article.body_text == "The body from Outlook's winmail.dat."
    [attachment] = article.attachments.all()
    assert (attachment.filename, attachment.stored.file.open("rb").read()) == ("budget.xls", b"spreadsheet bytes")
