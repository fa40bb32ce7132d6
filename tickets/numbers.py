"""Ticket number generators. settings.HELPDESK_TICKET_NUMBER_GENERATOR names the one in use.

A generator runs inside the transaction that creates the ticket: the counter row
stays locked until that commit, so two concurrent creations never share a number.
When the counter is behind numbers already in the table (a restored backup, an
import), `create_numbered` moves it past the highest one and tries again.
"""

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.module_loading import import_string

from tickets.models import Ticket, TicketCounter

T = TypeVar("T")
MAX_ATTEMPTS = 5
COUNTER_DIGITS_MAX = 9  # a TicketCounter value fits in a PositiveIntegerField


def next_value(period: str) -> int:
    with transaction.atomic():
        if not TicketCounter.objects.filter(period=period).update(value=F("value") + 1):
            try:
                with transaction.atomic():
                    TicketCounter.objects.create(period=period, value=1)
                return 1
            except IntegrityError:
                TicketCounter.objects.filter(period=period).update(value=F("value") + 1)
        return TicketCounter.objects.values_list("value", flat=True).get(period=period)


def check_digit(digits: str) -> str:
    """Luhn check digit: catches any single mistyped digit and most swaps."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def is_valid(number: str) -> bool:
    return number.isdigit() and len(number) > 1 and check_digit(number[:-1]) == number[-1]


def catch_up(period: str, prefix: str, suffix_digits: int = 0) -> None:
    """Move the period's counter to the highest counter among taken numbers `prefix` + counter + suffix."""
    longest = len(prefix) + COUNTER_DIGITS_MAX + suffix_digits
    taken = (
        Ticket.objects.filter(number__startswith=prefix)
        .annotate(length=Length("number"))
        .filter(length__gt=len(prefix) + suffix_digits, length__lte=longest)
        .order_by("-length", "-number")
        .values_list("number", flat=True)
    )
    for number in taken[:20]:  # the highest first; skip anything that is not our shape
        counter = number[len(prefix) : len(number) - suffix_digits]
        if counter.isdigit():
            with transaction.atomic():
                next_value(period)  # the row exists and is locked from here on
                TicketCounter.objects.filter(period=period, value__lt=int(counter)).update(value=int(counter))
            return


def _day(now=None) -> str:
    return timezone.localdate(now or timezone.now()).strftime("%Y%m%d")


def date_checksum(now=None) -> str:
    """YYYYMMDD + system id + daily counter (5+ digits) + check digit, e.g. 2026112310000017."""
    stamp = _day(now)
    body = f"{stamp}{settings.HELPDESK_SYSTEM_ID}{next_value(stamp):05d}"
    return body + check_digit(body)


def _date_checksum_catch_up(now=None) -> None:
    stamp = _day(now)
    catch_up(stamp, f"{stamp}{settings.HELPDESK_SYSTEM_ID}", suffix_digits=1)


date_checksum.catch_up = _date_checksum_catch_up


def autoincrement(now=None) -> str:
    """System id + a counter that never resets, e.g. 1000042."""
    return f"{settings.HELPDESK_SYSTEM_ID}{next_value('all'):05d}"


autoincrement.catch_up = lambda now=None: catch_up("all", settings.HELPDESK_SYSTEM_ID)


def generate() -> str:
    return import_string(settings.HELPDESK_TICKET_NUMBER_GENERATOR)()


def create_numbered(create: Callable[[str], T]) -> T:
    """`create(number)` in a savepoint; on a number already taken, catch the counter up and retry (bounded).

    Without this, a counter left behind by a restore would make every new ticket fail: the
    failed insert rolled the counter's increment back with it, so the next try collided again.
    """
    generator = import_string(settings.HELPDESK_TICKET_NUMBER_GENERATOR)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        number = generator()
        try:
            with transaction.atomic():
                return create(number)
        except IntegrityError:
            if attempt == MAX_ATTEMPTS or not Ticket.objects.filter(number=number).exists():
                raise  # out of attempts, or a different constraint failed
            if hasattr(generator, "catch_up"):
                generator.catch_up()
    raise AssertionError("unreachable")
