"""A list page picks its tickets' ids first and joins only those rows (paging.late_rows): the same
tickets in the same order as the plain read, in one statement."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import AgentFactory, CustomerFactory, TicketFactory, state
from tickets import queries
from tickets.models import Ticket
from tickets.views.agent.paging import rows

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sort", [*queries.SORTS, "-updated", "-pending", "-state", "-escalation", "-owner"])
def test_every_window_of_a_joined_list_matches_the_plain_read(queue, other_queue, sort):
    now = timezone.now()
    owners = [AgentFactory(), AgentFactory(), None]
    states = [state("new"), state("open"), state("pending reminder")]
    for n in range(9):  # ties, missing owners and customers, pending times and escalations on some
        t = TicketFactory(
            queue=queue if n % 2 else other_queue,
            title=f"t{n % 4}",
            customer=CustomerFactory() if n % 3 else None,
            owner=owners[n % 3],
            state=states[n % 3],
        )
        Ticket.objects.filter(pk=t.pk).update(
            updated=now - timedelta(hours=n // 2),
            pending_until=now + timedelta(hours=n % 4) if n % 3 == 2 else None,
            escalation_at=now + timedelta(minutes=n % 5) if n % 2 else None,
        )
    qs = Ticket.objects.select_related(*queries.LIST_RELATED).order_by(*queries.ordering(sort)[1])
    forward = list(qs)
    for start in range(len(forward)):
        for stop in range(start + 1, len(forward) + 1):
            page = rows(qs, start, stop, len(forward))
            assert [t.pk for t in page] == [t.pk for t in forward[start:stop]], (start, stop)
            assert [t.queue.name for t in page] == [t.queue.name for t in forward[start:stop]]


def test_the_page_is_one_statement_joining_only_the_chosen_rows(queue):
    TicketFactory.create_batch(3, queue=queue)
    qs = Ticket.objects.select_related(*queries.LIST_RELATED).order_by("-updated", "-id")
    with CaptureQueriesContext(connection) as ctx:
        page = rows(qs, 0, 2, 3)
    assert len(page) == 2 and len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"]
    inner = sql[sql.index("IN (SELECT") :]
    assert "tickets_queue" not in inner and "LIMIT 2" in inner  # the ids from the ticket table alone
