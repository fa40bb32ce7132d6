"""The SLA clocks: due times, pauses, stops, the timeline, and each trigger that recomputes them.

Calendar of these tests: Monday to Friday 09:00-17:00 UTC. 2026-03-02 is a Monday.
"""

from datetime import time

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from accounts.models import Permission
from tests.factories import AgentFactory, QueueFactory, at, grant, phone_ticket, priority, state
from tickets import queries, services
from tickets.business_time import add_working_minutes
from tickets.calendars import WorkingInterval, calendar_for
from tickets.message import Message
from tickets.models import SLA, Category, Clock, Ticket, TicketClockSegment, TicketSlaCheck, TicketType
from tickets.services.sla import SLA_FIELDS, recompute_batch, sla_for
from tickets.tasks import recompute_sla_due_times

pytestmark = pytest.mark.django_db


def reload(ticket):
    return Ticket.objects.select_related("sla", "state").get(pk=ticket.pk)


def timeline(ticket):
    return [
        (s.clock, s.started, s.ended, s.reason)
        for s in TicketClockSegment.objects.filter(ticket=ticket).order_by("started", "id")
    ]


def test_the_shipped_states_say_what_the_clock_does():
    clocks = {name: state(name).clock for name in ("new", "open", "waiting for us")}
    assert set(clocks.values()) == {Clock.RUNNING}
    for name in ("waiting for customer", "pending reminder", "pending auto close+"):
        assert state(name).clock == Clock.PAUSED, name
    for name in ("closed successful", "closed unsuccessful", "rejected as spam", "merged"):
        assert state(name).clock == Clock.STOPPED, name


def test_a_new_ticket_starts_its_clocks_with_due_times_in_business_time(gold, agent, queue, customer):
    ticket = reload(phone_ticket(agent, queue, customer, at(2, 16, 30)))

    assert ticket.sla == gold
    assert ticket.first_response_due == at(3, 9, 30)  # 30 minutes Monday, 30 Tuesday morning
    assert ticket.update_due == at(3, 10, 30)
    assert ticket.solution_due == at(3, 16, 30)
    assert ticket.escalation_at == at(3, 9, 30), "the earliest due time"
    assert ticket.sla_check_at == at(3, 9, 18), "the warning at 80 % of the first response's 60 minutes"
    assert timeline(ticket) == [(Clock.RUNNING, ticket.created, None, "new")]


def test_a_ticket_without_any_sla_has_no_due_times(office, agent, queue, customer):
    ticket = reload(phone_ticket(agent, queue, customer, at(2, 10)))
    assert ticket.sla is None
    assert (ticket.first_response_due, ticket.solution_due, ticket.escalation_at, ticket.sla_check_at) == (None,) * 4


def test_an_agents_visible_reply_meets_the_first_response_and_moves_the_update_due(gold, agent, queue, customer):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    with time_machine.travel(at(2, 10, 20), tick=False):
        services.add_article(ticket=ticket, actor=agent, message=Message(body_text="On it.", channel="email"))
    ticket = reload(ticket)

    assert ticket.first_response_at == at(2, 10, 20)
    assert ticket.update_due == at(2, 12, 20)
    assert ticket.escalation_at == at(2, 12, 20), "the met first response no longer escalates"
    assert ticket.sla_check_at == at(2, 11, 56), "warning of the update clock: 96 of 120 minutes"


def test_an_internal_note_neither_meets_the_first_response_nor_moves_the_update_due(gold, agent, queue, customer):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    with time_machine.travel(at(2, 10, 20), tick=False):
        services.add_article(
            ticket=ticket,
            actor=agent,
            message=Message(body_text="Note.", channel="note", is_visible_to_customer=False),
        )
    ticket = reload(ticket)
    assert ticket.first_response_at is None
    assert (ticket.first_response_due, ticket.update_due) == (at(2, 11), at(2, 12))


def test_a_customer_article_renews_the_update_clock_and_clears_its_marks(gold, agent, queue, customer):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    TicketSlaCheck.objects.filter(ticket_id=ticket.pk).update(update_warned_at=at(2, 11, 36))  # as the sweep would
    with time_machine.travel(at(3, 15), tick=False):
        result = services.follow_up(ticket=ticket, actor=customer, message=Message(body_text="Any news?"))
    assert result.outcome == "added"
    ticket = reload(ticket)

    assert ticket.update_clock_from == at(3, 15)
    assert ticket.update_due == at(3, 17), "two business hours: 15:00-17:00"
    assert ticket.update_warned_at is None
    assert ticket.first_response_due == at(2, 11), "the first response clock is not renewed"


