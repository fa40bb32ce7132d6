"""Use cases that combine services run in one transaction: all of it is saved, or nothing."""

import pytest
from django.utils import timezone

from tests.factories import state
from tickets import services
from tickets.errors import InvalidChange
from tickets.message import Message
from tickets.models import Article, State, StateType, Ticket
from tickets.services.seen import Seen

pytestmark = pytest.mark.django_db


def test_an_agent_opens_a_ticket_with_its_state_and_first_mail_in_one_go(agent, customer, queue):
    delivered = []
    ticket = services.open_ticket(
        actor=agent,
        queue=queue,
        title="Your new laptop",
        message=Message(channel="email", body_text="It ships Monday.", to=customer.email),
        customer=customer,
        next_state=state("open"),
        deliver=delivered.append,
    )
    assert ticket.state.name == "open" and ticket.customer == customer
    assert delivered == [ticket.articles.get()]


def test_a_ticket_whose_state_is_refused_is_not_left_half_opened(agent, customer, queue):
    merged = State.objects.filter(type=StateType.MERGED).first() or State.objects.create(
        name="merged", type=StateType.MERGED
    )
    tickets, articles = Ticket.objects.count(), Article.objects.count()
    with pytest.raises(InvalidChange):
        services.open_ticket(
            actor=agent,
            queue=queue,
            title="Call",
            message=Message(channel="phone", body_text="x"),
            customer=customer,
            next_state=merged,
        )
    assert (Ticket.objects.count(), Article.objects.count()) == (tickets, articles)


def test_a_reply_with_a_pending_state_but_no_date_sets_the_default_date(ticket, agent):
    pending = State.objects.filter(type=StateType.PENDING_REMINDER).first()
    message = Message(channel="note", body_text="x")
    done = services.reply(ticket=ticket, actor=agent, message=message, next_state=pending, seen=Seen.of(ticket))
    ticket.refresh_from_db()
    assert done.refused is None and done.article.body_text == "x"
    assert ticket.state == pending and ticket.pending_until > timezone.now()


def test_a_reply_from_a_form_too_old_to_tell_keeps_the_article_and_leaves_the_state(ticket, agent):
    done = services.reply(
        ticket=ticket, actor=agent, message=Message(channel="email", body_text="On it."), next_state=state("open")
    )
    ticket.refresh_from_db()
    assert done.article.body_text == "On it." and done.refused is not None
    assert ticket.state.name != "open"
