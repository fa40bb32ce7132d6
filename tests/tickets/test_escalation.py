"""The escalation sweep (issue 12): SLA warnings and breaches marked, written down and told, each once.

Time is frozen. The SLA of these tests runs on the built-in 24x7 calendar: first response 60 minutes
(warning at 48), update 120 (warning at 96), solution 480 (warning at 384).
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import GroupGrant, Permission
from mailgateway.models import OutgoingMail
from mailgateway.outbox import KIND_HEADER
from tests.factories import AgentFactory, TicketFactory, grant, phone_ticket, state
from tickets import events, services
from tickets.message import Message
from tickets.models import SLA, EscalationNotice, Ticket, TicketHistory, TicketSlaCheck
from tickets.services import escalation, escalation_mail
from tickets.tasks import escalate_due_tickets, send_escalation_notices

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
WARNING, BREACH = OutgoingMail.Kind.ESCALATION_WARNING, OutgoingMail.Kind.ESCALATION_BREACH


def minutes(n, seconds=0):
    return T0 + timedelta(minutes=n, seconds=seconds)


@pytest.fixture
def gold(queue):
    sla = SLA.objects.create(
        name="Gold", first_response_minutes=60, update_minutes=120, solution_minutes=480, warning_percent=80
    )
    queue.sla = sla
    queue.save()
    return sla


@pytest.fixture
def manager(queue):
    """The queue's escalation contact: no rights on the queue needed."""
    user = AgentFactory(username="mia", language="en")
    queue.escalation_contacts.add(user)
    return user


def opened(agent, queue, customer, when=T0, owner=None, title="Printer on fire"):
    ticket = phone_ticket(agent, queue, customer, when, title)
    if owner is not None:
        with time_machine.travel(when, tick=False):
            services.assign_owner(ticket=ticket, actor=agent, owner=owner)
    return ticket


@pytest.fixture
def owned(gold, agent, queue, customer, manager):
    return opened(agent, queue, customer, owner=agent)


def sweep_at(when, **kwargs):
    """The sweep at `when`, then its notices told (what the worker does right after each batch)."""
    with time_machine.travel(when, tick=False):
        done = escalation.sweep(**kwargs)
        escalation_mail.send_pending()
    return done


def told(kind=None) -> list[tuple[str, str]]:
    """(kind, recipient) of every escalation mail stored in the outbox, in order."""
    rows = OutgoingMail.objects.filter(kind__in=[kind] if kind else [WARNING, BREACH]).order_by("pk")
    return list(rows.values_list("kind", "to"))


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


@pytest.mark.smoke
def test_each_clock_warns_its_owner_then_breaches_to_owner_and_contacts_once(owned, agent, manager):
    steps = [
        (47, []),
        (48, [(WARNING, agent.email)]),  # first response
        (60, [(BREACH, agent.email), (BREACH, manager.email)]),
        (96, [(WARNING, agent.email)]),  # update
        (120, [(BREACH, agent.email), (BREACH, manager.email)]),
        (384, [(WARNING, agent.email)]),  # solution
        (480, [(BREACH, agent.email), (BREACH, manager.email)]),
    ]
    for minute, expected in steps:
        before = len(told())
        sweep_at(minutes(minute))
        assert told()[before:] == expected, minute
        sweep_at(minutes(minute))  # a second run sends nothing new
        assert len(told()) == before + len(expected), minute
    ticket = fresh(owned)
    assert ticket.first_response_warned_at == minutes(48) and ticket.first_response_breached_at == minutes(60)
    assert ticket.update_warned_at == minutes(96) and ticket.update_breached_at == minutes(120)
    assert ticket.solution_warned_at == minutes(384) and ticket.solution_breached_at == minutes(480)
    assert ticket.sla_check_at is None  # every event told: the ticket has left the sweep's index
    history = TicketHistory.objects.filter(ticket=owned, event__startswith="sla_").order_by("created", "id")
    assert [(h.event, h.field) for h in history] == [
        ("sla_warning", "first_response"),
        ("sla_breached", "first_response"),
        ("sla_warning", "update"),
        ("sla_breached", "update"),
        ("sla_warning", "solution"),
        ("sla_breached", "solution"),
    ]
    assert history[1].new_value == "2026-03-02 11:00 UTC" and history[1].actor is None


