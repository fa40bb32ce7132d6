"""Filing a new request, and every bad input: each gets a clear message and loses nothing."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import QueueFactory
from tickets.models import Ticket

URL = reverse("customer:ticket_new")


def nonce(client) -> str:
    html = client.get(URL).content.decode()
    return re.search(r'name="nonce" value="([^"]+)"', html).group(1)


def post(client, **fields):
    data = {"subject": "Printer jams", "description": "Every second page.", "nonce": nonce(client)}
    data.update(fields)
    data["queue"] = fields.get("queue", data.get("queue")) or client._queue.pk
    return client.post(URL, data)


@pytest.fixture
def c(customer_client, queue):
    customer_client._queue = queue
    return customer_client


@pytest.mark.smoke
def test_new_request_shows_the_number_at_once(c, customer):
    upload = SimpleUploadedFile("photo.png", b"\x89PNG fake", content_type="image/png")
    response = post(c, attachments=[upload])
    ticket = Ticket.objects.get(customer=customer)
    assert response.status_code == 302
    assert response["Location"] == reverse("customer:ticket", args=[ticket.pk])
    page = c.get(response["Location"]).content.decode()
    assert f"Your request has the number {ticket.number}" in page
    assert "photo.png" in page
    assert ticket.articles.get().attachments.get().filename == "photo.png"


def test_only_customer_selectable_queues_are_offered_and_accepted(c, queue, other_queue, customer):
    page = c.get(URL).content.decode()
    assert queue.name in page and other_queue.name not in page
    response = post(c, queue=other_queue.pk)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Ticket.objects.filter(customer=customer).exists()


def test_customer_fields_cannot_set_owner_or_state(c, customer, agent):
    post(c, owner=agent.pk, state=99, customer=agent.pk)
    ticket = Ticket.objects.get(customer=customer)
    assert ticket.owner is None and ticket.state.name == "new"


def test_empty_subject_is_refused_and_description_kept(c, customer):
    response = post(c, subject="   ", description="Keep this text please")
    page = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in page or "Please enter a subject." in page
    assert "Keep this text please" in page
    assert not Ticket.objects.filter(customer=customer).exists()


def test_oversized_attachment_is_refused_with_the_limit(c, customer, settings):
    settings.HELPDESK_MAX_ATTACHMENT_MB = 1
    big = SimpleUploadedFile("huge.zip", b"x" * (1024 * 1024 + 1), content_type="application/zip")
    response = post(c, description="My long text", attachments=[big])
    page = response.content.decode()
    assert response.status_code == 400
    assert "huge.zip" in page and "the limit is 1 MB per file" in page
    assert "My long text" in page and "Printer jams" in page
    assert not Ticket.objects.filter(customer=customer).exists()


def test_executable_attachment_is_refused(c, customer):
    exe = SimpleUploadedFile("setup.exe", b"MZ...", content_type="application/octet-stream")
    response = post(c, attachments=[exe])
    assert response.status_code == 400
    assert "programs and scripts (.exe) are not accepted" in response.content.decode()
    assert not Ticket.objects.filter(customer=customer).exists()


def test_filled_honeypot_is_refused_with_a_message(c, customer):
    response = post(c, website="http://spam.example")
    assert response.status_code == 400
    assert "looks automated" in response.content.decode()
    assert not Ticket.objects.filter(customer=customer).exists()


def test_double_submit_creates_one_ticket_and_leads_to_it(c, customer, queue):
    data = {"subject": "Once", "description": "Only once", "queue": queue.pk, "nonce": nonce(c)}
    first = c.post(URL, data)
    second = c.post(URL, data)
    ticket = Ticket.objects.get(customer=customer)
    assert first["Location"] == second["Location"] == reverse("customer:ticket", args=[ticket.pk])
    assert "already sent" in c.get(second["Location"]).content.decode()


def test_rate_limit_per_account(c, customer, settings):
    settings.HELPDESK_CUSTOMER_TICKETS_PER_HOUR = 2
    assert post(c).status_code == 302
    assert post(c).status_code == 302
    response = post(c, description="Third text kept")
    assert response.status_code == 429
    page = response.content.decode()
    assert "many requests in a short time" in page and "Third text kept" in page
    assert Ticket.objects.filter(customer=customer).count() == 2


def test_rate_limit_per_ip_address(c, customer, colleague, settings, queue):
    settings.HELPDESK_CUSTOMER_TICKETS_PER_HOUR_PER_IP = 1
    assert post(c).status_code == 302
    c.force_login(colleague)
    assert post(c).status_code == 429


def test_priority_can_be_chosen_when_allowed(c, customer, settings):
    from tests.factories import priority

    post(c, priority=priority(4).pk)
    assert Ticket.objects.get(customer=customer).priority.level == 4
    settings.HELPDESK_CUSTOMER_CAN_SET_PRIORITY = False
    assert 'name="priority"' not in c.get(URL).content.decode()


def test_inactive_selectable_queue_is_not_offered(c):
    QueueFactory(name="Old department", customer_selectable=True, is_active=False)
    assert "Old department" not in c.get(URL).content.decode()


def test_category_is_offered_and_stored(c, customer):
    from tickets.models import Category

    hardware = Category.objects.create(name="Hardware")
    Category.objects.create(name="Retired", is_active=False)
    page = c.get(URL).content.decode()
    assert "Hardware" in page and "Retired" not in page
    post(c, category=hardware.pk)
    assert Ticket.objects.get(customer=customer).category == hardware
