"""The agent's "reminders" list: their own tickets whose pending reminder time has come (issue 12)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.agent.test_lists import _assert_constant
from tests.factories import TicketFactory, state

pytestmark = pytest.mark.django_db


def reminder(queue, owner, *, minutes_ago=5, name="pending reminder", **kw):
    return TicketFactory(
        queue=queue, owner=owner, state=state(name), pending_until=timezone.now() - timedelta(minutes=minutes_ago), **kw
    )


def test_the_reminders_list_shows_the_agents_own_due_reminders_only(agent_client, agent, second_agent, queue):
    due = reminder(queue, agent, title="Call the customer back")
    later = reminder(queue, agent, minutes_ago=-60, title="Not yet")
    colleagues = reminder(queue, second_agent, title="Boris's reminder")
    waiting = reminder(queue, agent, name="waiting for customer", title="Waiting, not a reminder")
    response = agent_client.get(reverse("agent:reminders"))
    assert response.status_code == 200
    assert [t.pk for t in response.context["page"].objects] == [due.pk]
    html = response.content.decode()
    assert due.title in html and "Pending until" in html
    for other in (later, colleagues, waiting):
        assert other.title not in html


def test_the_dashboard_counts_the_agents_due_reminders_and_links_to_the_list(agent_client, agent, second_agent, queue):
    reminder(queue, agent)
    reminder(queue, agent, minutes_ago=1)
    reminder(queue, second_agent)
    reminder(queue, agent, minutes_ago=-60)
    response = agent_client.get(reverse("agent:dashboard"))
    assert response.context["counters"]["reminders"] == 2
    html = response.content.decode()
    assert f'href="{reverse("agent:reminders")}" data-counter="reminders"' in html


def test_the_navigation_links_to_the_reminders(agent_client):
    html = agent_client.get(reverse("agent:dashboard")).content.decode()
    assert f'<a class="nav-link" href="{reverse("agent:reminders")}">Reminders</a>' in html


def test_an_agent_outside_the_queue_sees_no_reminders_there(client, outsider_agent, queue):
    reminder(queue, outsider_agent, title="Owned but not visible")
    client.force_login(outsider_agent)
    response = client.get(reverse("agent:reminders"))
    assert response.status_code == 200 and "Owned but not visible" not in response.content.decode()


def test_the_reminders_list_runs_constant_queries(agent_client, agent, queue, django_assert_max_num_queries):
    reminder(queue, agent, responsible=agent)
    url = reverse("agent:reminders") + "?size=50"
    grow = lambda: [reminder(queue, agent, responsible=agent) for _ in range(30)]  # noqa: E731
    _assert_constant(agent_client, url, grow, django_assert_max_num_queries, 20)
