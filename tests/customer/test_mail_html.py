"""Mail HTML in the customer panel: shown as the agent panel shows it, without remote images."""

from django.urls import reverse

from tickets import services
from tickets.customer_access import status_token
from tickets.message import Message

TRACKED = '<p>Your invoice<img src="https://tracker.example/x" alt="pixel"> is attached.</p>'


def test_a_remote_image_in_a_message_is_dropped_from_the_customer_ticket_page(customer_client, own_ticket, agent):
    services.add_article(
        ticket=own_ticket,
        actor=agent,
        message=Message(channel="email", body_html=TRACKED),
    )

    html = customer_client.get(reverse("customer:ticket", args=[own_ticket.pk])).content.decode()

    assert "Your invoice" in html and "is attached." in html
    assert "tracker.example" not in html


def test_a_remote_image_is_dropped_from_the_status_link_page_too(client, own_ticket, customer, agent):
    services.add_article(
        ticket=own_ticket,
        actor=agent,
        message=Message(channel="email", body_html=TRACKED),
    )

    html = client.get(reverse("customer:ticket_status", args=[status_token(own_ticket, customer.email)])).content

    assert b"Your invoice" in html and b"tracker.example" not in html


def test_both_panels_show_the_same_cleaned_html(customer_client, own_ticket, agent, client):
    services.add_article(
        ticket=own_ticket,
        actor=agent,
        message=Message(
            channel="email",
            body_html='<p>See <a href="https://docs.example/faq">the FAQ</a><img src="https://t.example/1x.gif"></p>',
        ),
    )
    customer_html = customer_client.get(reverse("customer:ticket", args=[own_ticket.pk])).content.decode()
    client.force_login(agent)
    agent_html = client.get(reverse("agent:ticket", args=[own_ticket.pk])).content.decode()

    for html in (customer_html, agent_html):
        assert 'href="https://docs.example/faq"' in html
        assert "t.example" not in html
