"""Customer actions from the zoom's customer sidebar: inviting the ticket's customer to the customer panel."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.invitations import InvitationError, invite_customer
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