def test_a_pause_while_waiting_for_the_customer_moves_the_due_times_out_by_the_paused_business_time(
    gold, agent, queue, customer, office
):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    before = reload(ticket)
    assert before.solution_due == at(3, 10)
    with time_machine.travel(at(2, 10, 30), tick=False):
        services.change_state(ticket=ticket, actor=agent, state=state("waiting for customer"), pending_until=at(9, 9))
    paused = reload(ticket)
    assert (paused.escalation_at, paused.sla_check_at) == (None, None), "nothing escalates while paused"

    with time_machine.travel(at(3, 9, 30), tick=False):
        services.change_state(ticket=ticket, actor=agent, state=state("open"))
    after = reload(ticket)

    paused_minutes = 6 * 60 + 30 + 30  # Monday 10:30-17:00, Tuesday 09:00-09:30
    calendar = calendar_for(queue=queue, sla=gold)
    assert after.solution_due == add_working_minutes(calendar, before.solution_due, paused_minutes) == at(3, 17)
    assert after.first_response_due == at(3, 10), "30 of its 60 minutes ran before the pause, 30 after it"
    assert after.escalation_at == at(3, 10)
    assert timeline(ticket) == [
        (Clock.RUNNING, at(2, 10), at(2, 10, 30), "new"),
        (Clock.PAUSED, at(2, 10, 30), at(3, 9, 30), "waiting for customer"),
        (Clock.RUNNING, at(3, 9, 30), None, "open"),
    ]


def test_a_pause_after_the_breach_does_not_move_the_breached_due_time(gold, agent, queue, customer):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    with time_machine.travel(at(2, 14), tick=False):
        services.change_state(ticket=ticket, actor=agent, state=state("pending reminder"), pending_until=at(9, 9))
    with time_machine.travel(at(3, 10), tick=False):
        services.change_state(ticket=ticket, actor=agent, state=state("open"))
    ticket = reload(ticket)
    assert ticket.first_response_due == at(2, 11), "due before the pause began: stays where it was"
    assert ticket.solution_due == at(3, 14), "4 hours ran before the pause, 4 after it"


def test_closing_stops_the_clocks_and_reopening_resumes_them(gold, agent, queue, customer):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    with time_machine.travel(at(2, 12), tick=False):
        services.change_state(ticket=ticket, actor=agent, state=state("closed successful"))
    closed = reload(ticket)
    assert (closed.escalation_at, closed.sla_check_at) == (None, None)
    assert not TicketSlaCheck.objects.filter(check_at__isnull=False).exists(), "the sweep has nothing to look at"

    with time_machine.travel(at(3, 10), tick=False):
        services.change_state(ticket=ticket, actor=agent, state=state("open"))
    reopened = reload(ticket)
    assert reopened.solution_due == at(3, 16), "2 hours ran before the close; 6 left from Tuesday 10:00"
    assert timeline(ticket) == [
        (Clock.RUNNING, at(2, 10), at(2, 12), "new"),
        (Clock.STOPPED, at(2, 12), at(3, 10), "closed successful"),
        (Clock.RUNNING, at(3, 10), None, "open"),
    ]


def test_merging_stops_the_merged_tickets_clocks(gold, agent, queue, customer):
    source = phone_ticket(agent, queue, customer, at(2, 10))
    target = phone_ticket(agent, queue, customer, at(2, 10))
    with time_machine.travel(at(2, 11), tick=False):
        services.merge(source=source, target=target, actor=agent)
    source = reload(source)
    assert source.escalation_at is None
    assert timeline(source)[-1] == (Clock.STOPPED, at(2, 11), None, "merged")


def test_the_sla_applies_by_precedence_contract_then_category_then_type_then_priority_then_queue(
    office, agent, queue, customer
):
    slas = {name: SLA.objects.create(name=name, solution_minutes=60) for name in "ABCDE"}
    company = customer.company
    company.sla = slas["A"]
    company.save()
    category = Category.objects.create(name="Hardware", sla=slas["B"])
    ticket_type = TicketType.objects.create(name="Outage", sla=slas["C"])
    urgent = priority(5)
    urgent.sla = slas["D"]
    urgent.save()
    queue.sla = slas["E"]
    queue.save()
    opened = phone_ticket(agent, queue, customer, at(2, 10), category=category, type=ticket_type, priority=urgent)
    ticket = reload(opened)

    assert ticket.sla.name == "A"
    order = [(company, "B"), (category, "C"), (ticket_type, "D"), (urgent, "E")]
    for holder, expected in order:
        holder.sla = None
        holder.save()
        assert sla_for(ticket).name == expected
    queue.sla = None
    queue.save()
    assert sla_for(ticket) is None


