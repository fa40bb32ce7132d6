"""Saving a business calendar in Django admin recomputes the open tickets' due times in the background.

Calendar of these tests: Monday to Friday 09:00-17:00 UTC. 2026-03-02 is a Monday.
"""

from datetime import time

import pytest
import time_machine
from django.urls import reverse

from tests.factories import AgentFactory, at, state
from tickets import services
from tickets.calendars import Calendar
from tickets.message import Message
from tickets.models import SLA, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(office, queue, agent, customer):
    queue.sla = SLA.objects.create(name="Gold", first_response_minutes=60, solution_minutes=480)
    queue.save()
    made = []
    for _ in range(3):
        with time_machine.travel(at(2, 10), tick=False):
            made.append(
                services.create_ticket(
                    actor=agent,
                    queue=queue,
                    title="Printer on fire",
                    customer=customer,
                    message=Message(body_text="It smokes.", channel="phone"),
                )
            )
    with time_machine.travel(at(2, 10, 30), tick=False):
        services.change_state(ticket=made[-1], actor=agent, state=state("closed successful"))
    assert {Ticket.objects.get(pk=t.pk).solution_due for t in made} == {at(3, 10)}
    return made


@pytest.fixture
def admin_client(client):
    client.force_login(AgentFactory(username="root", is_staff=True, is_superuser=True))
    return client


def change_form(calendar: Calendar, **changes) -> dict:
    """The admin change form of `calendar` as the browser posts it, with its inlines, plus `changes`."""
    data = {"name": calendar.name, "time_zone": calendar.time_zone, "is_default": "on" if calendar.is_default else ""}
    intervals = list(calendar.intervals.order_by("weekday", "start"))
    data.update(
        {
            "intervals-TOTAL_FORMS": len(intervals),
            "intervals-INITIAL_FORMS": len(intervals),
            "intervals-MIN_NUM_FORMS": 0,
            "intervals-MAX_NUM_FORMS": 1000,
            "holidays-TOTAL_FORMS": 0,
            "holidays-INITIAL_FORMS": 0,
            "holidays-MIN_NUM_FORMS": 0,
            "holidays-MAX_NUM_FORMS": 1000,
        }
    )
    for i, interval in enumerate(intervals):
        data.update(
            {
                f"intervals-{i}-id": interval.pk,
                f"intervals-{i}-calendar": calendar.pk,
                f"intervals-{i}-weekday": interval.weekday,
                f"intervals-{i}-start": interval.start.strftime("%H:%M"),
                f"intervals-{i}-end": interval.end.strftime("%H:%M"),
            }
        )
    data.update(changes)
    return data


def post(client, calendar, data, queued_mail):
    with time_machine.travel(at(2, 11), tick=False), queued_mail():
        response = client.post(reverse("admin:tickets_calendar_change", args=[calendar.pk]), data)
    assert response.status_code == 302, response.content.decode()[-2000:]


def test_changing_the_calendars_time_zone_in_admin_moves_the_open_tickets_due_times(
    admin_client, office, tickets, queued_mail
):
    post(admin_client, office, change_form(office, time_zone="America/New_York"), queued_mail)
    # 09:00-17:00 in New York is 14:00-22:00 UTC (before the 8 March change): 8 hours from 14:00.
    for ticket in tickets[:2]:
        assert Ticket.objects.get(pk=ticket.pk).solution_due == at(2, 22)
    assert Ticket.objects.get(pk=tickets[2].pk).solution_due == at(3, 10), "the closed ticket is left alone"


def test_changing_working_hours_in_the_inline_moves_the_open_tickets_due_times(
    admin_client, office, tickets, queued_mail
):
    data = change_form(office)
    for i in range(5):
        data[f"intervals-{i}-end"] = "13:00"  # the office now closes at 13:00
    post(admin_client, office, data, queued_mail)
    assert set(office.intervals.values_list("end", flat=True)) == {time(13)}
    for ticket in tickets[:2]:
        fresh = Ticket.objects.get(pk=ticket.pk)
        assert fresh.solution_due == at(4, 10), "3 hours Monday, 4 Tuesday, 1 Wednesday"
        assert fresh.first_response_due == at(2, 11)
