"""The FAQ search page in the three panels, votes and views through the pages, the start page's lists."""

import pytest
from django.urls import reverse

from accounts.models import Permission
from tests.factories import AgentFactory, grant
from tests.faq import kb

pytestmark = pytest.mark.django_db


@pytest.fixture
def kb_articles(db):
    cat = kb.category("Printing")
    return {
        state: kb.article(
            cat,
            f"Printer jam ({state})",
            state=state,
            slug=f"jam-{state}",
            solution="<p>Open tray 2 and remove the <b>paper</b>.</p>",
        )
        for state in ("draft", "internal", "customers", "public")
    }


def found_titles(response) -> set[str]:
    page = response.content.decode()
    return {
        title for title in (f"Printer jam ({s})" for s in ("draft", "internal", "customers", "public")) if title in page
    }


@pytest.mark.smoke
def test_each_panel_searches_what_its_reader_may_read(client, kb_articles, customer):
    public = client.get(reverse("faq:search"), {"q": "printer"})
    assert public.status_code == 200
    assert found_titles(public) == {"Printer jam (public)"}
    client.force_login(customer)
    assert found_titles(client.get(reverse("faq_customer:search"), {"q": "printer"})) == {
        "Printer jam (public)",
        "Printer jam (customers)",
    }
    # the public FAQ reads as an anonymous visitor whoever is signed in
    assert found_titles(client.get(reverse("faq:search"), {"q": "printer"})) == {"Printer jam (public)"}
    client.force_login(AgentFactory(username="plain"))
    assert found_titles(client.get(reverse("faq_agent:search"), {"q": "printer"})) == {
        "Printer jam (public)",
        "Printer jam (customers)",
        "Printer jam (internal)",
    }


def test_an_editor_finds_drafts_of_their_categories(client, kb_articles, editors):
    kb_articles["draft"].category.editor_groups.add(editors)
    editor = AgentFactory(username="ed")
    grant(editor, editors, Permission.FAQ_EDIT)
    client.force_login(editor)
    assert "Printer jam (draft)" in found_titles(client.get(reverse("faq_agent:search"), {"q": "printer"}))


@pytest.mark.smoke
def test_results_show_highlighted_snippets_and_nothing_found_says_so(client, kb_articles):
    page = client.get(reverse("faq:search"), {"q": "tray"}).content.decode()
    assert "<mark>tray</mark>" in page
    assert "<b>paper</b>" not in page
    page = client.get(reverse("faq:search"), {"q": "<script>zzz"}).content.decode()
    assert "Nothing found for “&lt;script&gt;zzz”." in page


@pytest.mark.smoke
def test_the_search_form_is_on_every_start_page(client, kb_articles, customer):
    assert reverse("faq:search") in client.get(reverse("faq:index")).content.decode()
    client.force_login(customer)
    assert reverse("faq_customer:search") in client.get(reverse("faq_customer:index")).content.decode()


@pytest.mark.smoke
def test_an_anonymous_reader_votes_once_per_session(client, kb_articles):
    article = kb_articles["public"]
    url = reverse("faq:vote", args=[article.language, article.slug])
    page = client.get(reverse("faq:article", args=[article.language, article.slug])).content.decode()
    assert "Was this helpful?" in page and url in page
    first = client.post(url, {"helpful": "yes"}, HTTP_HX_REQUEST="true")
    assert "Thank you for your feedback." in first.content.decode()
    second = client.post(url, {"helpful": "no"}, HTTP_HX_REQUEST="true")
    assert "You have already rated this article." in second.content.decode()
    page = client.get(reverse("faq:article", args=[article.language, article.slug])).content.decode()
    assert "Was this helpful?" not in page
    client.cookies.clear()  # another visitor
    client.post(url, {"helpful": "no"})
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 1)


def test_a_customer_votes_once_whatever_the_session(client, kb_articles, customer):
    article = kb_articles["customers"]
    url = reverse("faq_customer:vote", args=[article.language, article.slug])
    client.force_login(customer)
    response = client.post(url, {"helpful": "no"})
    assert response.status_code == 302
    client.logout()
    client.force_login(customer)
    response = client.post(url, {"helpful": "yes"}, follow=True)
    assert "You have already rated this article." in response.content.decode()
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (0, 1)


def test_no_vote_on_an_article_the_reader_may_not_read(client, kb_articles):
    article = kb_articles["internal"]
    response = client.post(reverse("faq:vote", args=[article.language, article.slug]), {"helpful": "yes"})
    assert response.status_code == 404
    article.refresh_from_db()
    assert article.helpful_yes == 0


@pytest.mark.smoke
def test_each_reading_counts_a_view(client, kb_articles):
    article = kb_articles["public"]
    for _ in range(3):
        client.get(reverse("faq:article", args=[article.language, article.slug]))
    article.refresh_from_db()
    assert article.views == 3


@pytest.mark.smoke
def test_the_start_page_lists_most_viewed_best_rated_and_newest(client, kb_articles, customer):
    kb_articles["public"].__class__.objects.filter(pk=kb_articles["public"].pk).update(views=7, helpful_yes=3)
    kb_articles["internal"].__class__.objects.filter(pk=kb_articles["internal"].pk).update(views=99)
    client.force_login(customer)
    page = client.get(reverse("faq_customer:index")).content.decode()
    assert "Most viewed" in page and "Most helpful" in page and "Newest" in page
    assert "Printer jam (internal)" not in page


def test_editors_see_their_poorly_rated_articles_on_the_agent_start_page(client, kb_articles, editors):
    article = kb_articles["public"]
    article.category.editor_groups.add(editors)
    type(article).objects.filter(pk=article.pk).update(helpful_yes=1, helpful_no=5)
    editor, plain = AgentFactory(username="ed"), AgentFactory(username="plain")
    grant(editor, editors, Permission.FAQ_EDIT)
    client.force_login(editor)
    page = client.get(reverse("faq_agent:index")).content.decode()
    assert "Poorly rated articles you edit" in page
    assert reverse("faq_agent:edit", args=[article.pk]) in page
    client.force_login(plain)
    assert "Poorly rated articles you edit" not in client.get(reverse("faq_agent:index")).content.decode()


def test_search_pages_run_a_constant_number_of_queries(client, customer, django_assert_max_num_queries):
    cat = kb.category("Many")
    for i in range(3):
        kb.article(cat, f"Printer tip {i}", slug=f"tip-{i}")
    client.force_login(customer)
    urls = [
        (reverse("faq_customer:search"), {"q": "printer"}),
        (reverse("faq_customer:suggest"), {"subject": "printer"}),
    ]
    counts = []
    for url, params in urls:
        with django_assert_max_num_queries(20) as few:
            client.get(url, params)
        counts.append(len(few.captured_queries))
    for i in range(3, 25):
        kb.article(cat, f"Printer tip {i}", slug=f"tip-{i}", state="customers")
    for (url, params), count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            response = client.get(url, params)
        assert response.content.decode().count("Printer tip") >= 5
