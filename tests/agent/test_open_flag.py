"""The open lists filter on the ticket's own `in_open_state`, which follows every change of state."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TicketFactory, state
from tickets import services
from tickets.message import Message
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def listed(client, status="open") -> list[str]:
    response = client.get(reverse("agent:queues"), {"status": status})
    assert response.status_code == 200
    return sorted(t.title for t in response.context["page"].objects)


def test_the_open_and_closed_lists_follow_close_reopen_merge_and_a_closed_new_ticket(
    agent_client, agent, queue, customer
):
    first = TicketFactory(queue=queue, title="first", state=state("open"))
    second = TicketFactory(queue=queue, title="second", state=state("new"))
    assert listed(agent_client) == ["first", "second"]

    services.change_state(ticket=first, actor=agent, state=state("closed successful"))
    assert listed(agent_client) == ["second"]
    assert listed(agent_client, "closed") == ["first"]

    services.change_state(ticket=Ticket.objects.get(pk=first.pk), actor=agent, state=state("waiting for customer"))
    assert listed(agent_client) == ["first", "second"]  # a pending state is open

    services.merge(source=Ticket.objects.get(pk=second.pk), target=Ticket.objects.get(pk=first.pk), actor=agent)
    assert listed(agent_client) == ["first"]
    assert listed(agent_client, "closed") == ["second"]

    services.create_ticket(
        actor=agent,
        queue=queue,
        title="born closed",
        customer=customer,
        state=state("closed successful"),
        message=Message(channel="phone", body_text="Solved on the phone."),
    )
    assert listed(agent_client) == ["first"]
    assert "born closed" in listed(agent_client, "closed")


def test_a_state_given_another_type_moves_its_tickets_between_the_lists(agent_client, queue):
    TicketFactory(queue=queue, title="waiting", state=state("waiting for us"))
    waiting = state("waiting for us")
    waiting.type = "closed"  # as an administrator would in the admin
    waiting.save()
    assert listed(agent_client) == []
    assert listed(agent_client, "closed") == ["waiting"]
    waiting.type = "open"
    waiting.save()
    assert listed(agent_client) == ["waiting"]


@pytest.mark.postgres
def test_open_tickets_by_their_last_change_can_be_read_from_the_open_index(agent_client, queue):
    """Whether the planner uses an index depends on the rows and their statistics; what the code
    decides is whether the list's query *can* use it (the filter must imply the index's predicate).
    So the other ordered path, the plain `updated` index, is dropped inside the test's transaction,
    and scans and sorts are switched off: the open index is then the only way left."""
    TicketFactory(queue=queue, title="open one", state=state("open"))
    with CaptureQueriesContext(connection) as ctx:
        agent_client.get(reverse("agent:queues"), {"sort": "updated"})
    (page,) = [q["sql"] for q in ctx.captured_queries if 'ORDER BY U0."updated" ASC' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'tickets_ticket' AND indexdef LIKE '%%(updated)'"
        )
        (plain,) = cursor.fetchone()
        cursor.execute(f'DROP INDEX "{plain}"')  # rolled back with the test
        for setting in ("enable_seqscan", "enable_sort", "enable_incremental_sort", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + page)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "ticket_open_updated" in plan
