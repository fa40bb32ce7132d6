"""Acknowledgements, customer notices and agent notifications: who gets what, and who never does."""

import pytest
from django.urls import reverse

from accounts.models import Permission
from mailgateway import ingest
from mailgateway.models import EmailTemplate
from tests.factories import AgentFactory, grant, state
from tests.mail.helpers import corpus, make_mail
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def by_recipient(mailoutbox):
    return {m.to[0]: m for m in mailoutbox}


@pytest.mark.smoke
def test_new_mail_ticket_gets_an_acknowledgement_marked_automatic(queue, customer, mailoutbox, on_commit, settings):
    with on_commit():
        record = ingest.receive(make_mail(subject="Need help", message_id="<need@acme.example>"), source="pipe")
    ack = by_recipient(mailoutbox)[customer.email]
    ticket = record.ticket
    assert ack.subject.startswith(ticket.subject_tag())
    assert ticket.number in ack.body
    status_link = settings.HELPDESK_BASE_URL + reverse("customer:ticket_status", args=["TOKEN"]).replace("TOKEN/", "")
    assert status_link in ack.body
    assert ack.extra_headers["Auto-Submitted"] == "auto-replied"
    assert ack.extra_headers["X-Loop"] == settings.HELPDESK_MAIL_LOOP_ID
    assert ack.extra_headers["In-Reply-To"] == "<need@acme.example>"
    assert any(mime == "text/html" for _, mime in ack.alternatives)


def test_the_acknowledgement_is_written_in_the_customers_language(queue, customer, mailoutbox, on_commit):
    customer.language = "pl"
    customer.save()
    with on_commit():
        ingest.receive(make_mail(subject="Drukarka", message_id="<pl@acme.example>"), source="pipe")
    ack = by_recipient(mailoutbox)[customer.email]
    assert "Otrzymaliśmy Państwa zgłoszenie: Drukarka" in ack.subject
    assert "Sprawdź status zgłoszenia:" in ack.body


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"List-Id": "<announce.example.com>"},
    ],
)
def test_no_acknowledgement_to_automatic_or_list_mail(queue, customer, mailoutbox, on_commit, headers):
    with on_commit():
        ingest.receive(make_mail(headers=headers), source="pipe")
    assert customer.email not in by_recipient(mailoutbox)


def test_no_acknowledgement_to_mailer_daemon(queue, mailoutbox, on_commit):
    with on_commit():
        ingest.receive(make_mail(sender="MAILER-DAEMON@mx.example.net"), source="pipe")
    assert "mailer-daemon@mx.example.net" not in by_recipient(mailoutbox)


def test_auto_reply_corpus_message_gets_no_answer(queue, customer, mailoutbox, on_commit):
    with on_commit():
        ingest.receive(corpus("auto_reply.eml"), source="pipe")
    assert customer.email not in by_recipient(mailoutbox)


def test_automatic_replies_are_capped_per_sender_per_hour(queue, customer, mailoutbox, on_commit, settings):
    settings.HELPDESK_MAIL_AUTO_REPLIES_PER_HOUR = 2
    with on_commit():
        for n in range(4):
            ingest.receive(make_mail(subject=f"Mail {n}"), source="pipe")
    assert [m.to for m in mailoutbox].count([customer.email]) == 2


def test_queue_without_auto_response_sends_none(queue, customer, mailoutbox, on_commit):
    queue.auto_response_enabled = False
    queue.save()
    with on_commit():
        ingest.receive(make_mail(), source="pipe")
    assert customer.email not in by_recipient(mailoutbox)


