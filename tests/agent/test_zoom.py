"""The ticket zoom: customer sidebar, escaping, HTMX refusals, administrators, action sections."""

import html
import re

import pytest
from django.urls import reverse

from tests.agent.conftest import opened_zoom, post_action
from tests.factories import TicketFactory, priority, state
from tickets import services
from tickets.message import Message
from tickets.models import Ticket

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
    html = opened_zoom(agent_client, ticket)
    forms = html.count('method="post"')
    assert forms > 10
    # The logout form and the customer invitation (no ticket change) have none.
    others = 1 + html.count("/invite-customer/")
    assert html.count(f'name="version" value="{ticket.version}"') >= forms - others


def test_the_action_sections_are_drawn_closed_and_each_form_comes_when_its_section_opens(agent_client, ticket):
    page = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert 'name="owner"' not in page and 'name="state"' not in page  # no form is built with the page
    assert "{#" not in page and "comment" not in page.lower().split("<body", 1)[1]  # no template note shows
    assert 'id="act-state" class="accordion-collapse collapse" data-bs-parent' in page  # closed
    url = reverse("agent:action_section", args=[ticket.pk, "state"])
    assert f'hx-get="{url}?version={ticket.version}"' in page

    section = agent_client.get(url, {"version": ticket.version}, HTTP_HX_REQUEST="true")
    assert section.status_code == 200
    form = section.content.decode()
    assert f'action="{reverse("agent:state", args=[ticket.pk])}"' in form
    assert f'<option value="{ticket.state_id}" selected>' in form
    assert "<html" not in form  # a fragment, swapped into the section


def test_a_section_opened_after_another_agent_s_change_still_reports_the_conflict(agent_client, second_agent, ticket):
    page = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    shown = ticket.version
    services.set_priority(ticket=ticket, actor=second_agent, priority=priority(5))

    url = re.search(r'hx-get="([^"]*/actions/priority/[^"]*)"', page).group(1)
    form = agent_client.get(html.unescape(url)).content.decode()
    assert f'name="version" value="{shown}"' in form  # the version the page showed, not the current one

    response = post_action(agent_client, ticket, "priority", version=shown, priority=priority(1).pk)
    assert response.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).priority == priority(5)


def test_a_section_is_only_given_to_an_agent_whose_rights_show_it(
    agent_client, client, readonly_agent, outsider_agent, ticket
):
    assert agent_client.get(reverse("agent:action_section", args=[ticket.pk, "nonsense"])).status_code == 404
    client.force_login(readonly_agent)  # may read the ticket, may not change it
    page = client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert "/actions/state/" not in page
    assert client.get(reverse("agent:action_section", args=[ticket.pk, "state"])).status_code == 404
    client.force_login(outsider_agent)  # may not see the ticket at all
    assert client.get(reverse("agent:action_section", args=[ticket.pk, "owner"])).status_code == 404


def test_a_state_refused_after_a_reply_is_waiting_in_the_open_state_section(
    agent_client, second_agent, customer, ticket
):
    url = reverse("agent:compose", args=[ticket.pk, "reply"])
    page = agent_client.get(url).content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    seen = re.search(r'name="seen" value="([^"]*)"', page).group(1)
    services.change_state(ticket=ticket, actor=second_agent, state=state("closed successful"))

    response = agent_client.post(
        url,
        {
            "version": version,
            "seen": seen,
            "to": customer.email,
            "subject": "Re",
            "body": "Checked.",
            "next_state": state("open").pk,
        },
    )
    assert response.status_code == 409
    refused = response.content.decode()
    assert 'id="act-state" class="accordion-collapse collapse show"' in refused  # drawn open, with its form
    assert f'<option value="{state("open").pk}" selected>' in refused
    assert 'id="act-owner" class="accordion-collapse collapse"' in refused  # the others stay closed


def test_the_history_tab_is_fetched_when_shown_and_lists_who_changed_what(
    agent_client, client, second_agent, outsider_agent, ticket
):
    services.change_state(ticket=ticket, actor=second_agent, state=state("open"))
    page = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    url = reverse("agent:history", args=[ticket.pk])
    assert f'hx-get="{url}"' in page and 'id="history-rows"' not in page

    rows = agent_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="history-rows"' in rows and "<html" not in rows
    assert second_agent.display_name() in rows and "open" in rows
    client.force_login(outsider_agent)
    assert client.get(url).status_code == 404


def test_a_fragment_asked_for_without_a_session_sends_the_page_to_the_login(client, ticket):
    section = reverse("agent:action_section", args=[ticket.pk, "state"])
    zoom = reverse("agent:ticket", args=[ticket.pk])
    fragment = client.get(section, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{zoom}?tab=1")
    assert fragment.status_code == 200 and fragment.content == b""
    assert fragment["HX-Redirect"] == f"{reverse('agent:login')}?next={zoom}%3Ftab%3D1"  # the page, not the fragment

    plain = client.get(section)  # no htmx: the usual redirect, back to the address asked for
    assert plain.status_code == 302 and plain["Location"] == f"{reverse('agent:login')}?next={section}"
