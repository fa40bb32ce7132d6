"""Django admin for the ticket domain, one module per kind of model."""

from tickets.admin import catalog, records, tickets  # noqa: F401
