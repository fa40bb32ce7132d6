"""The zoom's action forms, written by tickets.templatetags.light_forms instead of crispy-forms."""

import re

import pytest
from django.urls import reverse

from tests.agent.conftest import opened_zoom
from tests.factories import priority, state
from tickets.forms import actions as f
from tickets.models import CustomField, Ticket
from tickets.templatetags.light_forms import light_form

pytestmark = pytest.mark.django_db


def form_fields(page: str, action: str) -> dict[str, str]:
    """What a browser sends from the action form posting to `action`: each input's value, each select's choice."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, re.S).group(0)
    data = dict(re.findall(r'<input type="[^"]+" name="([^"]+)" value="([^"]*)"', form))
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        data[name] = chosen.group(1) if chosen else ""
    return data


def test_the_zoom_forms_show_the_ticket_s_values_and_post_back_as_shown(agent_client, ticket):
    page = opened_zoom(agent_client, ticket)

    shown = form_fields(page, reverse("agent:priority", args=[ticket.pk]))
    assert shown["priority"] == str(ticket.priority_id)
    assert '<label for="id_priority" class="form-label requiredField">Priority' in page
    shown["priority"] = str(priority(5).pk)
    assert agent_client.post(reverse("agent:priority", args=[ticket.pk]), shown).status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).priority == priority(5)

    page = opened_zoom(agent_client, ticket)
    shown = form_fields(page, reverse("agent:state", args=[ticket.pk]))
    assert shown["state"] == str(ticket.state_id)
    assert shown["pending_until"]  # the next business day is offered
    shown["state"] = str(state("open").pk)
    assert agent_client.post(reverse("agent:state", args=[ticket.pk]), shown).status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).state == state("open")


def test_a_field_s_errors_help_and_required_mark_are_written(ticket, agent):
    bound = f.TimeForm({"version": "1", "minutes": "-1"}, ticket=ticket, user=agent)
    assert not bound.is_valid()
    html = light_form(bound)
    assert 'class="numberinput form-control is-invalid"' in html
    assert 'aria-describedby="id_minutes_error"' in html
    assert "<strong>Ensure this value is greater than or equal to 0.01.</strong>" in html
    tags = light_form(f.TagForm(ticket=ticket, user=agent))
    assert 'maxlength="500" required' in tags
    assert '<div id="id_names_helptext" class="form-text">Comma-separated</div>' in tags


def test_labels_and_choices_are_escaped(ticket, agent):
    CustomField.objects.create(name="x", label="<b>x</b>", kind="text")
    html = light_form(f.CustomFieldForm(ticket=ticket, user=agent))
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<b>x</b>" not in html