def test_agents_of_the_queue_hear_of_new_tickets_by_preference_and_permission(
    queue, customer, agent, second_agent, outsider_agent, readonly_agent, mailoutbox, on_commit
):
    second_agent.notify_new_ticket = False
    second_agent.save()
    with on_commit():
        ingest.receive(make_mail(subject="Server room flooded"), source="pipe")
    recipients = set(by_recipient(mailoutbox))
    assert agent.email in recipients and readonly_agent.email in recipients
    assert second_agent.email not in recipients and outsider_agent.email not in recipients
    notice = by_recipient(mailoutbox)[agent.email]
    assert "Server room flooded" in notice.subject and notice.extra_headers["Auto-Submitted"] == "auto-generated"


def test_follow_up_goes_to_the_owner(ticket, customer, agent, second_agent, mailoutbox, on_commit):
    services.assign_owner(ticket=ticket, actor=agent, owner=second_agent)
    mailoutbox.clear()
    with on_commit():
        ingest.receive(make_mail(subject=f"Re: {ticket.subject_tag()}", body="Any news?"), source="pipe")
    assert [m.to for m in mailoutbox] == [[second_agent.email]]
    assert "Any news?" in mailoutbox[0].body


def test_assigned_agent_is_told_unless_they_took_it_themselves(ticket, agent, second_agent, mailoutbox, on_commit):
    with on_commit():
        services.assign_owner(ticket=ticket, actor=agent, owner=second_agent)
    assert [m.to for m in mailoutbox] == [[second_agent.email]]
    mailoutbox.clear()
    with on_commit():
        services.assign_owner(ticket=ticket, actor=agent, owner=agent)
    assert mailoutbox == []


def test_closing_tells_the_customer_with_a_rating_link(ticket, agent, customer, mailoutbox, on_commit, settings):
    with on_commit():
        services.change_state(ticket=ticket, actor=agent, state=state("closed successful"))
    [notice] = mailoutbox
    assert notice.to == [customer.email]
    assert settings.HELPDESK_BASE_URL + "/customer/rate/" in notice.body
    assert ticket.number in notice.body


def test_state_change_notice_uses_the_customers_language_override(ticket, agent, customer, mailoutbox, on_commit):
    customer.language = "ru"
    customer.save()
    EmailTemplate.objects.create(
        kind="state_changed",
        language="ru",
        subject="Статус: {{ ticket.state.name }}",
        body_text="Заявка {{ ticket.number }}",
    )
    EmailTemplate.objects.create(kind="state_changed", language="pl", subject="Stan", body_text="Zgłoszenie")
    with on_commit():
        services.change_state(ticket=ticket, actor=agent, state=state("open"))
    [notice] = mailoutbox
    assert notice.subject == f"{ticket.subject_tag()} Статус: open"
    assert notice.body.strip() == f"Заявка {ticket.number}"


def test_reminder_due_is_mailed_once_to_the_owner(ticket, agent, mailoutbox, on_commit):
    from datetime import timedelta

    from django.utils import timezone

    from mailgateway.tasks import send_due_reminders

    services.assign_owner(ticket=ticket, actor=agent, owner=agent)
    services.change_state(
        ticket=ticket, actor=agent, state=state("pending reminder"), pending_until=timezone.now() - timedelta(minutes=1)
    )
    with on_commit():
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0
    assert [m.to for m in mailoutbox] == [[agent.email]]


def test_an_agent_without_rights_is_not_notified_even_as_owner_candidate(queue, customer, mailoutbox, on_commit):
    lurker = AgentFactory(username="lurk")
    grant(lurker, queue, Permission.CREATE)  # no ro: cannot see the queue
    with on_commit():
        ingest.receive(make_mail(), source="pipe")
    assert lurker.email not in by_recipient(mailoutbox)


def test_reopening_by_the_customers_own_follow_up_sends_no_state_notice(ticket, customer, mailoutbox, on_commit):
    services.change_state(ticket=ticket, actor=None, state=state("closed successful"))
    with on_commit():
        ingest.receive(make_mail(subject=f"Re: {ticket.subject_tag()}", body="Back again"), source="pipe")
    ticket.refresh_from_db()
    assert ticket.state.name == "open"
    assert customer.email not in by_recipient(mailoutbox)
