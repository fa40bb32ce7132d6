"""The agent search page: words (full text over every article) and criteria, ranked or sorted by a column.

The navbar box lands here too: a ticket number opens that ticket, anything else is searched.

Ranking reads every matching article's vector, so it is kept to searches that match at most
RANK_CAP tickets; a search matching more (a common word) shows the newest first and says so
(more words or a criterion bring ranking back). The count of a text search stops at RANK_CAP
too, so a common word costs the same at a thousand tickets as at a million.
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
from tickets.views.agent.paging import COUNT_CAP, PAGE_SIZES, Page
from tickets.views.agent.searches import saved_for, share_groups

RELEVANCE = "relevance"
NOT_CRITERIA = {"q", "page", "sort", "size", "jump"}
NEWEST = "-updated"
RANK_CAP = 1000


def _number(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _page(ordered, params, counted: int, cap: int) -> Page:
    """A page of `ordered`, whose rows were counted (up to cap + 1) before."""
    size = _number(params.get("size"), PAGE_SIZES[0])
    size = size if size in PAGE_SIZES else PAGE_SIZES[0]
    total = min(counted, cap)
    number = min(max(1, _number(params.get("page"), 1)), max(1, -(-total // size)))
    offset = (number - 1) * size
    return Page(list(ordered[offset : min(offset + size, total)]), number, size, total, counted > cap)


def _count(found, cap: int) -> int:
    return found.order_by()[: cap + 1].count()


def _ordered(found, text: str, sort_key: str | None):
    """(sort shown, queryset in that order): relevance unless a column is asked for."""
    if (sort_key or RELEVANCE) == RELEVANCE:
        ranked = ticket_search.ranked(found, text)
        return RELEVANCE, ranked.order_by(F(ticket_search.SCORE).desc(nulls_last=True), "-updated", "-id")
    sort, order = queries.ordering(sort_key)
    return sort, found.order_by(*order)


def _results(flt, text: str, sort_key: str | None, params):
    """(sort, page, too many to rank) of the words `text` among the filtered tickets."""
    found, too_many_to_rank = ticket_search.matching(flt.qs, text), False
    counted = _count(found, RANK_CAP)
    if sort_key in (None, "", RELEVANCE) and counted > RANK_CAP:
        sort_key, too_many_to_rank = NEWEST, True
    sort, ordered = _ordered(found, text, sort_key)
    page = _page(ordered, params, counted, RANK_CAP)
    ticket_search.attach_hits(page.objects, text)
    return sort, page, too_many_to_rank


def _did_you_mean(params) -> dict[str, list[str]]:
    """For a customer or company criterion that matched nobody: names that look like it."""
    return {
        key: ticket_search.similar_names(params[key], companies=key == "company")
        for key in ("customer", "company")
        if params.get(key, "").strip()
    }


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
    words, corrected, too_many_to_rank = ticket_search.has_text(text), "", False
    if words:
        sort, page, too_many_to_rank = _results(flt, text, request.GET.get("sort"), request.GET)
        fixed = ticket_search.corrected(text) if not page.total else ""
        if fixed:  # nothing has the words as typed: what the nearest title words find, said so
            sort, page, too_many_to_rank = _results(flt, fixed, request.GET.get("sort"), request.GET)
            corrected = fixed if page.total else ""
    else:
        sort, order = queries.ordering(request.GET.get("sort"))
        page = _page(flt.qs.order_by(*order), request.GET, _count(flt.qs, COUNT_CAP), COUNT_CAP)
    query = request.GET.copy()
    for key in ("page", "jump"):
        query.pop(key, None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    ctx = {
        "scope": "search",
        "filter": flt,
        "text": text,
        "corrected": corrected,
        "page": page,
        "sort": sort,
        "relevance": RELEVANCE,
        "words": words,
        "too_many_to_rank": too_many_to_rank,
        "rank_cap": RANK_CAP,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "names": _did_you_mean(request.GET) if not page.total else {},
        "bulk_form": BulkForm(user=user),
        "saved_searches": saved_for(user),
        "share_groups": list(share_groups(user)),
        "saved_page": SavedSearch.Page.SEARCH,
        "now": timezone.now(),
        "filtering": any(key not in ("page", "sort", "size", "jump") for key in request.GET),
        "criteria_open": any(key not in NOT_CRITERIA and any(request.GET.getlist(key)) for key in request.GET),
    }
    template = "agent/fragments/ticket_table.html" if request.headers.get("HX-Target") == "ticket-table" else None
    return render(request, template or "agent/search.html", ctx)


@agent_required
@require_GET
def criteria(request):
    """The criteria form alone, as the search page's panel loads it when opened."""
    params = request.GET.copy()
    params.setdefault("status", "all")
    flt = TicketSearchFilter(params, queryset=queries.visible_tickets(request.user), user=request.user)
    return render(request, "agent/fragments/search_criteria.html", {"filter": flt})
