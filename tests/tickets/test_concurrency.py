"""Two agents at once on PostgreSQL: no lost update, one lock winner, one stored file per content."""

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from tickets import services
from tickets.errors import TicketLocked
from tickets.message import Message
from tickets.models import StoredFile, Ticket
from tickets.storage import store_bytes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(count, work):
    """Start `count` threads at the same moment; return the exceptions they raised."""
    start = threading.Barrier(count)
    errors = []

    def body(n):
        try:
            start.wait()
            work(n)
        except Exception as exc:  # collected and asserted by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=body, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_replies_are_all_kept_and_counted(ticket, agent, second_agent):
    agents = [agent, second_agent]

    def reply(n):
        for i in range(5):
            services.add_article(
                ticket=Ticket.objects.get(pk=ticket.pk),
                actor=agents[n % 2],
                message=Message(
                    channel="note", body_text=f"agent {n} note {i}", is_visible_to_customer=False, time_minutes=3
                ),
            )

    assert run_together(4, reply) == []
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.articles.count() == 1 + 20
    assert fresh.version == 1 + 20
    assert fresh.time_accounted == Decimal("60")


def test_only_one_of_two_agents_gets_the_lock(ticket, agent, second_agent):
    agents = [agent, second_agent]
    errors = run_together(2, lambda n: services.lock(ticket=Ticket.objects.get(pk=ticket.pk), actor=agents[n]))
    assert len(errors) == 1 and isinstance(errors[0], TicketLocked)
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.is_locked and fresh.owner in agents
    assert fresh.history.filter(event="locked").count() == 1


def test_the_same_bytes_stored_at_once_make_one_file(settings):
    stored = []
    assert run_together(6, lambda n: stored.append(store_bytes(b"same attachment"))) == []
    assert len(stored) == 6
    assert StoredFile.objects.count() == 1
    assert {s.pk for s in stored} == {StoredFile.objects.get().pk}
    on_disk = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert [p.name for p in on_disk] == [StoredFile.objects.get().sha256], "no stray copies"


def test_two_agents_replying_and_changing_the_state_at_once_keep_both_replies_and_one_state(
    ticket, agent, second_agent
):
    from tests.factories import state
    from tickets.errors import ChangedMeanwhile
    from tickets.services.seen import Seen

    seen = Seen.of(ticket)  # both forms were loaded before either was sent
    agents = [agent, second_agent]
    chosen = [state("closed successful"), state("waiting for us")]

    def reply_and_set_state(n):
        current = Ticket.objects.get(pk=ticket.pk)
        services.add_article(
            ticket=current,
            actor=agents[n],
            message=Message(channel="email", body_text=f"reply {n}"),
        )
        services.change_state(ticket=current, actor=agents[n], state=chosen[n], seen=seen)

    errors = run_together(2, reply_and_set_state)

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert set(fresh.articles.values_list("body_text", flat=True)) >= {"reply 0", "reply 1"}
    assert len(errors) == 1 and isinstance(errors[0], ChangedMeanwhile)
    assert fresh.state in chosen and f"to “{fresh.state.name}”" in str(errors[0])
    assert fresh.history.filter(event="state_changed").count() == 1


def test_a_change_waiting_for_the_row_lock_finds_the_ticket_after_a_state_change_commits(ticket, agent, second_agent):
    # A FOR UPDATE over the ticket joined with its state used to return no row to the waiting
    # transaction once the first one had changed the state: DoesNotExist, a 500 for the agent.
    from django.db import transaction

    from tests.factories import priority, state

    changed, release = threading.Event(), threading.Event()

    def work(n):
        if n == 0:
            with transaction.atomic():
                services.change_state(ticket=Ticket.objects.get(pk=ticket.pk), actor=agent, state=state("open"))
                changed.set()
                release.wait(10)
        else:
            changed.wait(10)
            threading.Timer(0.5, release.set).start()  # commit while this one waits for the row
            services.set_priority(ticket=Ticket.objects.get(pk=ticket.pk), actor=second_agent, priority=priority(5))

    assert run_together(2, work) == []
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.state.name, fresh.priority.level) == ("open", 5)
