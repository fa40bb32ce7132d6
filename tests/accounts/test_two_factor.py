"""Two-factor sign-in (authenticator app + recovery codes) for agents and administrators."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from helpdesk.admin_site import HelpdeskAdminSite
from tests.factories import PASSWORD, AgentFactory

pytestmark = pytest.mark.django_db

VERIFY = "/agent/two-factor/"
SETUP = "/agent/two-factor/setup/"
DASHBOARD = "/agent/"
RECOVERY = ["aaaa2222", "bbbb3333"]


def code_for(device: TOTPDevice) -> str:
    """What the agent's phone shows now: the TOTP of the device's key, computed here."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def give_app(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for token in RECOVERY:
        StaticToken.objects.create(device=recovery, token=token)
    return device


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff_agent(db):
    return AgentFactory(username="sam", is_staff=True, is_superuser=True)


def sign_in(client, user, url="/agent/login/", **extra):
    response = client.post(url, {"username": user.username, "password": PASSWORD, **extra})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


# Turning it on


def test_agent_turns_on_two_factor_in_preferences_and_gets_ten_recovery_codes(client, agent, frozen):
    client.force_login(agent)
    page = client.get(reverse("agent:preferences")).content.decode()
    assert "Two-factor authentication" in page and f'href="{SETUP}"' in page

    setup = client.get(SETUP)
    html = setup.content.decode()
    device = TOTPDevice.objects.get(user=agent, confirmed=False)
    assert setup.status_code == 200
    assert "<svg" in html and two_factor.secret(device) in html and "otpauth://totp/" in html

    done = client.post(SETUP, {"code": code_for(device)})
    html = done.content.decode()
    codes = list(StaticToken.objects.filter(device__user=agent).values_list("token", flat=True))
    assert done.status_code == 200
    assert len(codes) == 10 and all(code in html for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    # The session that turned it on is verified; the codes are not shown again.
    assert client.get(DASHBOARD).status_code == 200
    page = client.get(reverse("agent:preferences")).content.decode()
    assert "10 recovery codes left" in page and codes[0] not in page


def test_a_wrong_code_does_not_turn_two_factor_on(client, agent, frozen):
    client.force_login(agent)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=agent)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post(SETUP, {"code": wrong})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not two_factor.has_app(agent) and not StaticToken.objects.exists()


# Signing in


@pytest.mark.smoke
def test_sign_in_asks_for_the_code_once_it_is_on(client, agent, frozen):
    device = give_app(agent)
    sign_in(client, agent)
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next=/agent/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Enter the code your authenticator app shows" in page.content.decode()

    verified = client.post(VERIFY, {"code": code_for(device), "next": "/agent/"})
    assert verified.status_code == 302 and verified["Location"] == "/agent/"
    assert client.get(DASHBOARD).status_code == 200


def test_a_wrong_code_is_refused(client, agent, frozen):
    device = give_app(agent)
    sign_in(client, agent)
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert client.get(DASHBOARD).status_code == 302


def test_wrong_codes_are_throttled_even_the_right_one_must_wait(client, agent, frozen):
    device = give_app(agent)
    sign_in(client, agent)
    client.post(VERIFY, {"code": "000001" if code_for(device) != "000001" else "000002"})
    too_soon = client.post(VERIFY, {"code": code_for(device)})
    assert too_soon.status_code == 429
    assert "Too many wrong codes" in too_soon.content.decode()
    assert client.get(DASHBOARD).status_code == 302

    frozen.shift(timedelta(seconds=2))
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.smoke
def test_a_recovery_code_works_once(client, agent, frozen):
    give_app(agent)
    sign_in(client, agent)
    assert client.post(VERIFY, {"code": RECOVERY[0].upper()}).status_code == 302
    assert client.get(DASHBOARD).status_code == 200

    client.post(reverse("agent:logout"))
    sign_in(client, agent)
    again = client.post(VERIFY, {"code": RECOVERY[0]})
    assert again.status_code == 400
    assert client.get(DASHBOARD).status_code == 302
    assert list(StaticToken.objects.values_list("token", flat=True)) == [RECOVERY[1]]


def test_signing_in_on_the_customer_login_does_not_skip_the_code(client, agent, frozen):
    give_app(agent)
    sign_in(client, agent, url="/customer/login/")
    assert client.get(DASHBOARD)["Location"].startswith(VERIFY)
    assert client.get("/customer/").status_code == 302


