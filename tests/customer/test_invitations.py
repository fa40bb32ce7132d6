"""Invitations, self-registration and the "check ticket status" request."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.invitations import InvitationError, invite_customer
from accounts.models import Invitation, User
from tickets import services
from tickets.message import Message

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    return re.search(r"http://localhost:8000(/customer/\S+)", message.body).group(1)


def without_tokens(response) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", response.content.decode())


def choose_password(client, path, password="a-Good-passphrase-9"):
    response = client.get(path)  # Django swaps the token into the session and redirects
    assert response.status_code == 302
    form_url = response["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password}), form_url


@pytest.mark.smoke
def test_invited_customer_chooses_a_password_once_and_is_signed_in(
    client, agent, company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_customer(email="Dora@Acme.example", invited_by=agent, first_name="Dora", company=company)
    user = invitation.user
    assert (user.kind, user.email, user.company, user.has_usable_password()) == (
        "customer",
        "dora@acme.example",
        company,
        False,
    )
    assert len(mail.outbox) == 1 and "invited you" in mail.outbox[0].body
    path = link_in(mail.outbox[0])
    response, form_url = choose_password(client, path)
    assert response["Location"] == reverse("customer:tickets")
    assert client.get(reverse("customer:tickets")).status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    client.logout()
    assert "This link has expired" in client.get(path, follow=True).content.decode()


def test_agents_addresses_and_customers_cannot_be_invited_wrongly(agent, customer):
    with pytest.raises(InvitationError):
        invite_customer(email=agent.email, invited_by=agent)
    with pytest.raises(InvitationError):
        invite_customer(email="x@example.com", invited_by=customer)


def test_management_command_invites(agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("invite_customer", "eve@example.com", "--invited-by", agent.username)
    assert Invitation.objects.get().invited_by == agent
    assert mail.outbox[0].to == ["eve@example.com"]


def test_registration_is_closed_by_default(client):
    assert client.get(reverse("customer:register")).status_code == 404


def test_self_registration_verifies_the_address_before_sign_in(client, settings, django_capture_on_commit_callbacks):
    settings.HELPDESK_CUSTOMER_SELF_REGISTRATION = True
    assert "Create an account" in client.get(reverse("customer:login")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("customer:register"), {"first_name": "Fay", "email": "fay@example.com"})
    assert "Check your email" in response.content.decode()
    user = User.objects.get(email="fay@example.com")
    assert user.is_customer and not user.has_usable_password()
    response, _ = choose_password(client, link_in(mail.outbox[0]))
    assert response["Location"] == reverse("customer:tickets")
    assert Invitation.objects.get(user=user).self_registered


def test_registration_answers_the_same_for_a_known_address(
    client, settings, customer, django_capture_on_commit_callbacks
):
    settings.HELPDESK_CUSTOMER_SELF_REGISTRATION = True
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("customer:register"), {"first_name": "X", "email": customer.email})
    assert "Check your email" in response.content.decode()
    assert User.objects.filter(email=customer.email).count() == 1
    assert "already have an account" in mail.outbox[0].body


def test_registration_honeypot(client, settings):
    settings.HELPDESK_CUSTOMER_SELF_REGISTRATION = True
    response = client.post(
        reverse("customer:register"), {"first_name": "Bot", "email": "bot@example.com", "website": "x"}
    )
    assert response.status_code == 400 and "looks automated" in response.content.decode()
    assert not User.objects.filter(email="bot@example.com").exists()


def test_email_requester_gets_a_magic_link_for_their_ticket(client, queue):
    ticket = services.create_ticket(
        actor=None,
        queue=queue,
        title="Mail ticket",
        message=Message(body_text="hi", channel="email", from_address="Gus <gus@x.example>"),
    )
    url = reverse("customer:status_request")
    answer = client.post(url, {"email": "gus@x.example", "number": ticket.number})
    assert "Check your email" in answer.content.decode()
    path = link_in(mail.outbox[0])
    assert "Mail ticket" in client.get(path).content.decode()
    wrong = client.post(url, {"email": "mallory@evil.example", "number": ticket.number})
    assert without_tokens(wrong).replace("mallory@evil.example", "gus@x.example") == without_tokens(answer)
    assert len(mail.outbox) == 1


def test_status_request_with_a_bad_address_is_refused_with_a_message(client):
    response = client.post(reverse("customer:status_request"), {"email": "nope", "number": ""})
    assert response.status_code == 400 and "Enter a valid email address." in response.content.decode()
