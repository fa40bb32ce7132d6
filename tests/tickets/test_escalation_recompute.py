"""The background recompute after an SLA change, as the escalation sweep sees it afterwards: the due
times of every open ticket move, the calendar is read once per batch, and the sweep follows the new
times. Calendar: Monday to Friday 09:00-17:00 UTC; 2026-03-02 is a Monday."""

from datetime import UTC, datetime, time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import services
from tickets.calendars import Calendar, Holiday, WorkingInterval
from tickets.message import Message
from tickets.models import SLA, Ticket
from tickets.services import escalation
from tickets.tasks import recompute_sla_due_times

pytestmark = pytest.mark.django_db

MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def gold(queue):
    office = Calendar.objects.create(name="Office", time_zone="UTC")
    for weekday in range(5):
        WorkingInterval.objects.create(calendar=office, weekday=weekday, start=time(9), end=time(17))
    Holiday.objects.create(calendar=office, date=datetime(2026, 12, 25).date(), name="Christmas", yearly=True)
    sla = SLA.objects.create(
        name="Gold", first_response_minutes=120, update_minutes=480, solution_minutes=960, calendar=office
    )
    queue.sla = sla
    queue.save()
    return sla


def open_tickets(agent, queue, customer, count):
    with time_machine.travel(MONDAY_9, tick=False):
        return [
            services.create_ticket(
                actor=agent, queue=queue, title=f"T{n}", customer=customer, message=Message(body_text="Help.")
            )
            for n in range(count)
        ]


def test_an_sla_change_moves_every_open_tickets_due_times_reading_the_calendar_once(
    gold, agent, queue, customer, queued_mail
):
    tickets = open_tickets(agent, queue, customer, 5)
    assert {Ticket.objects.get(pk=t.pk).first_response_due for t in tickets} == {datetime(2026, 3, 2, 11, tzinfo=UTC)}
    SLA.objects.filter(pk=gold.pk).update(first_response_minutes=600)  # 10 business hours: Tuesday 11:00
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=UTC), tick=False):
        with CaptureQueriesContext(connection) as captured, queued_mail():
            recompute_sla_due_times.delay(gold.pk)  # run inline: the batch, then an empty one
    tuesday_11 = datetime(2026, 3, 3, 11, tzinfo=UTC)
    assert {Ticket.objects.get(pk=t.pk).first_response_due for t in tickets} == {tuesday_11}
    calendar_reads = [q for q in captured.captured_queries if 'FROM "tickets_calendar"' in q["sql"]]
    assert len(calendar_reads) == 1


def test_the_sweep_follows_the_recomputed_times(gold, agent, queue, customer, queued_mail):
    (ticket,) = open_tickets(agent, queue, customer, 1)
    SLA.objects.filter(pk=gold.pk).update(first_response_minutes=600)
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=UTC), tick=False), queued_mail():
        recompute_sla_due_times.delay(gold.pk)
    with time_machine.travel(datetime(2026, 3, 2, 12, tzinfo=UTC), tick=False):  # the old due time has passed
        assert escalation.sweep().events == 0
    with time_machine.travel(datetime(2026, 3, 3, 11, tzinfo=UTC), tick=False):  # the new one has come
        done = escalation.sweep()
    assert done.events == 2  # the first response, and the update clock (due Monday 17:00) as well
    assert Ticket.objects.get(pk=ticket.pk).first_response_breached_at == datetime(2026, 3, 3, 11, tzinfo=UTC)
