"""The FAQ in a real browser: an editor writes with the rich text editor under the
Content-Security-Policy (no violation, no script error) and saves; readers see the result."""

import pytest

from accounts.models import Permission
from faq.models import Article, Category
from tests.browser.test_csp import (
    assert_policy_enforced,
    log_in,
    violations,  # noqa: F401  (the fixture, shared with the CSP walk)
)
from tests.factories import AccessGroupFactory, AgentFactory, CustomerFactory, grant
from tests.faq.conftest import make_article

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor_and_article(db):
    group = AccessGroupFactory(name="FAQ editors")
    category = Category.objects.create(name="Printers", slug="printers")
    category.editor_groups.add(group)
    editor = AgentFactory(username="erik")
    grant(editor, group, Permission.FAQ_EDIT)
    article = make_article(category, "internal", title="Printer jams", slug="printer-jams")
    return editor, article


def test_an_editor_edits_an_article_with_the_rich_text_editor_without_policy_violations(
    page,
    violations,  # noqa: F811
    editor_and_article,
    screenshot,
):
    editor, article = editor_and_article
    log_in(page, "/agent/login/", editor)
    page.wait_for_selector(".agent-nav")
    page.goto("/agent/faq/en/printer-jams/")
    page.click("text=Edit")
    page.wait_for_selector(".faq-editor-area")
    assert page.locator("textarea#id_solution").is_hidden()
    assert page.locator(".faq-editor-toolbar").count() == 2  # problem and solution

    area = page.locator(".faq-editor-area[data-editor-for=id_solution]")
    area.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    solution_editor = page.locator(".faq-editor", has=page.locator("[data-editor-for=id_solution]"))
    solution_editor.locator(".faq-tool-bold").click()
    page.keyboard.type("Call the print room")
    page.select_option("#id_state", "public")
    screenshot(page, "faq-editor")
    page.click("#faq-save")
    page.wait_for_selector("h1:has-text('Printer jams')")

    assert_policy_enforced(page, violations)
    assert violations == []
    article = Article.objects.get(pk=article.pk)
    assert article.state == "public"
    assert "<b>Call the print room</b>" in article.solution
    assert article.versions.count() == 2
    assert page.locator(".faq-body b, .faq-body strong").filter(has_text="Call the print room").count() == 1


def test_a_customer_reads_the_faq_in_the_panel_without_policy_violations(
    page,
    violations,  # noqa: F811
    editor_and_article,
):
    _, article = editor_and_article
    customer = CustomerFactory(username="alice")
    make_article(article.category, "customers", title="Toner is low", slug="toner-is-low")
    log_in(page, "/customer/login/", customer)
    page.goto("/customer/faq/")
    page.click("text=Toner is low")
    page.wait_for_selector("h1:has-text('Toner is low')")
    assert page.locator("text=Printer jams").count() == 0  # internal
    assert_policy_enforced(page, violations)
    assert violations == []


def test_an_anonymous_visitor_reads_the_public_faq_and_switches_language_without_policy_violations(
    page,
    violations,  # noqa: F811
    editor_and_article,
):
    _, article = editor_and_article
    public = make_article(article.category, "public", title="Paper sizes", slug="paper-sizes")
    make_article(
        article.category, "public", title="Formáty papíru", slug="paper-sizes", language="cs", translation_of=public
    )
    page.goto("/faq/")
    page.click("text=Paper sizes")
    page.wait_for_selector("h1:has-text('Paper sizes')")
    assert page.locator("text=Printer jams").count() == 0
    page.click("a[hreflang=cs]")
    page.wait_for_selector("h1:has-text('Formáty papíru')")
    assert_policy_enforced(page, violations)
    assert violations == []
