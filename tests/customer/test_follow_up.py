"""A customer writes again: one rule (tickets.services.follow_up) for the web form and for mail."""

import pytest
from django.urls import reverse

from mailgateway import ingest
from tests.factories import state
from tests.mail.helpers import make_mail
from tickets import services
from tickets.message import Message
from tickets.models import Article, Queue, Ticket

pytestmark = pytest.mark.django_db


def by_web(client, ticket, text):
    """The customer's reply form; returns (the ticket the reply ended up on or None, the page's answer)."""
    response = client.post(reverse("customer:ticket_reply", args=[ticket.pk]), {"body": text}, follow=True)
    found = Article.objects.filter(body_text=text).select_related("ticket").first()
    return (found.ticket if found else None), response.content.decode()


def by_mail(client, ticket, text):
    record = ingest.receive(make_mail(subject=f"Re: {ticket.subject_tag()} {ticket.title}", body=text), source="pipe")
    found = Article.objects.filter(body_text__contains=text).select_related("ticket").first()
    return (found.ticket if found else None), record.status


@pytest.fixture
def closed_ticket(own_ticket):
    services.change_state(ticket=own_ticket, actor=None, state=state("closed successful"))
    return own_ticket


CHANNELS = {"web": by_web, "mail": by_mail}


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_follow_up_to_a_closed_ticket_reopens_it_on_both_channels(customer_client, closed_ticket, channel):
    landed, _answer = CHANNELS[channel](customer_client, closed_ticket, "It is slow again.")
    closed_ticket.refresh_from_db()
    assert landed == closed_ticket
    assert closed_ticket.state.name == "open"
    assert closed_ticket.history.filter(event="state_changed", new_value="open").exists()


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_follow_up_under_the_new_ticket_policy_opens_a_new_ticket_on_both_channels(
    customer_client, closed_ticket, queue, customer, channel
):
    Queue.objects.filter(pk=queue.pk).update(follow_up_policy=Queue.FollowUp.NEW_TICKET)
    landed, _answer = CHANNELS[channel](customer_client, closed_ticket, "A new problem.")
    closed_ticket.refresh_from_db()
    assert landed is not None and landed != closed_ticket
    assert landed.customer == customer and landed.queue == queue and landed.is_open
    assert not closed_ticket.is_open


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_follow_up_under_the_reject_policy_saves_nothing_on_both_channels(
    customer_client, closed_ticket, queue, channel
):
    Queue.objects.filter(pk=queue.pk).update(follow_up_policy=Queue.FollowUp.REJECT)
    articles, tickets = Article.objects.count(), Ticket.objects.count()
    landed, answer = CHANNELS[channel](customer_client, closed_ticket, "Hello again?")
    assert landed is None
    assert (Article.objects.count(), Ticket.objects.count()) == (articles, tickets)
    closed_ticket.refresh_from_db()
    assert not closed_ticket.is_open
    if channel == "web":
        assert "cannot take replies any more" in answer
        assert "Hello again?" in answer, "the refused text is shown back, ready to copy"
    else:
        assert answer == "rejected"


def test_a_web_reply_to_a_closed_ticket_under_reject_shows_the_error_and_keeps_nothing(
    customer_client, closed_ticket, queue
):
    Queue.objects.filter(pk=queue.pk).update(follow_up_policy=Queue.FollowUp.REJECT)
    before = (closed_ticket.articles.count(), closed_ticket.history.count())
    response = customer_client.post(reverse("customer:ticket_reply", args=[closed_ticket.pk]), {"body": "Still?"})
    assert response.status_code == 400
    assert "cannot take replies any more" in response.content.decode()
    assert (closed_ticket.articles.count(), closed_ticket.history.count()) == before


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_follow_up_to_a_merged_ticket_goes_to_the_merge_target_on_both_channels(
    customer_client, own_ticket, customer, queue, agent, channel
):
    target = services.create_ticket(
        actor=customer, queue=queue, title="The main request", message=Message(body_text="Main.")
    )
    services.merge(source=own_ticket, target=target, actor=agent)
    landed, _answer = CHANNELS[channel](customer_client, own_ticket, "Any news?")
    assert landed == target


def test_the_service_reports_where_the_message_went(closed_ticket, customer):
    done = services.follow_up(ticket=closed_ticket, actor=customer, message=Message(body_text="Again."))
    assert (done.outcome, done.ticket, done.article.body_text) == ("reopened", closed_ticket, "Again.")
    assert done.article.sender_type == Article.Sender.CUSTOMER and done.article.is_visible_to_customer
