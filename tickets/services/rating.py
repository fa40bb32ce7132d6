"""The customer rates a finished ticket: once, 1 to 5, with history and an event."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tickets import events
from tickets import permissions as perms
from tickets.errors import InvalidChange, PermissionDenied
from tickets.models import SatisfactionRating, Ticket
from tickets.services._base import lock_row, record


def rate_ticket(*, ticket: Ticket, actor, score: int, comment: str = "", email: str = "") -> SatisfactionRating:
    """Store the rating; InvalidChange when the ticket is still open, merged away or already rated.

    `actor` is the customer signed in, or None for the signed link of the rating mail (the token
    stands for the customer). Agents do not rate.
    """
    if actor is not None and not actor.is_customer:
        raise PermissionDenied(f"{actor} may not rate ticket {ticket.number}: ratings are the customer's.")
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise InvalidChange(_("Choose a rating from 1 to 5.")) from None
    if not 1 <= score <= 5:
        raise InvalidChange(_("Choose a rating from 1 to 5."))
    comment = (comment or "").strip()
    try:
        with transaction.atomic():
            fresh = lock_row(ticket)
            perms.require(actor, perms.RO, fresh)
            if fresh.is_open:
                raise InvalidChange(_("A request can be rated once it is closed."))
            if not fresh.may_be_rated():
                raise InvalidChange(_("This request was merged into another one; please rate that one."))
            rating = SatisfactionRating.objects.create(
                ticket=fresh, score=score, comment=comment, rated_by_email=(email or "")[:254]
            )
            record(fresh, actor, "rated", "rating", "", f"{score}/5")
            events.publish(events.TICKET_RATED, fresh, actor, score=score, rating_id=rating.pk)
    except IntegrityError:
        raise InvalidChange(_("This request has already been rated. Thank you!")) from None
    return rating
