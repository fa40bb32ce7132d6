"""Every agent view against every role: agent in the queue, read-only agent, outsider agent, customer, anonymous."""

import pytest
from django.urls import reverse

from accounts.models import Permission
from tests.factories import grant, state
from tickets.message import Message
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

ROLES = ["agent", "readonly_agent", "outsider_agent", "customer", "anonymous"]

# name, args (T = the ticket's pk), expected status per role (302 = to the agent login)
LIST_VIEWS = [
    "agent:dashboard",
    "agent:counters",
    "agent:notify",
    "agent:queues",
    "agent:status",
    "agent:mine",
    "agent:watched",
    "agent:escalated",
    "agent:preferences",
    "agent:customer_search",
    "agent:password_change",
]
TICKET_VIEWS = {
    # view: status for (agent, readonly, outsider)
    "agent:ticket": (200, 200, 404),
    "agent:older_articles": (200, 200, 404),
    "agent:print": (200, 200, 404),
}
COMPOSE = {"reply": (200, 403, 404), "note": (200, 403, 404), "phone": (200, 403, 404), "forward": (200, 403, 404)}


def _client(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _expect_outside(role, response):
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("agent:login"))
    else:
        assert response.status_code == 404


@pytest.mark.smoke
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", LIST_VIEWS)
def test_list_views_admit_agents_only(client, request, ticket, role, name):
    response = _client(client, request, role).get(reverse(name))
    if role in ("customer", "anonymous"):
        _expect_outside(role, response)
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(TICKET_VIEWS))
def test_ticket_views_follow_queue_rights(client, request, ticket, role, name):
    url = reverse(name, args=[ticket.pk]) + ("?before=999999" if name == "agent:older_articles" else "")
    response = _client(client, request, role).get(url)
    if role in ("customer", "anonymous"):
        _expect_outside(role, response)
    else:
        expected = dict(zip(["agent", "readonly_agent", "outsider_agent"], TICKET_VIEWS[name], strict=True))[role]
        assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(COMPOSE))
def test_compose_follows_article_rights(client, request, ticket, role, kind):
    response = _client(client, request, role).get(reverse("agent:compose", args=[ticket.pk, kind]))
    if role in ("customer", "anonymous"):
        _expect_outside(role, response)
    else:
        expected = dict(zip(["agent", "readonly_agent", "outsider_agent"], COMPOSE[kind], strict=True))[role]
        assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_queue_page_of_a_queue_the_agent_cannot_see_is_404(client, request, ticket, queue, role):
    response = _client(client, request, role).get(reverse("agent:queue", args=[queue.pk]))
    if role in ("agent", "readonly_agent"):
        assert response.status_code == 200
    else:
        _expect_outside(role, response)


@pytest.mark.parametrize("role", ROLES)
def test_create_ticket_needs_create_right(client, request, queue, role):
    response = _client(client, request, role).get(reverse("agent:create", args=["phone"]))
    if role in ("agent",):
        assert response.status_code == 200
    elif role == "outsider_agent":
        assert response.status_code == 200  # may create in their own queue
        assert queue.name not in response.content.decode()
    elif role == "readonly_agent":
        assert response.status_code == 404
    else:
        _expect_outside(role, response)


def _action_data(request, name, ticket):
    other = Ticket.objects.exclude(pk=ticket.pk).first()
    data = {
        "lock": {},
        "unlock": {},
        "owner": {"owner": request.getfixturevalue("second_agent").pk},
        "responsible": {"responsible": request.getfixturevalue("second_agent").pk},
        "move": {"queue": request.getfixturevalue("other_queue").pk},
        "state": {"state": state("open").pk},
        "priority": {"priority": ticket.priority.pk},
        "category": {"category": ""},
        "add_tags": {"names": "vip"},
        "remove_tags": {"names": "vip"},
        "watch": {"user": request.getfixturevalue("second_agent").pk},
        "unwatch": {"user": request.getfixturevalue("second_agent").pk},
        "link": {"number": other.number, "kind": "related"},
        "unlink": {"number": other.number, "kind": "related"},
        "merge": {"number": other.number},
        "time": {"minutes": "5"},
    }[name]
    return {"version": ticket.version, **data}


ACTIONS = [
    "lock",
    "unlock",
    "owner",
    "responsible",
    "move",
    "state",
    "priority",
    "category",
    "add_tags",
    "remove_tags",
    "watch",
    "unwatch",
    "link",
    "unlink",
    "merge",
    "time",
]


@pytest.fixture
def second_ticket(agent, queue, customer):
    from tickets.services import create_ticket

    return create_ticket(
        actor=agent,
        queue=queue,
        title="Second",
        customer=customer,
        message=Message(body_text="x"),
    )


@pytest.mark.parametrize("role", ["readonly_agent", "outsider_agent", "customer", "anonymous"])
@pytest.mark.parametrize("name", ACTIONS)
def test_actions_are_refused_without_the_right(client, request, ticket, second_ticket, role, name):
    grant(request.getfixturevalue("agent"), request.getfixturevalue("other_queue"), Permission.RW)
    before = Ticket.objects.get(pk=ticket.pk).version
    data = _action_data(request, name, ticket)
    if role == "readonly_agent" and name in ("link", "merge", "unlink"):
        data["number"] = second_ticket.number
    response = _client(client, request, role).post(reverse(f"agent:{name}", args=[ticket.pk]), data)
    if role == "readonly_agent":
        assert response.status_code in (400, 403)
        if name == "unlock":
            assert response.status_code in (200, 302, 403)
    elif role == "outsider_agent":
        assert response.status_code == 404
    else:
        _expect_outside(role, response)
    assert Ticket.objects.get(pk=ticket.pk).version == before


@pytest.mark.parametrize("name", ACTIONS)
def test_actions_refuse_get(agent_client, ticket, name):
    assert agent_client.get(reverse(f"agent:{name}", args=[ticket.pk])).status_code == 405


@pytest.mark.parametrize("role", ["readonly_agent", "outsider_agent"])
def test_readonly_and_outsider_see_no_action_buttons(client, request, ticket, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("agent:ticket", args=[ticket.pk]))
    if role == "outsider_agent":
        assert response.status_code == 404
        return
    html = response.content.decode()
    assert "Take (lock)" not in html
    assert reverse("agent:compose", args=[ticket.pk, "reply"]) not in html
    assert reverse("agent:state", args=[ticket.pk]) not in html
