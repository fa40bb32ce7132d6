"""Rendering canned responses, salutations and signatures: a fixed set of placeholders, nothing else.

Placeholders are replaced by plain string substitution, never by the template engine, so
text from administrators or customers cannot run template code.
"""

import re

from django.utils.translation import gettext as _

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def placeholders(ticket, agent) -> dict[str, str]:
    customer = ticket.customer
    return {
        "customer_name": customer.display_name() if customer else _("customer"),
        "customer_email": customer.email if customer else "",
        "ticket_number": ticket.number,
        "ticket_title": ticket.title,
        "agent_name": agent.display_name() if agent else "",
        "queue": ticket.queue.name,
    }


def render(text: str, ticket, agent) -> str:
    """Replace known {{ placeholders }}; unknown ones stay as they are."""
    values = placeholders(ticket, agent)
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text or "")
