"""What every agent view shares: the access decorator and turning refusals into 4xx pages."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts import language
from tickets.errors import ChangedMeanwhile, InvalidChange, PermissionDenied, StaleTicket, TicketError, TicketLocked

STATUS = {PermissionDenied: 403, TicketLocked: 409, StaleTicket: 409, InvalidChange: 400}


def agent_required(view):
    """Anonymous users go to the agent login; customers and inactive users get a 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("agent:login"))
        if not (user.is_active and user.is_agent):
            raise Http404("Not an agent")
        try:
            timezone.activate(user.timezone)
        except Exception:  # an unknown zone name set in admin must not break the panel
            timezone.deactivate()
        language.activate_for(request, user)
        try:
            return view(request, *args, **kwargs)
        finally:
            timezone.deactivate()  # the thread serves other users next

    return wrapper


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


def refused(request, exc: TicketError, ticket=None):
    """Show why a change was refused, with a 4xx status: the zoom page again (htmx swaps it in), or a fragment."""
    text = message_for(exc)
    status = status_for(exc)
    if ticket is None:
        return HttpResponse(format_html('<div class="alert alert-danger" role="alert">{}</div>', text), status=status)
    from tickets.views.agent.zoom import render_zoom

    messages.error(request, text)
    return render_zoom(request, ticket, status=status)


def back_to_ticket(request, ticket, text: str):
    messages.success(request, text)
    return redirect("agent:ticket", pk=ticket.pk)
