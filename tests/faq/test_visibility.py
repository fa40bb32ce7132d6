"""Who reads what, in each of the three FAQ trees: the visibility matrix.

Public FAQ (/faq/): public articles only, whoever is signed in. Customer panel (/customer/faq/):
customers and public articles, for customers only. Agent panel (/agent/faq/): internal,
customers and public articles, drafts too for those who may edit the category; administrators
see everything. What is not visible is a 404, the same as what does not exist.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from faq.models import Article
from tests.faq.conftest import STATES

pytestmark = pytest.mark.django_db

EVERYTHING = set(STATES)
PUBLISHED_FOR_AGENTS = {"internal", "customers", "public"}

# reader -> {panel: set of states shown, or "login" / "agent home" / 404 for the panel itself}
MATRIX = {
    "anonymous": {"public": {"public"}, "customer": "login", "agent": "login"},
    "customer": {"public": {"public"}, "customer": {"customers", "public"}, "agent": 404},
    "plain_agent": {"public": {"public"}, "customer": "agent home", "agent": PUBLISHED_FOR_AGENTS},
    "other_editor": {"public": {"public"}, "customer": "agent home", "agent": PUBLISHED_FOR_AGENTS},
    "faq_editor": {"public": {"public"}, "customer": "agent home", "agent": EVERYTHING},
    "faq_admin": {"public": {"public"}, "customer": "agent home", "agent": EVERYTHING},
}
NAMESPACES = {"public": "faq", "customer": "faq_customer", "agent": "faq_agent"}
QUERYSET = {  # Article.objects.visible_to(user)
    "anonymous": {"public"},
    "customer": {"customers", "public"},
    "plain_agent": PUBLISHED_FOR_AGENTS,
    "other_editor": PUBLISHED_FOR_AGENTS,
    "faq_editor": EVERYTHING,
    "faq_admin": EVERYTHING,
}


@pytest.fixture
def readers(reader_customer, plain_agent, other_editor, faq_editor, faq_admin):
    return {
        "anonymous": None,
        "customer": reader_customer,
        "plain_agent": plain_agent,
        "other_editor": other_editor,
        "faq_editor": faq_editor,
        "faq_admin": faq_admin,
    }


@pytest.mark.parametrize("who", list(QUERYSET))
def test_visible_to_gives_each_reader_exactly_their_states(who, readers, articles):
    user = readers[who] or AnonymousUser()
    shown = set(Article.objects.visible_to(user).values_list("state", flat=True))
    assert shown == QUERYSET[who]


@pytest.mark.parametrize("panel", list(NAMESPACES))
@pytest.mark.parametrize("who", list(MATRIX))
def test_each_reader_sees_exactly_their_articles_in_each_panel(client, who, panel, readers, articles):
    if readers[who] is not None:
        client.force_login(readers[who])
    expected = MATRIX[who][panel]
    namespace = NAMESPACES[panel]

    index = client.get(reverse(f"{namespace}:index"))
    pages = {s: client.get(reverse(f"{namespace}:article", args=["en", a.slug])) for s, a in articles.items()}

    if expected == "login":
        assert index.status_code == 302 and "login" in index["Location"]
        assert all(p.status_code == 302 and "login" in p["Location"] for p in pages.values())
    elif expected == "agent home":
        assert index.status_code == 302 and index["Location"] == "/agent/"
    elif expected == 404:
        assert index.status_code == 404
        assert all(p.status_code == 404 for p in pages.values())
    else:
        assert index.status_code == 200
        listing = index.content.decode()
        for state, article in articles.items():
            page = pages[state]
            if state in expected:
                assert page.status_code == 200, (state, page.status_code)
                assert article.title in page.content.decode()
                assert f">{article.title}</a>" in listing
            else:
                assert page.status_code == 404, state
                assert f">{article.title}</a>" not in listing


def test_category_page_lists_only_what_the_reader_may_read(client, category, articles, reader_customer):
    client.force_login(reader_customer)
    page = client.get(reverse("faq_customer:category", args=[category.slug])).content.decode()
    assert articles["customers"].title in page and articles["public"].title in page
    assert articles["internal"].title not in page and articles["draft"].title not in page


def test_public_category_page_of_an_inactive_category_is_a_404(client, category, articles):
    category.is_active = False
    category.save()
    assert client.get(reverse("faq:category", args=[category.slug])).status_code == 404
    assert client.get(reverse("faq:article", args=["en", articles["public"].slug])).status_code == 404


def test_an_unknown_article_and_a_hidden_one_give_the_same_404(client, articles):
    hidden = client.get(reverse("faq:article", args=["en", articles["internal"].slug]))
    missing = client.get(reverse("faq:article", args=["en", "no-such-article"]))
    assert hidden.status_code == missing.status_code == 404


def test_agent_sees_the_state_and_editors_get_edit_buttons(client, articles, plain_agent, faq_editor):
    url = reverse("faq_agent:article", args=["en", articles["internal"].slug])
    client.force_login(plain_agent)
    page = client.get(url).content.decode()
    assert "internal (agents)" in page
    assert reverse("faq_agent:edit", args=[articles["internal"].pk]) not in page
    assert reverse("faq_agent:new") not in client.get(reverse("faq_agent:index")).content.decode()

    client.force_login(faq_editor)
    page = client.get(url).content.decode()
    assert reverse("faq_agent:edit", args=[articles["internal"].pk]) in page
    assert reverse("faq_agent:new") in client.get(reverse("faq_agent:index")).content.decode()


def test_the_index_runs_a_constant_number_of_queries(client, category, django_assert_max_num_queries, faq_editor):
    from tests.faq.conftest import make_article

    for i in range(3):
        make_article(category, "public", slug=f"a{i}", title=f"Article {i}")
    client.force_login(faq_editor)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("faq_agent:index"))
    for i in range(3, 30):
        make_article(category, "internal", slug=f"a{i}", title=f"Article {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("faq_agent:index")).status_code == 200


def test_article_and_category_pages_run_a_constant_number_of_queries(
    client, category, faq_editor, django_assert_max_num_queries
):
    from tests.faq.conftest import make_article

    main = make_article(category, "public", slug="main", title="Main")
    client.force_login(faq_editor)
    article_url = reverse("faq_agent:article", args=["en", "main"])
    category_url = reverse("faq_agent:category", args=[category.slug])
    with django_assert_max_num_queries(20) as few_article:
        client.get(article_url)
    with django_assert_max_num_queries(20) as few_category:
        client.get(category_url)

    others = [make_article(category, "internal", slug=f"r{i}", title=f"Related {i}") for i in range(10)]
    for lang in ["ru", "pl", "cs"]:
        make_article(category, "public", slug="main", language=lang, title=f"Main {lang}", translation_of=main)
    main.related.set(others)
    with django_assert_max_num_queries(len(few_article.captured_queries)):
        page = client.get(article_url)
    assert page.status_code == 200 and "Related 9" in page.content.decode()
    with django_assert_max_num_queries(len(few_category.captured_queries)):
        assert client.get(category_url).status_code == 200
