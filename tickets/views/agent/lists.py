"""Ticket lists: queue view (with the queue tree and filters), status, mine, watched, escalations, reminders;
bulk actions."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tickets import permissions as perms
from tickets import queries, services
from tickets.errors import TicketError
from tickets.filters import TicketFilter
from tickets.forms.bulk import BulkForm
from tickets.pending import default_pending_until
from tickets.sla_display import with_escalation
from tickets.views.agent import fragments
from tickets.views.agent.base import agent_required, message_for
from tickets.views.agent.paging import paginate
from tickets.views.agent.searches import saved_for, share_groups

SCOPES = {
    "queues": gettext_lazy("Queue view"),
    "status": gettext_lazy("Status view"),
    "mine": gettext_lazy("My tickets"),
    "watched": gettext_lazy("Watched tickets"),
    "escalated": gettext_lazy("Escalations"),
    "reminders": gettext_lazy("Reminders"),
}
DEFAULT_SORTS = {"escalated": "escalation", "reminders": "pending"}


def _scoped(user, scope: str, queue_id: int | None):
    qs = queries.visible_tickets(user)
    if scope == "mine":
        return qs.filter(owner=user)
    if scope == "watched":
        return qs.filter(watchers=user)
    if scope == "escalated":
        return queries.escalation_list(user)
    if scope == "reminders":
        return queries.reminders_due(user)
    if queue_id is not None:
        return qs.filter(queue_id=queue_id)
    return qs


@agent_required
@require_GET
def ticket_list(request, scope: str = "queues", queue_id: int | None = None):
    user = request.user
    if scope not in SCOPES:
        raise Http404("No such list")
    current_queue = None
    if queue_id is not None:
        current_queue = perms.queues_for(user, perms.RO).filter(pk=queue_id).first()
        if current_queue is None:
            raise Http404("No such queue")
    if request.GET.get("jump"):  # the navbar search: a ticket number opens that ticket, open or closed
        hit = queries.ticket_by_number(user, request.GET.get("q", ""))
        if hit:
            return redirect("agent:ticket", hit.pk)
    params = request.GET.copy()
    if "status" not in params and scope != "status":
        params["status"] = "open"
    open_ids = queries.open_state_ids()
    flt = TicketFilter(params, queryset=_scoped(user, scope, queue_id), user=user)
    bulk_form = BulkForm(user=user)
    # One read of the agents for the filter's and the bulk bar's pickers, only when one is drawn (not cached).
    pickers = fragments.AgentPickers(
        flt.form.fields["owner"], flt.form.fields["responsible"], bulk_form.fields["owner"]
    )
    sort, order = queries.ordering(request.GET.get("sort") or DEFAULT_SORTS.get(scope))
    qs = flt.qs.order_by(*order)
    page = paginate(qs, request.GET)
    with_escalation(page.objects)
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    ctx = {
        "scope": scope,
        "scope_title": SCOPES[scope],
        "current_queue": current_queue,
        "filter": flt,
        "page": page,
        "sort": sort,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "bulk_form": bulk_form,
        # the queue tree, the filter form and the bulk bar, kept per agent (fragments.py)
        **fragments.list_parts(user, open_ids, flt, params, bulk_form, pickers),
        "saved_searches": saved_for(user),
        "share_groups": list(share_groups(user)),
        "now": timezone.now(),
        "filtering": any(k not in ("page", "sort", "size") for k in request.GET),
    }
    template = "agent/fragments/ticket_table.html" if request.headers.get("HX-Target") == "ticket-table" else None
    return render(request, template or "agent/ticket_list.html", ctx)


@agent_required
@require_POST
def bulk(request):
    """Apply one change to each selected ticket; each is checked on its own and failures are listed."""
    user = request.user
    form = BulkForm(request.POST, user=user)
    back = request.POST.get("next") or ""
    back = back if back.startswith("/agent/") else "/agent/queues/"
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect(back)
    data = form.cleaned_data
    chosen = queries.visible_tickets(user).select_related("company", "responsible").filter(pk__in=data["tickets"])
    tickets = list(chosen)
    done, failed = 0, []
    for ticket in tickets:
        try:
            _apply(ticket, user, data)
            done += 1
        except TicketError as exc:
            failed.append(f"{ticket.number}: {message_for(exc)}")
    if done:
        messages.success(request, _("%(count)d tickets changed.") % {"count": done})
    for text in failed:
        messages.error(request, text)
    return redirect(back)


def _apply(ticket, user, data):
    action = data["action"]
    if action == "lock":
        services.lock(ticket=ticket, actor=user)
    elif action == "unlock":
        services.unlock(ticket=ticket, actor=user)
    elif action == "move":
        services.move_queue(ticket=ticket, actor=user, queue=data["queue"])
    elif action in ("state", "close"):
        state, until = data["state"], data.get("pending_until")
        if state.is_pending and until is None:
            until = default_pending_until(ticket.queue)  # the next business day in the ticket's queue's calendar
        services.change_state(ticket=ticket, actor=user, state=state, pending_until=until)
    elif action == "priority":
        services.set_priority(ticket=ticket, actor=user, priority=data["priority"])
    elif action == "owner":
        services.assign_owner(ticket=ticket, actor=user, owner=data["owner"])
    elif action == "merge":
        if ticket.pk != data["merge_target"].pk:
            services.merge(source=ticket, target=data["merge_target"], actor=user)
