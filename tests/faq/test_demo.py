"""The demo ships a knowledge base: a dozen and more articles in four languages, in every state."""

from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from faq import permissions
from faq.models import Article, ArticleVersion, Category

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_the_demo_loads_faq_articles_in_four_languages_and_a_second_run_changes_nothing(client):
    out = StringIO()
    call_command("load_demo", "--tickets", "5", stdout=out)
    assert "FAQ article(s) created" in out.getvalue()

    assert Article.objects.count() >= 12
    assert set(Article.objects.values_list("language", flat=True)) == {"en", "ru", "pl", "cs"}
    assert {"public", "customers", "internal", "draft"} <= set(Article.objects.values_list("state", flat=True))
    assert Category.objects.filter(parent__isnull=False).exists()
    assert ArticleVersion.objects.count() == Article.objects.count()
    english = Article.objects.get(language="en", slug="printer-prints-blank-pages")
    assert set(english.translations().values_list("language", flat=True)) == {"ru", "pl", "cs"}

    agent, emma = User.objects.get(username="agent"), User.objects.get(username="emma.wilson")
    assert permissions.may_edit(agent, Category.objects.get(slug="printers"))
    assert not permissions.may_edit(agent, Category.objects.get(slug="hr"))
    assert not permissions.may_edit(emma, Category.objects.get(slug="printers"))
    assert not Article.objects.visible_to(AnonymousUser()).exclude(state="public").exists()

    client.cookies["django_language"] = "cs"
    index = client.get(reverse("faq:index")).content.decode()
    assert "Tiskárna tiskne prázdné stránky" in index
    assert "Jak zresetovat" not in index and "How to reset an expired password" in index  # no Czech one

    before = (Article.objects.count(), Category.objects.count(), ArticleVersion.objects.count())
    call_command("load_demo", "--tickets", "5", stdout=StringIO())
    assert (Article.objects.count(), Category.objects.count(), ArticleVersion.objects.count()) == before