def test_changing_the_priority_picks_the_sla_again_and_recomputes(gold, agent, queue, customer):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    urgent = priority(5)
    urgent.sla = SLA.objects.create(name="Urgent", first_response_minutes=15, solution_minutes=120)
    urgent.save()
    with time_machine.travel(at(2, 10, 30), tick=False):
        services.set_priority(ticket=ticket, actor=agent, priority=urgent)
    ticket = reload(ticket)
    assert ticket.sla.name == "Urgent"
    assert (ticket.first_response_due, ticket.update_due, ticket.solution_due) == (at(2, 10, 15), None, at(2, 12))
    assert ticket.escalation_at == at(2, 10, 15)


def test_changing_category_or_type_picks_the_sla_again(gold, agent, queue, customer):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    bronze = SLA.objects.create(name="Bronze", solution_minutes=900)
    with time_machine.travel(at(2, 10, 5), tick=False):
        services.set_type(ticket=ticket, actor=agent, type=TicketType.objects.create(name="Wish", sla=bronze))
    assert reload(ticket).solution_due == at(3, 17)
    silver = SLA.objects.create(name="Silver", solution_minutes=240)
    with time_machine.travel(at(2, 10, 10), tick=False):
        services.set_category(ticket=ticket, actor=agent, category=Category.objects.create(name="Net", sla=silver))
    assert reload(ticket).solution_due == at(2, 14), "the category comes before the type"


def test_moving_to_another_queue_picks_that_queues_sla(gold, agent, queue, customer):
    platinum = SLA.objects.create(name="Platinum", solution_minutes=30)
    second = QueueFactory(name="2nd level", sla=platinum)
    grant(agent, second, Permission.RW)
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    with time_machine.travel(at(2, 10, 10), tick=False):
        services.move_queue(ticket=ticket, actor=agent, queue=second)
    ticket = reload(ticket)
    assert ticket.sla == platinum
    assert ticket.solution_due == at(2, 10, 30)


def test_changing_an_sla_in_the_admin_recomputes_its_open_tickets_in_batches(
    gold, agent, queue, customer, client, queued_mail, monkeypatch
):
    monkeypatch.setattr("tickets.tasks.SLA_RECOMPUTE_BATCH", 2)
    tickets = [phone_ticket(agent, queue, customer, at(2, 10)) for _ in range(5)]
    closed = tickets.pop()
    services.change_state(ticket=closed, actor=agent, state=state("closed successful"))
    closed_due = reload(closed).solution_due
    admin = AgentFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    form = {
        "name": "Gold",
        "first_response_minutes": 60,
        "update_minutes": 120,
        "solution_minutes": 960,
        "warning_percent": 50,
        "calendar": "",
    }
    with time_machine.travel(at(2, 11), tick=False), queued_mail():
        response = client.post(reverse("admin:tickets_sla_change", args=[gold.pk]), form)
    assert response.status_code == 302

    for ticket in tickets:
        ticket = reload(ticket)
        assert ticket.solution_due == at(4, 10), ticket.number
        assert ticket.sla_check_at == at(2, 10, 30), "the warning now at 50 % of 60 minutes"
    assert reload(closed).solution_due == closed_due, "closed tickets are left alone"


def test_the_background_recompute_walks_the_open_tickets_in_batches_by_pk(gold, agent, queue, customer):
    tickets = [phone_ticket(agent, queue, customer, at(2, 10)) for _ in range(3)]
    SLA.objects.filter(pk=gold.pk).update(solution_minutes=960)

    with time_machine.travel(at(2, 12), tick=False):
        first = recompute_batch(sla_id=gold.pk, after_pk=0, size=2)
        assert first == tickets[1].pk
        assert [reload(t).solution_due for t in tickets] == [at(4, 10), at(4, 10), at(3, 10)], (
            "16 hours for the first batch"
        )
        assert recompute_batch(sla_id=gold.pk, after_pk=first, size=2) == tickets[2].pk
        assert recompute_batch(sla_id=gold.pk, after_pk=tickets[2].pk, size=2) is None
    assert reload(tickets[2]).solution_due == at(4, 10)


