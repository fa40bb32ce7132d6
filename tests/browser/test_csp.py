"""The main pages of both panels and the admin run under the Content-Security-Policy without one violation.

Chromium reports every blocked script, style, image or connection in the console; the walk
fails on the first such message, and on any script error. The admin's own scripts are used
on the way: the changelist's action checkboxes, the date/time shortcuts and calendar,
the autocomplete widget and an add-related popup.
"""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tickets import services
from tickets.catalog import TicketType
from tickets.message import Message
from tickets.models import Priority

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def violations(page):
    """Console messages about the policy, and uncaught script errors, from every page and popup of the context."""
    seen: list[str] = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            seen.append(f"{message.type}: {text} ({message.page.url if message.page else '?'})")

    page.context.on("console", on_console)
    page.context.on("weberror", lambda error: seen.append(f"script error: {error.error}"))
    return seen


@pytest.fixture
def remote_requests(page, live_server):
    """Every request the browser tried to send anywhere but the helpdesk itself."""
    tried: list[str] = []
    page.context.on("request", lambda r: None if r.url.startswith(live_server.url) else tried.append(r.url))
    return tried


def assert_policy_enforced(page, violations):
    """An inline script added now is refused and reported: the policy is in force and the listener hears it."""
    ran = page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.inlineRan = true";
                   document.head.appendChild(s); return window.inlineRan === true; }"""
    )
    assert ran is False, f"an inline script ran on {page.url}"
    for _ in range(50):  # the console message arrives asynchronously
        reported = [v for v in violations if "script-src" in v]
        if reported:
            break
        page.wait_for_timeout(100)
    assert reported, "the refused inline script was not reported"
    for message in reported:
        violations.remove(message)


def log_in(page, path, user, submit="button[type=submit]"):
    page.goto(path)
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click(submit)


def test_agent_panel_pages_run_under_the_policy(page, violations, remote_requests, agent, queue, ticket, customer):
    services.add_article(
        ticket=ticket,
        actor=customer,
        message=Message(
            channel="email", body_html='<p>Pixel<img src="https://tracker.example/x.gif"> and <b>bold</b></p>'
        ),
    )
    services.set_priority(ticket=ticket, actor=agent, priority=Priority.objects.get(level=4))

    log_in(page, "/agent/login/", agent)
    page.wait_for_selector("#counters")
    page.goto("/agent/queues/")
    page.click(f".queue-tree a[data-queue='{queue.name}']")
    row = page.wait_for_selector(f"tr[data-ticket='{ticket.number}']")
    badge = row.query_selector(".priority-badge")
    assert badge.evaluate("b => b.style.backgroundColor") != ""  # coloured by agent.js, not a style attribute
    page.check(f"tr[data-ticket='{ticket.number}'] input[name=tickets]")
    assert page.inner_text("#bulk-count") == "1"

    page.click(f"tr[data-ticket='{ticket.number}'] a >> nth=0")
    page.wait_for_selector("#ticket-title")
    assert "bold" in page.inner_text("#tab-thread")
    page.click("a:has-text('Reply')")  # boosted by htmx
    page.wait_for_selector("#compose-form")
    page.goto("/agent/new/phone/")
    page.fill("#customer-search", customer.email[:4])  # htmx search as you type
    page.wait_for_selector("[data-customer-id]")
    page.goto("/agent/preferences/")
    page.wait_for_selector("form")
    assert_policy_enforced(page, violations)

    assert violations == []
    assert remote_requests == []


def test_customer_panel_pages_run_under_the_policy(page, violations, remote_requests, customer, agent, queue):
    ticket = services.create_ticket(
        actor=customer,
        queue=queue,
        title="Projector is blue",
        message=Message(body_text="Since today."),
    )
    services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(channel="email", body_html='<p>Try this<img src="https://tracker.example/y"></p>'),
    )

    log_in(page, "/customer/login/", customer)
    page.wait_for_url("**/customer/")
    page.click(f"text={ticket.title}")
    page.wait_for_selector("text=Try this")
    page.click("nav >> text=New request")
    page.wait_for_selector("#id_subject")
    page.goto("/customer/status/")
    page.wait_for_selector("form")
    assert_policy_enforced(page, violations)

    assert violations == []
    assert remote_requests == []


def test_admin_pages_and_their_scripts_run_under_the_policy(page, violations, remote_requests, admin_user, ticket):
    log_in(page, "/admin/login/", admin_user, submit="input[type=submit]")
    page.wait_for_selector("#content")

    # Changelist: tick a row, the counter follows (admin/js/actions.js).
    page.goto("/admin/tickets/ticket/")
    page.check("input.action-select")
    page.wait_for_selector(".action-counter:has-text('1 of 1 selected')")

    # Change form: date shortcuts and calendar (DateTimeShortcuts.js), autocomplete (select2).
    page.goto(f"/admin/tickets/ticket/{ticket.pk}/change/")
    page.click(".field-pending_until .datetimeshortcuts a:has-text('Today')")
    assert page.input_value("#id_pending_until_0") != ""
    page.click("#calendarlink0")
    page.wait_for_selector("#calendarbox0", state="visible")
    page.keyboard.press("Escape")
    page.click(".field-category .select2-selection")
    page.wait_for_selector(".select2-results__option")
    page.keyboard.press("Escape")

    # Add-related popup (RelatedObjectLookups.js, popup_response.js): the new type lands in the select.
    with page.expect_popup() as popup_info:
        page.click("#add_id_type")
    popup = popup_info.value
    popup.wait_for_selector("#id_name")
    popup.fill("#id_name", "Hardware")
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    new_type = TicketType.objects.get(name="Hardware")
    expect(page.locator("#id_type")).to_have_value(str(new_type.pk))
    assert_policy_enforced(page, violations)

    assert violations == []
    assert remote_requests == []


def test_reports_pages_run_under_the_policy(page, violations, remote_requests, admin_user, ticket):
    log_in(page, "/agent/login/", admin_user)
    page.goto("/agent/reports/")
    page.click("text=Report builder")
    page.select_option("#id_by", "state")
    page.click("button:has-text('Preview')")
    page.wait_for_selector("svg.report-chart")
    page.fill("#id_name", "States")
    page.click("button:has-text('Save report')")
    page.wait_for_selector("h2.report-title")
    page.click("text=Mail it regularly")
    page.wait_for_selector("#schedule-form")
    assert_policy_enforced(page, violations)

    assert violations == []
    assert remote_requests == []
