"""Signed links that let a customer act on one ticket without logging in.

* `rating_url(ticket)`: the one-click satisfaction link in the closing email. It opens
  the rating page for that ticket; the rating itself is stored by a POST.
* `ticket_status_url(ticket, email)`: the "check ticket status" link for a requester
  who wrote by email and has no account. It shows that one ticket only.

Both are HMAC-signed with SECRET_KEY (django.core.signing), carry a timestamp and
expire; a changed ticket id, email or signature makes them worthless.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from helpdesk.lib import addresses

RATING_SALT = "helpdesk.customer.rating"
STATUS_SALT = "helpdesk.customer.ticket-status"
RATING_MAX_AGE = 30 * 24 * 3600
STATUS_MAX_AGE = 30 * 24 * 3600


@dataclass(frozen=True)
class StatusGrant:
    """What a valid ticket-status link allows: viewing one ticket, as one email address."""

    ticket_id: int
    email: str


def _absolute(path: str) -> str:
    return f"{settings.HELPDESK_BASE_URL}{path}"


def rating_token(ticket) -> str:
    return signing.dumps({"t": ticket.pk, "n": ticket.number}, salt=RATING_SALT, compress=True)


def rating_url(ticket, score: int | None = None) -> str:
    """Absolute one-click link to rate `ticket` (valid 30 days, no login). `score` preselects 1-5."""
    url = _absolute(reverse("customer:rate", args=[rating_token(ticket)]))
    if score is not None and 1 <= int(score) <= 5:
        url += f"?score={int(score)}"
    return url


def read_rating_token(token: str, max_age: int = RATING_MAX_AGE) -> int | None:
    """The ticket id a rating token was made for, or None when it is forged or expired."""
    try:
        data = signing.loads(token, salt=RATING_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return data.get("t") if isinstance(data, dict) else None


def status_token(ticket, email: str) -> str:
    return signing.dumps({"t": ticket.pk, "e": addresses.normalise(email)}, salt=STATUS_SALT, compress=True)


def ticket_status_url(ticket, email: str) -> str:
    """Absolute magic link showing `ticket` (and only it) to the requester `email`; expires after 30 days."""
    return _absolute(reverse("customer:ticket_status", args=[status_token(ticket, email)]))


def read_status_token(token: str, max_age: int = STATUS_MAX_AGE) -> StatusGrant | None:
    try:
        data = signing.loads(token, salt=STATUS_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not data.get("t") or not data.get("e"):
        return None
    return StatusGrant(ticket_id=int(data["t"]), email=str(data["e"]))