def test_an_sla_edit_that_gives_more_time_clears_the_marks_that_no_longer_hold(gold, agent, queue, customer):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))  # first response due 11:00, warning at 10:48
    marks = {"first_response_warned_at": at(2, 10, 49), "first_response_breached_at": at(2, 11, 1)}
    TicketSlaCheck.objects.filter(ticket_id=ticket.pk).update(**marks)
    # First response due 14:00, warning 13:12; update and solution warnings at 16:24.
    SLA.objects.filter(pk=gold.pk).update(first_response_minutes=240, update_minutes=480)

    with time_machine.travel(at(2, 12), tick=False):
        recompute_batch(sla_id=gold.pk, after_pk=0, size=10)
        fresh = reload(ticket)
        assert (fresh.first_response_warned_at, fresh.first_response_breached_at) == (None, None)
        assert fresh.sla_check_at == at(2, 13, 12), "the sweep will warn again when the new warning comes"
        assert not Ticket.objects.filter(queries.escalated_q(at(2, 12)), pk=ticket.pk).exists()

    SLA.objects.filter(pk=gold.pk).update(first_response_minutes=150)  # due 12:30, warning 12:00
    TicketSlaCheck.objects.filter(ticket_id=ticket.pk).update(first_response_warned_at=at(2, 12))
    with time_machine.travel(at(2, 12, 10), tick=False):
        recompute_batch(sla_id=gold.pk, after_pk=0, size=10)
    assert reload(ticket).first_response_warned_at == at(2, 12), "a warning that still holds stays"


def test_running_the_recompute_twice_changes_nothing(gold, agent, queue, customer, queued_mail):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    with time_machine.travel(at(2, 11), tick=False):
        services.change_state(ticket=ticket, actor=agent, state=state("pending reminder"), pending_until=at(9, 9))
    with time_machine.travel(at(2, 13), tick=False):
        services.change_state(ticket=ticket, actor=agent, state=state("open"))
    SLA.objects.filter(pk=gold.pk).update(solution_minutes=960)

    def snapshot():
        fresh = reload(ticket)
        return [getattr(fresh, name) for name in SLA_FIELDS], timeline(ticket)

    with time_machine.travel(at(2, 14), tick=False), queued_mail():
        recompute_sla_due_times.delay(gold.pk)
    once = snapshot()
    with time_machine.travel(at(2, 15), tick=False), queued_mail():
        recompute_sla_due_times.delay(gold.pk)
    assert snapshot() == once
    assert once[0][SLA_FIELDS.index("solution_due")] == at(4, 12), "16 hours, plus the 2 paused"
    assert len(once[1]) == 3, "no new timeline rows"


def test_after_a_calendar_change_every_sla_tickets_due_times_follow_the_new_hours(
    gold, office, agent, queue, customer, queued_mail
):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    assert reload(ticket).solution_due == at(3, 10)
    WorkingInterval.objects.filter(calendar=office).update(end=time(13))  # the office now closes at 13:00

    with time_machine.travel(at(2, 11), tick=False), queued_mail():
        recompute_sla_due_times.delay(None)
    assert reload(ticket).solution_due == at(4, 10), "3 hours Monday, 4 Tuesday, 1 Wednesday"


def test_the_ticket_admin_shows_the_clock_timeline(gold, agent, queue, customer, client):
    ticket = phone_ticket(agent, queue, customer, at(2, 10))
    with time_machine.travel(at(2, 11), tick=False):
        services.change_state(ticket=ticket, actor=agent, state=state("pending reminder"), pending_until=at(9, 9))
    client.force_login(AgentFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()
    assert "SLA clock timeline" in page
    assert "(pending reminder)" in page and "(new)" in page


@pytest.mark.postgres
def test_the_sweep_finds_due_tickets_through_the_partial_index(gold, agent, queue, customer):
    for _ in range(3):
        phone_ticket(agent, queue, customer, at(2, 10))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticketslacheck")
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = TicketSlaCheck.objects.due(at(2, 12)).values("pk").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "slacheck_check_at" in plan, plan
    with time_machine.travel(at(2, 12), tick=False):
        assert TicketSlaCheck.objects.due(at(2, 10, 47)).count() == 0
        assert TicketSlaCheck.objects.due(at(2, 10, 48)).count() == 3, "the warning at 48 of 60 minutes"
