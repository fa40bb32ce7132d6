"""Lookups that stay bounded on a large database: a number in the filter box, the zoom's customer sidebar."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import TicketFactory, state
from tickets import queries
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def listed(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("agent:queues"), params)
    assert response.status_code == 200
    return [t.number for t in response.context["page"].objects], [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("typed", ["{n}", "#{n}", "Ticket#{n}", " {n} "])
def test_a_ticket_number_in_the_filter_box_finds_it_by_the_number_alone(agent_client, queue, typed):
    closed = TicketFactory(queue=queue, state=state("closed successful"))
    TicketFactory(queue=queue, title=f"About {closed.number} again")  # the number in another ticket's title

    numbers, sql = listed(agent_client, q=typed.format(n=closed.number), status="all")

    assert numbers == [closed.number]
    page = [s for s in sql if 'FROM "tickets_ticket"' in s and "LIMIT" in s and "COUNT" not in s][-1]
    assert '"tickets_ticket"."number" =' in page and "LIKE" not in page  # the unique index, no title scan


def test_digits_that_are_no_ticket_number_search_titles(agent_client, queue):
    printer = TicketFactory(queue=queue, title="Printer 2417 jams")
    numbers, _ = listed(agent_client, q="2417", status="all")
    assert numbers == [printer.number]


def test_the_sidebar_shows_an_old_open_ticket_first_then_the_newest_of_a_big_company(
    agent_client, agent, queue, customer, colleague, ticket
):
    now = timezone.now()
    old_open = TicketFactory(queue=queue, customer=colleague, title="Old but open")
    Ticket.objects.filter(pk=old_open.pk).update(created=now - timedelta(days=400))
    closed = []
    for days in range(14):
        t = TicketFactory(queue=queue, customer=colleague, state=state("closed successful"))
        Ticket.objects.filter(pk=t.pk).update(created=now - timedelta(days=days + 1))
        closed.append(t)

    shown = queries.customer_tickets(Ticket.objects.get(pk=ticket.pk), agent)

    assert [t.pk for t in shown] == [old_open.pk] + [t.pk for t in closed[:9]]
    assert shown[0].state.name and shown[0].queue.name  # loaded with what the sidebar shows


@pytest.mark.postgres
def test_the_title_filter_can_use_the_trigram_index(queue):
    """The index is on the very expression Django's icontains writes (on a few test rows the planner
    scans instead, so the plan is compared with the index's definition)."""
    TicketFactory(queue=queue, title="Printer on floor 3 jams")
    sql, params = Ticket.objects.filter(title__icontains="printer").order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'ticket_title_trgm'")
        (definition,) = cursor.fetchone()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "USING gin (upper((title)::text) gin_trgm_ops)" in definition
    assert "upper((title)::text) ~~ '%PRINTER%'" in plan


@pytest.mark.parametrize("field", ["queue", "state", "priority"])
def test_a_queue_state_or_priority_filter_adds_no_distinct(agent_client, queue, field):
    ticket = TicketFactory(queue=queue)
    numbers, sql = listed(agent_client, status="all", **{field: getattr(ticket, f"{field}_id")})
    assert numbers == [ticket.number]
    page = [s for s in sql if 'FROM "tickets_ticket"' in s and "LIMIT" in s and "COUNT" not in s][-1]
    assert "DISTINCT" not in page  # DISTINCT sorted every matching row before the LIMIT


@pytest.mark.postgres
def test_the_notification_poll_counts_customer_replies_through_their_own_index(agent, ticket):
    """Every agent's browser polls twice a minute; the reply count read the whole (ticket, created)
    index of the articles before (~150 ms at five million articles)."""
    with CaptureQueriesContext(connection) as ctx:
        activity = queries.new_activity(agent, timezone.now() - timedelta(minutes=1))
    assert activity == {"new_tickets": 1, "replies": 0}
    (replies,) = [q["sql"] for q in ctx.captured_queries if 'FROM "tickets_article"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few test rows: make the planner show its index choice
        cursor.execute("EXPLAIN " + replies)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "article_customer_created" in plan
