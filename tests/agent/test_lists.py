"""Queue view, filters, sorting, paging, bulk actions; and constant query counts on lists, dashboard and zoom."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, TicketFactory, priority, state
from tickets import services
from tickets.models import Tag, Ticket
from tickets.views.agent import paging

pytestmark = pytest.mark.django_db


def make_tickets(queue, n, **kw):
    return [TicketFactory(queue=queue, **kw) for _ in range(n)]


def test_queue_view_shows_only_the_agents_queues(agent_client, queue, other_queue):
    mine = TicketFactory(queue=queue, title="Mine to see")
    hidden = TicketFactory(queue=other_queue, title="Not for you")
    html = agent_client.get(reverse("agent:queues")).content.decode()
    assert mine.title in html
    assert hidden.title not in html and other_queue.name not in html


def test_queue_tree_shows_open_counts(agent_client, queue):
    make_tickets(queue, 3)
    make_tickets(queue, 2, state=state("closed successful"))
    response = agent_client.get(reverse("agent:queues"))
    node = response.context["tree"][0]
    assert node.queue == queue and node.open_count == 3


@pytest.mark.smoke
def test_filters_narrow_the_list(agent_client, queue):
    high = TicketFactory(queue=queue, title="Urgent thing", priority=priority(5))
    low = TicketFactory(queue=queue, title="Whenever", priority=priority(1))
    tag = Tag.objects.create(name="vip")
    high.tags.add(tag)
    for params in ({"priority": priority(5).pk}, {"tags": "vip"}, {"q": "urgent"}):
        html = agent_client.get(reverse("agent:queues"), params).content.decode()
        assert high.title in html and low.title not in html


def test_customer_and_company_filters_match_by_name(agent_client, queue):
    from tests.factories import CompanyFactory, CustomerFactory

    nancy = CustomerFactory(
        username="nancy", email="nancy@northwind.example", last_name="Davolio", company=CompanyFactory(name="Northwind")
    )
    theirs = TicketFactory(queue=queue, title="Northwind printer", customer=nancy)
    other = TicketFactory(queue=queue, title="Someone else's")
    for params in ({"customer": "nancy"}, {"customer": "davol"}, {"customer": "@northwind"}, {"company": "northw"}):
        html = agent_client.get(reverse("agent:queues"), params).content.decode()
        assert theirs.title in html and other.title not in html, params
    html = agent_client.get(reverse("agent:queues"), {"company": "no such firm"}).content.decode()
    assert theirs.title not in html and other.title not in html


def test_navbar_search_opens_the_ticket_with_that_number_even_closed(agent_client, queue, other_queue):
    closed = TicketFactory(queue=queue, title="Done and dusted", state=state("closed successful"))
    hidden = TicketFactory(queue=other_queue, title="Not for you")
    response = agent_client.get(reverse("agent:queues"), {"jump": "1", "status": "all", "q": f" {closed.number} "})
    assert response.status_code == 302 and response.url == reverse("agent:ticket", args=[closed.pk])
    for typed in (f"#{closed.number}", f"Ticket#{closed.number}"):
        response = agent_client.get(reverse("agent:queues"), {"jump": "1", "status": "all", "q": typed})
        assert response.status_code == 302 and response.url == reverse("agent:ticket", args=[closed.pk])
    # A number outside the agent's queues is a list with no match, like any other text.
    response = agent_client.get(reverse("agent:queues"), {"jump": "1", "status": "all", "q": hidden.number})
    assert response.status_code == 200 and hidden.title not in response.content.decode()
    # A title search from the same box lists what matches.
    response = agent_client.get(reverse("agent:queues"), {"jump": "1", "status": "all", "q": "dusted"})
    assert response.status_code == 200 and closed.title in response.content.decode()


def test_closed_tickets_are_hidden_unless_asked_for(agent_client, queue):
    closed = TicketFactory(queue=queue, title="Done and dusted", state=state("closed successful"))
    assert closed.title not in agent_client.get(reverse("agent:queues")).content.decode()
    assert closed.title in agent_client.get(reverse("agent:queues"), {"status": "all"}).content.decode()


def test_unknown_sort_falls_back_to_default_and_traversal_is_ignored(agent_client, queue):
    TicketFactory(queue=queue)
    response = agent_client.get(reverse("agent:queues"), {"sort": "customer__password"})
    assert response.status_code == 200 and response.context["sort"] == "-updated"


def test_sorting_by_priority(agent_client, queue):
    a = TicketFactory(queue=queue, priority=priority(1))
    b = TicketFactory(queue=queue, priority=priority(5))
    page = agent_client.get(reverse("agent:queues"), {"sort": "-priority"}).context["page"]
    assert [t.pk for t in page.objects] == [b.pk, a.pk]


def test_paging_is_bounded(agent_client, queue, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 30)
    make_tickets(queue, 35)
    page = agent_client.get(reverse("agent:queues"), {"page": 99}).context["page"]
    assert page.capped and page.total == 30 and page.number == 2 and len(page.objects) == 5


def test_mine_watched_and_escalated_views(agent_client, agent, queue, ticket):
    from django.utils import timezone

    services.lock(ticket=ticket, actor=agent)
    services.watch(ticket=ticket, actor=agent)
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(escalation_at=now)
    day = timezone.timedelta(1)
    later = TicketFactory(queue=queue, title="In warning", escalation_at=now + day, update_warning_due=now - day)
    TicketFactory(queue=queue, title="Not due yet", escalation_at=now + day, update_warning_due=now + day / 2)
    for name in ("agent:mine", "agent:watched"):
        assert ticket.title in agent_client.get(reverse(name)).content.decode()
    page = agent_client.get(reverse("agent:escalated")).context["page"]
    # Only what is due (past its warning threshold) or breached: a later deadline alone is not.
    assert [t.pk for t in page.objects] == [ticket.pk, later.pk]


@pytest.mark.smoke
def test_bulk_lock_and_close_check_each_ticket(agent_client, agent, queue, other_queue):
    mine = make_tickets(queue, 2)
    foreign = TicketFactory(queue=other_queue)
    ids = [t.pk for t in mine] + [foreign.pk]
    response = agent_client.post(reverse("agent:bulk"), {"tickets": ids, "action": "lock"})
    assert response.status_code == 302
    assert Ticket.objects.filter(is_locked=True, owner=agent).count() == 2
    assert not Ticket.objects.get(pk=foreign.pk).is_locked
    agent_client.post(reverse("agent:bulk"), {"tickets": ids, "action": "close"})
    assert Ticket.objects.filter(state__type="closed").count() == 2


def test_bulk_reports_refusals_per_ticket(client, agent, second_agent, queue):
    t = TicketFactory(queue=queue)
    services.lock(ticket=t, actor=agent)
    client.force_login(second_agent)
    response = client.post(reverse("agent:bulk"), {"tickets": [t.pk], "action": "priority", "priority": 5}, follow=1)
    assert t.number in response.content.decode()
    response = client.post(
        reverse("agent:bulk"), {"tickets": [t.pk], "action": "state", "state": state("open").pk}, follow=True
    )
    assert "locked by another agent" in response.content.decode()
    assert Ticket.objects.get(pk=t.pk).state.name == "new"


def test_bulk_move_priority_owner_merge(agent_client, agent, second_agent, queue):
    a, b, c = make_tickets(queue, 3)
    url = reverse("agent:bulk")
    agent_client.post(url, {"tickets": [a.pk, b.pk], "action": "priority", "priority": priority(4).pk})
    assert Ticket.objects.filter(priority__level=4).count() == 2
    agent_client.post(url, {"tickets": [a.pk], "action": "owner", "owner": second_agent.pk})
    assert Ticket.objects.get(pk=a.pk).owner == second_agent
    agent_client.post(url, {"tickets": [a.pk, b.pk], "action": "merge", "merge_into": c.number})
    assert Ticket.objects.filter(merged_into=c).count() == 2


def test_bulk_without_selection_says_so(agent_client):
    response = agent_client.post(reverse("agent:bulk"), {"action": "lock"}, follow=True)
    assert "Select at least one ticket." in response.content.decode()


# Constant query counts -------------------------------------------------------------------------


def _queries(client, url, cold: bool = False) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if cold:  # without the agent's cached queue tree and forms (tickets/views/agent/fragments.py)
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _assert_constant(client, url, grow, django_assert_max_num_queries, ceiling, cold: bool = False):
    """The same number of statements with few rows and with many; and never more than `ceiling`."""
    _queries(client, url)  # warm up: session, grants
    small = _queries(client, url, cold)
    grow()
    large = _queries(client, url, cold)
    assert large == small
    with django_assert_max_num_queries(ceiling):
        client.get(url)


@pytest.mark.smoke
def test_queue_view_runs_constant_queries(agent_client, agent, queue, django_assert_max_num_queries):
    make_tickets(queue, 1, owner=agent, responsible=agent)
    url = reverse("agent:queues") + "?size=50"
    grow = lambda: make_tickets(queue, 45, owner=agent)  # noqa: E731
    _assert_constant(agent_client, url, grow, django_assert_max_num_queries, 20, cold=True)  # the tree and forms drawn
    _assert_constant(agent_client, url, grow, django_assert_max_num_queries, 20)  # and kept


def test_a_list_page_reads_the_queue_tree_and_the_form_choices_from_the_cache(agent_client, agent, queue):
    make_tickets(queue, 3, owner=agent)
    url = reverse("agent:queues")
    cold = _queries(agent_client, url, cold=True)
    warm = _queries(agent_client, url)
    # session, user, grants, the count, the page, saved searches, share groups; not the tree, the
    # queue/category/tag/agent choices of the filter and the bulk bar (six statements; cold, the
    # cleared cache also made the states, priorities and types be read again)
    assert warm == 7
    assert cold == warm + 6 + 3


def test_dashboard_runs_constant_queries(agent_client, agent, queue, django_assert_max_num_queries):
    def grow():
        for t in make_tickets(queue, 25, owner=agent, is_locked=True):
            t.watchers.add(agent)

    grow_first = make_tickets(queue, 1, owner=agent, is_locked=True)
    grow_first[0].watchers.add(agent)
    _assert_constant(agent_client, reverse("agent:dashboard"), grow, django_assert_max_num_queries, 12)


@pytest.mark.smoke
def test_zoom_runs_constant_queries(agent_client, agent, ticket, django_assert_max_num_queries):
    from tickets.models import Attachment
    from tickets.storage import store_bytes

    blob = store_bytes(b"x" * 1000)

    def grow():
        for _ in range(80):
            art = ArticleFactory(ticket=ticket, author=agent)
            Attachment.objects.create(article=art, stored=blob, filename="a.bin", size=1000)

    services.tag(ticket=ticket, actor=agent, names=["vip"])
    services.watch(ticket=ticket, actor=agent)
    url = reverse("agent:ticket", args=[ticket.pk])
    _assert_constant(agent_client, url, grow, django_assert_max_num_queries, 30)


def test_long_threads_load_earlier_articles_on_demand(agent_client, ticket):
    for i in range(40):
        ArticleFactory(ticket=ticket, body_text=f"message number {i}")
    html = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert "message number 39" in html and "message number 5\n" not in html
    assert "Show earlier articles" in html
    first_shown = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).context["articles"][0]
    older = agent_client.get(reverse("agent:older_articles", args=[ticket.pk]), {"before": first_shown.pk})
    assert "message number 5<" in older.content.decode() or "message number 5" in older.content.decode()


def test_saved_search_keeps_only_declared_filters(agent_client, agent, queue):
    TicketFactory(queue=queue, title="Urgent thing", priority=priority(5))
    response = agent_client.post(
        reverse("agent:save_search"),
        {"name": "Hot", "query": f"priority={priority(5).pk}&customer__password=x&sort=-created"},
    )
    assert response.status_code == 302
    saved = agent.saved_searches.get()
    assert saved.query == f"priority={priority(5).pk}&sort=-created"
    html = agent_client.get(reverse("agent:queues")).content.decode()
    assert "Hot" in html


def test_saved_search_of_another_agent_cannot_be_deleted(client, agent, second_agent):
    from tickets.models import SavedSearch

    search = SavedSearch.objects.create(user=agent, name="Mine", query="")
    client.force_login(second_agent)
    assert client.post(reverse("agent:delete_search", args=[search.pk])).status_code == 404
    assert SavedSearch.objects.filter(pk=search.pk).exists()
