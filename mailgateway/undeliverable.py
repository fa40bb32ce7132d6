"""Addresses a bounce marked undeliverable: automatic mail to them is suppressed until an agent clears the mark.

Agent replies still go out (the agent chose to write); the zoom shows the mark as a warning.
"""

import logging
from email.utils import parseaddr

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from mailgateway.models import UndeliverableAddress

log = logging.getLogger(__name__)


def normalize(address: str) -> str:
    return parseaddr(address or "")[1].strip().lower()


def mark_undeliverable(address: str, *, reason: str, article=None) -> UndeliverableAddress | None:
    """Mark (or re-mark with the newer reason) an address; None when it is not an address."""
    address = normalize(address)
    if not address or "@" not in address:
        return None
    defaults = {"reason": (reason or "")[:2000], "article": article}
    try:
        with transaction.atomic():
            mark, _ = UndeliverableAddress.objects.update_or_create(address=address, defaults=defaults)
    except IntegrityError:  # marked by a concurrent bounce in the meantime
        mark = UndeliverableAddress.objects.get(address=address)
    return mark


def clear_undeliverable(address: str, *, actor) -> bool:
    """An agent (or an administrator) lifts the mark; the next automatic mail goes out again."""
    if actor is not None and not (actor.is_active and actor.is_agent):
        raise PermissionDenied("Only agents may clear an undeliverable address.")
    cleared, _ = UndeliverableAddress.objects.filter(address=normalize(address)).delete()
    if cleared:
        log.info("undeliverable mark on %s cleared by %s", normalize(address), actor)
    return bool(cleared)


def is_undeliverable(address: str) -> bool:
    return UndeliverableAddress.objects.filter(address=normalize(address)).exists()


def undeliverable_among(addresses) -> dict[str, str]:
    """{address: reason} of the given addresses that are marked, in one query."""
    wanted = {normalize(a) for a in addresses} - {""}
    if not wanted:
        return {}
    return dict(UndeliverableAddress.objects.filter(address__in=wanted).values_list("address", "reason"))
