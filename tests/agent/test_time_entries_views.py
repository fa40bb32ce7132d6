"""The zoom's Time section: the entries listed, a new one added, one's own changed or deleted; refusals say why."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.agent.conftest import post_action
from tickets import services
from tickets.models import Ticket, TimeEntry, TimeLock

pytestmark = pytest.mark.django_db


def zoom(client, ticket) -> str:
    response = client.get(reverse("agent:ticket", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str) -> str:
    start = html.index('id="time-section"')
    return html[start : html.index("</table>", start)]


def edit_url(ticket, entry):
    return reverse("agent:time_edit", args=[ticket.pk, entry.pk])


def delete_url(ticket, entry):
    return reverse("agent:time_delete", args=[ticket.pk, entry.pk])


@pytest.fixture
def entries(ticket, agent, second_agent):
    article = ticket.articles.get()
    mine = services.add_time_entry(
        ticket=ticket, actor=agent, minutes="12.5", worked_on=date(2026, 11, 2), note="Called the printer vendor"
    )
    theirs = services.add_time_entry(
        ticket=ticket, actor=second_agent, minutes=30, worked_on=date(2026, 11, 3), billable=False, article=article
    )
    return mine, theirs


def test_the_zoom_lists_the_entries_with_forms_only_on_ones_own(agent_client, ticket, entries):
    mine, theirs = entries
    html = section(zoom(agent_client, ticket))
    assert "Called the printer vendor" in html and "12.5" in html and "30" in html
    assert f'href="#article-{theirs.article_id}"' in html
    assert theirs.author.display_name() in html and mine.author.display_name() in html
    assert edit_url(ticket, mine) in html and delete_url(ticket, mine) in html
    assert edit_url(ticket, theirs) not in html and delete_url(ticket, theirs) not in html


def test_an_administrator_gets_the_forms_of_every_entry(client, admin_user, ticket, entries):
    client.force_login(admin_user)
    html = section(zoom(client, ticket))
    assert all(edit_url(ticket, e) in html and delete_url(ticket, e) in html for e in entries)


def test_a_read_only_agent_sees_the_entries_but_no_form(client, readonly_agent, ticket, entries):
    client.force_login(readonly_agent)
    page = zoom(client, ticket)
    assert "Called the printer vendor" in section(page)
    assert reverse("agent:time", args=[ticket.pk]) not in page
    assert "time_edit" not in page and all(edit_url(ticket, e) not in page for e in entries)


def test_adding_time_with_day_billable_and_note(agent_client, agent, ticket):
    response = post_action(
        agent_client, ticket, "time", minutes="45", worked_on="2026-10-30", note="On site", billable="on"
    )
    assert response.status_code == 302
    post_action(agent_client, Ticket.objects.get(pk=ticket.pk), "time", minutes="5")  # unticked, no day: today
    rows = list(TimeEntry.objects.order_by("pk").values_list("author", "worked_on", "minutes", "billable", "note"))
    today = datetime.now(UTC).date()
    assert rows == [(agent.pk, date(2026, 10, 30), Decimal("45"), True, "On site"), (agent.pk, today, 5, False, "")]
    assert Ticket.objects.get(pk=ticket.pk).time_accounted == 50


def test_the_new_entry_form_offers_today_in_the_agents_time_zone(agent_client, agent, ticket):
    agent.timezone = "Asia/Tokyo"
    agent.save()
    with time_machine.travel(datetime(2026, 11, 2, 23, 30, tzinfo=UTC), tick=False):
        html = zoom(agent_client, ticket)
    assert 'name="worked_on" value="2026-11-03"' in html


def test_the_author_changes_and_deletes_their_entry(agent_client, ticket, entries):
    mine, _ = entries
    response = agent_client.post(edit_url(ticket, mine), {"minutes": "20", "worked_on": "2026-11-04", "note": "x"})
    assert response.status_code == 302
    assert "Time entry changed." in agent_client.get(response["Location"]).content.decode()
    changed = TimeEntry.objects.get(pk=mine.pk)
    assert (changed.minutes, changed.worked_on, changed.billable, changed.note) == (20, date(2026, 11, 4), False, "x")
    assert Ticket.objects.get(pk=ticket.pk).time_accounted == 50
    history = agent_client.get(reverse("agent:history", args=[ticket.pk])).content.decode()
    assert "20.00 min, 2026-11-04, not billable" in history  # the history tab
    assert agent_client.post(delete_url(ticket, mine)).status_code == 302
    assert not TimeEntry.objects.filter(pk=mine.pk).exists()
    assert Ticket.objects.get(pk=ticket.pk).time_accounted == 30


def test_a_colleagues_entry_is_refused_with_403_and_kept(agent_client, ticket, entries):
    _, theirs = entries
    edit = agent_client.post(edit_url(ticket, theirs), {"minutes": "1", "worked_on": "2026-11-03"})
    delete = agent_client.post(delete_url(ticket, theirs))
    assert (edit.status_code, delete.status_code) == (403, 403)
    assert "You do not have the right" in delete.content.decode()
    assert TimeEntry.objects.get(pk=theirs.pk).minutes == 30


def test_an_outsider_a_customer_and_a_wrong_ticket_get_404(client, outsider_agent, customer, ticket, entries):
    mine, _ = entries
    for who in (outsider_agent, customer):
        client.force_login(who)
        assert client.post(delete_url(ticket, mine)).status_code == 404
    other = services.create_ticket(actor=None, queue=ticket.queue, title="Other")
    client.force_login(mine.author)
    assert client.post(reverse("agent:time_delete", args=[other.pk, mine.pk])).status_code == 404
    assert client.get(delete_url(ticket, mine)).status_code == 405
    assert TimeEntry.objects.filter(pk=mine.pk).exists()


def test_bad_input_is_refused_with_the_reason_and_changes_nothing(agent_client, ticket, entries):
    mine, _ = entries
    response = agent_client.post(edit_url(ticket, mine), {"minutes": "-3", "worked_on": "2026-11-02"})
    assert response.status_code == 400
    assert "greater than or equal to 0.01" in response.content.decode()
    response = post_action(agent_client, Ticket.objects.get(pk=ticket.pk), "time", minutes="5", worked_on="yesterday")
    assert response.status_code == 400
    assert TimeEntry.objects.get(pk=mine.pk).minutes == Decimal("12.5") and TimeEntry.objects.count() == 2


def test_a_locked_period_is_shown_and_refuses_changes_with_409(agent_client, admin_user, ticket, entries):
    mine, _ = entries
    TimeLock.objects.create(locked_until=date(2026, 11, 2), locked_by=admin_user)
    html = zoom(agent_client, ticket)
    assert 'id="time-lock"' in html
    assert edit_url(ticket, mine) not in section(html) and "locked" in section(html)
    response = agent_client.post(delete_url(ticket, mine))
    assert response.status_code == 409
    assert "the period is locked until" in response.content.decode()
    response = post_action(
        agent_client, Ticket.objects.get(pk=ticket.pk), "time", minutes="5", worked_on="2026-11-01", billable="on"
    )
    assert response.status_code == 409
    assert TimeEntry.objects.count() == 2 and Ticket.objects.get(pk=ticket.pk).time_accounted == Decimal("42.5")


def test_the_zoom_runs_constant_queries_whatever_the_number_of_entries(
    agent_client, agent, second_agent, ticket, django_assert_max_num_queries
):
    article = ticket.articles.get()
    services.add_time_entry(ticket=ticket, actor=agent, minutes=5, article=article)

    def grow():
        for n in range(30):
            services.add_time_entry(ticket=ticket, actor=second_agent if n % 2 else agent, minutes=5, article=article)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert "time-entry-" in zoom(agent_client, ticket)
        return len(ctx.captured_queries)

    queries()  # warm up: session, grants
    few = queries()
    grow()
    assert queries() == few
    with django_assert_max_num_queries(30):
        zoom(agent_client, ticket)
