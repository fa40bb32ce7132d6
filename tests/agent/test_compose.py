"""Reply, note, phone note, forward; canned responses; attachments and the state after sending."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mailgateway.models import OutgoingMail
from tests.factories import state
from tickets import canned
from tickets.message import Message
from tickets.models import Article, CannedResponse, Ticket

pytestmark = pytest.mark.django_db


def compose_url(ticket, kind):
    return reverse("agent:compose", args=[ticket.pk, kind])


@pytest.mark.smoke
def test_reply_form_is_prefilled_from_the_thread(agent_client, agent, queue, ticket, reply_from_customer, customer):
    queue.salutation = "Hello {{ customer_name }},"
    queue.signature = "-- {{ queue }} team"
    queue.save()
    html = agent_client.get(compose_url(ticket, "reply")).content.decode()
    assert f'value="{customer.email}"' in html
    assert f"Hello {customer.display_name()}," in html
    assert "&gt; Still smoking." in html
    assert "-- 1st level team" in html
    assert f"Re: [Ticket#{ticket.number}]" in html


@pytest.mark.smoke
def test_reply_is_mailed_and_fires_the_event(
    agent_client, ticket, customer, captured_events, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("log.txt", b"log data", content_type="text/plain")
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            compose_url(ticket, "reply"),
            {
                "version": ticket.version,
                "to": customer.email,
                "cc": "boss@acme.example",
                "subject": "Re: printer",
                "body": "We sent a technician.",
                "attachments": [upload],
                "next_state": state("pending reminder").pk,
                "pending_until": "2031-05-01T09:00",
                "time_minutes": "7",
            },
        )
    assert response.status_code == 302
    reply = Article.objects.get(ticket=ticket, channel="email")
    assert reply.outgoing_mail.status == "sent" and mail.outbox[0].to == [customer.email]
    assert reply.to_addresses == customer.email and reply.cc_addresses == "boss@acme.example"
    assert reply.attachments.get().filename == "log.txt"
    assert reply.time_accounted == 7 and reply.from_address == ticket.queue.sender_address
    t = Ticket.objects.get(pk=ticket.pk)
    assert t.state.name == "pending reminder" and t.pending_until.year == 2031
    assert any(e.name == "article_added" and e.data["article_id"] == reply.pk for e in captured_events)


def test_reply_with_bad_address_keeps_the_text(agent_client, ticket):
    response = agent_client.post(
        compose_url(ticket, "reply"),
        {"version": ticket.version, "to": "not an address", "subject": "s", "body": "My long careful answer"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "is not an email address" in html
    assert "My long careful answer" in html
    assert not Article.objects.filter(channel="email").exists()


def test_a_reply_to_a_ticket_that_got_a_note_meanwhile_is_saved(agent_client, agent, ticket, customer):
    # Before: refused as stale (409). An article only adds, so it is kept now.
    from tickets.services import add_article

    version = ticket.version
    add_article(
        ticket=ticket,
        actor=agent,
        message=Message(channel="note", body_text="meanwhile", is_visible_to_customer=False),
    )
    response = agent_client.post(
        compose_url(ticket, "reply"),
        {"version": version, "to": customer.email, "subject": "s", "body": "Draft kept"},
    )
    assert response.status_code == 302
    assert ticket.articles.filter(body_text="Draft kept", channel="email").exists()


def test_internal_note_is_not_visible_to_the_customer(agent_client, ticket):
    agent_client.post(compose_url(ticket, "note"), {"version": ticket.version, "subject": "n", "body": "Internal"})
    note = Article.objects.get(channel="note")
    assert not note.is_visible_to_customer and not OutgoingMail.objects.filter(article=note).exists()
    html = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert "article-internal" in html


def test_phone_note_and_forward(agent_client, ticket):
    agent_client.post(compose_url(ticket, "phone"), {"version": ticket.version, "subject": "call", "body": "Called"})
    ticket.refresh_from_db()
    agent_client.post(
        compose_url(ticket, "forward"),
        {"version": ticket.version, "to": "vendor@example.net", "subject": "Fwd", "body": "FYI"},
    )
    assert Article.objects.filter(channel="phone", body_text="Called").exists()
    fwd = Article.objects.get(to_addresses="vendor@example.net")
    assert fwd.outgoing_mail.kind == "forward" and not fwd.is_visible_to_customer


def test_readonly_agent_cannot_post_a_note(client, readonly_agent, ticket):
    client.force_login(readonly_agent)
    response = client.post(compose_url(ticket, "note"), {"version": ticket.version, "subject": "n", "body": "x"})
    assert response.status_code == 403
    assert not Article.objects.filter(channel="note").exists()


def test_canned_response_placeholders_are_filled(agent_client, agent, queue, ticket, customer):
    response = CannedResponse.objects.create(
        name="Thanks", body="Hi {{ customer_name }}, {{ ticket_number }} in {{ queue }} by {{ agent_name }} {{ x }}"
    )
    response.queues.add(queue)
    data = agent_client.get(reverse("agent:canned", args=[ticket.pk, response.pk])).json()
    assert data["body"] == (
        f"Hi {customer.display_name()}, {ticket.number} in 1st level by {agent.display_name()} {{{{ x }}}}"
    )


def test_canned_response_of_another_queue_is_not_offered(agent_client, other_queue, ticket):
    response = CannedResponse.objects.create(name="Other", body="x")
    response.queues.add(other_queue)
    assert agent_client.get(reverse("agent:canned", args=[ticket.pk, response.pk])).status_code == 404
    assert "Other" not in agent_client.get(compose_url(ticket, "reply")).content.decode()


def test_template_syntax_in_customer_data_is_shown_literally(ticket, agent):
    ticket.title = "{% debug %} {{ settings.SECRET_KEY }}"
    # The title goes in as text; it is not evaluated again.
    assert canned.render("{{ ticket_title }}", ticket, agent) == "{% debug %} {{ settings.SECRET_KEY }}"
    assert "{% debug %}" in canned.render("T: {{ ticket_number }} {% debug %}", ticket, agent)
