"""Clients logged in as each role, and helpers for the agent panel's tests."""

import pytest
from django.urls import reverse

from tickets.message import Message
from tickets.services import add_article


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def login(client, user):
    client.force_login(user)
    return client


def post_action(client, ticket, name, **data):
    data.setdefault("version", ticket.version)
    return client.post(reverse(f"agent:{name}", args=[ticket.pk]), data)


@pytest.fixture
def reply_from_customer(ticket, customer):
    return add_article(
        ticket=ticket,
        actor=customer,
        message=Message(channel="web", body_text="Still smoking.\n\nOn Monday, we wrote:\n> old text"),
    )
