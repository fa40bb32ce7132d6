"""First response and solution times in business minutes, stored on the ticket when they happen.

Calendar: Monday to Friday 09:00-17:00 UTC. 2026-03-02 is a Monday.
"""

from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from tests.factories import at, state
from tickets import services
from tickets.message import Message
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_from_customer(office, queue, customer):
    """Filed on the web on Monday at 16:00: one business hour left that day."""
    with time_machine.travel(at(2, 16), tick=False):
        return services.create_ticket(
            actor=customer, queue=queue, title="VPN down", message=Message(body_text="No VPN.", channel="web")
        )


def answer(ticket, agent, when, *, visible=True):
    with time_machine.travel(when, tick=False):
        services.add_article(
            ticket=ticket,
            actor=agent,
            message=Message(body_text="On it.", channel="email", is_visible_to_customer=visible),
        )


def set_state(ticket, agent, name, when):
    with time_machine.travel(when, tick=False):
        services.change_state(ticket=ticket, actor=agent, state=state(name))


def test_the_first_visible_agent_answer_stores_the_business_minutes_since_creation(request_from_customer, agent):
    ticket = request_from_customer
    answer(ticket, agent, at(3, 9, 15), visible=False)  # an internal note is no response
    assert Ticket.objects.get(pk=ticket.pk).first_response_minutes is None
    answer(ticket, agent, at(3, 10, 30))  # 60 on Monday + 90 on Tuesday
    answer(ticket, agent, at(4, 10))  # later answers change nothing
    assert Ticket.objects.get(pk=ticket.pk).first_response_minutes == 150


def test_closing_stores_the_solution_time_reopening_clears_it_and_closing_again_counts_from_creation(
    request_from_customer, agent
):
    ticket = request_from_customer
    set_state(ticket, agent, "closed successful", at(4, 11))  # 60 + 480 + 120
    assert Ticket.objects.get(pk=ticket.pk).solution_minutes == 660
    set_state(ticket, agent, "open", at(4, 12))
    assert Ticket.objects.get(pk=ticket.pk).solution_minutes is None
    set_state(ticket, agent, "closed unsuccessful", at(5, 9, 30))  # 60 + 480 + 480 + 30
    assert Ticket.objects.get(pk=ticket.pk).solution_minutes == 1050


def test_a_weekend_does_not_count(office, queue, customer, agent):
    with time_machine.travel(at(6, 16, 30), tick=False):  # Friday 16:30
        ticket = services.create_ticket(
            actor=customer, queue=queue, title="Hi", message=Message(body_text="Hello.", channel="web")
        )
    answer(ticket, agent, at(9, 9, 20))  # Monday 09:20
    assert Ticket.objects.get(pk=ticket.pk).first_response_minutes == 50


def test_backfill_fills_what_older_tickets_miss_and_a_second_run_changes_nothing(request_from_customer, agent):
    ticket = request_from_customer
    answer(ticket, agent, at(3, 10, 30))
    set_state(ticket, agent, "closed successful", at(4, 11))
    Ticket.objects.filter(pk=ticket.pk).update(first_response_minutes=None, solution_minutes=None)
    out = StringIO()
    call_command("backfill_durations", "--batch-size", "1", stdout=out)
    assert "1 ticket(s) updated" in out.getvalue()
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.first_response_minutes, ticket.solution_minutes) == (150, 660)
    out = StringIO()
    call_command("backfill_durations", stdout=out)
    assert "0 ticket(s) updated" in out.getvalue()
