"""Storing a customer's satisfaction rating: once per ticket, only after it was closed."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from reports.models import SatisfactionRating
from tickets.errors import InvalidChange


def rate_ticket(*, ticket, score: int, comment: str = "", email: str = "") -> SatisfactionRating:
    """Store the rating; InvalidChange when the ticket is still open or was already rated."""
    if ticket.is_open:
        raise InvalidChange(_("A request can be rated once it is closed."))
    if ticket.merged_into_id:
        raise InvalidChange(_("This request was merged into another one; please rate that one."))
    if not 1 <= int(score) <= 5:
        raise InvalidChange(_("Choose a rating from 1 to 5."))
    try:
        with transaction.atomic():
            return SatisfactionRating.objects.create(
                ticket=ticket, score=int(score), comment=(comment or "").strip(), rated_by_email=email[:254]
            )
    except IntegrityError:
        raise InvalidChange(_("This request has already been rated. Thank you!")) from None
