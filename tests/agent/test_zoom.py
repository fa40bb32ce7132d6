"""The ticket zoom: customer sidebar, escaping, HTMX refusals, administrators."""

import pytest
from django.urls import reverse

from tests.agent.conftest import post_action
from tests.factories import TicketFactory, priority, state
from tickets import services
from tickets.message import Message

pytestmark = pytest.mark.django_db


def test_customer_sidebar_lists_open_tickets_first_and_only_visible_ones(
    agent_client, queue, other_queue, customer, colleague, ticket
):
    closed = TicketFactory(queue=queue, customer=customer, title="Old closed one", state=state("closed successful"))
    company_open = TicketFactory(queue=queue, customer=colleague, title="Colleague open one")
    hidden = TicketFactory(queue=other_queue, customer=customer, title="In a queue you cannot see")
    shown = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).context["customer_tickets"]
    assert [t.pk for t in shown] == [company_open.pk, closed.pk]
    assert hidden not in shown


def test_titles_and_subjects_are_escaped_everywhere(agent_client, agent, queue, customer):
    evil = "<script>alert('x')</script>"
    t = services.create_ticket(
        actor=agent,
        queue=queue,
        title=evil,
        customer=customer,
        message=Message(body_text=evil),
    )
    for url in (reverse("agent:ticket", args=[t.pk]), reverse("agent:queues"), reverse("agent:dashboard")):
        html = agent_client.get(url).content.decode()
        assert evil not in html and "&lt;script&gt;" in html


def test_refusal_through_htmx_is_a_4xx_with_the_message(client, agent, second_agent, ticket):
    services.lock(ticket=ticket, actor=agent)
    client.force_login(second_agent)
    ticket.refresh_from_db()
    for action, field, value in (("priority", "priority", priority(5).pk), ("state", "state", state("open").pk)):
        response = client.post(
            reverse(f"agent:{action}", args=[ticket.pk]),
            {"version": ticket.version, field: value},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 409, action
        assert "locked by another agent" in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.priority.level, ticket.state.name) == (3, "new")


def test_helpdesk_admin_sees_and_changes_every_ticket(client, admin_user, ticket):
    client.force_login(admin_user)
    assert client.get(reverse("agent:ticket", args=[ticket.pk])).status_code == 200
    assert post_action(client, ticket, "priority", priority=priority(2).pk).status_code == 302


def test_every_action_form_carries_the_ticket_version(agent_client, ticket):
    html = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    forms = html.count('method="post"')
    assert forms > 10
    # The logout form and the customer invitation (no ticket change) have none.
    others = 1 + html.count("/invite-customer/")
    assert html.count(f'name="version" value="{ticket.version}"') >= forms - others
