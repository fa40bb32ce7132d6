"""Django admin for the ticket domain, one module per kind of model."""

from tickets import admin_agent_panel  # noqa: F401  (the agent panel's canned responses)
from tickets.admin import catalog, records, tickets  # noqa: F401
