"""The escalation sweep with other transactions at work (PostgreSQL): each event is told once, and a
ticket a service holds is skipped, not waited for."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from mailgateway.models import OutgoingMail
from tests.factories import AgentFactory
from tests.tickets.test_concurrency import run_together
from tickets import services
from tickets.message import Message
from tickets.models import SLA, Ticket
from tickets.tasks import escalate_due_tickets, send_escalation_notices

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def breached(agent, queue, customer):
    """A ticket opened 70 minutes ago under a 60-minute first response: its breach has come."""
    queue.sla = SLA.objects.create(name="Gold", first_response_minutes=60, update_minutes=600, warning_percent=80)
    queue.save()
    queue.escalation_contacts.add(AgentFactory(username="mia"))
    with time_machine.travel(timezone.now() - timedelta(minutes=70), tick=False):
        ticket = services.create_ticket(
            actor=agent, queue=queue, title="Down", customer=customer, message=Message(body_text="Down.")
        )
        services.assign_owner(ticket=ticket, actor=agent, owner=agent)
    return ticket


def escalation_mail():
    kinds = [OutgoingMail.Kind.ESCALATION_WARNING, OutgoingMail.Kind.ESCALATION_BREACH]
    return sorted(OutgoingMail.objects.filter(kind__in=kinds).values_list("kind", "to"))


def test_four_workers_sweeping_at_once_tell_each_breach_once(breached, agent):
    results = []
    assert run_together(4, lambda n: results.append(escalate_due_tickets())) == []
    assert sorted(r["events"] for r in results) == [0, 0, 0, 1]
    assert escalation_mail() == []  # the notice's task tells it: four workers at once, told once
    assert run_together(4, lambda n: send_escalation_notices()) == []
    assert escalation_mail() == [("escalation_breach", agent.email), ("escalation_breach", "mia@example.com")]
    assert Ticket.objects.get(pk=breached.pk).history.filter(event="sla_breached").count() == 1


def test_a_ticket_held_by_another_transaction_is_skipped_and_swept_next_time(breached, agent):
    held, release = threading.Event(), threading.Event()

    def service_at_work():
        try:
            with transaction.atomic():
                Ticket.objects.select_for_update().filter(pk=breached.pk).values_list("pk").get()
                held.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=service_at_work)
    worker.start()
    try:
        assert held.wait(10)
        assert escalate_due_tickets()["tickets"] == 0  # returns at once instead of waiting for the lock
    finally:
        release.set()
        worker.join()
    assert escalation_mail() == []
    assert escalate_due_tickets()["events"] == 1
    send_escalation_notices()
    assert len(escalation_mail()) == 2
