"""Clients logged in as each role, and helpers for the agent panel's tests."""

import html
import re

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


def opened_zoom(client, ticket) -> str:
    """The zoom as the agent sees it with every action section opened: the page, then each section's
    form from the address the page names for it (what htmx fetches when the section opens)."""
    page = client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    sections = re.findall(r'hx-get="([^"]*/actions/[^"]*)"', page)
    assert sections, "the zoom names no action section"
    return page + "".join(client.get(html.unescape(url), HTTP_HX_REQUEST="true").content.decode() for url in sections)


@pytest.fixture
def reply_from_customer(ticket, customer):
    return add_article(
        ticket=ticket,
        actor=customer,
        message=Message(channel="web", body_text="Still smoking.\n\nOn Monday, we wrote:\n> old text"),
    )