def test_sla_check_at_moves_on_to_the_next_warning_or_breach(owned):
    assert fresh(owned).sla_check_at == minutes(48)
    sweep_at(minutes(50))
    assert fresh(owned).sla_check_at == minutes(60)
    sweep_at(minutes(61))
    assert fresh(owned).sla_check_at == minutes(96)


def test_the_mail_names_the_ticket_the_clock_and_the_due_time_in_the_agents_language_and_zone(owned, agent):
    agent.language, agent.timezone = "cs", "Europe/Prague"
    agent.save()
    mail.outbox.clear()
    sweep_at(minutes(60))
    (message,) = [m for m in mail.outbox if m.to == [agent.email]]
    assert message.subject == f"[Ticket#{owned.number}] SLA porušena (první odpověď): Printer on fire"
    assert f"Tiket {owned.number} porušil SLA (první odpověď): termín byl 2026-03-02 12:00 (Europe/Prague)." in (
        message.body
    )
    assert f"/agent/tickets/{owned.pk}/" in message.body
    html = message.alternatives[0][0]
    assert "první odpověď" in html and f"/agent/tickets/{owned.pk}/" in html
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_breach_found_before_its_warning_was_told_sends_the_breach_only(owned, agent, manager):
    sweep_at(minutes(70))
    assert told() == [(BREACH, agent.email), (BREACH, manager.email)]
    ticket = fresh(owned)
    assert ticket.first_response_warned_at == ticket.first_response_breached_at == minutes(70)
    sweep_at(minutes(70))
    assert len(told()) == 2


@pytest.mark.smoke
def test_crossings_found_together_are_one_mail_per_person_naming_each_clock(owned, agent, manager):
    mail.outbox.clear()
    sweep_at(minutes(400))  # first response and update breached, solution in warning: nothing told before
    assert told() == [(BREACH, agent.email), (BREACH, manager.email)]
    to_owner, to_manager = mail.outbox
    assert to_owner.subject == f"[Ticket#{owned.number}] SLA breached (first response, update): Printer on fire"
    assert to_owner.body.splitlines()[:3] == [
        f"Ticket {owned.number} has breached its SLA (first response): it was due at 2026-03-02 11:00 (UTC).",
        f"Ticket {owned.number} has breached its SLA (update): it was due at 2026-03-02 12:00 (UTC).",
        f"Ticket {owned.number} is close to its SLA target (solution): it is due at 2026-03-02 18:00 (UTC).",
    ]
    assert "(solution)" not in to_manager.body  # the contacts hear of the breaches only
    assert "(first response)" in to_manager.body and "(update)" in to_manager.body
    assert TicketHistory.objects.filter(ticket=owned, event__startswith="sla_").count() == 3


def test_the_escalation_contacts_hear_of_the_breach_only(owned, agent, manager):
    sweep_at(minutes(48))
    assert told() == [(WARNING, agent.email)]
    sweep_at(minutes(60))
    sweep_at(minutes(96))
    assert [to for kind, to in told(WARNING)] == [agent.email, agent.email]
    assert [to for kind, to in told(BREACH)] == [agent.email, manager.email]


def test_without_an_owner_the_queues_agents_are_told(
    gold, agent, second_agent, readonly_agent, outsider_agent, queue, customer, manager
):
    ticket = opened(agent, queue, customer)
    assert ticket.owner is None
    sweep_at(minutes(48))
    assert sorted(to for _kind, to in told(WARNING)) == sorted([agent.email, second_agent.email, readonly_agent.email])
    assert outsider_agent.email not in [to for _kind, to in told()]


def test_an_inactive_owner_is_replaced_by_the_queues_agents(gold, agent, second_agent, queue, customer):
    leaver = AgentFactory(username="leo")
    grant(leaver, queue, Permission.RW)
    ticket = opened(agent, queue, customer, owner=leaver)
    leaver.is_active = False
    leaver.save()
    sweep_at(minutes(48))
    assert sorted(to for _kind, to in told()) == sorted([agent.email, second_agent.email])
    assert fresh(ticket).first_response_warned_at == minutes(48)


