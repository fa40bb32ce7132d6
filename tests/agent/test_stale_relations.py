"""Tags, links and merge from a stale zoom are refused (the services compare the version under the row lock)."""

import pytest

from tests.agent.conftest import post_action
from tickets import services
from tickets.message import Message
from tickets.models import Ticket, TicketLink

pytestmark = pytest.mark.django_db

STALE = "changed this ticket since you opened it"


def fresh(ticket):
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def other(agent, queue, customer):
    return services.create_ticket(
        actor=agent,
        queue=queue,
        title="Other",
        customer=customer,
        message=Message(body_text="x"),
    )


@pytest.fixture
def stale_version(agent, ticket):
    """The version a zoom opened before another agent changed the ticket."""
    old = ticket.version
    services.set_title(ticket=ticket, actor=agent, title="Printer still on fire")
    return old


def assert_refused_as_stale(response):
    assert response.status_code == 409
    assert STALE in response.content.decode()


def test_stale_tag_form_adds_nothing(agent_client, ticket, stale_version):
    assert_refused_as_stale(post_action(agent_client, ticket, "add_tags", version=stale_version, names="vip"))
    assert not fresh(ticket).tags.exists()


def test_stale_untag_form_removes_nothing(agent_client, agent, ticket):
    services.tag(ticket=ticket, actor=agent, names=["vip"])
    old = fresh(ticket).version
    services.set_title(ticket=ticket, actor=agent, title="Changed")
    assert_refused_as_stale(post_action(agent_client, ticket, "remove_tags", version=old, names="vip"))
    assert list(fresh(ticket).tags.values_list("name", flat=True)) == ["vip"]


def test_stale_link_form_links_nothing(agent_client, ticket, other, stale_version):
    response = post_action(agent_client, ticket, "link", version=stale_version, number=other.number, kind="related")
    assert_refused_as_stale(response)
    assert not TicketLink.objects.exists()


def test_stale_unlink_form_keeps_the_link(agent_client, agent, ticket, other):
    services.link(source=ticket, target=other, kind="related", actor=agent)
    old = fresh(ticket).version
    services.set_title(ticket=ticket, actor=agent, title="Changed")
    response = post_action(agent_client, ticket, "unlink", version=old, number=other.number, kind="related")
    assert_refused_as_stale(response)
    assert TicketLink.objects.count() == 1


def test_stale_unlink_from_the_target_side_keeps_the_link(agent_client, agent, ticket, other):
    services.link(source=other, target=ticket, kind="related", actor=agent)
    old = ticket.version
    services.set_title(ticket=ticket, actor=agent, title="Changed")
    response = post_action(agent_client, ticket, "unlink", version=old, number=other.number, kind="related")
    assert_refused_as_stale(response)
    assert TicketLink.objects.count() == 1


def test_unlink_from_the_target_side_with_a_current_form(agent_client, agent, ticket, other):
    services.link(source=other, target=ticket, kind="related", actor=agent)
    response = post_action(agent_client, fresh(ticket), "unlink", number=other.number, kind="related")
    assert response.status_code == 302
    assert not TicketLink.objects.exists()


def test_stale_merge_form_merges_nothing(agent_client, ticket, other, stale_version):
    assert_refused_as_stale(post_action(agent_client, ticket, "merge", version=stale_version, number=other.number))
    assert fresh(ticket).merged_into is None
    assert ticket.articles.count() == 1
