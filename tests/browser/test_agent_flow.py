"""An agent's working day in a real browser: log in, open a queue, take a ticket, reply, close."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tickets.message import Message
from tickets.models import Article, CannedResponse, Priority
from tickets.services import create_ticket, set_priority

pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_takes_replies_with_canned_response_and_closes(page, agent, queue, ticket, customer, screenshot):
    canned = CannedResponse.objects.create(
        name="Printer fixed", body="Dear {{ customer_name }}, ticket {{ ticket_number }} is solved. {{ agent_name }}"
    )
    canned.queues.add(queue)
    agent.first_name, agent.last_name = "Anna", "Agent"
    agent.save()
    for title, level in [("VPN drops every hour", 4), ("New laptop for Maria", 2), ("Invoice PDF missing", 3)]:
        other = create_ticket(
            actor=agent,
            queue=queue,
            title=title,
            customer=customer,
            message=Message(body_text=title),
        )
        set_priority(ticket=other, actor=agent, priority=Priority.objects.get(level=level))

    sign_in(page, agent)
    assert "Printer on fire" in page.inner_text("main")
    screenshot(page, "agent-dashboard")

    page.goto("/agent/queues/")
    page.click(f".queue-tree a[data-queue='{queue.name}']")
    page.wait_for_selector(f"tr[data-ticket='{ticket.number}']")
    screenshot(page, "agent-queue")

    page.click(f"tr[data-ticket='{ticket.number}'] a >> nth=0")
    page.wait_for_selector("#ticket-title")
    page.click("text=Take (lock)")
    page.wait_for_selector("#lock-badge")
    assert "Anna Agent" in page.inner_text("#ticket-owner")

    page.click("a:has-text('Reply')")
    page.wait_for_selector("#compose-form")
    page.select_option("#id_canned", label="Printer fixed")
    expect(page.locator("#id_body")).to_have_value(re.compile("is solved"))  # no eval: the CSP forbids it
    screenshot(page, "agent-reply")
    page.click("#compose-submit")
    page.wait_for_selector("text=Reply saved.")
    thread = page.inner_text("#tab-thread")
    assert "is solved" in thread
    assert f"ticket {ticket.number} is solved" in thread
    screenshot(page, "agent-zoom")

    page.click("button.accordion-button:has-text('State')")
    page.wait_for_selector("#act-state.show")  # the accordion has finished opening
    page.select_option("#act-state select[name=state]", label="closed successful")
    page.click("#act-state button[type=submit]")
    page.wait_for_selector("text=State changed to closed successful.")
    assert "closed successful" in page.inner_text(".zoom-header")
    page.click("#history-tab")  # the tab's rows are fetched when it is first shown
    expect(page.locator("#history-rows")).to_contain_text("closed successful")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/agent/queues/")
    screenshot(page, "agent-queue-mobile")
    page.goto(f"/agent/tickets/{ticket.pk}/")
    screenshot(page, "agent-zoom-mobile")

    reply = Article.objects.filter(ticket=ticket, channel="email").get()
    assert reply.outgoing_mail.status in ("queued", "sent")
    assert reply.to_addresses == customer.email


def test_agent_opens_a_phone_ticket_for_a_customer_found_by_lookup(page, agent, queue, customer, screenshot):
    sign_in(page, agent)

    page.goto("/agent/new/phone/")
    page.fill("#customer-search", "alice")
    page.click(f"[data-customer-id='{customer.pk}']")
    assert page.input_value("#id_customer") == str(customer.pk)
    page.select_option("#id_queue", label=queue.name)
    page.fill("#id_title", "Caller cannot print")
    page.fill("#id_body", "Called at 9:00, the printer shows error 42.")
    screenshot(page, "agent-new-phone-ticket")
    page.click("#create-form button[type=submit]")
    page.wait_for_selector("#ticket-title")
    assert page.inner_text("#ticket-title") == "Caller cannot print"
    assert customer.email in page.inner_text("main")


def test_a_section_opened_after_the_session_ended_takes_the_agent_to_the_login_and_back(page, agent, ticket):
    from django.contrib.sessions.models import Session

    sign_in(page, agent)
    page.goto(f"/agent/tickets/{ticket.pk}/")
    page.wait_for_selector("#ticket-title")

    Session.objects.all().delete()  # signed out elsewhere, or the session expired
    page.click("button.accordion-button:has-text('State')")

    page.wait_for_url(re.compile(rf"/agent/login/\?next=/agent/tickets/{ticket.pk}/$"))  # the page, not a login box
    page.fill("#id_username", agent.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/agent/tickets/{ticket.pk}/$"))
    expect(page.locator("#ticket-title")).to_have_text(ticket.title)
