"""Signing in and out, lockout, agents sent to their panel, signed links."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, state
from tickets import services
from tickets.customer_access import rating_url, read_status_token, status_token, ticket_status_url
from tickets.message import Message
from tickets.models import SatisfactionRating

LOGIN = reverse("customer:login")


def local(url: str) -> str:
    return url.split("localhost:8000", 1)[-1]


@pytest.mark.smoke
def test_customer_logs_in_and_lands_on_my_requests(client, customer):
    response = client.post(LOGIN, {"username": customer.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("customer:tickets")
    assert "My requests" in client.get(response["Location"]).content.decode()


def test_site_root_leads_customers_to_the_login(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/customer/login/")


def test_wrong_password_is_refused_the_same_for_unknown_users(client, customer):
    known = client.post(LOGIN, {"username": customer.username, "password": "wrong"})
    unknown = client.post(LOGIN, {"username": "nobody-here", "password": "wrong"})
    assert known.status_code == unknown.status_code == 200
    assert "Please enter a correct" in known.content.decode()
    assert "Please enter a correct" in unknown.content.decode()


def test_repeated_failures_lock_the_account_out_for_a_while(client, customer, settings):
    settings.HELPDESK_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post(LOGIN, {"username": customer.username, "password": "wrong"})
    response = client.post(LOGIN, {"username": customer.username, "password": PASSWORD})
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    other = client.post(LOGIN, {"username": "nobody", "password": "x"})
    assert "Too many failed attempts" not in other.content.decode()


def test_an_agent_logging_in_here_goes_to_the_agent_panel(client, agent):
    response = client.post(LOGIN + "?next=/customer/tickets/new/", {"username": agent.username, "password": PASSWORD})
    assert response["Location"] == "/agent/"
    assert client.get(reverse("customer:tickets"))["Location"] == "/agent/"


def test_login_next_stays_on_this_site(client, customer):
    response = client.post(LOGIN + "?next=https://evil.example/", {"username": customer.username, "password": PASSWORD})
    assert response["Location"] == reverse("customer:tickets")


def test_logout_is_a_post(customer_client):
    assert customer_client.get(reverse("customer:logout")).status_code == 405
    customer_client.post(reverse("customer:logout"))
    assert customer_client.get(reverse("customer:tickets")).status_code == 302


def test_password_reset_answers_the_same_for_unknown_addresses(client, customer, queued_mail):
    url = reverse("customer:password_reset")
    with queued_mail():
        known = client.post(url, {"email": customer.email})
        unknown = client.post(url, {"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1 and "/customer/set-password/" in mail.outbox[0].body


def test_password_reset_mails_are_rate_limited_per_address(client, customer, queued_mail):
    with queued_mail():
        for _ in range(5):
            client.post(reverse("customer:password_reset"), {"email": customer.email})
    assert len(mail.outbox) == 3


def test_language_picker_is_on_every_page(client):
    page = client.get(LOGIN).content.decode()
    assert 'action="/customer/language/"' in page and 'value="pl"' in page


# Signed one-click rating link


def test_rating_link_needs_no_login_and_rates_once(client, own_ticket, customer):
    services.change_state(ticket=own_ticket, actor=customer, state=state("closed successful"))
    url = local(rating_url(own_ticket, score=5))
    page = client.get(url)
    assert page.status_code == 200 and 'value="5"' in page.content.decode() and "checked" in page.content.decode()
    assert not SatisfactionRating.objects.exists()  # GET changes nothing
    client.post(url, {"score": 5, "comment": "Great"})
    client.post(url, {"score": 1})
    rating = SatisfactionRating.objects.get()
    assert (rating.ticket, rating.score, rating.comment) == (own_ticket, 5, "Great")
    assert "Thank you for your feedback" in client.get(url).content.decode()


def test_rating_link_for_an_open_ticket_refuses_with_a_message(client, own_ticket):
    response = client.post(local(rating_url(own_ticket)), {"score": 3})
    assert response.status_code == 400 and "once it is closed" in response.content.decode()


def test_forged_or_expired_links_are_404(client, own_ticket, customer):
    good = local(rating_url(own_ticket))
    assert client.get(good[:-3] + "xx/").status_code == 404
    assert client.get(reverse("customer:rate", args=["not-a-token"])).status_code == 404
    token = status_token(own_ticket, customer.email)
    assert read_status_token(token, max_age=-1) is None
    assert client.get(reverse("customer:ticket_status", args=[token[:-2] + "aa"])).status_code == 404


@pytest.mark.smoke
def test_magic_status_link_shows_that_one_ticket_without_login(client, own_ticket, others_ticket, customer, agent):
    services.add_article(
        ticket=own_ticket,
        actor=agent,
        message=Message(channel="note", body_text="SECRET", is_visible_to_customer=False),
    )
    url = local(ticket_status_url(own_ticket, customer.email))
    page = client.get(url).content.decode()
    assert own_ticket.title in page and "Since Monday." in page
    assert "SECRET" not in page and others_ticket.title not in page
    attachment = own_ticket.articles.first().attachments.get()
    token = url.rstrip("/").rsplit("/", 1)[-1]
    download = client.get(reverse("customer:status_attachment", args=[token, attachment.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    theirs = others_ticket.articles.get().attachments.get()
    assert client.get(reverse("customer:status_attachment", args=[token, theirs.pk])).status_code == 404


def test_failures_slow_down_before_the_lockout(client, customer, settings):
    settings.HELPDESK_LOGIN_MAX_FAILURES = 10
    for _ in range(3):
        client.post(LOGIN, {"username": customer.username, "password": "wrong"})
    response = client.post(LOGIN, {"username": customer.username, "password": PASSWORD})
    assert "Please wait a moment" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_invited_customer_without_password_can_ask_for_a_new_link(client, agent, queued_mail):
    from accounts.invitations import invite_customer

    with queued_mail():
        invite_customer(email="hal@example.com", invited_by=agent)
    with queued_mail():
        client.post(reverse("customer:password_reset"), {"email": "hal@example.com"})
    assert len(mail.outbox) == 2 and "/customer/set-password/" in mail.outbox[1].body
