"""The agent panel's forms cannot put line breaks into a ticket's title or an article's subject."""

import pytest
from django.urls import reverse

from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_a_title_typed_with_line_breaks_is_stored_and_shown_as_one_line(agent_client, queue, customer):
    response = agent_client.post(
        reverse("agent:create", args=["phone"]),
        {"customer": customer.pk, "queue": queue.pk, "title": "Call\r\nabout\u2028VPN\x07", "body": "Cannot connect"},
    )

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.title == "Call about VPN"
    page = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert "Call about VPN" in page


def test_a_reply_subject_with_a_header_injection_is_one_line(agent_client, ticket, customer):
    response = agent_client.post(
        reverse("agent:compose", args=[ticket.pk, "note"]),
        {"subject": "Checked\r\nBcc: everyone@example.com", "body": "Fine.", "version": ticket.version},
    )

    assert response.status_code == 302
    assert ticket.articles.latest("id").subject == "Checked Bcc: everyone@example.com"
