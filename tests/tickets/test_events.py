"""Domain events: delivered after commit, never on rollback; one failing handler does not stop the rest."""

import pytest
from django.db import transaction

from tickets import events, services
from tickets.message import Message
from tickets.models import Ticket

received = []


def record_every_event(event):
    received.append(("any", event.name))


def record_state_changes(event):
    received.append(("state", event.name))


def explode(event):
    raise RuntimeError("handler bug")


@pytest.fixture(autouse=True)
def _clean():
    received.clear()
    yield
    received.clear()
    events.unsubscribe(explode, events.TICKET_CREATED)
    events.unsubscribe(explode)


@pytest.mark.smoke
@pytest.mark.django_db(transaction=True)
def test_events_are_delivered_only_after_commit(queue, captured_events):
    with transaction.atomic():
        ticket = services.create_ticket(
            actor=None,
            queue=queue,
            title="Hello",
            message=Message(body_text="x"),
        )
        assert captured_events == [], "nothing is announced before the commit"
    assert [(e.name, e.ticket_id) for e in captured_events] == [(events.TICKET_CREATED, ticket.pk)]


@pytest.mark.django_db(transaction=True)
def test_no_event_for_a_rolled_back_change(queue, captured_events):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            services.create_ticket(
                actor=None,
                queue=queue,
                title="Doomed",
                message=Message(body_text="x"),
            )
            raise RuntimeError("something later failed")
    assert not Ticket.objects.exists()
    assert captured_events == []


@pytest.mark.django_db
def test_a_rolled_back_savepoint_drops_its_events(queue, captured_events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.create_ticket(
                    actor=None,
                    queue=queue,
                    title="Doomed",
                    message=Message(body_text="x"),
                )
                raise RuntimeError
        except RuntimeError:
            pass
        kept = services.create_ticket(
            actor=None,
            queue=queue,
            title="Kept",
            message=Message(body_text="x"),
        )
    assert [e.ticket_id for e in captured_events] == [kept.pk]


@pytest.mark.django_db
def test_a_failing_handler_does_not_stop_the_others(queue, captured_events, caplog, django_capture_on_commit_callbacks):
    events.subscribe(events.TICKET_CREATED)(explode)
    with django_capture_on_commit_callbacks(execute=True):
        services.create_ticket(
            actor=None,
            queue=queue,
            title="Hello",
            message=Message(body_text="x"),
        )
    assert [e.name for e in captured_events] == [events.TICKET_CREATED]
    assert "failed for" in caplog.text and "handler bug" in caplog.text


@pytest.mark.django_db
def test_handlers_named_by_name_only_hear_that_event(ticket, agent, django_capture_on_commit_callbacks):
    heard = []
    events.subscribe(events.LOCK_CHANGED)(heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.set_title(ticket=ticket, actor=agent, title="Renamed")
            services.lock(ticket=ticket, actor=agent)
    finally:
        events.unsubscribe(heard.append, events.LOCK_CHANGED)
    assert [(e.name, e.data["locked"], e.actor_id) for e in heard] == [(events.LOCK_CHANGED, True, agent.pk)]


def test_subscribing_twice_delivers_once():
    seen = []
    events.subscribe("custom")(seen.append)
    events.subscribe("custom")(seen.append)
    try:
        events.dispatch(events.Event(name="custom", ticket_id=1, actor_id=None))
    finally:
        events.unsubscribe(seen.append, "custom")
    assert len(seen) == 1


@pytest.mark.django_db
def test_handlers_from_settings(settings, ticket, agent, django_capture_on_commit_callbacks):
    from tests.factories import state

    settings.HELPDESK_EVENT_HANDLERS = [
        "tests.tickets.test_events.record_every_event",
        f"{events.STATE_CHANGED}:tests.tickets.test_events.record_state_changes",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.set_title(ticket=ticket, actor=agent, title="Renamed")
        services.change_state(ticket=ticket, actor=agent, state=state("open"))
    assert received == [("any", "title_changed"), ("any", events.STATE_CHANGED), ("state", events.STATE_CHANGED)]


@pytest.mark.django_db
def test_a_handler_that_cannot_be_imported_does_not_stop_the_others(
    settings, queue, captured_events, caplog, django_capture_on_commit_callbacks
):
    settings.HELPDESK_EVENT_HANDLERS = [
        "tests.tickets.test_events.no_such_handler",
        "tests.tickets.test_events.record_every_event",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.create_ticket(actor=None, queue=queue, title="Hello")
    assert [e.name for e in captured_events] == [events.TICKET_CREATED]
    assert received == [("any", events.TICKET_CREATED)]
    assert "no_such_handler" in caplog.text