def test_an_owner_who_no_longer_sees_the_queue_is_not_told_of_it(gold, agent, queue, customer, manager):
    mover = AgentFactory(username="max")
    grant(mover, queue, Permission.RW)
    ticket = opened(agent, queue, customer, owner=mover)
    GroupGrant.objects.filter(user=mover).delete()
    sweep_at(minutes(60))
    assert told() == [(BREACH, manager.email)]
    assert fresh(ticket).first_response_breached_at == minutes(60)


def test_a_paused_clock_is_not_escalated(owned, agent):
    with time_machine.travel(minutes(10), tick=False):
        services.change_state(
            ticket=owned, actor=agent, state=state("waiting for customer"), pending_until=minutes(5000)
        )
    assert fresh(owned).sla_check_at is None
    sweep_at(minutes(600))
    assert told() == []


def test_a_stale_check_time_on_a_paused_ticket_is_cleared_without_a_mail(owned, agent):
    with time_machine.travel(minutes(10), tick=False):
        services.change_state(
            ticket=owned, actor=agent, state=state("waiting for customer"), pending_until=minutes(5000)
        )
    TicketSlaCheck.objects.filter(ticket=owned).update(check_at=minutes(48))  # as if left behind
    sweep_at(minutes(600))
    assert told() == [] and fresh(owned).sla_check_at is None
    assert not TicketHistory.objects.filter(ticket=owned, event__startswith="sla_").exists()


def test_a_met_first_response_is_not_escalated(owned, agent):
    with time_machine.travel(minutes(10), tick=False):
        services.add_article(
            ticket=owned,
            actor=agent,
            message=Message(body_text="On our way.", channel="email", sender_type="agent", is_visible_to_customer=True),
        )
    sweep_at(minutes(90))
    assert told() == []
    ticket = fresh(owned)
    assert ticket.first_response_warned_at is None and ticket.first_response_breached_at is None
    assert ticket.sla_check_at == minutes(10 + 96)  # the update clock restarted at the reply


def test_a_stopped_ticket_is_not_escalated(owned, agent):
    with time_machine.travel(minutes(30), tick=False):
        services.change_state(ticket=owned, actor=agent, state=state("closed successful"))
    sweep_at(minutes(600))
    assert told() == []


def test_each_warning_and_breach_is_an_event(owned, captured_events, committed):
    with committed():
        sweep_at(minutes(60))
    sla_events = [(e.name, e.data["clock"]) for e in captured_events if e.name.startswith("sla_")]
    assert sla_events == [(events.SLA_BREACHED, "first_response")]
    assert captured_events[-1].ticket_id == owned.pk and captured_events[-1].actor_id is None


def test_a_crash_between_batches_does_not_repeat_the_first_batchs_mails(
    gold, agent, second_agent, queue, customer, monkeypatch
):
    tickets = [opened(agent, queue, customer, owner=agent, title=f"Ticket {n}") for n in range(3)]
    real, calls = escalation.sweep_batch, []

    def crashing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(escalation, "sweep_batch", crashing)
    with pytest.raises(RuntimeError):
        sweep_at(minutes(48), size=2)
    assert told() == [], "the worker died before it told the first batch's notice"
    escalation_mail.send_pending()
    assert len(told()) == 2  # the first batch's two tickets, committed with their marks and notice
    monkeypatch.setattr(escalation, "sweep_batch", real)
    done = sweep_at(minutes(48), size=2)
    assert done.tickets == 1 and len(told()) == 3
    assert all(fresh(t).first_response_warned_at == minutes(48) for t in tickets)


def statements_for_two_due_tickets(gold, agent, queue, customer, start, non_due):
    """Two due tickets among `non_due` open tickets whose next SLA event is days away: the sweep's statements."""
    with time_machine.travel(start, tick=False):
        for _ in range(non_due):
            calm = TicketFactory(queue=queue, state=state("open"), sla=gold)
            TicketSlaCheck.objects.create(ticket=calm, check_at=start + timedelta(days=3))
    due = [opened(agent, queue, customer, when=start, owner=agent) for _ in range(2)]
    with time_machine.travel(start + timedelta(minutes=48), tick=False):
        with CaptureQueriesContext(connection) as captured:
            done = escalation.sweep()
    assert (done.tickets, done.events, done.notices) == (2, 2, 1)
    for ticket in due:
        services.change_state(ticket=ticket, actor=agent, state=state("closed successful"))
    return len(captured)


