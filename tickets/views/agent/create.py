"""An agent opens a ticket: phone ticket (inbound call) or email ticket (outbound); customer lookup."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Company, User
from mailgateway import outbound
from tickets import permissions as perms
from tickets import services
from tickets.errors import TicketError
from tickets.forms.compose import NewCustomerForm, TicketCreateForm, to_file_inputs
from tickets.message import Message
from tickets.models import Article
from tickets.views.agent.base import agent_required, back_to_ticket, message_for, status_for

KINDS = {"phone": gettext_lazy("New phone ticket"), "email": gettext_lazy("New email ticket")}


@agent_required
def create_ticket(request, kind: str):
    if kind not in KINDS:
        raise Http404("No such ticket kind")
    user = request.user
    if not perms.queues_for(user, perms.CREATE).exists():
        raise Http404("No queue to create tickets in")
    form = TicketCreateForm(request.POST or None, request.FILES or None, user=user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                ticket = _create(user, kind, form.cleaned_data)
                return back_to_ticket(request, ticket, _("Ticket %(number)s created.") % {"number": ticket.number})
            except TicketError as exc:
                form.add_error(None, message_for(exc))
                status = status_for(exc)
    ctx = {"form": form, "kind": kind, "title": KINDS[kind], "customer_form": NewCustomerForm()}
    return render(request, "agent/create.html", ctx, status=status)


def _create(user, kind, data):
    customer = data["customer"]
    email = kind == "email"
    message = Message(
        channel=Article.Channel.EMAIL if email else Article.Channel.PHONE,
        body_text=data["body"],
        author=user if email else customer,
        sender_type=Article.Sender.AGENT if email else Article.Sender.CUSTOMER,
        from_address=data["queue"].sender_address if email else customer.email,
        to=customer.email if email else "",
        attachments=to_file_inputs(data.get("attachments") or []),
        time_minutes=data.get("time_minutes") or 0,
    )
    return services.open_ticket(
        actor=user,
        queue=data["queue"],
        title=data["title"],
        message=message,
        customer=customer,
        priority=data.get("priority"),
        category=data.get("category"),
        next_state=data.get("next_state"),
        deliver=outbound.queue_article if email else None,  # the first mail leaves right after the commit
    )


@agent_required
@require_GET
def customer_search(request):
    """HTMX autocomplete over customers and companies (a company lists its customers)."""
    term = request.GET.get("q", "").strip()
    customers, companies = [], []
    if len(term) >= 2:
        match = Q(username__icontains=term) | Q(email__icontains=term) | Q(last_name__icontains=term)
        match |= Q(first_name__icontains=term) | Q(company__name__icontains=term)
        customers = list(User.customers.filter(is_active=True).filter(match).select_related("company")[:15])
        companies = list(Company.objects.filter(name__icontains=term, is_active=True)[:5])
    ctx = {"customers": customers, "companies": companies, "term": term}
    return render(request, "agent/fragments/customer_results.html", ctx)


@agent_required
@require_POST
def customer_create(request):
    """HTMX: create a customer inline; answers with the chosen-customer fragment or the form with errors."""
    if not perms.queues_for(request.user, perms.CREATE).exists():
        raise Http404("No queue to create tickets in")
    form = NewCustomerForm(request.POST)
    if not form.is_valid():
        return render(request, "agent/fragments/customer_form.html", {"customer_form": form}, status=400)
    data = form.cleaned_data
    customer = User.objects.create_user(
        username=data["email"],
        email=data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        company=data["company"],
        kind=User.Kind.CUSTOMER,
    )
    return render(request, "agent/fragments/customer_chosen.html", {"customer": customer})
