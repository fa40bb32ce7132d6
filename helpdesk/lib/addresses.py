"""Email addresses compared as addresses: parsed, lower-cased, equal as a whole, never as a substring.

`smith@example.com` is not `john.smith@example.com`. Every check of who someone is
(status links, participants of a ticket, who may post by mail) goes through here.
"""

import re
from email.utils import getaddresses, parseaddr

from django.db.models import Q

# Characters that may stand next to an address in a stored list such as '"Ann" <ann@x.example>, bob@y.example'.
_EDGE = r"""[\s,;:<>"'()]"""


def normalise(value: str) -> str:
    """The bare address of `value` ('Ann <Ann@X.example>' -> 'ann@x.example'), or '' when there is none."""
    address = parseaddr(value or "")[1].strip().strip("<>").lower()
    return address if "@" in address else ""


def address_set(*values: str) -> set[str]:
    """Every address in comma-separated lists of addresses (display names allowed), normalised."""
    found = set()
    for _name, address in getaddresses([v for v in values if v]):
        address = address.strip().strip("<>").lower()
        if "@" in address:
            found.add(address)
    return found


def same(one: str, other: str) -> bool:
    a = normalise(one)
    return bool(a) and a == normalise(other)


def mentioned_q(address: str, *fields: str) -> Q:
    """Rows where one of `fields` holds `address` as a whole list item (a regex that works on PostgreSQL and SQLite).

    A prefilter: a display name may still contain the text, so confirm with `address_set` on the few rows.
    """
    address = normalise(address)
    if not address:
        return Q(pk__in=[])
    pattern = rf"(^|{_EDGE}){re.escape(address)}($|{_EDGE})"
    query = Q()
    for name in fields:
        query |= Q(**{f"{name}__iregex": pattern})
    return query


def any_row_mentions(queryset, address: str, *fields: str, limit: int = 200) -> bool:
    """Whether a row of `queryset` holds `address` exactly in one of `fields` (one query)."""
    address = normalise(address)
    if not address:
        return False
    rows = queryset.filter(mentioned_q(address, *fields)).values_list(*fields)[:limit]
    return any(address in address_set(*row) for row in rows)
