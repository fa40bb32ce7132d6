"""Redis away (nothing listens on the cache's port): the helpdesk is served without the cache, not
refused. Agents and customers log in, read and file tickets; the print slots stay closed."""

import logging
import re

import pytest
from django.urls import reverse

from helpdesk import cache
from tests.factories import PASSWORD
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

AWAY = {"default": {"BACKEND": "helpdesk.cache.TolerantRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


@pytest.fixture
def cache_away(settings, caplog, monkeypatch):
    settings.CACHES = AWAY
    monkeypatch.setattr(cache, "_last_warning", [0.0])  # the once-a-minute warning: due again here
    caplog.set_level(logging.WARNING, logger="helpdesk.cache")
    return caplog


def test_an_agent_logs_in_and_works_while_redis_is_away(client, agent, ticket, cache_away):
    response = client.post(reverse("agent:login"), {"username": agent.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("agent:dashboard")).status_code == 200
    page = client.get(reverse("agent:queues"))
    assert page.status_code == 200 and ticket.title in page.content.decode()
    assert client.get(reverse("agent:ticket", args=[ticket.pk])).status_code == 200
    assert "Redis is unreachable" in cache_away.text


def test_a_customer_files_a_request_once_while_redis_is_away(client, customer, queue, cache_away):
    login = {"username": customer.username, "password": PASSWORD}
    assert client.post(reverse("customer:login"), login).status_code == 302
    form = client.get(reverse("customer:ticket_new")).content.decode()
    nonce = re.search(r'name="nonce" value="([^"]+)"', form).group(1)
    data = {"subject": "Printer jams", "description": "Every second page.", "queue": queue.pk, "nonce": nonce}
    response = client.post(reverse("customer:ticket_new"), data)
    ticket = Ticket.objects.get(customer=customer)
    assert response.status_code == 302 and response["Location"] == reverse("customer:ticket", args=[ticket.pk])
