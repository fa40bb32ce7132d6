"""The dashboard's lists and the escalation and reminder lists filter by state ids, never through the
state join (which made PostgreSQL read every ticket the agent ever owned: 64 ms at a million)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TicketFactory, state

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["agent:dashboard", "agent:escalated", "agent:reminders"])
def test_the_page_filters_tickets_by_state_ids(agent_client, agent, queue, name):
    TicketFactory(queue=queue, owner=agent, is_locked=True, state=state("open"))
    agent_client.get(reverse(name))
    with CaptureQueriesContext(connection) as ctx:
        assert agent_client.get(reverse(name)).status_code == 200
    ticket_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "tickets_ticket"' in q["sql"]]
    assert ticket_reads
    conditions = [sql.split(" WHERE ", 1)[1] for sql in ticket_reads if " WHERE " in sql]
    assert conditions and not [where for where in conditions if '"tickets_state"."type"' in where]


def test_the_dashboard_lists_only_open_locked_tickets_of_the_agent(agent_client, agent, second_agent, queue):
    mine = TicketFactory(queue=queue, owner=agent, is_locked=True, state=state("open"), title="Mine, locked")
    TicketFactory(queue=queue, owner=agent, is_locked=True, state=state("closed successful"), title="Closed one")
    TicketFactory(queue=queue, owner=second_agent, is_locked=True, state=state("open"), title="Boris's")
    new = TicketFactory(queue=queue, state=state("new"), title="Brand new")
    html = agent_client.get(reverse("agent:dashboard")).content.decode()
    assert mine.title in html and new.title in html
    assert "Closed one" not in html and "Boris&#x27;s" not in html
