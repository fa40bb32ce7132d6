"""Who may enter the agent panel: the decorator every agent view (and the agent's sign-in pages) wears."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts import language


def agent_required(view):
    """Anonymous users go to the agent login; customers and inactive users get a 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("agent:login"))
        if not (user.is_active and user.is_agent):
            raise Http404("Not an agent")
        try:
            timezone.activate(user.timezone)
        except Exception:  # an unknown zone name set in admin must not break the panel
            timezone.deactivate()
        language.activate_for(request, user)
        try:
            return view(request, *args, **kwargs)
        finally:
            timezone.deactivate()  # the thread serves other users next

    return wrapper