def test_the_sweep_writes_no_ticket_row(owned, agent):
    """The marks and the next check live in the narrow check table: a backlog minute must not write a
    new version of thousands of wide ticket rows (and an entry in each of their indexes)."""
    with time_machine.travel(minutes(60), tick=False):
        with CaptureQueriesContext(connection) as captured:
            done = escalation.sweep()
    assert done.events == 1
    writes = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith(("UPDATE", "INSERT"))]
    assert writes and not [sql for sql in writes if '"tickets_ticket"' in sql.split(" SET ")[0].split("(")[0]]
    assert fresh(owned).first_response_breached_at == minutes(60)


def test_the_sweeps_statements_do_not_depend_on_the_number_of_open_tickets(gold, agent, queue, customer):
    with_10 = statements_for_two_due_tickets(gold, agent, queue, customer, T0, 10)
    with_100 = statements_for_two_due_tickets(gold, agent, queue, customer, minutes(100), 90)
    assert Ticket.objects.open().count() == 100
    assert with_10 == with_100


def test_the_task_runs_the_sweep_and_says_what_it_did(owned, agent, manager):
    with time_machine.travel(minutes(60), tick=False):
        assert escalate_due_tickets() == {"tickets": 1, "events": 1, "notices": 1, "late mails": 0}
        assert escalate_due_tickets() == {"tickets": 0, "events": 0, "notices": 0, "late mails": 0}
        assert told() == [], "the mail is the notice task's"
        notice = EscalationNotice.objects.get()
        assert send_escalation_notices(notice.pk) == 2
        assert send_escalation_notices(notice.pk) == 0, "a notice is told once"
    assert sorted(told()) == sorted([(BREACH, agent.email), (BREACH, manager.email)])
    assert not EscalationNotice.objects.exists()


def test_a_notice_whose_task_never_ran_is_told_by_the_sweep_a_minute_later(owned, agent, manager):
    with time_machine.travel(minutes(60), tick=False):
        escalate_due_tickets()  # the notice's own task is lost (say the broker was down)
    with time_machine.travel(minutes(60, 30), tick=False):
        assert escalate_due_tickets()["late mails"] == 0, "not yet: its task may still be on its way"
    with time_machine.travel(minutes(61, 1), tick=False):
        assert escalate_due_tickets()["late mails"] == 2
        assert escalate_due_tickets()["late mails"] == 0
    assert sorted(told()) == sorted([(BREACH, agent.email), (BREACH, manager.email)])


