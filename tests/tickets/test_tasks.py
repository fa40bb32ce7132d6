"""release_expired_locks: a lock outlives its queue's unlock timeout only while an agent works on it."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tickets import events, services
from tickets.message import Message
from tickets.models import Ticket, TicketHistory
from tickets.tasks import release_expired_locks

pytestmark = pytest.mark.django_db


@pytest.fixture
def timed_queue(queue):
    queue.unlock_timeout_minutes = 30
    queue.save()
    return queue


def _locked(ticket, agent, minutes_ago):
    """Lock as `agent`, then date the lock and its history back, as if it happened `minutes_ago`."""
    services.lock(ticket=ticket, actor=agent)
    then = timezone.now() - timedelta(minutes=minutes_ago)
    Ticket.objects.filter(pk=ticket.pk).update(locked_at=then, updated=then)
    TicketHistory.objects.filter(ticket=ticket).update(created=then)
    ticket.refresh_from_db()
    return ticket


@pytest.mark.smoke
def test_an_expired_lock_is_released_by_the_system(timed_queue, ticket, agent, captured_events, committed):
    _locked(ticket, agent, minutes_ago=45)
    with committed():
        assert release_expired_locks() == 1
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert not fresh.is_locked and fresh.locked_at is None
    assert fresh.owner == agent, "the owner stays; only the lock goes"
    entry = ticket.history.order_by("-id").first()
    assert (entry.event, entry.actor, entry.old_value, entry.new_value) == ("unlocked", None, "locked", "unlocked")
    assert [(e.name, e.actor_id, e.data["locked"]) for e in captured_events] == [(events.LOCK_CHANGED, None, False)]


def test_running_twice_releases_once(timed_queue, ticket, agent):
    _locked(ticket, agent, minutes_ago=45)
    assert release_expired_locks() == 1
    history = ticket.history.count()
    assert release_expired_locks() == 0
    assert ticket.history.count() == history


def test_a_young_lock_stays(timed_queue, ticket, agent):
    _locked(ticket, agent, minutes_ago=10)
    assert release_expired_locks() == 0
    assert Ticket.objects.get(pk=ticket.pk).is_locked


def test_recent_agent_activity_keeps_an_old_lock(timed_queue, ticket, agent):
    _locked(ticket, agent, minutes_ago=45)
    services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(channel="note", body_text="still on it", is_visible_to_customer=False),
    )
    assert release_expired_locks() == 0
    assert Ticket.objects.get(pk=ticket.pk).is_locked


def test_a_customer_reply_does_not_keep_the_lock(timed_queue, ticket, agent, customer):
    _locked(ticket, agent, minutes_ago=45)
    services.add_article(
        ticket=ticket,
        actor=customer,
        message=Message(channel="web", body_text="Anyone there?"),
    )
    assert release_expired_locks() == 1
    assert not Ticket.objects.get(pk=ticket.pk).is_locked


def test_queues_without_a_timeout_never_release(queue, ticket, agent):
    assert queue.unlock_timeout_minutes == 0
    _locked(ticket, agent, minutes_ago=60 * 24 * 30)
    assert release_expired_locks() == 0
    assert Ticket.objects.get(pk=ticket.pk).is_locked


def test_each_queue_uses_its_own_timeout(timed_queue, other_queue, ticket, agent, make_ticket):
    from accounts.models import Permission
    from tests.factories import grant

    other_queue.unlock_timeout_minutes = 120
    other_queue.save()
    grant(agent, other_queue, Permission.RW)
    elsewhere = make_ticket(queue=other_queue)
    _locked(ticket, agent, minutes_ago=45)
    _locked(elsewhere, agent, minutes_ago=45)
    assert release_expired_locks() == 1
    assert not Ticket.objects.get(pk=ticket.pk).is_locked
    assert Ticket.objects.get(pk=elsewhere.pk).is_locked


def test_the_task_is_scheduled():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "tickets.tasks.release_expired_locks"]
    assert len(entries) == 1
    assert release_expired_locks.name == "tickets.tasks.release_expired_locks"
