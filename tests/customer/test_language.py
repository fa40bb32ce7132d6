"""The customer's saved language: applied at sign-in, and kept when they pick another one."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/customer/login/"


def page_lang(client, url=None) -> str:
    html = client.get(url or reverse("customer:tickets")).content.decode()
    return html.split("<html lang=", 1)[1].split(">", 1)[0].strip('"')


@pytest.mark.smoke
def test_customer_with_russian_saved_gets_russian_pages_after_login(client, customer):
    customer.language = "ru"
    customer.save(update_fields=["language"])
    assert page_lang(client, LOGIN) == "en"
    response = client.post(LOGIN, {"username": customer.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert page_lang(client) == "ru"
    assert page_lang(client, reverse("customer:ticket_new")) == "ru"


def test_picking_a_language_while_signed_in_saves_it(client, customer):
    client.force_login(customer)
    response = client.post(reverse("customer:set_language"), {"language": "pl", "next": "/customer/"})
    assert response.status_code == 302 and response["Location"] == "/customer/"
    customer.refresh_from_db()
    assert customer.language == "pl"
    assert page_lang(client) == "pl"


def test_saved_choice_comes_back_in_a_new_browser(client, customer):
    client.force_login(customer)
    client.post(reverse("customer:set_language"), {"language": "cs", "next": "/customer/"})
    client.post(reverse("customer:logout"))
    client.cookies.clear()
    client.post(LOGIN, {"username": customer.username, "password": PASSWORD})
    assert page_lang(client) == "cs"


def test_anonymous_visitors_can_pick_a_language_without_an_account(client):
    response = client.post(reverse("customer:set_language"), {"language": "ru", "next": LOGIN})
    assert response["Location"] == LOGIN
    assert page_lang(client, LOGIN) == "ru"


def test_unknown_language_is_not_saved(client, customer):
    client.force_login(customer)
    client.post(reverse("customer:set_language"), {"language": "xx", "next": "/customer/"})
    customer.refresh_from_db()
    assert customer.language == "en"


def test_language_switch_redirect_stays_on_site(client, customer):
    client.force_login(customer)
    response = client.post(reverse("customer:set_language"), {"language": "pl", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_language_switch_is_post_only(client, customer):
    client.force_login(customer)
    assert client.get(reverse("customer:set_language") + "?language=pl").status_code == 405
    customer.refresh_from_db()
    assert customer.language == "en"


def test_choosing_the_password_from_an_invitation_signs_in_with_the_saved_language(
    client, agent, django_capture_on_commit_callbacks
):
    from django.core import mail

    from accounts.invitations import invite_customer
    from tests.customer.test_invitations import choose_password, link_in

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_customer(email="ivan@example.com", invited_by=agent)
    invitation.user.language = "ru"
    invitation.user.save(update_fields=["language"])
    response, _form_url = choose_password(client, link_in(mail.outbox[0]))
    assert response.status_code == 302
    assert page_lang(client) == "ru"
