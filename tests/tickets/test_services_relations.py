"""tag, untag, watch, unwatch, link, unlink, merge."""

from decimal import Decimal

import pytest

from accounts.models import Permission
from tests.factories import grant, state
from tests.tickets.helpers import last_history, snapshot
from tickets import events, services
from tickets.errors import InvalidChange, PermissionDenied, TicketLocked
from tickets.message import Message
from tickets.models import Article, Ticket, TicketLink, TicketMerge

pytestmark = pytest.mark.django_db


def _reload(ticket):
    return Ticket.objects.get(pk=ticket.pk)


# --- tags -------------------------------------------------------------------------------------


def test_tag_and_untag(ticket, agent, captured_events, committed):
    with committed():
        services.tag(ticket=ticket, actor=agent, names=["VPN", " printer ", "", "vpn"])
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["printer", "vpn"]
    entry = last_history(ticket)
    assert (entry.event, entry.field, entry.new_value, entry.actor) == ("tags_changed", "tags", "printer, vpn", agent)
    assert _reload(ticket).version == 2

    before = snapshot(ticket)
    services.tag(ticket=ticket, actor=agent, names=["vpn"])
    assert snapshot(ticket) == before, "a tag it already has changes nothing"

    with committed():
        services.untag(ticket=ticket, actor=agent, names=["VPN"])
    assert list(ticket.tags.values_list("name", flat=True)) == ["printer"]
    assert (last_history(ticket).old_value, last_history(ticket).new_value) == ("vpn", "")
    assert [(e.name, e.data) for e in captured_events] == [
        (events.TAGS_CHANGED, {"added": ["printer", "vpn"]}),
        (events.TAGS_CHANGED, {"removed": ["vpn"]}),
    ]


@pytest.mark.parametrize("who", ["readonly_agent", "outsider_agent", "customer"])
def test_tagging_needs_rw(request, ticket, agent, who):
    services.tag(ticket=ticket, actor=agent, names=["keep"])
    before = snapshot(ticket)
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.tag(ticket=ticket, actor=actor, names=["new"])
    with pytest.raises(PermissionDenied):
        services.untag(ticket=ticket, actor=actor, names=["keep"])
    assert snapshot(ticket) == before


# --- watchers ---------------------------------------------------------------------------------


def test_an_agent_who_can_read_watches_and_unwatches(ticket, readonly_agent, captured_events, committed):
    with committed():
        services.watch(ticket=ticket, actor=readonly_agent)
    assert list(ticket.watchers.all()) == [readonly_agent]
    entry = last_history(ticket)
    assert (entry.event, entry.new_value, entry.actor) == ("watchers_changed", str(readonly_agent), readonly_agent)
    with committed():
        services.unwatch(ticket=ticket, actor=readonly_agent)
    assert not ticket.watchers.exists()
    assert [(e.name, e.data["watching"]) for e in captured_events] == [
        (events.WATCHERS_CHANGED, True),
        (events.WATCHERS_CHANGED, False),
    ]


def test_adding_someone_else_as_watcher_needs_rw(ticket, agent, readonly_agent, second_agent):
    with pytest.raises(PermissionDenied):
        services.watch(ticket=ticket, actor=readonly_agent, user=second_agent)
    services.watch(ticket=ticket, actor=agent, user=second_agent)
    assert list(ticket.watchers.all()) == [second_agent]


def test_only_agents_who_see_the_ticket_can_watch(ticket, agent, outsider_agent, customer):
    before = snapshot(ticket)
    with pytest.raises(PermissionDenied):
        services.watch(ticket=ticket, actor=outsider_agent)
    for who in (outsider_agent, customer):
        with pytest.raises(InvalidChange):
            services.watch(ticket=ticket, actor=agent, user=who)
    with pytest.raises(InvalidChange):
        services.watch(ticket=ticket, actor=customer)
    assert snapshot(ticket) == before


# --- links ------------------------------------------------------------------------------------


def test_link_and_unlink(ticket, agent, make_ticket, captured_events, committed):
    other = make_ticket()
    with committed():
        link = services.link(source=ticket, target=other, kind="related", actor=agent)
    assert (link.source, link.target, link.kind, link.created_by) == (ticket, other, "related", agent)
    entry = last_history(ticket)
    assert (entry.event, entry.new_value) == ("linked", f"related {other.number}")
    assert _reload(ticket).version == 2
    again = services.link(source=ticket, target=other, kind="related", actor=agent)
    assert again.pk == link.pk and TicketLink.objects.count() == 1

    with committed():
        services.unlink(source=ticket, target=other, kind="related", actor=agent)
    assert not TicketLink.objects.exists()
    assert (last_history(ticket).event, last_history(ticket).old_value) == ("unlinked", f"related {other.number}")
    assert [(e.name, e.data["linked"]) for e in captured_events] == [
        (events.LINK_CHANGED, True),
        (events.LINK_CHANGED, False),
    ]


