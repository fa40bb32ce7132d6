"""Two agents at once on PostgreSQL: no lost update, one lock winner, one stored file per content."""

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from tickets import services
from tickets.errors import TicketLocked
from tickets.files_store import store_bytes
from tickets.models import StoredFile, Ticket

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
                channel="note",
                body_text=f"agent {n} note {i}",
                is_visible_to_customer=False,
                time_minutes=3,
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
