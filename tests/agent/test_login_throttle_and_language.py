"""The agent login is throttled like the customer login, and the agent's saved language applies from sign-in."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/agent/login/"


@pytest.mark.smoke
def test_repeated_failed_agent_logins_lock_the_account_out(client, agent, settings):
    settings.HELPDESK_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post(LOGIN, {"username": agent.username, "password": "wrong"})
    response = client.post(LOGIN, {"username": agent.username, "password": PASSWORD})
    assert "Too many failed attempts. Please wait 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    other = client.post(LOGIN, {"username": "nobody", "password": "x"})
    assert "Too many failed attempts" not in other.content.decode()


def test_failed_agent_logins_slow_down_before_the_lockout(client, agent, settings):
    settings.HELPDESK_LOGIN_MAX_FAILURES = 10
    for _ in range(3):
        client.post(LOGIN, {"username": agent.username, "password": "wrong"})
    response = client.post(LOGIN, {"username": agent.username, "password": PASSWORD})
    assert "Please wait a moment" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_shared_with_the_customer_login(client, agent, settings):
    settings.HELPDESK_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post(reverse("customer:login"), {"username": agent.username, "password": "wrong"})
    response = client.post(LOGIN, {"username": agent.username, "password": PASSWORD})
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_agent_login_clears_earlier_failures(client, agent, settings):
    settings.HELPDESK_LOGIN_MAX_FAILURES = 3
    client.post(LOGIN, {"username": agent.username, "password": "wrong"})
    client.post(LOGIN, {"username": agent.username, "password": "wrong"})
    assert client.post(LOGIN, {"username": agent.username, "password": PASSWORD}).status_code == 302
    client.post(reverse("agent:logout"))
    client.post(LOGIN, {"username": agent.username, "password": "wrong"})
    client.post(LOGIN, {"username": agent.username, "password": "wrong"})
    assert client.post(LOGIN, {"username": agent.username, "password": PASSWORD}).status_code == 302


def test_customers_are_still_sent_to_their_panel(client, customer):
    response = client.post(LOGIN, {"username": customer.username, "password": PASSWORD})
    assert "Go to the customer panel" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_agent_login_stores_the_saved_language(client, agent):
    agent.language = "pl"
    agent.save(update_fields=["language"])
    response = client.post(LOGIN, {"username": agent.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "pl"
    # Pages outside the agent decorator (here the password reset form) follow the cookie too.
    assert '<html lang="pl">' in client.get(reverse("agent:password_reset")).content.decode()
    assert '<html lang="pl">' in client.get(reverse("agent:dashboard")).content.decode()
