"""Every customer screen renders, with its heading, for the visitor it is meant for."""

import pytest
from django.urls import reverse

from tests.factories import state
from tickets import services
from tickets.customer_access import rating_url, ticket_status_url

ANONYMOUS_SCREENS = [
    ("customer:login", "Sign in"),
    ("customer:password_reset", "Reset your password"),
    ("customer:password_reset_done", "Check your email"),
    ("customer:status_request", "Check a request's status"),
]


@pytest.mark.parametrize(("name", "heading"), ANONYMOUS_SCREENS)
def test_public_screens(client, db, name, heading):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert heading in response.content.decode()
    assert 'name="language"' in response.content.decode()


def test_signed_in_screens(customer_client, own_ticket):
    for url, heading in [
        (reverse("customer:tickets"), "My requests"),
        (reverse("customer:ticket_new"), "How can we help?"),
        (reverse("customer:ticket", args=[own_ticket.pk]), own_ticket.title),
    ]:
        response = customer_client.get(url)
        assert response.status_code == 200 and heading in response.content.decode(), url


def test_signed_link_screens(client, own_ticket, customer):
    services.change_state(ticket=own_ticket, actor=customer, state=state("closed successful"))
    for url, heading in [
        (rating_url(own_ticket), "How satisfied are you?"),
        (ticket_status_url(own_ticket, customer.email), "personal link"),
    ]:
        response = client.get(url.split("localhost:8000", 1)[1])
        assert response.status_code == 200 and heading in response.content.decode(), url


def test_a_used_or_broken_set_password_link_says_so(client, db):
    response = client.get(reverse("customer:set_password", args=["MQ", "bad-token"]))
    assert "This link has expired" in response.content.decode()


def test_rating_link_with_a_bad_score_keeps_the_comment(client, own_ticket, customer):
    services.change_state(ticket=own_ticket, actor=customer, state=state("closed successful"))
    response = client.post(rating_url(own_ticket).split("localhost:8000", 1)[1], {"score": "", "comment": "Nice"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page and "Nice" in page


def test_ratings_are_listed_for_administrators(client, admin_user, own_ticket, customer):
    services.change_state(ticket=own_ticket, actor=customer, state=state("closed successful"))
    services.rate_ticket(ticket=own_ticket, actor=customer, score=2, comment="Slow answer")
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    page = client.get("/admin/tickets/satisfactionrating/").content.decode()
    assert "Slow answer" in page and own_ticket.number in page
