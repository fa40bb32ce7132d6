"""Pending states that act (issue 12): the reminder, the auto-close, the customer's answer that wakes a
waiting ticket, and the pending time a form offers when the agent gives none. Time is frozen."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from mailgateway import ingest
from mailgateway.models import OutgoingMail
from mailgateway.tasks import send_due_reminders
from tests.agent.conftest import opened_zoom, post_action
from tests.factories import state
from tests.mail.helpers import make_mail
from tickets import services
from tickets.calendars import Calendar, WorkingInterval
from tickets.models import Ticket
from tickets.pending import default_pending_until
from tickets.tasks import close_due_pending

pytestmark = pytest.mark.django_db

DUE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def on_commit(queued_mail):
    """What the block queued for after the commit runs, notifications (Celery tasks) eagerly."""
    return queued_mail


def sent(kind) -> list[str]:
    return list(OutgoingMail.objects.filter(kind=kind).order_by("pk").values_list("to", flat=True))


def fresh(ticket) -> Ticket:
    return Ticket.objects.select_related("state").get(pk=ticket.pk)


# --- the reminder ------------------------------------------------------------------------------


@pytest.fixture
def reminder(ticket, agent):
    services.assign_owner(ticket=ticket, actor=agent, owner=agent)
    services.change_state(ticket=ticket, actor=agent, state=state("pending reminder"), pending_until=DUE)
    return ticket


def test_a_due_reminder_mails_the_owner_once_and_not_before(reminder, agent, on_commit):
    with time_machine.travel(DUE - timedelta(minutes=1), tick=False) as traveller:
        with on_commit():
            assert send_due_reminders() == 0
        traveller.move_to(DUE + timedelta(minutes=1))
        with on_commit():
            assert send_due_reminders() == 1
            assert send_due_reminders() == 0  # a second run (or a second worker) sends nothing new
    assert sent(OutgoingMail.Kind.AGENT_REMINDER) == [agent.email]


def test_a_due_reminder_without_an_owner_mails_the_queues_agents(reminder, agent, second_agent, on_commit):
    services.assign_owner(ticket=reminder, actor=agent, owner=None)
    with time_machine.travel(DUE + timedelta(minutes=1), tick=False), on_commit():
        assert send_due_reminders() == 2
        assert send_due_reminders() == 0
    assert sorted(sent(OutgoingMail.Kind.AGENT_REMINDER)) == sorted([agent.email, second_agent.email])


def test_the_reminder_and_auto_close_jobs_are_scheduled_every_minute(settings):
    jobs = {job["task"]: job["schedule"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert jobs["mailgateway.tasks.send_due_reminders"] == 60.0
    assert jobs["tickets.tasks.close_due_pending"] == 60.0


# --- auto-close --------------------------------------------------------------------------------


@pytest.fixture
def waiting(ticket, agent):
    services.change_state(ticket=ticket, actor=agent, state=state("waiting for customer"), pending_until=DUE)
    return ticket


def test_a_due_auto_close_closes_the_ticket_writes_history_and_tells_the_customer_once(waiting, customer, on_commit):
    with time_machine.travel(DUE + timedelta(seconds=1), tick=False), on_commit():
        assert close_due_pending() == 1
        assert close_due_pending() == 0  # the second run does nothing
    ticket = fresh(waiting)
    assert ticket.state.name == "closed successful"
    assert ticket.closed_at == DUE + timedelta(seconds=1) and ticket.pending_until is None
    entry = ticket.history.filter(event="state_changed").latest("pk")
    assert (entry.actor, entry.old_value, entry.new_value) == (None, "waiting for customer", "closed successful")
    assert sent(OutgoingMail.Kind.TICKET_CLOSED) == [customer.email]


def test_a_ticket_not_yet_due_is_left_alone(waiting, on_commit):
    with time_machine.travel(DUE - timedelta(seconds=1), tick=False), on_commit():
        assert close_due_pending() == 0
    assert fresh(waiting).state.name == "waiting for customer"
    assert sent(OutgoingMail.Kind.TICKET_CLOSED) == []


def test_a_ticket_woken_meanwhile_is_not_closed_by_a_late_worker(waiting, agent):
    services.change_state(ticket=waiting, actor=agent, state=state("open"))
    with time_machine.travel(DUE + timedelta(minutes=5), tick=False):
        assert services.auto_close(ticket=waiting) is False
    assert fresh(waiting).state.name == "open"


def test_the_pending_state_names_the_state_it_closes_into(ticket, agent):
    minus = state("pending auto close-")
    minus.close_into = state("closed unsuccessful")
    minus.save()
    services.change_state(ticket=ticket, actor=agent, state=minus, pending_until=DUE)
    with time_machine.travel(DUE, tick=False):
        assert close_due_pending() == 1
    assert fresh(ticket).state.name == "closed unsuccessful"


# --- the customer's answer wakes it -------------------------------------------------------------


def by_mail(client, ticket, text):
    ingest.receive(make_mail(subject=f"Re: {ticket.subject_tag()} {ticket.title}", body=text), source="pipe")


def by_web(client, ticket, text):
    response = client.post(reverse("customer:ticket_reply", args=[ticket.pk]), {"body": text})
    assert response.status_code == 302


@pytest.mark.parametrize("channel", [by_mail, by_web], ids=["mail", "web"])
def test_a_customers_answer_wakes_a_waiting_ticket_and_tells_the_owner(
    client, waiting, agent, customer, channel, on_commit
):
    services.assign_owner(ticket=waiting, actor=agent, owner=agent)
    client.force_login(customer)
    with on_commit():
        channel(client, waiting, "Here are the logs you asked for.")
    ticket = fresh(waiting)
    assert ticket.articles.filter(body_text__contains="Here are the logs").exists()
    assert ticket.state.name == "open" and ticket.pending_until is None
    assert ticket.history.filter(event="state_changed", actor=None, new_value="open").exists()
    assert sent(OutgoingMail.Kind.AGENT_FOLLOW_UP) == [agent.email]
    assert sent(OutgoingMail.Kind.STATE_CHANGED) == []  # the customer just wrote; no notice about it


@pytest.mark.parametrize("channel", [by_mail, by_web], ids=["mail", "web"])
def test_the_queue_names_the_state_a_pending_ticket_wakes_into(client, reminder, queue, customer, channel):
    queue.follow_up_state = state("waiting for us")
    queue.save()
    client.force_login(customer)
    channel(client, reminder, "Any news?")
    assert fresh(reminder).state.name == "waiting for us"


def test_an_answer_to_an_open_ticket_leaves_its_state(client, ticket, agent, customer):
    services.change_state(ticket=ticket, actor=agent, state=state("waiting for us"))
    client.force_login(customer)
    by_web(client, ticket, "One more detail.")
    assert fresh(ticket).state.name == "waiting for us"


# --- the default pending time --------------------------------------------------------------------


@pytest.fixture
def office_queue(queue):
    calendar = Calendar.objects.create(name="Warsaw office", time_zone="Europe/Warsaw")
    for weekday in range(5):
        WorkingInterval.objects.create(calendar=calendar, weekday=weekday, start=time(9), end=time(17))
    queue.calendar = calendar
    queue.save()
    return queue


FRIDAY_AFTERNOON = datetime(2026, 11, 27, 15, 30, tzinfo=WARSAW)
MONDAY_OPENING = datetime(2026, 11, 30, 9, 0, tzinfo=WARSAW)


def test_the_default_pending_time_on_a_friday_afternoon_is_monday_opening_in_the_queues_calendar(office_queue):
    assert default_pending_until(office_queue, now=FRIDAY_AFTERNOON) == MONDAY_OPENING
    tuesday_evening = datetime(2026, 12, 1, 20, 0, tzinfo=WARSAW)
    assert default_pending_until(office_queue, now=tuesday_evening) == datetime(2026, 12, 2, 9, 0, tzinfo=WARSAW)


def test_the_state_form_without_a_time_sets_the_next_business_day(agent_client_for, office_queue, ticket):
    client = agent_client_for()
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        page = opened_zoom(client, ticket)
        assert 'value="2026-11-30T09:00"' in page  # offered in the form (the agent's time zone is Warsaw)
        response = post_action(client, ticket, "state", state=state("waiting for customer").pk)
    assert response.status_code == 302
    assert fresh(ticket).pending_until == MONDAY_OPENING


def test_composes_next_state_without_a_time_sets_the_next_business_day(agent_client_for, office_queue, ticket):
    client = agent_client_for()
    url = reverse("agent:compose", args=[ticket.pk, "note"])
    waiting = state("waiting for customer")
    data = {"version": ticket.version, "subject": "Asked", "body": "Asked for logs.", "next_state": waiting.pk}
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        response = client.post(url, data)
    assert response.status_code == 302
    assert fresh(ticket).pending_until == MONDAY_OPENING


def test_a_bulk_pending_state_without_a_time_sets_the_next_business_day(agent_client_for, office_queue, ticket):
    client = agent_client_for()
    data = {"tickets": [ticket.pk], "action": "state", "state": state("pending reminder").pk, "next": "/agent/queues/"}
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        response = client.post(reverse("agent:bulk"), data)
    assert response.status_code == 302
    ticket = fresh(ticket)
    assert ticket.state.name == "pending reminder" and ticket.pending_until == MONDAY_OPENING


@pytest.fixture
def agent_client_for(client, agent, settings):
    def login():
        agent.timezone = "Europe/Warsaw"
        agent.save()
        client.force_login(agent)
        return client

    return login


def test_the_admin_offers_the_close_into_and_wake_up_states(client, admin_user, queue):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    queue_page = client.get(reverse("admin:tickets_queue_change", args=[queue.pk])).content.decode()
    state_page = client.get(reverse("admin:tickets_state_change", args=[state("waiting for customer").pk]))
    assert 'name="follow_up_state"' in queue_page
    assert 'name="close_into"' in state_page.content.decode()


def test_the_service_gives_a_pending_state_without_a_time_the_next_business_day(office_queue, ticket, agent):
    """The same default whatever the caller (a form, admin, the API, automation): not a refusal."""
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        services.change_state(ticket=ticket, actor=agent, state=state("pending reminder"))
    assert fresh(ticket).pending_until == MONDAY_OPENING
    assert fresh(ticket).state.name == "pending reminder"
