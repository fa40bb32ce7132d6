"""The ticket table's rows, written by {% ticket_rows %} in Python, are the markup the template loop wrote."""

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from tests.factories import AgentFactory, TicketFactory, state
from tickets.models import Ticket
from tickets.queries import LIST_RELATED
from tickets.sla_display import ClockView

pytestmark = pytest.mark.django_db

# The loop ticket_table.html held before (its SLA cell and badge included as they were).
OLD_ROWS = (Path(__file__).parent / "old_ticket_rows.html").read_text()

NEW_ROWS = "{% load ticket_table %}{% ticket_rows page.objects scope %}"


def render(source, tickets, scope):
    return Template(source).render(Context({"page": SimpleNamespace(objects=tickets), "scope": scope}))


def varied_tickets(queue, agent):
    now = timezone.now()
    TicketFactory(queue=queue, title='Plain <b>bold</b> & "quoted"', owner=None)
    TicketFactory(queue=queue, title="Locked by me", owner=agent, is_locked=True)
    TicketFactory(queue=queue, title="No customer", customer=None, state=state("pending reminder"),
                  pending_until=now + timedelta(hours=5))  # fmt: skip
    TicketFactory(queue=queue, title="Закрыт", state=state("closed successful"), owner=agent)
    tickets = list(Ticket.objects.select_related(*LIST_RELATED).order_by("id"))
    statuses = ["breached", "warning", "ok", None]
    for ticket, status in zip(tickets, statuses, strict=True):
        due = now + timedelta(minutes=90)
        ticket.escalation = ClockView(name="solution", due=due, status=status, minutes_left=90) if status else None
    tickets[0].search_hit = SimpleNamespace(snippet=mark_safe("the <mark>printer</mark> &amp; more"))
    tickets[1].search_hit = None
    return tickets


@pytest.mark.parametrize("scope", ["queues", "reminders"])
@pytest.mark.parametrize("language", ["en", "pl", "ru"])
def test_rows_are_the_markup_the_template_loop_wrote(queue, agent, scope, language):
    tickets = varied_tickets(queue, agent)
    with translation.override(language), timezone.override("Europe/Warsaw"):
        old, new = render(OLD_ROWS, tickets, scope), render(NEW_ROWS, tickets, scope)
    assert "bi-lock-fill" in new and "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;" in new
    assert "<mark>printer</mark>" in new and "sla-cell-breached" in new
    assert new == old


def test_an_empty_list_says_so_as_before(agent):
    with translation.override("cs"):
        assert render(NEW_ROWS, [], "queues") == render(OLD_ROWS, [], "queues")


def test_the_list_page_links_each_row_to_its_ticket(agent_client, queue, agent):
    ticket = TicketFactory(queue=queue, title="Find me in the table", owner=AgentFactory(first_name="Zofia"))
    html = agent_client.get(reverse("agent:queues")).content.decode()
    url = reverse("agent:ticket", args=[ticket.pk])
    assert f'<tr data-href="{url}" data-ticket="{ticket.number}">' in html
    assert f'<a class="text-body" href="{url}">Find me in the table</a>' in html
    assert "Zofia" in html
