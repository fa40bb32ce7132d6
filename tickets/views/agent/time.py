"""Changing and removing a time entry from the zoom's Time section (adding one is actions.account_time)."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets import permissions as perms
from tickets import services
from tickets.errors import InvalidChange, TicketError
from tickets.forms.time import TimeEntryForm
from tickets.time_entries import TimeEntry
from tickets.views.agent.actions import refused
from tickets.views.agent.base import agent_required, back_to_ticket


def _entry(ticket, entry_id: int) -> TimeEntry:
    entry = ticket.time_entries.filter(pk=entry_id).first()
    if entry is None:
        raise Http404("No such time entry")
    entry.ticket = ticket
    return entry


@agent_required
@require_POST
def edit_entry(request, pk: int, entry_id: int):
    ticket = perms.get_ticket_for_agent(request.user, pk)
    entry = _entry(ticket, entry_id)
    form = TimeEntryForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidChange(" ".join(str(e) for errors in form.errors.values() for e in errors))
        services.edit_time_entry(entry=entry, actor=request.user, **form.cleaned_data)
    except TicketError as exc:
        return refused(request, exc, ticket)
    return back_to_ticket(request, ticket, _("Time entry changed."))


@agent_required
@require_POST
def delete_entry(request, pk: int, entry_id: int):
    ticket = perms.get_ticket_for_agent(request.user, pk)
    entry = _entry(ticket, entry_id)
    try:
        services.delete_time_entry(entry=entry, actor=request.user)
    except TicketError as exc:
        return refused(request, exc, ticket)
    return back_to_ticket(request, ticket, _("Time entry deleted."))
