"""The queue tree, the filter form and the bulk bar are kept in the cache per agent
(tickets/views/agent/fragments.py): a change shows on the next page, never a stale queue or right."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import GroupGrant, Permission
from tests.agent.conftest import opened_zoom
from tests.factories import AgentFactory, QueueFactory, RoleFactory, TicketFactory, grant
from tickets import reference
from tickets.models import Queue, Tag, Ticket
from tickets.views.agent import fragments

pytestmark = pytest.mark.django_db


def page(client) -> str:
    return client.get(reverse("agent:queues")).content.decode()


def tree_badge(html: str, queue) -> str:
    """The open count the queue tree shows for `queue`."""
    at = html.index(f'data-queue="{queue.name}"')
    start = html.index('<span class="badge', at)
    return html[html.index(">", start) + 1 : html.index("</span>", start)]


def test_a_renamed_queue_shows_at_once_in_the_tree_the_filter_and_the_bulk_bar(agent_client, queue):
    TicketFactory(queue=queue)
    assert page(agent_client).count("1st level") >= 3  # kept now
    queue.name = "First line"
    queue.save()
    html = page(agent_client)
    assert "1st level" not in html
    assert 'data-queue="First line"' in html and ">First line</option>" in html


def test_a_revoked_right_takes_the_queue_out_of_the_cached_parts(agent_client, agent, queue, other_queue):
    grant(agent, other_queue, Permission.RW)
    TicketFactory(queue=queue)
    assert ">2nd level</option>" in page(agent_client)
    GroupGrant.objects.filter(user=agent, group=other_queue.group).delete()
    html = page(agent_client)
    assert "2nd level" not in html


def test_a_right_taken_with_a_role_shows_at_once(agent_client, agent, queue):
    role = RoleFactory()
    extra = QueueFactory(name="Billing desk")
    grant(role, extra, Permission.RW)
    TicketFactory(queue=queue)
    assert "Billing desk" not in page(agent_client)
    agent.roles.add(role)
    assert 'data-queue="Billing desk"' in page(agent_client)


def test_a_new_agent_and_a_new_tag_are_offered_at_once(agent_client, queue):
    TicketFactory(queue=queue)
    page(agent_client)
    AgentFactory(first_name="Zdeněk", last_name="Novák")
    Tag.objects.create(name="needs-invoice")
    html = page(agent_client)
    assert "Zdeněk Novák" in html and "needs-invoice" in html


def test_a_customer_saved_keeps_the_cached_parts(agent_client, queue, customer, django_assert_max_num_queries):
    TicketFactory(queue=queue)
    page(agent_client)
    customer.first_name = "Renamed"
    customer.save()  # customers are saved by every mail from a new address: no cached part shows them
    with django_assert_max_num_queries(7):
        page(agent_client)


def test_another_process_s_change_is_seen_through_the_shared_version(agent_client, queue):
    TicketFactory(queue=queue)
    page(agent_client)
    Queue.objects.filter(pk=queue.pk).update(name="Renamed elsewhere")  # no signal here: another process did it
    assert 'data-queue="Renamed elsewhere"' not in page(agent_client)  # the kept tree
    reference.bump_panel()  # what the other process's save did when its transaction committed
    assert 'data-queue="Renamed elsewhere"' in page(agent_client)


def test_a_change_bumps_the_shared_version_when_it_commits(queue, django_capture_on_commit_callbacks):
    before = cache.get(reference.PANEL_VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        queue.name = "Committed"
        queue.save()
    assert cache.get(reference.PANEL_VERSION_KEY) != before


def test_open_counts_in_the_tree_follow_within_the_documented_seconds(agent_client, queue, monkeypatch):
    monkeypatch.setattr(fragments, "TREE_SECONDS", 3)  # room for two page loads on a busy machine
    TicketFactory(queue=queue)
    assert tree_badge(page(agent_client), queue) == "1"
    TicketFactory(queue=queue)
    assert tree_badge(page(agent_client), queue) == "1"  # kept
    time.sleep(3.2)
    assert tree_badge(page(agent_client), queue) == "2"
    assert Ticket.objects.filter(queue=queue).count() == 2


def test_agents_do_not_share_their_cached_parts(client, queue, other_queue):
    anna, boris = AgentFactory(), AgentFactory()
    grant(anna, queue, Permission.RW)
    grant(boris, other_queue, Permission.RW)
    TicketFactory(queue=queue)
    client.force_login(anna)
    assert "2nd level" not in page(client)
    client.force_login(boris)
    html = page(client)
    assert 'data-queue="2nd level"' in html and "1st level" not in html


def test_the_filter_form_shows_the_values_of_this_request(agent_client, queue):
    TicketFactory(queue=queue)
    first = agent_client.get(reverse("agent:queues"), {"q": "printer"}).content.decode()
    second = agent_client.get(reverse("agent:queues"), {"q": "scanner"}).content.decode()
    assert 'value="printer"' in first and 'value="scanner"' in second and 'value="printer"' not in second


def zoom(client, ticket) -> str:
    return opened_zoom(client, ticket)


def owner_choices(html: str) -> str:
    form = html[html.index('data-action="owner"') :]
    return form[: form.index("</form>")]


def test_the_zoom_keeps_its_choice_lists_and_reads_them_again_after_a_change(agent_client, agent, queue, ticket):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    zoom(agent_client, ticket)
    with CaptureQueriesContext(connection) as cold_ctx:
        cache.clear()
        zoom(agent_client, ticket)
    with CaptureQueriesContext(connection) as warm_ctx:
        html = zoom(agent_client, ticket)

    def reads(ctx, table):
        return sum(q["sql"].startswith(f'SELECT "{table}"') for q in ctx.captured_queries)

    # kept: the owner and responsible candidates, the queues to move to, categories, custom fields
    assert reads(cold_ctx, "tickets_queue") == 1 and reads(warm_ctx, "tickets_queue") == 0
    assert reads(cold_ctx, "tickets_category") == 1 and reads(warm_ctx, "tickets_category") == 0
    assert reads(cold_ctx, "tickets_customfield") == 1 and reads(warm_ctx, "tickets_customfield") == 0
    assert reads(warm_ctx, "accounts_user") == reads(cold_ctx, "accounts_user") - 2
    assert len(warm_ctx.captured_queries) <= len(cold_ctx.captured_queries) - 5
    assert "Dorota" not in owner_choices(html)

    newcomer = AgentFactory(first_name="Dorota")
    grant(newcomer, queue, Permission.RW)
    assert "Dorota" in owner_choices(zoom(agent_client, ticket))

    GroupGrant.objects.filter(user=newcomer).delete()
    assert "Dorota" not in owner_choices(zoom(agent_client, ticket))
