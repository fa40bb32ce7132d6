"""The light endpoint the panel polls for new tickets and replies (sound and desktop notifications)."""

from datetime import UTC, datetime

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from tickets import queries
from tickets.views.agent.base import agent_required


@agent_required
@require_GET
def poll(request):
    """?since=<unix seconds>; answers counts since then and the timestamp to send next time."""
    now = timezone.now()
    try:
        since = datetime.fromtimestamp(float(request.GET.get("since", "")), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        since = now
    since = min(since, now)
    activity = queries.new_activity(request.user, since)
    return JsonResponse(
        {
            **activity,
            "now": now.timestamp(),
            "sound": request.user.play_sound,
            "desktop": request.user.desktop_notifications,
        }
    )
