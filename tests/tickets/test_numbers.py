"""Ticket numbers: date + system id + daily counter + Luhn check digit; unique under concurrency."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tickets import numbers, services
from tickets.message import Message
from tickets.models import Ticket, TicketCounter

NOON = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


@pytest.mark.smoke
@pytest.mark.django_db
def test_date_checksum_format(settings):
    settings.HELPDESK_SYSTEM_ID = "10"
    number = numbers.date_checksum(NOON)
    assert number[:8] == "20260314"
    assert number[8:10] == "10"
    assert number[10:15] == "00001"
    assert len(number) == 16
    assert number[-1] == numbers.check_digit(number[:-1])
    assert numbers.is_valid(number)


@pytest.mark.django_db
def test_counter_increments_per_day_and_restarts_the_next():
    first, second = numbers.date_checksum(NOON), numbers.date_checksum(NOON)
    next_day = numbers.date_checksum(NOON + timedelta(days=1))
    assert (first[10:15], second[10:15]) == ("00001", "00002")
    assert next_day[:8] == "20260315" and next_day[10:15] == "00001"
    assert len({first, second, next_day}) == 3


@pytest.mark.parametrize("number", ["2026031410000014", "2026112310000017", "79927398713"])
def test_is_valid_detects_every_single_changed_digit(number):
    if not numbers.is_valid(number):
        number = number[:-1] + numbers.check_digit(number[:-1])
    assert numbers.is_valid(number)
    for i, original in enumerate(number):
        for digit in "0123456789":
            if digit != original:
                typo = number[:i] + digit + number[i + 1 :]
                assert not numbers.is_valid(typo), typo


def test_luhn_reference_value_and_junk():
    assert numbers.check_digit("7992739871") == "3"  # the textbook example
    for junk in ("", "7", "12a4", "Ticket#123", " 2026031410000014"):
        assert not numbers.is_valid(junk)


@pytest.mark.django_db
def test_autoincrement_generator_from_settings(settings, queue):
    settings.HELPDESK_TICKET_NUMBER_GENERATOR = "tickets.numbers.autoincrement"
    settings.HELPDESK_SYSTEM_ID = "42"
    first = services.create_ticket(actor=None, queue=queue, title="one")
    second = services.create_ticket(actor=None, queue=queue, title="two")
    assert (first.number, second.number) == ("4200001", "4200002")


@pytest.mark.django_db
def test_numbers_of_created_tickets_are_distinct_and_valid(queue):
    made = [services.create_ticket(actor=None, queue=queue, title=f"t{i}").number for i in range(5)]
    assert len(set(made)) == 5
    assert all(numbers.is_valid(n) for n in made)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_under_concurrent_creation(queue):
    threads_count, per_thread = 8, 10
    start = threading.Barrier(threads_count)
    errors = []

    def work(n):
        try:
            start.wait()
            for i in range(per_thread):
                services.create_ticket(actor=None, queue=queue, title=f"thread {n} ticket {i}")
        except Exception as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    made = list(Ticket.objects.values_list("number", flat=True))
    assert len(made) == threads_count * per_thread
    assert len(set(made)) == threads_count * per_thread
    assert all(numbers.is_valid(n) for n in made)
    by_day = {}
    for n in made:
        by_day.setdefault(n[:8], []).append(int(n[10:15]))
    for counters in by_day.values():
        assert sorted(counters) == list(range(1, len(counters) + 1)), "no counter value skipped or reused"


def _counters_fall_behind():
    """What a restored backup or an import leaves: tickets numbered past the counter."""
    TicketCounter.objects.update(value=0)


@pytest.mark.smoke
@pytest.mark.django_db
def test_a_counter_behind_the_tickets_catches_up_instead_of_failing_every_new_ticket(queue, settings):
    settings.HELPDESK_SYSTEM_ID = "10"
    existing = [services.create_ticket(actor=None, queue=queue, title=f"before {i}").number for i in range(3)]
    _counters_fall_behind()

    later = [services.create_ticket(actor=None, queue=queue, title=f"after {i}") for i in range(2)]

    assert [t.number[10:15] for t in later] == ["00004", "00005"]
    assert all(numbers.is_valid(t.number) for t in later)
    assert not set(existing) & {t.number for t in later}
    assert Ticket.objects.count() == 5 and all(t.articles.count() == 0 for t in later)


@pytest.mark.django_db
def test_the_daily_counter_catches_up_past_imported_numbers_far_ahead(queue, settings):
    settings.HELPDESK_SYSTEM_ID = "10"
    services.create_ticket(actor=None, queue=queue, title="first")
    stamp = timezone.localdate().strftime("%Y%m%d")
    body = f"{stamp}1000001"
    Ticket.objects.filter(number=body + numbers.check_digit(body)).update(number=f"{stamp}1000314" + "0")
    for counter in ("00002", "00315"):  # imported from another installation, with their own check digits
        body = f"{stamp}10{counter}"
        Ticket.objects.create(
            number=body + numbers.check_digit(body),
            title="imported",
            queue=queue,
            state=Ticket.objects.first().state,
            priority=Ticket.objects.first().priority,
        )
    TicketCounter.objects.filter(period=stamp).update(value=1)

    made = services.create_ticket(
        actor=None,
        queue=queue,
        title="new",
        message=Message(body_text="Hello.", channel="phone"),
    )

    assert made.number[:15] == f"{stamp}1000316"
    assert numbers.is_valid(made.number)
    assert made.articles.get().body_text == "Hello."


@pytest.mark.django_db
def test_the_autoincrement_counter_catches_up_after_a_restore(queue, settings):
    settings.HELPDESK_TICKET_NUMBER_GENERATOR = "tickets.numbers.autoincrement"
    settings.HELPDESK_SYSTEM_ID = "42"
    for _ in range(3):
        services.create_ticket(actor=None, queue=queue, title="before")
    Ticket.objects.filter(number="4200003").update(number="4200120")
    _counters_fall_behind()

    made = [services.create_ticket(actor=None, queue=queue, title="after").number for _ in range(2)]

    assert made == ["4200121", "4200122"]


@pytest.mark.django_db
def test_a_failure_that_is_not_a_taken_number_is_not_retried(queue, monkeypatch):
    from django.db import IntegrityError

    calls = []

    def broken(number):
        calls.append(number)
        raise IntegrityError("some other constraint")

    with pytest.raises(IntegrityError):
        numbers.create_numbered(broken)
    assert len(calls) == 1
