"""The FAQ editor right, editing through the agent panel, versions, compare and revert."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Permission
from faq import permissions
from faq.models import Article
from faq.services import ArticleInput, revert_article, save_article
from tests.factories import RoleFactory, grant
from tests.faq.conftest import make_article
from tickets.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def form_data(category, **overrides):
    data = {
        "title": "Scanner sends nothing",
        "slug": "",
        "category": category.pk,
        "language": "en",
        "state": "internal",
        "translation_of": "",
        "problem": "<p>Scans never arrive.</p>",
        "solution": "<p>Check the <b>address book</b>.</p>",
        "keywords": "scanner",
    }
    data.update(overrides)
    return data


def test_the_editor_right_comes_from_a_grant_on_one_of_the_category_groups(
    category, faq_editor, plain_agent, other_editor, faq_admin, reader_customer
):
    assert permissions.may_edit(faq_editor, category)
    assert permissions.may_edit(faq_admin, category)
    assert not permissions.may_edit(plain_agent, category)  # rw on the group is not the editor right
    assert not permissions.may_edit(other_editor, category)
    assert not permissions.may_edit(reader_customer, category)


def test_the_editor_right_through_a_role_counts_and_an_inactive_editor_has_none(category, editors, plain_agent):
    role = RoleFactory(name="FAQ team")
    grant(role, editors, Permission.FAQ_EDIT)
    plain_agent.roles.add(role)
    assert permissions.may_edit(type(plain_agent).objects.get(pk=plain_agent.pk), category)
    plain_agent.is_active = False
    plain_agent.save()
    assert not permissions.may_edit(type(plain_agent).objects.get(pk=plain_agent.pk), category)


def test_an_editor_creates_an_article_and_sees_it(client, category, faq_editor):
    client.force_login(faq_editor)
    response = client.post(reverse("faq_agent:new"), form_data(category))
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("faq_agent:article", args=["en", "scanner-sends-nothing"])
    assert article.created_by == faq_editor and article.updated_by == faq_editor
    page = client.get(response["Location"]).content.decode()
    assert "Scanner sends nothing" in page and "<b>address book</b>" in page
    assert [v.number for v in article.versions.all()] == [1]


def test_stored_rich_text_is_sanitised_like_mail(client, category, faq_editor):
    client.force_login(faq_editor)
    evil = '<p onclick="steal()">Hi<script>alert(1)</script><a href="javascript:x()">x</a></p><style>p{}</style>'
    client.post(reverse("faq_agent:new"), form_data(category, solution=evil))
    stored = Article.objects.get().solution
    assert "script" not in stored and "onclick" not in stored and "javascript:" not in stored
    assert "<style" not in stored and "Hi" in stored


def test_an_agent_without_the_right_may_not_create_or_edit(client, category, articles, plain_agent, other_editor):
    client.force_login(plain_agent)
    assert client.get(reverse("faq_agent:new")).status_code == 403
    assert client.post(reverse("faq_agent:new"), form_data(category)).status_code == 403
    assert client.get(reverse("faq_agent:edit", args=[articles["public"].pk])).status_code == 403
    assert client.post(reverse("faq_agent:edit", args=[articles["public"].pk]), form_data(category)).status_code == 403
    assert client.get(reverse("faq_agent:edit", args=[articles["draft"].pk])).status_code == 404  # not even seen

    client.force_login(other_editor)  # editor of another category: may not write into this one
    response = client.post(reverse("faq_agent:new"), form_data(category))
    assert response.status_code == 400 and "category" in response.context["form"].errors
    assert not Article.objects.filter(title="Scanner sends nothing").exists()


def test_the_service_refuses_an_editor_of_another_category(category, other_category, articles, other_editor):
    data = ArticleInput(category=other_category, slug="moved", language="en", title="Moved", state="public")
    with pytest.raises(PermissionDenied):
        save_article(editor=other_editor, data=data, article=articles["public"])  # not an editor of the source
    assert Article.objects.get(pk=articles["public"].pk).category == category


def test_a_customer_and_anonymous_visitors_cannot_reach_the_editor(client, articles, reader_customer):
    url = reverse("faq_agent:edit", args=[articles["public"].pk])
    assert client.get(url).status_code == 302
    client.force_login(reader_customer)
    assert client.get(url).status_code == 404


def test_a_slug_taken_in_the_same_language_is_refused_with_a_clear_error_and_nothing_lost(
    client, category, articles, faq_editor
):
    client.force_login(faq_editor)
    response = client.post(
        reverse("faq_agent:new"), form_data(category, slug=articles["public"].slug, solution="<p>My long text</p>")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "exists" in page and "My long text" in page
    ok = client.post(reverse("faq_agent:new"), form_data(category, slug=articles["public"].slug, language="pl"))
    assert ok.status_code == 302


def test_every_save_keeps_a_version_with_author_and_text(client, category, faq_editor, faq_admin):
    client.force_login(faq_editor)
    client.post(reverse("faq_agent:new"), form_data(category, solution="<p>First answer</p>"))
    article = Article.objects.get()
    client.force_login(faq_admin)
    client.post(reverse("faq_agent:edit", args=[article.pk]), form_data(category, solution="<p>Second answer</p>"))

    versions = list(article.versions.order_by("number"))
    assert [(v.number, v.author) for v in versions] == [(1, faq_editor), (2, faq_admin)]
    assert "First answer" in versions[0].solution and "Second answer" in versions[1].solution
    page = client.get(reverse("faq_agent:versions", args=[article.pk])).content.decode()
    assert faq_editor.display_name() in page and faq_admin.display_name() in page


def test_compare_shows_what_changed_since_a_version(client, category, faq_editor):
    article = make_article(category, "internal", solution="<p>Restart the spooler.</p><p>Print again.</p>")
    client.force_login(faq_editor)
    client.post(
        reverse("faq_agent:edit", args=[article.pk]),
        form_data(category, title=article.title, slug=article.slug, solution="<p>Unplug it.</p><p>Print again.</p>"),
    )
    page = client.get(reverse("faq_agent:compare", args=[article.pk, 1])).content.decode()
    sign = '<span class="faq-diff-sign" aria-hidden="true">'
    assert f'class="faq-diff-removed">{sign}−</span>Restart the spooler.' in page
    assert f'class="faq-diff-added">{sign}+</span>Unplug it.' in page
    assert f'class="faq-diff-same">{sign}&nbsp;</span>Print again.' in page


def test_revert_brings_back_the_old_text_as_a_new_version_and_keeps_the_state(client, category, faq_editor):
    article = make_article(category, "draft", solution="<p>Old way</p>")
    client.force_login(faq_editor)
    client.post(
        reverse("faq_agent:edit", args=[article.pk]),
        form_data(category, title="New title", slug=article.slug, state="public", solution="<p>New way</p>"),
    )
    response = client.post(reverse("faq_agent:revert", args=[article.pk, 1]))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Printer jams (draft)" and "Old way" in article.solution
    assert article.state == "public"
    newest = article.versions.first()
    assert (newest.number, newest.reverted_from, newest.author) == (3, 1, faq_editor)
    page = client.get(reverse("faq:article", args=["en", article.slug]))
    assert "Old way" in page.content.decode()


def test_revert_takes_a_post_and_the_editor_right(client, category, articles, plain_agent, faq_editor):
    article = articles["public"]
    client.force_login(plain_agent)
    assert client.post(reverse("faq_agent:revert", args=[article.pk, 1])).status_code == 403
    assert client.get(reverse("faq_agent:compare", args=[article.pk, 1])).status_code == 403
    with pytest.raises(PermissionDenied):
        revert_article(editor=plain_agent, article=article, number=1)
    client.force_login(faq_editor)
    assert client.get(reverse("faq_agent:revert", args=[article.pk, 1])).status_code == 405
    assert client.post(reverse("faq_agent:revert", args=[article.pk, 99])).status_code == 404
    assert article.versions.count() == 1


def test_a_file_over_the_limit_is_refused_with_a_clear_error_and_nothing_is_saved(
    client, category, faq_editor, settings
):
    settings.HELPDESK_MAX_ATTACHMENT_MB = 0
    client.force_login(faq_editor)
    data = form_data(category, solution="<p>Typed with care</p>")
    data["files"] = [SimpleUploadedFile("big.bin", b"x" * 10, "application/octet-stream")]
    response = client.post(reverse("faq_agent:new"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "“big.bin” is larger than 0 MB." in page and "Typed with care" in page
    assert not Article.objects.exists()
