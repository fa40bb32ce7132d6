"""Translations and the reader's language, files served through permission checks, print to PDF."""

import contextlib
import re
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from faq.models import ArticleAttachment
from faq.services import ArticleInput, save_article
from tests.faq.conftest import make_article
from tickets.storage import FileInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(category):
    original = make_article(category, "public", slug="printer-jam", title="The printer jams")
    ru = make_article(
        category, "public", slug="printer-jam", language="ru", title="Принтер зажевал бумагу", translation_of=original
    )
    pl = make_article(
        category,
        "internal",
        slug="zacięta-drukarka",
        language="pl",
        title="Drukarka się zacina",
        translation_of=original,
    )
    return {"en": original, "ru": ru, "pl": pl}


def test_translations_link_to_each_other(family):
    assert set(family["en"].translations()) == {family["ru"], family["pl"]}
    assert set(family["ru"].translations()) == {family["en"], family["pl"]}


def test_a_second_translation_in_the_same_language_is_refused(category, family):
    with pytest.raises(ValidationError) as error:
        make_article(category, "public", slug="other", language="ru", title="Ещё", translation_of=family["en"])
    assert "translation_of" in error.value.message_dict


def test_a_translation_of_a_translation_points_at_the_original(category, family):
    cs = make_article(category, "public", slug="tiskarna", language="cs", title="Tiskárna", translation_of=family["ru"])
    assert cs.translation_of == family["en"]


def test_each_reader_sees_their_language_when_there_is_one(client, family):
    client.cookies["django_language"] = "ru"
    index = client.get(reverse("faq:index")).content.decode()
    assert "Принтер зажевал бумагу" in index and "The printer jams" not in index
    response = client.get(reverse("faq:article_any", args=["printer-jam"]))
    assert response["Location"] == reverse("faq:article", args=["ru", "printer-jam"])

    client.cookies["django_language"] = "pl"  # the Polish one is internal: the public reader gets the original
    index = client.get(reverse("faq:index")).content.decode()
    assert "The printer jams" in index and "Drukarka" not in index
    response = client.get(reverse("faq:article_any", args=["printer-jam"]))
    assert response["Location"] == reverse("faq:article", args=["en", "printer-jam"])


def test_an_agent_reads_in_their_own_language_and_can_switch(client, family, plain_agent):
    plain_agent.language = "pl"
    plain_agent.save()
    client.force_login(plain_agent)
    index = client.get(reverse("faq_agent:index")).content.decode()
    assert "Drukarka się zacina" in index
    page = client.get(reverse("faq_agent:article", args=["pl", "zacięta-drukarka"])).content.decode()
    assert 'hreflang="en" href="/agent/faq/en/printer-jam/"' in page
    assert 'hreflang="ru" href="/agent/faq/ru/printer-jam/"' in page


def test_the_language_switch_shows_only_visible_translations(client, family):
    page = client.get(reverse("faq:article", args=["en", "printer-jam"])).content.decode()
    assert 'hreflang="ru"' in page and 'hreflang="pl"' not in page


def test_related_articles_are_listed_when_the_reader_may_read_them(client, category, articles, faq_admin):
    data = ArticleInput(
        category=category,
        slug=articles["public"].slug,
        language="en",
        title=articles["public"].title,
        state="public",
        related=(articles["internal"], articles["customers"]),
    )
    save_article(editor=None, data=data, article=articles["public"])
    page = client.get(reverse("faq:article", args=["en", articles["public"].slug])).content.decode()
    assert articles["internal"].title not in page and articles["customers"].title not in page
    # related is symmetric: the customers' article now lists the public one
    customer_page = reverse("faq_agent:article", args=["en", articles["customers"].slug])
    client.force_login(faq_admin)
    assert articles["public"].title in client.get(customer_page).content.decode()


def with_file(category, state, name="guide.pdf", content=b"%PDF-1.4 manual"):
    return make_article(category, state, slug=f"with-file-{state}", files=[FileInput(name, content, "application/pdf")])


def test_files_are_stored_once_per_content(category):
    first, second = with_file(category, "public"), with_file(category, "internal")
    a, b = ArticleAttachment.objects.get(article=first), ArticleAttachment.objects.get(article=second)
    assert a.stored_id == b.stored_id


def test_files_are_served_only_to_those_who_may_read_the_article(client, category, reader_customer, plain_agent):
    public, internal = with_file(category, "public"), with_file(category, "internal", content=b"secret")
    public_file, internal_file = public.attachments.get(), internal.attachments.get()

    response = client.get(reverse("faq:attachment", args=["en", public.slug, public_file.key]))
    assert response.status_code == 200 and response.content == b"%PDF-1.4 manual"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    page = client.get(reverse("faq:article", args=["en", public.slug])).content.decode()
    assert reverse("faq:attachment", args=["en", public.slug, public_file.key]) in page and "/media/" not in page

    assert client.get(reverse("faq:attachment", args=["en", internal.slug, internal_file.key])).status_code == 404
    # another article's file under a readable article's address is not found either
    assert client.get(reverse("faq:attachment", args=["en", public.slug, internal_file.key])).status_code == 404
    client.force_login(reader_customer)
    hidden = reverse("faq_customer:attachment", args=["en", internal.slug, internal_file.key])
    assert client.get(hidden).status_code == 404
    client.force_login(plain_agent)
    response = client.get(reverse("faq_agent:attachment", args=["en", internal.slug, internal_file.key]))
    assert response.status_code == 200 and response.content == b"secret"


def test_an_editor_adds_and_removes_files_in_the_form(client, category, faq_editor):
    article = make_article(category, "internal")
    client.force_login(faq_editor)
    data = {
        "title": article.title,
        "slug": article.slug,
        "category": category.pk,
        "language": "en",
        "state": "internal",
        "solution": article.solution,
        "files": [SimpleUploadedFile("steps.txt", b"1. open tray", "text/plain")],
    }
    assert client.post(reverse("faq_agent:edit", args=[article.pk]), data).status_code == 302
    attachment = article.attachments.get()
    assert attachment.filename == "steps.txt"
    data.pop("files")
    data["remove_files"] = [str(attachment.pk)]
    assert client.post(reverse("faq_agent:edit", args=[article.pk]), data).status_code == 302
    assert not article.attachments.exists()


def test_a_public_article_prints_to_pdf_with_the_ticket_renderer(client, category, articles):
    response = client.get(reverse("faq:print", args=["en", articles["public"].slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    outline = pdf_objects(response.content)
    assert b"/Title (Printer jams \\(public\\))" in outline  # the document's title
    assert b"(Solution)" in outline  # the headings are the PDF's bookmarks


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's compressed object streams, inflated (where titles and bookmarks are)."""
    inflated = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            inflated.append(zlib.decompress(match.group(1)))
    return b"\n".join(inflated)


def test_what_a_reader_may_not_read_does_not_print(client, articles, reader_customer):
    assert client.get(reverse("faq:print", args=["en", articles["customers"].slug])).status_code == 404
    client.force_login(reader_customer)
    assert client.get(reverse("faq_customer:print", args=["en", articles["internal"].slug])).status_code == 404


def test_a_renderer_that_fails_gives_a_clear_page_not_a_500(client, articles, settings):
    settings.HELPDESK_PDF_SECONDS = 0.001
    response = client.get(reverse("faq:print", args=["en", articles["public"].slug]))
    assert response.status_code == 503
    assert "The PDF could not be made just now" in response.content.decode()
