"""What every agent view shares: the access decorator (accounts.decorators) and turning refusals into 4xx pages."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.decorators import agent_required  # noqa: F401  (the agent views import it from here)
from tickets.errors import (
    ChangedMeanwhile,
    InvalidChange,
    PermissionDenied,
    StaleTicket,
    TicketError,
    TicketLocked,
    TimeLocked,
)

STATUS = {PermissionDenied: 403, TicketLocked: 409, StaleTicket: 409, InvalidChange: 400, TimeLocked: 409}


def status_for(exc: TicketError) -> int:
    for cls, status in STATUS.items():
        if isinstance(exc, cls):
            return status
    return 400


def message_for(exc: TicketError) -> str:
    if isinstance(exc, ChangedMeanwhile):
        return str(exc)  # names the change, who made it and what it was before
    if isinstance(exc, StaleTicket):
        return _("Someone else changed this ticket since you opened it. Nothing was saved; reload and try again.")
    if isinstance(exc, TicketLocked):
        return _("This ticket is locked by another agent. Nothing was saved.")
    if isinstance(exc, PermissionDenied):
        return _("You do not have the right to do that on this ticket.")
    if isinstance(exc, TimeLocked):
        text = _(
            "Time worked on %(day)s can no longer change: the period is locked until %(until)s. Nothing was saved."
        )
        day, until = exc.day, exc.lock.locked_until
        return text % {"day": date_format(day, "SHORT_DATE_FORMAT"), "until": date_format(until, "SHORT_DATE_FORMAT")}
    return str(exc)


def back_to_ticket(request, ticket, text: str):
    messages.success(request, text)
    return redirect("agent:ticket", pk=ticket.pk)
