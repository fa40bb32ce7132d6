"""Two agents on one ticket: articles only add; a field change is refused only when that field moved meanwhile."""

import pytest

from tests.factories import priority, state
from tests.tickets.helpers import snapshot
from tickets import services
from tickets.errors import ChangedMeanwhile
from tickets.message import Message
from tickets.services.seen import Seen

pytestmark = pytest.mark.django_db


def test_two_replies_based_on_the_same_version_are_both_kept(ticket, agent, second_agent):
    version = ticket.version
    for who, text in ((agent, "I will check the cable."), (second_agent, "Try restarting it.")):
        services.add_article(
            ticket=ticket,
            actor=who,
            message=Message(channel="email", body_text=text),
        )

    assert ticket.version == version + 2
    assert set(ticket.articles.values_list("body_text", flat=True)) >= {"I will check the cable.", "Try restarting it."}


def test_a_state_change_against_a_state_changed_meanwhile_is_refused_naming_the_change(ticket, agent, second_agent):
    seen = Seen.of(ticket)  # the agent's form shows "new"
    services.change_state(ticket=ticket, actor=second_agent, state=state("closed successful"))
    before = snapshot(ticket)

    with pytest.raises(ChangedMeanwhile) as refused:
        services.change_state(ticket=ticket, actor=agent, state=state("open"), seen=seen)

    message = str(refused.value)
    assert "State was changed from “new” to “closed successful”" in message
    assert second_agent.display_name() in message and "not applied" in message
    assert snapshot(ticket) == before


def test_a_state_change_after_other_changes_to_the_ticket_goes_through(ticket, agent, second_agent):
    seen = Seen.of(ticket)
    services.add_article(
        ticket=ticket,
        actor=second_agent,
        message=Message(channel="note", body_text="meanwhile"),
    )
    services.set_priority(ticket=ticket, actor=second_agent, priority=priority(5))

    services.change_state(ticket=ticket, actor=agent, state=state("open"), seen=seen)

    ticket.refresh_from_db()
    assert ticket.state == state("open") and ticket.priority == priority(5)


def test_moving_and_assigning_collide_only_with_their_own_field(ticket, agent, second_agent, other_queue):
    from accounts.models import Permission
    from tests.factories import grant

    grant(agent, other_queue, Permission.RW)
    grant(second_agent, other_queue, Permission.RW)
    seen = Seen.of(ticket)
    services.assign_owner(ticket=ticket, actor=second_agent, owner=second_agent)

    services.move_queue(ticket=ticket, actor=agent, queue=other_queue, seen=seen)  # the queue had not moved
    with pytest.raises(ChangedMeanwhile, match="Owner was changed from “nobody” to “.*” by "):
        services.assign_owner(ticket=ticket, actor=agent, owner=agent, seen=seen)

    ticket.refresh_from_db()
    assert ticket.queue == other_queue and ticket.owner == second_agent


def test_seen_survives_a_hidden_form_field():
    assert Seen.decode(Seen(3, 7, None).encode()) == Seen(3, 7, None)
    for junk in ("", "1.2", "a.b.c", "1.2.3.4"):
        with pytest.raises(ValueError):
            Seen.decode(junk)
