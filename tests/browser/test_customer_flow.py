"""A customer's whole visit in headless Chromium: file, follow, get an answer, close, rate."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tickets import services
from tickets.message import Message
from tickets.models import SatisfactionRating, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_customer_files_follows_closes_and_rates_a_request(page, customer, agent, queue, screenshot, tmp_path):
    page.goto("/")
    page.fill("#id_username", customer.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/customer/")

    page.click("text=New request")
    page.fill("#id_subject", "Projector in room 4 shows no picture")
    page.fill("#id_description", "The lamp is on but the screen stays blue.\nWe tried another cable.")
    page.select_option("#id_queue", str(queue.pk))
    photo = tmp_path / "screen.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n fake image")
    page.set_input_files("#id_attachments", str(photo))
    screenshot(page, "customer-new")
    page.click("button:has-text('Send request')")

    ticket = Ticket.objects.get(customer=customer)
    page.wait_for_url(f"**/customer/tickets/{ticket.pk}/")
    assert f"Your request has the number {ticket.number}" in page.content()
    assert "screen.png" in page.content()

    page.click("nav >> text=My requests")
    page.wait_for_url("**/customer/")
    expect(page.locator("main")).to_contain_text("Projector in room 4")
    expect(page.locator("main")).to_contain_text(ticket.number)
    screenshot(page, "customer-tickets")

    services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(channel="email", body_text="Please press the Source button twice."),
    )
    services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(channel="note", body_text="Internal: room 4 is cursed", is_visible_to_customer=False),
    )

    page.click("text=Projector in room 4")
    page.wait_for_url(f"**/customer/tickets/{ticket.pk}/")
    expect(page.locator("main")).to_contain_text("Please press the Source button twice.")
    body = page.content()
    assert "Please press the Source button twice." in body and "cursed" not in body

    page.fill("#id_body", "That worked, thank you!")
    page.click("button:has-text('Send reply')")
    expect(page.locator("body")).to_contain_text("Your reply was added.")
    page.click("button:has-text('close this request')")
    expect(page.locator("body")).to_contain_text("Your request was closed")

    page.check("input[name=score][value='5']")
    page.fill("#id_comment", "Fast and friendly")
    page.click("button:has-text('Send rating')")
    expect(page.locator("body")).to_contain_text("Thank you for your rating!")
    assert "Fast and friendly" in page.content()
    screenshot(page, "customer-ticket")

    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert (rating.score, rating.comment) == (5, "Fast and friendly")
    ticket.refresh_from_db()
    assert not ticket.is_open


def test_language_picker_switches_the_panel_language(page, customer, own_ticket_for_browser):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto("/customer/login/")
    page.fill("#id_username", customer.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"/customer/tickets/{own_ticket_for_browser.pk}/")
    page.select_option("#language-picker", "pl")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    assert page.url.endswith(f"/customer/tickets/{own_ticket_for_browser.pk}/")
    assert not [e for e in errors if "Content Security Policy" in e], errors


@pytest.fixture
def own_ticket_for_browser(customer, queue):
    return services.create_ticket(
        actor=customer,
        queue=queue,
        title="Keyboard",
        message=Message(body_text="Keys stick."),
    )
