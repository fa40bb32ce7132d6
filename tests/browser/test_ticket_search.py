"""An agent finds a ticket by a word that only its customer's mail body holds, from the navbar box."""

import pytest
from playwright.sync_api import expect

from mailgateway import ingest
from mailgateway.models import InboundMessage
from tests.browser.conftest import sign_in
from tests.mail.helpers import make_mail

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_word_only_in_a_mail_body_finds_the_ticket_highlighted(page, agent, queue, customer, screenshot):
    record = ingest.receive(
        make_mail(
            sender=customer.email,
            to=queue.email_addresses,
            subject="Office equipment",
            body="Hello,\n\nthe flux capacitor in room Oak hums loudly since Monday.\n\nAlice",
        ),
        source="pipe",
    )
    assert record.status == InboundMessage.Status.IMPORTED, record.error
    ticket = record.ticket

    sign_in(page, agent)

    box = page.locator("nav.agent-nav input[name=q]")
    box.fill("CAPACITOR")
    box.press("Enter")
    row = page.locator(f"tr[data-ticket='{ticket.number}']")
    expect(row).to_be_visible()
    expect(row.locator(".search-snippet mark")).to_have_text("capacitor")
    assert "flux" in row.locator(".search-snippet").inner_text()
    expect(page.locator("tbody tr")).to_have_count(1)
    screenshot(page, "agent-search")

    page.click("#search-criteria-box summary")  # the criteria load when opened
    page.select_option("#search-criteria #id_queue", str(queue.pk))
    page.click("#search-criteria button[type=submit]")
    expect(page.locator(f"tr[data-ticket='{ticket.number}'] .search-snippet mark")).to_have_text("capacitor")

    box = page.locator("nav.agent-nav input[name=q]")
    box.fill(ticket.number)
    box.press("Enter")
    expect(page.locator("#ticket-title")).to_contain_text("Office equipment")
