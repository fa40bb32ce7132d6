"""The three FAQ trees: public (no login, public articles only), customer panel, agent panel.

The same reader views serve all three; a Panel says who may enter, who reads (the public FAQ
reads as an anonymous visitor whoever is signed in), which URL namespace and which templates.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.models import AnonymousUser

from tickets.views.agent.base import agent_required
from tickets.views.customer.common import customer_required


@dataclass(frozen=True)
class Panel:
    name: str  # "public", "customer" or "agent": also the templates' folder under faq/
    namespace: str

    def reader(self, request):
        return AnonymousUser() if self.name == "public" else request.user

    def url(self, name: str) -> str:
        return f"{self.namespace}:{name}"


PUBLIC = Panel("public", "faq")
CUSTOMER = Panel("customer", "faq_customer")
AGENT = Panel("agent", "faq_agent")
_GUARDS = {"public": lambda view: view, "customer": customer_required, "agent": agent_required}


def for_panel(view):
    """Wrap a reader view so each URL tree passes its panel (panel=... in the URLconf) through its guard."""

    @wraps(view)
    def wrapper(request, *args, panel: Panel, **kwargs):
        return _GUARDS[panel.name](lambda req, *a, **kw: view(req, *a, panel=panel, **kw))(request, *args, **kwargs)

    return wrapper
