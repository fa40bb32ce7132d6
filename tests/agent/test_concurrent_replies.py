"""Two agents on one ticket: both replies are kept; only a colliding state/owner/queue change is refused."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.agent.conftest import login, opened_zoom
from tests.factories import priority, state
from tickets import services
from tickets.message import Message
from tickets.models import Article, Ticket

pytestmark = pytest.mark.django_db


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def loaded_form(client, url) -> dict:
    """What the browser sends back: the hidden fields of the form as it was loaded."""
    page = client.get(url).content.decode()
    return {"version": hidden(page, "version"), "seen": hidden(page, "seen")}


def zoom_form(client, ticket) -> dict:
    """The hidden fields of the zoom's state form, opened on a freshly loaded zoom."""
    page = opened_zoom(client, ticket)
    form = page[page.index('data-action="state"') :]
    return {"version": hidden(form, "version"), "seen": hidden(form, "seen")}


@pytest.fixture
def second_client(second_agent):
    return login(Client(), second_agent)


def test_two_agents_replying_from_forms_loaded_at_the_same_time_both_keep_their_reply(
    agent_client, second_client, ticket, customer
):
    url = reverse("agent:compose", args=[ticket.pk, "reply"])
    first, second = loaded_form(agent_client, url), loaded_form(second_client, url)

    one = agent_client.post(url, {**first, "to": customer.email, "subject": "Re", "body": "Reply one"})
    two = second_client.post(url, {**second, "to": customer.email, "subject": "Re", "body": "Reply two"})

    assert (one.status_code, two.status_code) == (302, 302)
    replies = Article.objects.filter(ticket=ticket, channel="email", sender_type="agent")
    assert sorted(replies.values_list("body_text", flat=True)) == ["Reply one", "Reply two"]


def test_a_reply_with_a_state_whose_state_changed_meanwhile_is_saved_and_the_state_change_explained(
    agent_client, second_agent, ticket, customer
):
    url = reverse("agent:compose", args=[ticket.pk, "reply"])
    loaded = loaded_form(agent_client, url)
    services.change_state(ticket=ticket, actor=second_agent, state=state("closed successful"))

    response = agent_client.post(
        url,
        {
            **loaded,
            "to": customer.email,
            "subject": "Re",
            "body": "Fixed it remotely.",
            "next_state": state("waiting for us").pk,
        },
    )

    assert response.status_code == 409
    assert Article.objects.filter(ticket=ticket, body_text="Fixed it remotely.").exists()
    assert Ticket.objects.get(pk=ticket.pk).state == state("closed successful")
    page = response.content.decode()
    assert "Reply saved." in page
    assert f"State was changed from “new” to “closed successful” by {second_agent.display_name()}" in page
    # The agent's own choice waits in the state form, which now shows what is current, to be applied again.
    assert f'<option value="{state("waiting for us").pk}" selected>' in page
    assert f'name="seen" value="{state("closed successful").pk}.' in page


def test_the_state_form_applies_after_other_changes_and_refuses_after_a_state_change(
    agent_client, second_agent, ticket
):
    loaded = zoom_form(agent_client, ticket)
    services.set_priority(ticket=ticket, actor=second_agent, priority=priority(5))
    services.add_article(
        ticket=ticket,
        actor=second_agent,
        message=Message(channel="note", body_text="x", is_visible_to_customer=False),
    )

    applied = agent_client.post(reverse("agent:state", args=[ticket.pk]), {**loaded, "state": state("open").pk})

    assert applied.status_code == 302  # before: refused, as the version had moved
    assert Ticket.objects.get(pk=ticket.pk).state == state("open")

    reloaded = zoom_form(agent_client, ticket)  # the zoom after the change shows "open"
    services.change_state(ticket=ticket, actor=second_agent, state=state("closed unsuccessful"))
    refused = agent_client.post(reverse("agent:state", args=[ticket.pk]), {**reloaded, "state": state("open").pk})

    assert refused.status_code == 409
    assert "State was changed from “open” to “closed unsuccessful”" in refused.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).state == state("closed unsuccessful")


def test_a_damaged_seen_field_is_a_clear_error(agent_client, ticket):
    response = agent_client.post(
        reverse("agent:state", args=[ticket.pk]),
        {"version": ticket.version, "seen": "x.y", "state": state("open").pk},
    )
    assert response.status_code == 400
    assert "The form is damaged; reload the page." in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).state == state("new")
