"""The knowledge base at work in headless Chromium: live suggestions while a customer writes a
request (opened, then left: a deflection), and an agent inserting a solution into a reply."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from faq import feedback
from faq.feedback_models import Deflection
from tests.factories import PASSWORD
from tests.faq import kb

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def policy_messages(page):
    seen: list[str] = []

    def on_console(message):
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            seen.append(message.text)

    page.context.on("console", on_console)
    page.context.on("weberror", lambda error: seen.append(f"script error: {error.error}"))
    return seen


@pytest.fixture
def printer_article(db):
    cat = kb.category("Printers")
    return kb.article(
        cat,
        "Printer does not print",
        slug="printer-does-not-print",
        solution="<p>Open tray 2.</p><p>Remove the jammed paper.</p>",
    )


def log_in(page, path, user):
    page.goto(path)
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_a_customer_sees_a_suggestion_opens_it_and_leaves(page, customer, queue, printer_article, policy_messages):
    log_in(page, "/", customer)
    page.wait_for_url("**/customer/")
    page.goto("/customer/tickets/new/")
    page.click("#id_subject")
    page.keyboard.type("My printer is broken", delay=30)
    suggestion = page.locator("#faq-suggestions .faq-suggestion")
    expect(suggestion).to_contain_text("Printer does not print")

    with page.context.expect_page() as opened:
        suggestion.locator("button").click()
    article = opened.value
    article.wait_for_load_state()
    expect(article.locator("h1")).to_have_text("Printer does not print")
    expect(article.locator(".faq-body").last).to_contain_text("Remove the jammed paper.")
    article.click("button[name=helpful][value=yes]")
    expect(article.locator("#faq-feedback")).to_contain_text("Thank you for your feedback.")

    article.close()
    page.goto("/customer/")  # and leaves without filing the request

    (deflection,) = Deflection.objects.all()
    assert (deflection.customer, deflection.article, deflection.ticket) == (customer, printer_article, None)
    assert deflection.subject == "My printer is broken"
    Deflection.objects.update(opened_at=timezone.now() - timedelta(minutes=31))
    assert feedback.deflections()["deflected"] == 1
    printer_article.refresh_from_db()
    assert (printer_article.views, printer_article.helpful_yes) == (1, 1)
    assert policy_messages == []


def test_an_agent_inserts_a_solution_into_a_reply(page, agent, ticket, printer_article, policy_messages):
    log_in(page, "/agent/login/", agent)
    page.wait_for_selector("#counters")
    page.goto(reverse("agent:compose", args=[ticket.pk, "reply"]))
    page.fill("#id_body", "Hello,\n")
    page.click("summary:has-text('Insert from the knowledge base')")
    page.click("#faq-insert-q")
    page.keyboard.type("printer", delay=30)
    result = page.locator(".faq-insert-result").first
    expect(result).to_contain_text("Printer does not print")
    page.locator("#id_body").evaluate("body => body.setSelectionRange(body.value.length, body.value.length)")
    result.locator("button:has-text('Insert solution')").click()
    result.locator("button:has-text('Insert link')").click()
    body = page.locator("#id_body").input_value()
    assert "Hello,\nOpen tray 2.\nRemove the jammed paper.\n" in body
    assert "/faq/en/printer-does-not-print/" in body
    assert policy_messages == []
