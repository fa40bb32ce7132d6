"""What every agent view shares: the access decorator (accounts.decorators) and turning refusals into 4xx pages."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.decorators import agent_required  # noqa: F401  (the agent views import it from here)
from tickets.errors import ChangedMeanwhile, InvalidChange, PermissionDenied, StaleTicket, TicketError, TicketLocked

STATUS = {PermissionDenied: 403, TicketLocked: 409, StaleTicket: 409, InvalidChange: 400}


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
    return str(exc)


def back_to_ticket(request, ticket, text: str):
    messages.success(request, text)
    return redirect("agent:ticket", pk=ticket.pk)
