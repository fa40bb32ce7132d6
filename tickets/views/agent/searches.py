"""Saved searches: an agent names the current filter of the queue view and returns to it later."""

from urllib.parse import urlencode

from django.contrib import messages
from django.db import IntegrityError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets.filters import TicketFilter
from tickets.models import SavedSearch
from tickets.views.agent.base import agent_required

EXTRA_KEYS = {"sort", "size"}


def clean_query(raw: str) -> str:
    """Keep only the declared filter fields (and sort/size): nothing else is stored or replayed."""
    allowed = set(TicketFilter.base_filters) | EXTRA_KEYS
    allowed |= {f"{name}_{suffix}" for name in ("created", "updated") for suffix in ("after", "before")}
    params = QueryDict(raw[:2000])
    pairs = [(k, v) for k in params for v in params.getlist(k) if k in allowed and v]
    return urlencode(pairs)


@agent_required
@require_POST
def save_search(request):
    name = request.POST.get("name", "").strip()[:100]
    query = clean_query(request.POST.get("query", ""))
    if not name:
        messages.error(request, _("Give the search a name."))
    else:
        try:
            SavedSearch.objects.update_or_create(user=request.user, name=name, defaults={"query": query})
            messages.success(request, _("Search “%(name)s” saved.") % {"name": name})
        except IntegrityError:
            messages.error(request, _("The search could not be saved."))
    return redirect(reverse("agent:queues") + (f"?{query}" if query else ""))


@agent_required
@require_POST
def delete_search(request, search_id: int):
    search = get_object_or_404(SavedSearch, pk=search_id, user=request.user)
    search.delete()
    messages.success(request, _("Search “%(name)s” deleted.") % {"name": search.name})
    return redirect("agent:queues")