def test_agents_without_two_factor_sign_in_as_before(client, agent):
    sign_in(client, agent)
    assert client.get(DASHBOARD).status_code == 200


def test_customers_are_never_asked_even_when_agents_must_use_it(client, customer, settings):
    settings.HELPDESK_AGENT_2FA_REQUIRED = True
    sign_in(client, customer, url="/customer/login/")
    assert client.get(reverse("customer:tickets")).status_code == 200
    assert client.get(VERIFY).status_code == 404


# Required for all agents


def test_the_required_setting_sends_an_agent_without_an_app_to_set_one_up_first(client, agent, settings, frozen):
    settings.HELPDESK_AGENT_2FA_REQUIRED = True
    sign_in(client, agent)
    response = client.get(DASHBOARD, follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP)
    assert "Two-factor authentication is required for agents" in response.content.decode()
    assert client.get("/agent/queues/").status_code == 302

    device = TOTPDevice.objects.get(user=agent, confirmed=False)
    assert client.post(SETUP, {"code": code_for(device), "next": "/agent/"}).status_code == 200
    assert client.get(DASHBOARD).status_code == 200


def test_when_required_the_app_cannot_be_turned_off(client, agent, settings, frozen):
    settings.HELPDESK_AGENT_2FA_REQUIRED = True
    device = give_app(agent)
    sign_in(client, agent)
    client.post(VERIFY, {"code": code_for(device)})
    frozen.shift(timedelta(seconds=31))
    client.post(reverse("two_factor:disable"), {"code": code_for(device)})
    assert two_factor.has_app(agent)


def test_an_agent_turns_it_off_with_a_current_code(client, agent, frozen):
    device = give_app(agent)
    sign_in(client, agent)
    client.post(VERIFY, {"code": RECOVERY[0]})
    refused = client.post(reverse("two_factor:disable"), {"code": "12"}, follow=True)
    assert "stays on" in refused.content.decode() and two_factor.has_app(agent)
    client.post(reverse("two_factor:disable"), {"code": code_for(device)})
    assert not two_factor.has_app(agent) and not StaticToken.objects.exists()


# The admin


def test_the_admin_requires_the_code_too(client, staff_agent, frozen):
    device = give_app(staff_agent)
    sign_in(client, staff_agent, url="/admin/login/", next="/admin/")
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next=/admin/"
    assert client.get("/admin/accounts/user/").status_code == 302

    assert client.post(VERIFY, {"code": code_for(device), "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_site_refuses_an_unverified_session_by_itself(staff_agent):
    give_app(staff_agent)
    request = RequestFactory().get("/admin/")
    request.user = staff_agent
    request.session = {}
    staff_agent.is_verified = lambda: False
    assert not HelpdeskAdminSite().has_permission(request)
    staff_agent.is_verified = lambda: True
    assert HelpdeskAdminSite().has_permission(request)


def test_an_administrator_resets_an_agents_two_factor(client, admin_user, agent, frozen):
    give_app(agent)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [agent.pk]},
        follow=True,
    )
    assert "Two-factor authentication was reset for 1 user" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert not StaticDevice.objects.filter(user=agent).exists()

    client.post("/admin/logout/")
    sign_in(client, agent)
    assert client.get(DASHBOARD).status_code == 200


def test_turning_it_on_reaches_the_agents_other_signed_in_sessions(client, agent, frozen):
    other_browser = Client()
    other_browser.force_login(agent)
    assert other_browser.get(DASHBOARD).status_code == 200

    client.force_login(agent)
    client.get(SETUP)
    client.post(SETUP, {"code": code_for(TOTPDevice.objects.get(user=agent))})
    assert two_factor.has_app(agent)
    response = other_browser.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_a_session_waiting_for_the_code_gets_through_once_the_admin_reset_it(client, agent, frozen):
    give_app(agent)
    sign_in(client, agent)
    two_factor.reset(agent)
    response = client.get(VERIFY + "?next=/agent/")
    assert response.status_code == 302 and response["Location"] == "/agent/"
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize(("method", "url"), [("get", VERIFY), ("get", SETUP), ("post", "/agent/two-factor/off/")])
def test_the_two_factor_pages_are_for_signed_in_agents_only(client, customer, method, url):
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/agent/login/")
    client.force_login(customer)
    assert getattr(client, method)(url).status_code == 404
    assert not TOTPDevice.objects.exists()
