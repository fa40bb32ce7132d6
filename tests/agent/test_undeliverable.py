"""An address a bounce marked undeliverable: shown on the customer (zoom, admin), cleared by an agent with rw."""

import pytest
from django.urls import reverse

from mailgateway import ingest
from mailgateway.models import OutgoingMail, UndeliverableAddress
from tests.agent.conftest import login
from tests.mail import bounce_mails

pytestmark = pytest.mark.django_db


@pytest.fixture
def bounced(ticket, customer) -> UndeliverableAddress:
    """The customer's address, marked by a real bounce of the acknowledgement we sent."""
    ack = OutgoingMail.objects.create(
        kind=OutgoingMail.Kind.ACKNOWLEDGEMENT,
        message_id="<ack-zoom@support.example.com>",
        ticket=ticket,
        from_address="support@support.example.com",
        to=customer.email,
    )
    record = ingest.receive(bounce_mails.report_with_message(ack.message_id, customer.email), source="pipe")
    assert record.status == "imported" and record.ticket == ticket, record.error
    return UndeliverableAddress.objects.get(address=customer.email)


def zoom(client, ticket) -> str:
    return client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()


def test_zoom_shows_the_mark_in_the_customer_box_with_a_clear_button(client, agent, ticket, customer, bounced):
    html = zoom(login(client, agent), ticket)
    box = html.split('id="customer-undeliverable"', 1)[1].split('class="card-header', 1)[0]
    assert f"{customer.email} is marked undeliverable" in box
    assert "550 5.1.1 User unknown" in box
    assert reverse("agent:clear_undeliverable", args=[ticket.pk]) in box


def test_agent_with_rw_clears_the_mark(client, agent, ticket, customer, bounced):
    response = login(client, agent).post(
        reverse("agent:clear_undeliverable", args=[ticket.pk]), {"address": customer.email}, follow=True
    )
    assert f"{customer.email} is no longer marked undeliverable." in response.content.decode()
    assert not UndeliverableAddress.objects.exists()
    assert 'id="customer-undeliverable"' not in zoom(client, ticket)


def test_read_only_agent_sees_the_mark_but_cannot_clear_it(client, readonly_agent, ticket, customer, bounced):
    login(client, readonly_agent)
    html = zoom(client, ticket)
    assert 'id="customer-undeliverable"' in html
    assert reverse("agent:clear_undeliverable", args=[ticket.pk]) not in html
    response = client.post(reverse("agent:clear_undeliverable", args=[ticket.pk]), {"address": customer.email})
    assert response.status_code == 403
    assert UndeliverableAddress.objects.filter(address=customer.email).exists()


def test_outsider_gets_404_and_the_mark_stays(client, outsider_agent, ticket, customer, bounced):
    response = login(client, outsider_agent).post(
        reverse("agent:clear_undeliverable", args=[ticket.pk]), {"address": customer.email}
    )
    assert response.status_code == 404
    assert UndeliverableAddress.objects.exists()


def test_an_address_of_another_ticket_cannot_be_cleared_through_this_one(client, agent, ticket, bounced):
    UndeliverableAddress.objects.create(address="stranger@elsewhere.example", reason="550")
    response = login(client, agent).post(
        reverse("agent:clear_undeliverable", args=[ticket.pk]), {"address": "stranger@elsewhere.example"}, follow=True
    )
    assert "does not belong to this ticket" in response.content.decode()
    assert UndeliverableAddress.objects.filter(address="stranger@elsewhere.example").exists()


def test_customer_admin_page_shows_the_mark_and_the_action_clears_it(client, admin_user, customer, bounced):
    client.force_login(admin_user)
    page = client.get(reverse("admin:accounts_user_change", args=[customer.pk])).content.decode()
    assert "undeliverable since" in page and "550 5.1.1 User unknown" in page

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "clear_undeliverable", "_selected_action": [customer.pk]},
        follow=True,
    )
    assert "1 undeliverable mark cleared." in response.content.decode()
    assert not UndeliverableAddress.objects.exists()
