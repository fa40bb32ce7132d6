"""The zoom's History tab names each event in the agent's language."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import priority, state
from tickets import events, services
from tickets.services import escalation
from tickets.templatetags.agent_panel import HISTORY_EVENTS

pytestmark = pytest.mark.django_db


def test_the_history_tab_names_the_events_in_the_agents_language(agent_client, agent, ticket):
    services.change_state(ticket=ticket, actor=agent, state=state("open"))
    services.set_priority(ticket=ticket, actor=agent, priority=priority(5))
    url = reverse("agent:history", args=[ticket.pk])

    english = agent_client.get(url).content.decode()
    assert "State changed" in english and "Priority changed" in english and "Ticket created" in english
    assert "state_changed" not in english

    agent.language = "ru"
    agent.save()
    russian = agent_client.get(url).content.decode()
    assert "Статус изменён" in russian and "Приоритет изменён" in russian and "Заявка создана" in russian


def _recorded_events() -> set[str]:
    """The event names the services pass to record() / history_entry() (or through _set_simple)."""
    found = set(escalation.EVENT.values())  # the sweep writes its history rows itself
    position = {"record": 2, "history_entry": 2, "_set_simple": 5}
    for source in (Path(settings.BASE_DIR) / "tickets" / "services").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in position):
                continue
            if len(node.args) <= position[node.func.id]:
                continue
            arg = node.args[position[node.func.id]]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
            elif isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) and arg.value.id == "events":
                found.add(getattr(events, arg.attr))
    return found


def test_every_event_the_services_record_has_a_name_in_the_history_tab():
    recorded = _recorded_events()
    assert {"ticket_created", "state_changed", "priority_changed", "sla_breached"} <= recorded  # the scan works
    assert recorded - set(HISTORY_EVENTS) == set()
