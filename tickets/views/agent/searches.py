"""Saved searches: an agent names the current filter of the queue view (or the search page) and returns
to it later; private, or shared with every agent or with the agents of one access group."""

from urllib.parse import urlencode

from django.contrib import messages
from django.db import IntegrityError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import AccessGroup
from tickets import permissions as perms
from tickets.filters import TicketFilter
from tickets.models import SavedSearch
from tickets.search_filters import CUSTOM_PREFIX, TicketSearchFilter
from tickets.views.agent.base import agent_required

EXTRA_KEYS = {"sort", "size"}
RANGES = ("created", "updated", "closed")


def clean_query(raw: str, page: str = SavedSearch.Page.LIST) -> str:
    """Keep only the declared filter fields (and sort/size): nothing else is stored or replayed."""
    declared = TicketSearchFilter if page == SavedSearch.Page.SEARCH else TicketFilter
    allowed = set(declared.base_filters) | EXTRA_KEYS
    allowed |= {f"{name}_{suffix}" for name in RANGES for suffix in ("after", "before", "min", "max")}
    custom = page == SavedSearch.Page.SEARCH
    params = QueryDict(raw[:2000])
    pairs = [
        (k, v)
        for k in params
        for v in params.getlist(k)
        if v and (k in allowed or (custom and k.startswith(CUSTOM_PREFIX)))
    ]
    return urlencode(pairs)


def share_groups(user):
    """The access groups `user` may share a search with (those they hold a right on)."""
    groups = AccessGroup.objects.order_by("name")
    return groups if user.is_helpdesk_admin else groups.filter(pk__in=perms.group_ids(user, perms.RO))


def saved_for(user) -> list[SavedSearch]:
    """The agent's own searches and those shared with them."""
    return list(SavedSearch.objects.visible_to(user, perms.group_ids(user, perms.RO)))


def _sharing(request) -> tuple[str, AccessGroup | None]:
    """The sharing asked for ("private", "agents", "group:<id>"), when allowed: a group only among
    those the agent holds a right on (any group for an administrator)."""
    sharing, _sep, group_id = request.POST.get("sharing", SavedSearch.Sharing.PRIVATE).partition(":")
    if sharing not in SavedSearch.Sharing.values:
        return SavedSearch.Sharing.PRIVATE, None
    if sharing != SavedSearch.Sharing.GROUP:
        return sharing, None
    groups = share_groups(request.user)
    group_id = group_id or request.POST.get("group", "")
    group = groups.filter(pk=int(group_id)).first() if group_id.isdigit() else None
    return (sharing, group) if group else (SavedSearch.Sharing.PRIVATE, None)


@agent_required
@require_POST
def save_search(request):
    page = request.POST.get("page", SavedSearch.Page.LIST)
    page = page if page in SavedSearch.Page.values else SavedSearch.Page.LIST
    name = request.POST.get("name", "").strip()[:100]
    query = clean_query(request.POST.get("query", ""), page)
    sharing, group = _sharing(request)
    if not name:
        messages.error(request, _("Give the search a name."))
    else:
        try:
            SavedSearch.objects.update_or_create(
                user=request.user,
                name=name,
                defaults={"query": query, "page": page, "sharing": sharing, "group": group},
            )
            messages.success(request, _("Search “%(name)s” saved.") % {"name": name})
        except IntegrityError:
            messages.error(request, _("The search could not be saved."))
    target = "agent:search" if page == SavedSearch.Page.SEARCH else "agent:queues"
    return redirect(reverse(target) + (f"?{query}" if query else ""))


@agent_required
@require_POST
def delete_search(request, search_id: int):
    """Only its author deletes a search; a search shared with you is not yours to delete."""
    search = get_object_or_404(SavedSearch, pk=search_id, user=request.user)
    search.delete()
    messages.success(request, _("Search “%(name)s” deleted.") % {"name": search.name})
    return redirect("agent:search" if search.page == SavedSearch.Page.SEARCH else "agent:queues")
