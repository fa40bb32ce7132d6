"""A manager in a real browser: builds a report, previews its chart, saves it and downloads its PDF."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Permission
from tests.browser.conftest import sign_in
from tests.factories import AgentFactory, QueueFactory, grant
from tickets.message import Message
from tickets.services import create_ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def manager(queue):
    user = AgentFactory(username="maria", first_name="Maria", last_name="Manager")
    grant(user, queue, Permission.RW, Permission.REPORTS)
    return user


@pytest.fixture
def recent_tickets(admin_user, queue, manager):
    """A fortnight of tickets in two queues the manager sees."""
    sales = QueueFactory(name="Sales", group=queue.group)
    now = timezone.now()
    for day in range(14):
        for i in range(day % 4 + 1):
            with time_machine.travel(now - timedelta(days=day, minutes=i), tick=False):
                create_ticket(
                    actor=admin_user,
                    queue=queue if i % 2 == 0 else sales,
                    title=f"Request {day}-{i}",
                    message=Message(body_text="x", channel="phone"),
                )


def test_manager_builds_previews_saves_and_downloads_a_report(page, manager, recent_tickets, screenshot):
    sign_in(page, manager)
    page.click("nav >> text=Reports")
    page.click("text=Report builder")

    page.select_option("#id_metric", "count")
    page.select_option("#id_by", "day")
    page.select_option("#id_then", "queue")
    page.select_option("#id_period", "last_30")
    page.click("button:has-text('Preview')")
    chart = page.wait_for_selector("svg.report-chart")
    assert chart.is_visible() and chart.bounding_box()["height"] > 150
    assert "Sales" in page.inner_text(".report-table")
    screenshot(page, "reports-builder")

    page.fill("#id_name", "Daily intake per queue")
    page.select_option("#id_visibility", "all")
    page.click("button:has-text('Save report')")
    page.wait_for_selector("h2.report-title")
    assert "Daily intake per queue" in page.inner_text("h2.report-title")
    assert page.locator("svg.report-chart").is_visible()

    with page.expect_download() as download:
        page.click("a:has-text('PDF')")
    content = open(download.value.path(), "rb").read()
    assert content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Daily intake per queue" in text and "Sales" in text
