"""The SLA in the ticket lists: the escalation column in every scope, sorting by it (tickets without a
running clock last), the Escalations view and the dashboard counter (due or breached), constant queries.

Calendar of these tests: Monday to Friday 09:00-17:00 UTC. 2026-03-02 is a Monday.
"""

import re
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Permission
from tests.factories import QueueFactory, at, grant, phone_ticket, state
from tickets import services
from tickets.calendars import Calendar, WorkingInterval
from tickets.message import Message
from tickets.models import SLA, TicketSlaCheck

pytestmark = pytest.mark.django_db


def opened(agent, queue, customer, when, title="Printer on fire", **kwargs):
    """Opened, owned and watched by `agent`."""
    ticket = phone_ticket(agent, queue, customer, when, title, **kwargs)
    with time_machine.travel(when, tick=False):
        services.assign_owner(ticket=ticket, actor=agent, owner=agent)
        services.watch(ticket=ticket, actor=agent)
    return ticket


def get(client, url, when, **params):
    with time_machine.travel(when, tick=False):
        response = client.get(url, params)
    assert response.status_code == 200
    return response


def row(html: str, ticket) -> str:
    start = html.index(f'data-ticket="{ticket.number}"')
    return re.sub(r"\s+", " ", html[start : html.index("</tr>", start)])


@pytest.fixture
def board(gold, agent, queue, customer):
    """At Monday 10:50: fine (opened 10:40), warning (10:00, 50 of 60 minutes), breached (Friday),
    paused (no running clock), and one without an SLA."""
    no_sla = QueueFactory(name="No SLA")
    grant(agent, no_sla, Permission.RW)
    tickets = {
        "breached": opened(agent, queue, customer, datetime(2026, 2, 27, 16, tzinfo=UTC), "Breached one"),
        "warning": opened(agent, queue, customer, at(2, 10), "Warning one"),
        "fine": opened(agent, queue, customer, at(2, 10, 40), "Fine one"),
        "paused": opened(agent, queue, customer, at(2, 9, 30), "Paused one"),
        "plain": opened(agent, no_sla, customer, at(2, 9, 45), "Plain one"),
    }
    with time_machine.travel(at(2, 9, 35), tick=False):
        services.change_state(
            ticket=tickets["paused"], actor=agent, state=state("waiting for customer"), pending_until=at(9, 9)
        )
    return tickets


SCOPES = ["agent:queues", "agent:status", "agent:mine", "agent:watched"]


@pytest.mark.parametrize("name", SCOPES)
def test_every_list_shows_the_escalation_column_with_business_time_left(agent_client, board, name):
    html = get(agent_client, reverse(name), at(2, 10, 50)).content.decode()
    assert ">Escalation</a>" in html
    fine = row(html, board["fine"])
    assert "on time" in fine and "50 min left" in fine, "first response due 11:40"
    warning = row(html, board["warning"])
    assert ">warning<" in warning and "10 min left" in warning
    breached = row(html, board["breached"])
    assert ">breached<" in breached and "overdue by 1 h 50 min" in breached, "due Friday 17:00"
    assert "—" in row(html, board["paused"]) and "left" not in row(html, board["paused"])
    assert "left" not in row(html, board["plain"])


def test_search_results_show_the_escalation_column_too(agent_client, board):
    html = get(agent_client, reverse("agent:queues"), at(2, 10, 50), q="Warning one").content.decode()
    assert ">warning<" in row(html, board["warning"]) and 'data-ticket="' + board["fine"].number not in html


def test_sorting_by_escalation_puts_tickets_without_a_running_clock_last_both_ways(agent_client, board):
    earliest_first = [board[k].pk for k in ("breached", "warning", "fine")]
    page = get(agent_client, reverse("agent:queues"), at(2, 10, 50), sort="escalation").context["page"]
    ids = [t.pk for t in page.objects]
    assert ids[:3] == earliest_first and set(ids[3:]) == {board["paused"].pk, board["plain"].pk}
    page = get(agent_client, reverse("agent:queues"), at(2, 10, 50), sort="-escalation").context["page"]
    ids = [t.pk for t in page.objects]
    assert ids[:3] == earliest_first[::-1] and set(ids[3:]) == {board["paused"].pk, board["plain"].pk}


def test_the_escalations_view_and_the_counter_show_what_is_due_or_breached(agent_client, board):
    page = get(agent_client, reverse("agent:escalated"), at(2, 10, 50)).context["page"]
    assert [t.pk for t in page.objects] == [board["breached"].pk, board["warning"].pk], "by escalation time"
    counters = get(agent_client, reverse("agent:counters"), at(2, 10, 50)).context["counters"]
    assert counters["escalated"] == 2
    # Nobody ran the sweep: the set is computed from the stored times. At 10:48 the fine one warns.
    page = get(agent_client, reverse("agent:escalated"), at(2, 11, 28)).context["page"]
    assert [t.pk for t in page.objects] == [board["breached"].pk, board["warning"].pk, board["fine"].pk]
    dashboard = get(agent_client, reverse("agent:dashboard"), at(2, 11, 28)).content.decode()
    assert re.search(r'data-counter="escalated">.*?counter-value[^>]*>3<', dashboard, re.S)


def test_the_escalated_filter_of_the_lists_keeps_the_same_set(agent_client, board):
    page = get(agent_client, reverse("agent:queues"), at(2, 10, 50), escalated="on", sort="escalation").context["page"]
    assert [t.pk for t in page.objects] == [board["breached"].pk, board["warning"].pk]


def test_a_warned_mark_keeps_a_running_clock_listed_and_an_answer_takes_it_off(agent, agent_client, board, customer):
    warning = board["warning"]
    marked = TicketSlaCheck.objects.filter(ticket_id=warning.pk)
    marked.update(first_response_warned_at=at(2, 10, 48))  # the sweep's mark
    with time_machine.travel(at(2, 10, 55), tick=False):
        services.add_article(
            ticket=warning,
            actor=agent,
            message=Message(channel="email", body_text="On our way.", to=customer.email),
        )
    page = get(agent_client, reverse("agent:escalated"), at(2, 10, 56)).context["page"]
    assert warning.pk not in [t.pk for t in page.objects], "first response met: no longer due"


def _queries(client, url, when) -> int:
    cache.clear()  # the queue tree and the forms drawn each time (queue.save() below renews them anyway)
    with time_machine.travel(when, tick=False), CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", [*SCOPES, "agent:escalated"])
def test_lists_with_sla_tickets_run_constant_queries(agent_client, agent, queue, customer, board, name):
    other = Calendar.objects.create(name="Night shift", time_zone="Europe/Prague")
    WorkingInterval.objects.create(calendar=other, weekday=0, start=time(0), end=time(8))
    night = SLA.objects.create(name="Night", first_response_minutes=30, solution_minutes=600, calendar=other)
    url = reverse(name) + "?size=50"
    _queries(agent_client, url, at(2, 10, 50))
    small = _queries(agent_client, url, at(2, 10, 50))
    for _ in range(10):
        opened(agent, queue, customer, at(2, 9, 5), "More")
    queue.sla = night
    queue.save()
    for _ in range(10):
        opened(agent, queue, customer, at(2, 9, 10), "Night ones")
    assert _queries(agent_client, url, at(2, 10, 50)) == small