def test_link_refusals(ticket, agent, readonly_agent, make_ticket, other_queue):
    other = make_ticket()
    hidden = make_ticket(actor=None, queue=other_queue)
    before = snapshot(ticket)
    with pytest.raises(InvalidChange):
        services.link(source=ticket, target=ticket, kind="related", actor=agent)
    with pytest.raises(InvalidChange):
        services.link(source=ticket, target=other, kind="cousin", actor=agent)
    with pytest.raises(PermissionDenied):
        services.link(source=ticket, target=hidden, kind="related", actor=agent)
    with pytest.raises(PermissionDenied):
        services.link(source=ticket, target=other, kind="related", actor=readonly_agent)
    assert snapshot(ticket) == before
    assert not TicketLink.objects.exists()


def test_unlink_needs_rw(ticket, agent, readonly_agent, make_ticket):
    other = make_ticket()
    services.link(source=ticket, target=other, kind="related", actor=agent)
    with pytest.raises(PermissionDenied):
        services.unlink(source=ticket, target=other, kind="related", actor=readonly_agent)
    assert TicketLink.objects.count() == 1


# --- merge ------------------------------------------------------------------------------------


@pytest.mark.smoke
def test_merge_moves_articles_and_time_and_leaves_a_stub(
    ticket, agent, customer, make_ticket, captured_events, committed
):
    target = make_ticket(title="The real one")
    services.add_article(
        ticket=ticket,
        actor=customer,
        message=Message(channel="web", body_text="more"),
    )
    services.account_time(ticket=ticket, actor=agent, minutes=20)
    services.account_time(ticket=target, actor=agent, minutes=5)
    source_articles = set(ticket.articles.values_list("pk", flat=True))

    with committed():
        services.merge(source=ticket, target=target, actor=agent)

    source, target = _reload(ticket), _reload(target)
    assert source.state.name == "merged" and source.merged_into == target
    assert source.closed_at is not None and not source.is_open
    assert not source.articles.exists()
    assert source_articles <= set(target.articles.values_list("pk", flat=True))
    assert target.articles.count() == 3
    assert (source.time_accounted, target.time_accounted) == (0, Decimal("25"))
    assert TicketMerge.objects.filter(source=source, target=target, merged_by=agent).exists()
    assert source.history.filter(event="merged", new_value=target.number, actor=agent).exists()
    assert target.history.filter(event="merged", old_value=source.number).exists()
    assert [(e.name, e.ticket_id, e.data["target"]) for e in captured_events] == [
        (events.TICKET_MERGED, source.pk, target.pk)
    ]


def test_merge_into_itself_or_an_already_merged_ticket_is_refused(ticket, agent, make_ticket):
    with pytest.raises(InvalidChange):
        services.merge(source=ticket, target=ticket, actor=agent)
    a, b = make_ticket(), make_ticket()
    services.merge(source=a, target=b, actor=agent)
    with pytest.raises(InvalidChange):
        services.merge(source=a, target=ticket, actor=agent)
    with pytest.raises(InvalidChange):
        services.merge(source=ticket, target=a, actor=agent)
    assert _reload(ticket).state.name == "new"


def test_merge_needs_rw_on_both_tickets(ticket, agent, make_ticket, other_queue, readonly_agent):
    elsewhere = make_ticket(actor=None, queue=other_queue)
    same_queue = make_ticket()
    grant(agent, other_queue, Permission.RO)
    before, before_other = snapshot(ticket), snapshot(elsewhere)
    with pytest.raises(PermissionDenied):
        services.merge(source=ticket, target=elsewhere, actor=agent)
    with pytest.raises(PermissionDenied):
        services.merge(source=elsewhere, target=ticket, actor=agent)
    with pytest.raises(PermissionDenied):
        services.merge(source=ticket, target=same_queue, actor=readonly_agent)
    assert (snapshot(ticket), snapshot(elsewhere)) == (before, before_other)
    assert Article.objects.filter(ticket=ticket).count() == 1


def test_merge_respects_the_lock_on_the_source(ticket, agent, second_agent, make_ticket):
    target = make_ticket()
    services.lock(ticket=ticket, actor=second_agent)
    before = snapshot(ticket)
    with pytest.raises(TicketLocked):
        services.merge(source=ticket, target=target, actor=agent)
    assert snapshot(ticket) == before
    assert state("merged") != _reload(ticket).state
