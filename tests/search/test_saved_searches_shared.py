"""Saved searches: private, shared with every agent or with the agents of an access group; only
their author deletes them; a search page's query is saved and replayed there, re-validated."""

from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.factories import AgentFactory, grant
from tickets.models import SavedSearch

pytestmark = [pytest.mark.django_db]


def save(client, name, query, sharing="private", page="search"):
    return client.post(reverse("agent:save_search"), {"name": name, "query": query, "sharing": sharing, "page": page})


def listed(client, url="agent:search") -> list[str]:
    return [s.name for s in client.get(reverse(url)).context["saved_searches"]]


def test_a_search_pages_query_is_saved_and_opens_the_search_page(client, agent):
    client.force_login(agent)
    response = save(client, "Mail bodies", "q=%22paper+jam%22&recipient=a%40b.example&cf_serial=SN-1&evil=1&page=3")
    saved = SavedSearch.objects.get(name="Mail bodies")
    assert parse_qs(saved.query) == {"q": ['"paper jam"'], "recipient": ["a@b.example"], "cf_serial": ["SN-1"]}
    assert response["Location"].startswith(reverse("agent:search") + "?")
    page = client.get(reverse("agent:search")).content.decode()
    assert f'href="{reverse("agent:search")}?{escape(saved.query)}"' in page


def test_a_private_search_is_seen_by_its_author_only(client, agent, second_agent):
    client.force_login(agent)
    save(client, "Mine", "q=printer")
    assert listed(client) == ["Mine"]
    client.force_login(second_agent)
    assert listed(client) == []


def test_a_search_shared_with_all_agents_is_seen_by_everyone_but_deleted_by_its_author_only(
    client, agent, second_agent, outsider_agent
):
    client.force_login(agent)
    save(client, "Team", "q=printer", sharing="agents")
    search = SavedSearch.objects.get(name="Team")
    for other in (second_agent, outsider_agent):
        client.force_login(other)
        assert listed(client) == ["Team"]
        assert listed(client, "agent:queues") == ["Team"]
        assert client.post(reverse("agent:delete_search", args=[search.pk])).status_code == 404
        assert 'aria-label="Delete"' not in client.get(reverse("agent:search")).content.decode()
    assert SavedSearch.objects.filter(pk=search.pk).exists()
    client.force_login(agent)
    client.post(reverse("agent:delete_search", args=[search.pk]))
    assert not SavedSearch.objects.filter(pk=search.pk).exists()


def test_a_search_shared_with_a_group_is_seen_by_that_groups_agents_only(
    client, agent, queue, readonly_agent, outsider_agent
):
    client.force_login(agent)
    save(client, "First level", "q=printer", sharing=f"group:{queue.group_id}")
    assert SavedSearch.objects.get(name="First level").group == queue.group
    client.force_login(readonly_agent)
    assert listed(client) == ["First level"]
    client.force_login(outsider_agent)
    assert listed(client) == []


def test_a_group_the_agent_holds_no_right_on_is_refused(client, agent, other_queue):
    client.force_login(agent)
    save(client, "Sneaky", "q=x", sharing=f"group:{other_queue.group_id}")
    search = SavedSearch.objects.get(name="Sneaky")
    assert (search.sharing, search.group) == (SavedSearch.Sharing.PRIVATE, None)


def test_a_later_right_on_the_group_shows_the_search(client, agent, queue):
    client.force_login(agent)
    save(client, "Group", "q=x", sharing=f"group:{queue.group_id}")
    newcomer = AgentFactory(username="nina")
    client.force_login(newcomer)
    assert listed(client) == []
    grant(newcomer, queue, "ro")
    assert listed(client) == ["Group"]
