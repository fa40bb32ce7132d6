"""The agent search page: words (full text over every article) and criteria, ranked or sorted by a column.

The navbar box lands here too: a ticket number opens that ticket, anything else is searched.
"""

from django.db.models import F
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tickets import queries
from tickets import search as ticket_search
from tickets.forms.bulk import BulkForm
from tickets.models import SavedSearch
from tickets.search_filters import TicketSearchFilter
from tickets.views.agent.base import agent_required
from tickets.views.agent.paging import paginate
from tickets.views.agent.searches import saved_for, share_groups

RELEVANCE = "relevance"


def _ordered(found, ranked, sort_key: str | None, words: bool):
    """(sort shown, queryset in that order): relevance by default when there are words."""
    if words and (sort_key or RELEVANCE) == RELEVANCE:
        return RELEVANCE, ranked.order_by(F(ticket_search.SCORE).desc(nulls_last=True), "-updated", "-id")
    sort, order = queries.ordering(sort_key)
    return sort, found.order_by(*order)


@agent_required
@require_GET
def search(request):
    user = request.user
    text = request.GET.get("q", "").strip()
    if request.GET.get("jump"):  # the navbar box: a ticket number opens that ticket, open or closed
        hit = queries.ticket_by_number(user, text)
        if hit:
            return redirect("agent:ticket", hit.pk)
    params = request.GET.copy()
    params.setdefault("status", "all")
    flt = TicketSearchFilter(params, queryset=queries.visible_tickets(user), user=user)
    words = ticket_search.has_text(text)
    found = ticket_search.matching(flt.qs, text)
    sort, qs = _ordered(found, ticket_search.matching(flt.qs, text, rank=True), request.GET.get("sort"), words)
    page = paginate(qs, request.GET)
    if words:
        ticket_search.attach_hits(page.objects, text)
    query = request.GET.copy()
    for key in ("page", "jump"):
        query.pop(key, None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    ctx = {
        "scope": "search",
        "filter": flt,
        "text": text,
        "page": page,
        "sort": sort,
        "relevance": RELEVANCE,
        "words": words,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "similar": ticket_search.similar_tickets(flt.qs, text) if words and not page.total else [],
        "bulk_form": BulkForm(user=user),
        "saved_searches": saved_for(user),
        "share_groups": list(share_groups(user)),
        "saved_page": SavedSearch.Page.SEARCH,
        "now": timezone.now(),
        "filtering": any(key not in ("page", "sort", "size", "jump") for key in request.GET),
    }
    template = "agent/fragments/ticket_table.html" if request.headers.get("HX-Target") == "ticket-table" else None
    return render(request, template or "agent/search.html", ctx)
