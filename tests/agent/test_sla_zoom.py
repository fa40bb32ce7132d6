"""The zoom's SLA panel: which SLA and why, each due time with the business time left, badges, timeline.

Calendar of these tests: Monday to Friday 09:00-17:00 UTC. 2026-03-02 is a Monday.
"""

import re

import pytest
import time_machine
from django.urls import reverse

from tests.factories import ArticleFactory, at, phone_ticket, priority, state
from tickets import services
from tickets.message import Message
from tickets.models import SLA, Article, Ticket

pytestmark = pytest.mark.django_db


def panel(client, ticket, when) -> str:
    """The SLA panel's HTML as the agent sees it at `when`, whitespace collapsed."""
    with time_machine.travel(when, tick=False):
        response = client.get(reverse("agent:ticket", args=[ticket.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="sla-panel"')
    end = html.index("</aside>", start)
    return re.sub(r"\s+", " ", html[start:end])


def clock(html: str, name: str) -> str:
    start = html.index(f'data-clock="{name}"')
    return html[start : html.index("</li>", start)]


def test_the_panel_names_the_sla_why_it_applies_and_the_business_time_left(gold, agent, agent_client, queue, customer):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    html = panel(agent_client, ticket, at(2, 10, 20))
    assert 'id="sla-name">Gold<' in html
    assert "Chosen by the ticket&#x27;s queue." in html
    assert "40 min left" in clock(html, "first_response")
    assert "1 h 40 min left" in clock(html, "update")
    assert "7 h 40 min left" in clock(html, "solution")
    assert "on time" in clock(html, "first_response") and "breached" not in html and "warning" not in html


def test_time_left_counts_only_business_hours(gold, agent, agent_client, queue, customer):
    ticket = phone_ticket(agent, queue, customer, at(6, 16))  # Friday 16:00
    html = panel(agent_client, ticket, at(9, 9, 30))  # Monday 09:30: 2.5 working hours later, not 65
    assert "6 h 30 min left" in clock(html, "solution"), "480 - 60 on Friday - 30 on Monday"
    assert "overdue by 30 min" in clock(html, "first_response"), "due Friday 17:00: 30 business minutes ago"


def test_warning_once_past_the_threshold_and_breached_once_past_due_before_the_sweep_ran(
    gold, agent, agent_client, queue, customer
):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    html = panel(agent_client, ticket, at(2, 10, 47))
    assert "warning" not in clock(html, "first_response"), "47 of 60 minutes is below 80 %"
    html = panel(agent_client, ticket, at(2, 10, 48))
    assert "warning" in clock(html, "first_response") and "12 min left" in html
    assert 'sla-badge">warning' in html.split('id="sla-name"')[0], "the header shows the worst status"
    html = panel(agent_client, ticket, at(2, 11, 5))
    assert "breached" in clock(html, "first_response") and "overdue by 5 min" in clock(html, "first_response")
    assert Ticket.objects.get(pk=ticket.pk).first_response_breached_at is None, "no sweep ran"


def test_a_met_clock_says_when_it_was_met(gold, agent, agent_client, queue, customer):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    with time_machine.travel(at(2, 10, 30), tick=False):
        services.add_article(
            ticket=ticket,
            actor=agent,
            message=Message(channel=Article.Channel.EMAIL, body_text="On our way.", to=customer.email),
        )
    html = panel(agent_client, ticket, at(2, 12))
    first = clock(html, "first_response")
    assert "First response met at" in first and ">met<" in first
    assert "overdue" not in first
    assert "30 min left" in clock(html, "update"), "the reply at 10:30 restarted the 2 h update clock"


def test_a_paused_clock_says_which_state_paused_it_and_keeps_its_time_left(gold, agent, agent_client, queue, customer):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    with time_machine.travel(at(2, 10, 30), tick=False):
        services.change_state(ticket=ticket, actor=agent, state=state("pending reminder"), pending_until=at(9, 9))
    html = panel(agent_client, ticket, at(4, 15))  # two days later: paused time does not count
    assert "paused (state pending reminder)" in html
    assert "30 min left" in clock(html, "first_response")
    with time_machine.travel(at(5, 12), tick=False):  # recomputed while paused, days later
        services.set_priority(ticket=ticket, actor=agent, priority=priority(4))
    html = panel(agent_client, ticket, at(6, 9))
    assert "30 min left" in clock(html, "first_response"), "still what was left when the clock paused"
    assert "7 h 30 min left" in clock(html, "solution")
    assert "breached" not in html
    timeline = html[html.index('id="sla-timeline"') :]
    assert "<details" in html and "Clock timeline (2 segments)" in timeline
    assert "state new" in timeline and "state pending reminder" in timeline and ">now<" in timeline


def test_the_company_contract_takes_precedence_and_the_panel_says_so(
    gold, agent, agent_client, queue, customer, company
):
    company.sla = SLA.objects.create(name="Platinum", first_response_minutes=15, solution_minutes=120)
    company.save()
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    html = panel(agent_client, ticket, at(2, 10, 5))
    assert 'id="sla-name">Platinum<' in html
    assert "Chosen by the customer company&#x27;s contract." in html
    assert 'data-clock="update"' not in html, "Platinum has no update target"


def test_a_ticket_without_sla_says_so(agent, agent_client, queue, customer, office):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    html = panel(agent_client, ticket, at(2, 11))
    assert "No SLA applies to this ticket." in html


def test_zoom_with_an_sla_runs_constant_queries(gold, agent, agent_client, queue, customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    url = reverse("agent:ticket", args=[ticket.pk])

    def count():
        with time_machine.travel(at(2, 16), tick=False), CaptureQueriesContext(connection) as ctx:
            assert agent_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    count()
    small = count()
    with time_machine.travel(at(2, 11), tick=False):
        for name in ("waiting for customer", "open", "pending reminder", "open", "waiting for customer", "open"):
            pending = at(9, 9) if state(name).is_pending else None
            services.change_state(ticket=ticket, actor=agent, state=state(name), pending_until=pending)
        for _ in range(10):
            ArticleFactory(ticket=ticket, author=agent)
    assert count() == small
