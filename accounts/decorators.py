"""Who may enter the agent panel: the decorator every agent view (and the agent's sign-in pages) wears."""

from functools import wraps
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from accounts import language


def to_login(request):
    """The agent login, back to this page afterwards. A fragment asked for by htmx (a section, a tab, the
    list's table) sends the whole page there instead, with the page the agent was on to come back to;
    a plain redirect would put the login form inside the fragment's box."""
    if not request.headers.get("HX-Request"):
        return redirect_to_login(request.get_full_path(), reverse("agent:login"))
    page = urlsplit(request.headers.get("HX-Current-URL", ""))
    back = f"{page.path}?{page.query}" if page.query else page.path
    login = redirect_to_login(back or reverse("agent:dashboard"), reverse("agent:login"))
    return HttpResponseClientRedirect(login["Location"])


def agent_required(view):
    """Anonymous users go to the agent login; customers and inactive users get a 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return to_login(request)
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
