"""Helpers for the ticket foundation suites: a snapshot to prove a refused change left no trace."""

from tickets.models import Ticket


def snapshot(ticket: Ticket) -> dict:
    """Everything a refused service call must leave exactly as it was, read fresh from the database."""
    row = Ticket.objects.get(pk=ticket.pk)
    return {
        "version": row.version,
        "state": row.state_id,
        "queue": row.queue_id,
        "owner": row.owner_id,
        "responsible": row.responsible_id,
        "locked": row.is_locked,
        "title": row.title,
        "priority": row.priority_id,
        "category": row.category_id,
        "type": row.type_id,
        "time": row.time_accounted,
        "merged_into": row.merged_into_id,
        "tags": sorted(row.tags.values_list("name", flat=True)),
        "watchers": sorted(row.watchers.values_list("pk", flat=True)),
        "articles": row.articles.count(),
        "history": row.history.count(),
        "links": row.links_out.count() + row.links_in.count(),
        "fields": list(row.field_values.values_list("field_id", "value_text", "value_number", "value_date")),
    }


def last_history(ticket: Ticket):
    return ticket.history.order_by("-id").first()
