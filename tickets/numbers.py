"""Ticket number generators. settings.HELPDESK_TICKET_NUMBER_GENERATOR names the one in use.

A generator runs inside the transaction that creates the ticket: the counter row
stays locked until that commit, so two concurrent creations never share a number.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from tickets.models import TicketCounter


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


def date_checksum(now=None) -> str:
    """YYYYMMDD + system id + daily counter (5+ digits) + check digit, e.g. 2026112310000017."""
    day = timezone.localdate(now or timezone.now())
    stamp = day.strftime("%Y%m%d")
    body = f"{stamp}{settings.HELPDESK_SYSTEM_ID}{next_value(stamp):05d}"
    return body + check_digit(body)


def autoincrement(now=None) -> str:
    """System id + a counter that never resets, e.g. 1000042."""
    return f"{settings.HELPDESK_SYSTEM_ID}{next_value('all'):05d}"


def generate() -> str:
    return import_string(settings.HELPDESK_TICKET_NUMBER_GENERATOR)()
