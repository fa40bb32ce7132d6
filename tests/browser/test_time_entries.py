"""Time accounting in a real browser: open the zoom's Time section, add an entry, change it, delete it."""

import pytest

from tests.browser.conftest import sign_in
from tickets.models import Ticket, TimeEntry

pytestmark = pytest.mark.django_db(transaction=True)


def open_time(page):
    page.click("#time-section .card-header button")
    page.wait_for_selector("#time-body.show")


def test_agent_adds_changes_and_deletes_time(page, agent, ticket, screenshot):
    sign_in(page, agent)
    page.goto(f"/agent/tickets/{ticket.pk}/")
    open_time(page)
    page.fill("#time-body input[name=minutes]", "15")
    page.fill("#time-body input[name=note]", "Replaced the fuser")
    page.click("#time-body form[data-action=time] button[type=submit]")
    page.wait_for_selector("text=Time accounted.")
    entry = TimeEntry.objects.get()
    assert (entry.minutes, entry.note, entry.billable, entry.author_id) == (15, "Replaced the fuser", True, agent.pk)

    open_time(page)
    row = f"#time-entry-{entry.pk}"
    assert "Replaced the fuser" in page.inner_text(row)
    screenshot(page, "agent-time")
    page.click(f"{row} summary")
    page.fill(f"{row} input[name=minutes]", "20")
    page.click(f"{row} details button[type=submit]")
    page.wait_for_selector("text=Time entry changed.")
    assert Ticket.objects.get(pk=ticket.pk).time_accounted == 20

    open_time(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"{row} button:has-text('Delete')")
    page.wait_for_selector("text=Time entry deleted.")
    assert not TimeEntry.objects.exists() and Ticket.objects.get(pk=ticket.pk).time_accounted == 0
