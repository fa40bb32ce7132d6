"""Lists sorted by customer, owner or priority over all states: by the sort keys on the ticket row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CustomerFactory, TicketFactory, priority, state
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def listed(client, **params) -> list[str]:
    response = client.get(reverse("agent:queues"), {"status": "all", **params})
    assert response.status_code == 200
    return [t.title for t in response.context["page"].objects]


def test_sort_by_customer_over_all_states_is_by_username_with_no_customer_last(agent_client, queue):
    for name, title, st in (("carol", "C", "open"), ("alice", "A", "closed successful"), ("bob", "B", "new")):
        TicketFactory(queue=queue, customer=CustomerFactory(username=name), title=title, state=state(st))
    TicketFactory(queue=queue, customer=None, title="nobody's")

    assert listed(agent_client, sort="customer") == ["A", "B", "C", "nobody's"]
    assert listed(agent_client, sort="-customer") == ["nobody's", "C", "B", "A"]


def test_the_customer_sort_follows_a_renamed_customer(agent_client, queue):
    alice = CustomerFactory(username="alice")
    TicketFactory(queue=queue, customer=alice, title="A")
    TicketFactory(queue=queue, customer=CustomerFactory(username="bob"), title="B")
    alice.username = "zoe"
    alice.save()
    assert listed(agent_client, sort="customer") == ["B", "A"]


def test_the_owner_sort_follows_an_assignment_and_a_deleted_owner(agent_client, agent, second_agent, queue):
    first = TicketFactory(queue=queue, title="first")
    second = TicketFactory(queue=queue, title="second", owner=second_agent)
    assert listed(agent_client, sort="owner") == ["second", "first"]  # unowned last

    services.assign_owner(ticket=first, actor=agent, owner=agent)
    expected = ["first", "second"] if agent.username < second_agent.username else ["second", "first"]
    assert listed(agent_client, sort="owner") == expected

    second_agent.delete()
    assert Ticket.objects.get(pk=second.pk).owner_sort is None
    assert listed(agent_client, sort="owner") == ["first", "second"]


def test_the_priority_sort_follows_a_change_and_a_new_level(agent_client, agent, queue):
    low = TicketFactory(queue=queue, title="low", priority=priority(1))
    TicketFactory(queue=queue, title="high", priority=priority(5))
    assert listed(agent_client, sort="-priority") == ["high", "low"]

    services.set_priority(ticket=low, actor=agent, priority=priority(5))
    assert Ticket.objects.get(pk=low.pk).priority_level == priority(5).level

    top = priority(5)
    top.level = 9
    top.save()  # as the admin would
    assert set(Ticket.objects.filter(priority=top).values_list("priority_level", flat=True)) == {9}


def test_the_sorted_page_reads_the_key_on_the_ticket_row(agent_client, queue):
    TicketFactory(queue=queue, customer=CustomerFactory(username="alice"))
    with CaptureQueriesContext(connection) as ctx:
        agent_client.get(reverse("agent:queues"), {"status": "all", "sort": "customer"})
    page_query = next(q["sql"] for q in ctx.captured_queries if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"])
    assert 'ORDER BY "tickets_ticket"."customer_sort" ASC' in page_query
