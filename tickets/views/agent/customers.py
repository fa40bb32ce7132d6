"""Customer actions from the zoom's customer sidebar: inviting the customer, clearing an undeliverable mark."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.invitations import InvitationError, invite_customer
from mailgateway.router import ticket_addresses
from mailgateway.undeliverable import clear_undeliverable, normalize
from tickets import permissions as perms
from tickets.views.agent.base import agent_required
from tickets.views.agent.zoom import may_be_invited


@agent_required
@require_POST
def invite(request, pk: int):
    """Any agent who can see the ticket may mail its customer a one-time link to choose a password."""
    ticket = perms.get_ticket_for_agent(request.user, pk)
    customer = ticket.customer
    if not may_be_invited(customer):
        messages.error(request, _("This customer already uses the customer panel or cannot be invited."))
        return redirect("agent:ticket", pk=ticket.pk)
    try:
        invite_customer(email=customer.email, invited_by=request.user, company=ticket.company or customer.company)
    except InvitationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": customer.email})
    return redirect("agent:ticket", pk=ticket.pk)


@agent_required
@require_POST
def clear_undeliverable_mark(request, pk: int):
    """An agent with rw on the ticket lifts a bounce's mark on one of the ticket's addresses; mail goes out again."""
    ticket = perms.get_ticket_for_agent(request.user, pk, perm=perms.RW)
    address = normalize(request.POST.get("address", ""))
    if not address or address not in ticket_addresses(ticket):
        messages.error(request, _("That address does not belong to this ticket."))
    elif clear_undeliverable(address, actor=request.user):
        messages.success(request, _("%(email)s is no longer marked undeliverable.") % {"email": address})
    else:
        messages.info(request, _("%(email)s was not marked undeliverable.") % {"email": address})
    return redirect("agent:ticket", pk=ticket.pk)
