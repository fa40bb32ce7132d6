"""Password spraying and distributed guessing are throttled on all three sign-in pages.

One client trying one password on many accounts is locked out per address; many clients trying
one account are locked out per account. A lockout answers 429 with the lockout text, and refuses
a correct password too.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, AgentFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

LOCKOUT_TEXT = "Too many failed attempts. Please wait 15 minutes and try again."
LOGIN_PAGES = {"customer": "/customer/login/", "agent": "/agent/login/", "admin": "/admin/login/"}


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.HELPDESK_LOGIN_MAX_FAILURES = 5
    settings.HELPDESK_LOGIN_MAX_FAILURES_PER_ADDRESS = 8
    settings.HELPDESK_LOGIN_MAX_FAILURES_PER_ACCOUNT = 12


@pytest.fixture
def staff_agent(db):
    return AgentFactory(username="sam", is_staff=True, is_superuser=True)


def spray(client, url, count, ip="203.0.113.7"):
    """One wrong password tried once on each of `count` different usernames, from one address."""
    for n in range(count):
        client.post(url, {"username": f"victim{n}", "password": "Summer2026!"}, REMOTE_ADDR=ip)


def user_for(page, customer, agent, staff_agent):
    return {"customer": customer, "agent": agent, "admin": staff_agent}[page]


@pytest.mark.smoke
@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_one_password_on_many_accounts_from_one_address_is_locked_out(client, page, customer, agent, staff_agent):
    url = LOGIN_PAGES[page]
    spray(client, url, 8)
    user = user_for(page, customer, agent, staff_agent)
    response = client.post(url, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert LOCKOUT_TEXT in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_another_address_still_signs_in_during_a_spraying_lockout(client, page, customer, agent, staff_agent):
    url = LOGIN_PAGES[page]
    spray(client, url, 8)
    user = user_for(page, customer, agent, staff_agent)
    response = client.post(url, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_spraying_below_the_address_limit_is_not_locked_out(client, customer):
    spray(client, LOGIN_PAGES["customer"], 7)
    response = client.post(
        LOGIN_PAGES["customer"], {"username": customer.username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 302


def test_the_address_lockout_holds_across_the_three_login_pages(client, agent):
    spray(client, LOGIN_PAGES["customer"], 4)
    spray(client, LOGIN_PAGES["admin"], 4)
    response = client.post(
        LOGIN_PAGES["agent"], {"username": agent.username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 429 and LOCKOUT_TEXT in response.content.decode()


def test_one_account_guessed_from_many_addresses_is_locked_out(client, agent):
    # Three wrong passwords from each of four addresses: no address nor pair reaches its own limit.
    for n in range(4):
        for _ in range(3):
            client.post(LOGIN_PAGES["agent"], {"username": agent.username, "password": "x"}, REMOTE_ADDR=f"192.0.2.{n}")
    response = client.post(
        LOGIN_PAGES["agent"], {"username": agent.username, "password": PASSWORD}, REMOTE_ADDR="192.0.2.99"
    )
    assert response.status_code == 429
    assert LOCKOUT_TEXT in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_the_per_account_lockout_answers_429_with_todays_text(client, page, customer, agent, staff_agent, settings):
    settings.HELPDESK_LOGIN_MAX_FAILURES = 3
    url = LOGIN_PAGES[page]
    user = user_for(page, customer, agent, staff_agent)
    for _ in range(3):
        client.post(url, {"username": user.username, "password": "wrong"})
    response = client.post(url, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert LOCKOUT_TEXT in response.content.decode()


def test_the_slow_down_before_the_lockout_also_answers_429(client, agent):
    for _ in range(3):
        client.post(LOGIN_PAGES["agent"], {"username": agent.username, "password": "wrong"})
    response = client.post(LOGIN_PAGES["agent"], {"username": agent.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Please wait a moment" in response.content.decode()


def test_a_plain_wrong_password_is_not_a_429(client, agent):
    response = client.post(LOGIN_PAGES["agent"], {"username": agent.username, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()


def test_admin_login_counts_failures_like_the_panels(client, staff_agent, settings):
    settings.HELPDESK_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post(LOGIN_PAGES["admin"], {"username": staff_agent.username, "password": "wrong"})
    response = client.post(LOGIN_PAGES["agent"], {"username": staff_agent.username, "password": PASSWORD})
    assert response.status_code == 429
    assert client.get(reverse("admin:index")).status_code == 302


# Behind a reverse proxy


def test_behind_a_trusted_proxy_each_client_has_its_own_lockout(client, customer, settings):
    settings.HELPDESK_TRUSTED_PROXIES = ["10.0.0.0/8"]
    via_proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(8):
        client.post(
            LOGIN_PAGES["customer"],
            {"username": f"victim{n}", "password": "Summer2026!"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            **via_proxy,
        )
    data = {"username": customer.username, "password": PASSWORD}
    attacker = client.post(LOGIN_PAGES["customer"], data, HTTP_X_FORWARDED_FOR="203.0.113.7", **via_proxy)
    assert attacker.status_code == 429
    # The proxy appends the address it saw (198.51.100.4); what the client put before it is ignored.
    neighbour = client.post(
        LOGIN_PAGES["customer"], data, HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.4", **via_proxy
    )
    assert neighbour.status_code == 302


def test_x_forwarded_for_from_an_untrusted_client_does_not_escape_the_lockout(client, customer):
    for n in range(8):
        client.post(
            LOGIN_PAGES["customer"],
            {"username": f"victim{n}", "password": "Summer2026!"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = client.post(
        LOGIN_PAGES["customer"],
        {"username": customer.username, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert response.status_code == 429


def test_a_malformed_trusted_proxy_setting_stops_start_up_and_says_why(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
            "HELPDESK_VAR_DIR": str(tmp_path),
            "HELPDESK_TRUSTED_PROXIES": "10.0.0.0/8,proxy.example",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "HELPDESK_TRUSTED_PROXIES" in result.stderr and "proxy.example" in result.stderr
