"""My requests, the conversation, reply, close, reopen, rating and attachment download."""

import pytest
from django.urls import reverse

from tests.factories import state
from tickets import services
from tickets.message import Message
from tickets.models import Queue, SatisfactionRating, Ticket


def detail(ticket):
    return reverse("customer:ticket", args=[ticket.pk])


def agent_reply(ticket, agent, text="We are on it.", internal=False):
    return services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(channel="note" if internal else "email", body_text=text, is_visible_to_customer=not internal),
    )


@pytest.mark.smoke
def test_list_shows_open_requests_with_state_and_last_change(customer_client, own_ticket):
    page = customer_client.get(reverse("customer:tickets")).content.decode()
    assert own_ticket.title in page and own_ticket.number in page
    assert "Received" in page and "updated" in page


def test_list_filters_open_and_closed_and_searches(customer_client, customer, own_ticket, queue):
    done = services.create_ticket(
        actor=customer,
        queue=queue,
        title="Old mouse problem",
        message=Message(body_text="x"),
    )
    services.change_state(ticket=done, actor=customer, state=state("closed successful"))
    url = reverse("customer:tickets")
    open_page = customer_client.get(url).content.decode()
    assert own_ticket.title in open_page and "Old mouse problem" not in open_page
    closed_page = customer_client.get(url, {"status": "closed"}).content.decode()
    assert "Old mouse problem" in closed_page and own_ticket.title not in closed_page
    by_subject = customer_client.get(url, {"status": "all", "q": "mouse"}).content.decode()
    assert "Old mouse problem" in by_subject and own_ticket.title not in by_subject
    by_number = customer_client.get(url, {"status": "all", "q": own_ticket.number}).content.decode()
    assert own_ticket.title in by_number and "Old mouse problem" not in by_number
    assert "No request matches" in customer_client.get(url, {"q": "zzz"}).content.decode()


def test_list_runs_a_constant_number_of_queries(customer_client, customer, queue, django_assert_max_num_queries):
    for i in range(25):
        services.create_ticket(
            actor=customer,
            queue=queue,
            title=f"Request {i}",
            message=Message(body_text="x"),
        )
    with django_assert_max_num_queries(8):
        response = customer_client.get(reverse("customer:tickets"))
    assert response.content.decode().count("list-group-item-action") == 20


def test_company_requests_need_the_company_right(client, customer, colleague_ticket):
    client.force_login(customer)
    url = reverse("customer:tickets")
    assert colleague_ticket.title not in client.get(url, {"scope": "company"}).content.decode()
    customer.can_see_company_tickets = True
    customer.save()
    page = client.get(url, {"scope": "company"}).content.decode()
    assert colleague_ticket.title in page
    assert client.get(detail(colleague_ticket)).status_code == 200


def test_conversation_shows_replies_but_never_internal_notes(customer_client, own_ticket, agent):
    agent_reply(own_ticket, agent, "Please restart it.")
    agent_reply(own_ticket, agent, "INTERNAL: customer is grumpy", internal=True)
    page = customer_client.get(detail(own_ticket)).content.decode()
    assert "Please restart it." in page and "Since Monday." in page
    assert "INTERNAL" not in page and "grumpy" not in page


def test_reply_appends_an_article(customer_client, own_ticket):
    response = customer_client.post(reverse("customer:ticket_reply", args=[own_ticket.pk]), {"body": "Still slow."})
    assert response.status_code == 302
    assert own_ticket.articles.last().body_text == "Still slow."
    assert "Your reply was added." in customer_client.get(detail(own_ticket)).content.decode()


def test_empty_reply_is_refused_with_a_message(customer_client, own_ticket):
    response = customer_client.post(reverse("customer:ticket_reply", args=[own_ticket.pk]), {"body": "  "})
    assert response.status_code == 400
    assert (
        "This field is required." in response.content.decode() or "Please write a reply." in response.content.decode()
    )
    assert own_ticket.articles.count() == 1


def test_close_then_reply_reopens_under_the_reopen_policy(customer_client, own_ticket):
    customer_client.post(reverse("customer:ticket_close", args=[own_ticket.pk]))
    own_ticket.refresh_from_db()
    assert not own_ticket.is_open
    customer_client.post(reverse("customer:ticket_reply", args=[own_ticket.pk]), {"body": "It is back."})
    own_ticket.refresh_from_db()
    assert own_ticket.is_open and own_ticket.state.name == "open"
    assert own_ticket.articles.last().body_text == "It is back."


