"""The zoom shows the customer's satisfaction rating, and invites the ticket's customer to the customer panel."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from tests.agent.conftest import login
from tests.factories import ArticleFactory
from tickets.message import Message
from tickets.models import SatisfactionRating

pytestmark = pytest.mark.django_db


def zoom(client, ticket):
    return client.get(reverse("agent:ticket", args=[ticket.pk]))


def invite_url(ticket):
    return reverse("agent:invite_customer", args=[ticket.pk])


@pytest.mark.smoke
def test_rated_ticket_shows_stars_score_and_comment(agent_client, ticket):
    SatisfactionRating.objects.create(ticket=ticket, score=4, comment="Quick <b>help</b>, thanks")
    page = zoom(agent_client, ticket).content.decode()
    assert 'id="ticket-rating"' in page
    assert "★★★★☆" in page and "4/5" in page
    assert "Quick &lt;b&gt;help&lt;/b&gt;, thanks" in page


def test_unrated_ticket_shows_no_rating(agent_client, ticket):
    page = zoom(agent_client, ticket).content.decode()
    assert 'id="ticket-rating"' not in page and "Satisfaction rating" not in page and "/5<" not in page


def test_rating_is_loaded_with_the_ticket_not_per_article(agent_client, agent, ticket, queue, customer):
    from tickets.services import create_ticket

    unrated = create_ticket(
        actor=agent,
        queue=queue,
        title="Other",
        customer=customer,
        message=Message(body_text="x", channel="phone"),
    )
    SatisfactionRating.objects.create(ticket=ticket, score=5, comment="Great")
    for t in (ticket, unrated):
        for _ in range(5):
            ArticleFactory(ticket=t, author=agent)
    zoom(agent_client, ticket)  # warm up: session, grants
    counts = []
    for t in (ticket, unrated):
        with CaptureQueriesContext(connection) as ctx:
            assert zoom(agent_client, t).status_code == 200
        counts.append(len(ctx.captured_queries))
        # Joined into the ticket's own query, never fetched on its own.
        assert not any('FROM "tickets_satisfactionrating"' in q["sql"] for q in ctx.captured_queries)
    assert counts[0] == counts[1]


def test_invite_button_shows_for_a_customer_who_never_signed_in(agent_client, ticket):
    assert invite_url(ticket) in zoom(agent_client, ticket).content.decode()
    assert "Invite to the customer panel" in zoom(agent_client, ticket).content.decode()


def test_no_invite_button_for_a_customer_who_uses_the_panel(agent_client, ticket, customer):
    customer.last_login = timezone.now()
    customer.save(update_fields=["last_login"])
    assert invite_url(ticket) not in zoom(agent_client, ticket).content.decode()


@pytest.mark.smoke
def test_invitation_mails_the_customer_a_one_time_link(
    agent_client, agent, ticket, customer, django_capture_on_commit_callbacks
):
    customer.set_unusable_password()
    customer.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(invite_url(ticket))
    assert response.status_code == 302 and response["Location"] == reverse("agent:ticket", args=[ticket.pk])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [customer.email]
    assert "/customer/set-password/" in message.body
    invitation = Invitation.objects.get(user=customer)
    assert invitation.invited_by == agent
    assert "Invitation sent to alice@acme.example" in agent_client.get(response["Location"]).content.decode()


def test_a_read_only_agent_may_invite(client, readonly_agent, ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, readonly_agent).post(invite_url(ticket))
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/customer/set-password/" in mail.outbox[0].body


def test_outsider_agent_gets_404_and_no_mail(client, outsider_agent, ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, outsider_agent).post(invite_url(ticket))
    assert response.status_code == 404
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_customer_gets_404(client, customer, ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, customer).post(invite_url(ticket))
    assert response.status_code == 404
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_invitation_is_post_only(agent_client, ticket):
    assert agent_client.get(invite_url(ticket)).status_code == 405
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_customer_who_already_uses_the_panel_is_not_invited_again(
    agent_client, ticket, customer, django_capture_on_commit_callbacks
):
    customer.last_login = timezone.now()
    customer.save(update_fields=["last_login"])
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(invite_url(ticket), follow=True)
    assert "already uses the customer panel" in response.content.decode()
    assert mail.outbox == [] and not Invitation.objects.exists()
