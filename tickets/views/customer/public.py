"""Pages reached through signed links, without logging in: rating and ticket status.

The signature (tickets.customer_access) scopes each link to one ticket, so these
views look the ticket up by the id inside a verified token; a forged, altered or
expired token gets the same 404 as an unknown ticket.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import throttle
from accounts.invitations import send_customer_mail
from helpdesk.lib import addresses
from tickets import services
from tickets.customer_access import read_rating_token, read_status_token, ticket_status_url
from tickets.errors import TicketError
from tickets.files import Attachment
from tickets.forms.customer import RatingForm, StatusRequestForm
from tickets.models import SatisfactionRating, Ticket
from tickets.views.customer import common
from tickets.views.customer.tickets import ticket_context


def _ticket(ticket_id) -> Ticket:
    if not ticket_id:
        raise Http404("No such ticket")
    return get_object_or_404(Ticket.objects.for_list(), pk=ticket_id)


@require_http_methods(["GET", "POST"])
def rate(request, token):
    """GET shows the form (a score from the email is preselected); only the POST stores the rating."""
    ticket = _ticket(read_rating_token(token))
    existing = SatisfactionRating.objects.filter(ticket=ticket).first()
    done, error = existing is not None, ""
    if request.method == "POST" and not done:
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                existing = services.rate_ticket(
                    ticket=ticket,
                    actor=None,  # the signed link stands for the customer
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                    email=ticket.customer.email if ticket.customer else "",
                )
                done = True
            except TicketError as exc:
                error = str(exc)
    else:
        score = request.GET.get("score")
        form = RatingForm(initial={"score": int(score)} if score in {"1", "2", "3", "4", "5"} else {})
    context = {"ticket": ticket, "form": form, "rating": existing, "done": done, "error": error}
    return render(request, "customer/rate.html", context, status=400 if error or form.errors else 200)


def _status_ticket(token) -> tuple[Ticket, str]:
    grant = read_status_token(token)
    if grant is None:
        raise Http404("No such ticket")
    return _ticket(grant.ticket_id), grant.email


def ticket_status(request, token):
    ticket, email = _status_ticket(token)
    context = ticket_context(ticket, show_all=request.GET.get("all") == "1", status_token=token, requester_email=email)
    context["title"] = _("Request %(number)s") % {"number": ticket.number}
    return render(request, "customer/ticket_status.html", context)


def status_attachment(request, token, attachment_pk):
    ticket, _email = _status_ticket(token)
    attachment = get_object_or_404(
        Attachment.objects.select_related("stored"),
        pk=attachment_pk,
        article__ticket=ticket,
        article__is_visible_to_customer=True,
    )
    return common.attachment_response(attachment)


@require_http_methods(["GET", "POST"])
def status_request(request):
    """osTicket's "check ticket status": number + email; a match gets the magic link by mail."""
    form = StatusRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email, number = form.cleaned_data["email"], form.cleaned_data["number"]
        ip_hit = throttle.over_limit("status-link-ip", throttle.client_ip(request), 20, 3600)
        if not ip_hit and not throttle.over_limit("status-link-email", email, 5, 3600):
            send_status_link(number, email)
        return render(request, "customer/status_request_done.html", {"email": email})
    return render(request, "customer/status_request.html", {"form": form}, status=400 if form.errors else 200)


def send_status_link(number: str, email: str) -> bool:
    """Mail the link when `email` is the ticket's customer or wrote to it; the page never tells which."""
    ticket = Ticket.objects.select_related("customer").filter(number=number.strip().lstrip("#")).first()
    if ticket is None:
        return False
    email = addresses.normalise(email)
    known = ticket.customer is not None and addresses.same(ticket.customer.email, email)
    visible = ticket.articles.filter(is_visible_to_customer=True)
    known = known or addresses.any_row_mentions(visible, email, "from_address")
    if not known:
        return False
    send_customer_mail("customer_magic_link", email, {"ticket": ticket, "link": ticket_status_url(ticket, email)})
    return True