def test_reply_to_closed_ticket_opens_a_new_one_under_the_new_ticket_policy(customer_client, own_ticket, customer):
    Queue.objects.filter(pk=own_ticket.queue_id).update(follow_up_policy=Queue.FollowUp.NEW_TICKET)
    services.change_state(ticket=own_ticket, actor=customer, state=state("closed successful"))
    response = customer_client.post(reverse("customer:ticket_reply", args=[own_ticket.pk]), {"body": "Again."})
    new = Ticket.objects.exclude(pk=own_ticket.pk).get(customer=customer)
    assert response["Location"] == detail(new)
    assert new.articles.get().body_text == "Again."
    assert f"opened the new request {new.number}" in customer_client.get(detail(new)).content.decode()


def test_reply_to_closed_ticket_is_refused_under_the_reject_policy(customer_client, own_ticket, customer):
    Queue.objects.filter(pk=own_ticket.queue_id).update(follow_up_policy=Queue.FollowUp.REJECT)
    services.change_state(ticket=own_ticket, actor=customer, state=state("closed successful"))
    response = customer_client.post(reverse("customer:ticket_reply", args=[own_ticket.pk]), {"body": "Keep me."})
    page = response.content.decode()
    assert response.status_code == 400
    assert "cannot take replies any more" in page and "Keep me." in page
    assert own_ticket.articles.count() == 1


def test_reopen_button(customer_client, own_ticket, customer):
    services.change_state(ticket=own_ticket, actor=customer, state=state("closed successful"))
    customer_client.post(reverse("customer:ticket_reopen", args=[own_ticket.pk]))
    own_ticket.refresh_from_db()
    assert own_ticket.is_open


def test_close_and_reopen_are_post_only(customer_client, own_ticket):
    assert customer_client.get(reverse("customer:ticket_close", args=[own_ticket.pk])).status_code == 405
    own_ticket.refresh_from_db()
    assert own_ticket.is_open


@pytest.mark.smoke
def test_rating_once_after_closing(customer_client, own_ticket, customer):
    rate = reverse("customer:ticket_rate", args=[own_ticket.pk])
    customer_client.post(rate, {"score": 5})
    assert not SatisfactionRating.objects.exists()  # still open
    customer_client.post(reverse("customer:ticket_close", args=[own_ticket.pk]))
    assert "How did we do?" in customer_client.get(detail(own_ticket)).content.decode()
    customer_client.post(rate, {"score": 4, "comment": "Quick and kind"})
    customer_client.post(rate, {"score": 1, "comment": "changed my mind"})
    rating = SatisfactionRating.objects.get()
    assert (rating.score, rating.comment) == (4, "Quick and kind")
    own_ticket.refresh_from_db()
    assert own_ticket.rating == rating
    page = customer_client.get(detail(own_ticket)).content.decode()
    assert "Your rating" in page and "Quick and kind" in page


def test_invalid_rating_is_refused(customer_client, own_ticket, customer):
    services.change_state(ticket=own_ticket, actor=customer, state=state("closed successful"))
    response = customer_client.post(reverse("customer:ticket_rate", args=[own_ticket.pk]), {"score": 9})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not SatisfactionRating.objects.exists()


def test_attachment_download_is_a_safe_download(customer_client, own_ticket):
    attachment = own_ticket.articles.get().attachments.get()
    response = customer_client.get(reverse("customer:attachment", args=[own_ticket.pk, attachment.pk]))
    assert response.status_code == 200
    assert response.content == b"slow log"
    assert response["Content-Disposition"].startswith('attachment; filename="log.txt"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "application/octet-stream"


def test_a_long_conversation_shows_its_newest_messages_and_the_rest_on_request(
    customer_client, customer, agent, own_ticket
):
    from tickets.views.customer.tickets import CUSTOMER_THREAD

    for n in range(1, CUSTOMER_THREAD + 5):  # with the first message: CUSTOMER_THREAD + 5 visible
        agent_reply(own_ticket, agent, text=f"Answer number {n:02d}.")
    agent_reply(own_ticket, agent, text="Internal remark.", internal=True)

    page = customer_client.get(detail(own_ticket)).content.decode()
    assert "Answer number 05." in page and f"Answer number {CUSTOMER_THREAD + 4:02d}." in page
    assert "Answer number 04." not in page and "Internal remark." not in page
    assert page.index("Answer number 05.") < page.index("Answer number 06.")  # oldest first, as before
    assert 'href="?all=1">Show earlier messages (5)</a>' in page  # the internal note is not counted

    everything = customer_client.get(detail(own_ticket), {"all": "1"}).content.decode()
    assert "Answer number 01." in everything and "Show earlier messages" not in everything
    assert "Internal remark." not in everything

    short = services.create_ticket(
        actor=customer, queue=own_ticket.queue, title="Short", message=Message(body_text="x")
    )
    assert "Show earlier messages" not in customer_client.get(detail(short)).content.decode()