def test_the_sweep_is_scheduled_every_minute(settings):
    jobs = {job["task"]: job["schedule"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert jobs["tickets.tasks.escalate_due_tickets"] == 60.0


def test_the_kind_hint_is_the_outboxs():
    assert escalation_mail.KIND_HEADER == KIND_HEADER
    assert {f"escalation_{k}" for k in (escalation_mail.WARNING, escalation_mail.BREACH)} <= set(
        OutgoingMail.Kind.values
    )


def test_up_to_three_tickets_in_a_batch_are_one_mail_each_per_person(gold, agent, queue, customer, manager):
    tickets = [opened(agent, queue, customer, owner=agent, title=f"Ticket {n}") for n in range(3)]
    mail.outbox.clear()
    sweep_at(minutes(60))
    assert sorted(told()) == sorted([(BREACH, agent.email)] * 3 + [(BREACH, manager.email)] * 3)
    subjects = sorted(m.subject for m in mail.outbox if m.to == [agent.email])
    assert subjects == sorted(f"[Ticket#{t.number}] SLA breached (first response): {t.title}" for t in tickets)


def test_more_than_three_tickets_in_a_batch_are_one_digest_per_person(
    gold, agent, queue, customer, manager, monkeypatch
):
    monkeypatch.setattr(escalation_mail, "DIGEST_LINES", 4)
    tickets = [opened(agent, queue, customer, owner=agent, title=f"Ticket {n}") for n in range(5)]
    other = AgentFactory(username="otto", language="cs", timezone="Europe/Prague")
    grant(other, queue, Permission.RW)
    mine = opened(agent, queue, customer, owner=other, title="Otto's ticket")
    mail.outbox.clear()
    sweep_at(minutes(48))  # six warnings: the owner of five gets a digest, the owner of one a mail about it
    assert sorted(told()) == sorted([(WARNING, agent.email), (WARNING, other.email)])
    (digest,) = [m for m in mail.outbox if m.to == [agent.email]]
    assert digest.subject == "SLA warning: 5 tickets close to their targets"
    assert "[Ticket#" not in digest.subject  # not threaded into one ticket
    for ticket in tickets[:4]:
        assert f"Ticket {ticket.number} is close to its SLA target (first response)" in digest.body
        assert f"/agent/tickets/{ticket.pk}/" in digest.body
    assert f"Ticket {tickets[4].number} " not in digest.body
    assert "... and 1 more ticket." in digest.body
    assert "/agent/escalated/" in digest.body and "/agent/escalated/" in digest.alternatives[0][0]
    assert " · " not in digest.alternatives[0][0]  # no ticket's footer in a mail about several
    (single,) = [m for m in mail.outbox if m.to == [other.email]]
    assert single.subject == f"[Ticket#{mine.number}] Varování SLA (první odpověď): Otto's ticket"  # not &#x27;

    mail.outbox.clear()
    sweep_at(minutes(60))  # six breaches: the contact hears of all six at once, a breach digest
    assert sorted(told(BREACH)) == sorted([(BREACH, agent.email), (BREACH, other.email), (BREACH, manager.email)])
    (to_manager,) = [m for m in mail.outbox if m.to == [manager.email]]
    assert to_manager.subject == "SLA: 6 tickets escalated (6 breached)"
    assert to_manager.body.count("has breached its SLA (first response)") == 4
    assert "... and 2 more tickets." in to_manager.body
    sweep_at(minutes(60))  # told once
    assert len(told(BREACH)) == 3


def test_the_recompute_stores_each_counting_clocks_warning_moment(owned, agent):
    ticket = fresh(owned)
    assert (ticket.first_response_warning_due, ticket.update_warning_due, ticket.solution_warning_due) == (
        minutes(48),
        minutes(96),
        minutes(384),
    )
    with time_machine.travel(minutes(10), tick=False):
        services.change_state(
            ticket=owned, actor=agent, state=state("waiting for customer"), pending_until=minutes(5000)
        )
    ticket = fresh(owned)
    assert ticket.first_response_warning_due is None and ticket.solution_warning_due is None  # paused: no warning


def test_a_ticket_whose_moments_predate_the_stored_warnings_is_still_told(owned, agent, manager):
    """Due times computed before the migration that added the warning moments: the sweep computes them once."""
    Ticket.objects.filter(pk=owned.pk).update(
        first_response_warning_due=None, update_warning_due=None, solution_warning_due=None
    )
    sweep_at(minutes(50))
    assert told() == [(WARNING, agent.email)]
    ticket = fresh(owned)
    assert ticket.first_response_warned_at == minutes(50) and ticket.first_response_warning_due == minutes(48)
    assert ticket.sla_check_at == minutes(60)
    sweep_at(minutes(60))
    assert told()[1:] == [(BREACH, agent.email), (BREACH, manager.email)]


def test_a_digest_is_in_the_persons_language_and_zone(gold, agent, queue, customer):
    agent.language, agent.timezone = "cs", "Europe/Prague"
    agent.save()
    tickets = [opened(agent, queue, customer, owner=agent, title=f"Ticket {n}") for n in range(4)]
    mail.outbox.clear()
    sweep_at(minutes(60))
    (digest,) = [m for m in mail.outbox if m.to == [agent.email]]
    assert digest.subject == "SLA: 4 eskalované tikety (porušeno: 4)"
    assert f"Tiket {tickets[0].number} porušil SLA (první odpověď): termín byl 2026-03-02 12:00 (Europe/Prague)." in (
        digest.body
    )
    assert "Všechny eskalované tikety:" in digest.body
