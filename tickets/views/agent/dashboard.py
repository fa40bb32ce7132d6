"""The agent's start page and its live counters."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from tickets import queries
from tickets.views.agent.base import agent_required


@agent_required
@require_GET
def dashboard(request):
    user = request.user
    ctx = {
        "counters": queries.dashboard_counters(user),
        "locked": queries.my_locked(user),
        "newest": queries.newest_in_my_queues(user),
        "watched": queries.watched(user),
    }
    return render(request, "agent/dashboard.html", ctx)


@agent_required
@require_GET
def counters(request):
    """HTMX: the counter strip, refreshed every minute."""
    return render(request, "agent/fragments/counters.html", {"counters": queries.dashboard_counters(request.user)})
