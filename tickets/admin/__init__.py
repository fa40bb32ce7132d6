"""Django admin for the ticket domain, one module per kind of model."""

from tickets.admin import calendars, catalog, panel, records, tickets, time_entries  # noqa: F401
