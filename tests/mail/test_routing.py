"""Threading and routing: who may write into which ticket, closed and merged tickets, queues by address."""

import pytest

from mailgateway import ingest
from tests.factories import QueueFactory, state
from tests.mail.helpers import make_mail
from tickets import services
from tickets.message import Message
from tickets.models import Queue, Ticket

pytestmark = pytest.mark.django_db


def receive(**kwargs):
    record = ingest.receive(make_mail(**kwargs), source="pipe")
    assert record.status in ("imported", "rejected"), record.error
    return record


def test_reply_threads_by_in_reply_to(ticket, customer):
    first = ticket.articles.get()
    first.message_id = "<first@helpdesk>"
    first.save()
    record = receive(subject="no tag here", headers={"In-Reply-To": "<first@helpdesk>"})
    assert record.ticket == ticket
    assert ticket.articles.count() == 2


@pytest.mark.parametrize("prefix", ["Re:", "AW:", "WG:", "SV:", "VS:", "Odp:", "Fwd:", "Отв:", "Ответ:", "Пересл:"])
def test_localized_prefixes_with_ticket_tag_thread(ticket, customer, prefix):
    record = receive(subject=f"{prefix} {ticket.subject_tag()} Printer on fire")
    assert record.ticket == ticket


@pytest.mark.smoke
def test_customer_b_cannot_write_into_customer_a_ticket(ticket, other_customer):
    record = receive(sender=other_customer.email, subject=f"Re: {ticket.subject_tag()} Printer on fire")
    assert record.ticket != ticket
    assert ticket.articles.count() == 1
    assert record.ticket.customer == other_customer
    note = record.ticket.articles.get(channel="note")
    assert not note.is_visible_to_customer and "not a participant" in note.body_text


def test_company_colleague_may_follow_up(ticket, colleague):
    assert receive(sender=colleague.email, subject=f"Re: {ticket.subject_tag()}").ticket == ticket


def test_agent_of_the_queue_may_follow_up_by_mail_as_an_internal_note_until_verified(ticket, second_agent):
    record = receive(sender=second_agent.email, subject=f"Re: {ticket.subject_tag()}")
    assert record.ticket == ticket
    assert record.article.channel == "note" and not record.article.is_visible_to_customer
    assert "Sender not verified" in record.article.body_text


def test_follow_up_to_closed_ticket_reopens_by_default(ticket, customer):
    services.change_state(ticket=ticket, actor=None, state=state("closed successful"))
    receive(subject=f"Re: {ticket.subject_tag()}")
    ticket.refresh_from_db()
    assert ticket.state.name == "open"


def test_follow_up_to_closed_ticket_opens_new_ticket_when_queue_says_so(ticket, customer, queue):
    Queue.objects.filter(pk=queue.pk).update(follow_up_policy="new")
    services.change_state(ticket=ticket, actor=None, state=state("closed successful"))
    record = receive(subject=f"Re: {ticket.subject_tag()} Printer on fire")
    assert record.ticket != ticket and record.ticket.title == "Printer on fire"


def test_follow_up_to_closed_ticket_rejected_with_a_notice(
    ticket, customer, queue, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    Queue.objects.filter(pk=queue.pk).update(follow_up_policy="reject")
    services.change_state(ticket=ticket, actor=None, state=state("closed successful"))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record = receive(subject=f"Re: {ticket.subject_tag()}")
    assert record.status == "rejected"
    assert ticket.articles.count() == 1
    assert [m.to for m in mailoutbox] == [[customer.email]]
    assert "does not accept follow-ups" in mailoutbox[0].body


def test_follow_up_to_merged_ticket_goes_to_the_target(ticket, customer, agent, queue):
    target = services.create_ticket(
        actor=agent,
        queue=queue,
        title="Main",
        customer=customer,
        message=Message(body_text="x"),
    )
    services.merge(source=ticket, target=target, actor=agent)
    record = receive(subject=f"Re: {ticket.subject_tag()}")
    assert record.ticket == target


def test_queue_by_recipient_address_and_default_queue(queue, settings):
    sales = QueueFactory(name="Sales", email_addresses="sales@support.example.com")
    assert receive(to="sales@support.example.com").ticket.queue == sales
    settings.HELPDESK_MAIL_DEFAULT_QUEUE = "Sales"
    assert receive(to="nobody-claims-this@support.example.com").ticket.queue == sales


def test_unknown_sender_becomes_customer_of_company_by_domain(queue, company):
    company.email_domains = "acme.example, acme.test"
    company.save()
    ticket = receive(sender="Dora Explorer <dora@acme.test>").ticket
    assert ticket.customer.email == "dora@acme.test"
    assert ticket.customer.kind == "customer" and ticket.customer.company == company
    assert ticket.company == company
    assert not ticket.customer.has_usable_password()


def test_unknown_sender_without_auto_create(queue, settings):
    settings.HELPDESK_MAIL_CREATE_CUSTOMERS = False
    ticket = receive(sender="stranger@nowhere.example").ticket
    assert ticket.customer is None
    assert ticket.articles.get().from_address == "stranger@nowhere.example"


def test_our_own_mail_coming_back_is_ignored(queue, settings):
    record = ingest.receive(make_mail(headers={"X-Loop": settings.HELPDESK_MAIL_LOOP_ID}), source="pipe")
    assert record.status == "ignored"
    assert Ticket.objects.count() == 0


def test_control_headers_are_ignored_from_untrusted_sources(queue):
    QueueFactory(name="Secret")
    record = ingest.receive(
        make_mail(headers={"X-Helpdesk-Queue": "Secret", "X-Helpdesk-Ignore": "yes"}), source="pipe"
    )
    assert record.status == "imported" and record.ticket.queue == queue


def test_control_headers_are_honoured_for_a_trusted_account(queue):
    from mailgateway.models import MailAccount

    secret = QueueFactory(name="Secret")
    account = MailAccount.objects.create(name="internal", kind="maildir", maildir_path="/nonexistent", is_trusted=True)
    raw = make_mail(headers={"X-Helpdesk-Queue": "Secret", "X-Helpdesk-Priority": "5"})
    record = ingest.receive(raw, account=account, source="maildir", source_key="k1")
    assert (record.ticket.queue, record.ticket.priority.level) == (secret, 5)
