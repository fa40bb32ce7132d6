"""Django admin for FAQ categories and articles: saves go through the service (sanitised, versioned)."""

import pytest
from django.urls import reverse

from faq.models import Article
from tests.faq.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, faq_admin):
    client.force_login(faq_admin)
    return client


def test_admin_lists_and_opens_categories_and_articles(admin_client, category, articles):
    assert admin_client.get(reverse("admin:faq_category_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:faq_category_change", args=[category.pk])).status_code == 200
    listing = admin_client.get(reverse("admin:faq_article_changelist")).content.decode()
    assert articles["draft"].title in listing
    page = admin_client.get(reverse("admin:faq_article_change", args=[articles["public"].pk])).content.decode()
    assert "FAQ article versions" in page


def test_an_article_saved_in_admin_is_sanitised_and_keeps_a_version(admin_client, category, faq_admin):
    article = make_article(category, "draft")
    data = {
        "category": category.pk,
        "language": "en",
        "slug": article.slug,
        "title": "Edited in admin",
        "state": "public",
        "translation_of": "",
        "problem": "",
        "solution": "<p>Fine<script>alert(1)</script></p>",
        "keywords": "",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "versions-TOTAL_FORMS": "1",
        "versions-INITIAL_FORMS": "1",
        "versions-0-id": str(article.versions.get().pk),
        "versions-0-article": str(article.pk),
    }
    response = admin_client.post(reverse("admin:faq_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(pk=article.pk)
    assert article.title == "Edited in admin" and "script" not in article.solution
    newest = article.versions.first()
    assert (newest.number, newest.author) == (2, faq_admin)
