"""Which ticket a message belongs to (or none: a new one), which queue, and who sent it."""

import functools
import re
import secrets
from dataclasses import dataclass
from email.utils import getaddresses

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from accounts.models import User
from helpdesk.lib import addresses
from mailgateway import batch
from mailgateway.models import OutgoingMail
from mailgateway.parse import ParsedMessage
from tickets import permissions as perms
from tickets.models import Article, Queue, Ticket

SENDER_ATTEMPTS = 5
# Localized reply/forward prefixes, stripped from a subject before it becomes a title.
PREFIXES = r"(?:re|aw|wg|sv|vs|odp|fwd?|tr|antw|ynt|отв|ответ|пересл|rif|r)"
_PREFIX = re.compile(rf"^\s*(?:{PREFIXES})\s?(?:\[\d{{1,3}}\])?\s?:\s*", re.IGNORECASE)


def clean_subject(subject: str) -> str:
    for _ in range(10):
        stripped = _PREFIX.sub("", subject, count=1)
        if stripped == subject:
            break
        subject = stripped
    return subject.strip()


@functools.lru_cache(maxsize=8)
def _compiled_tag(hook: str) -> re.Pattern:
    # "[Ticket#2026…]" or a bare "Ticket#2026…"; the number is a whole digit run, never part of a longer one.
    hook = re.escape(hook)
    return re.compile(rf"\[{hook}\s?(\d{{4,32}})\]|(?<![\w#]){hook}\s?(\d{{4,32}})(?![\d])", re.IGNORECASE)


def _tag_pattern() -> re.Pattern:
    return _compiled_tag(settings.HELPDESK_TICKET_HOOK)


def tag_number(subject: str) -> str:
    """The ticket number the subject's tag names (bracketed or bare), or ''."""
    match = _tag_pattern().search(subject[:1000])
    return (match.group(1) or match.group(2)) if match else ""


def strip_tag(subject: str) -> str:
    """The subject without reply prefixes and the ticket tag (bracketed or bare), as a title."""
    without, found = _tag_pattern().subn("", subject)
    cleaned = clean_subject(re.sub(r"\s{2,}", " ", without)).lstrip(":- ").strip()
    return cleaned if found else (cleaned or subject.strip())


@dataclass
class Route:
    ticket: Ticket | None
    queue: Queue
    how: str  # "new", "references", "subject"
    not_participant: bool = False


def ticket_by_message_ids(ids: list[str]) -> Ticket | None:
    """The ticket of a stored article or of any mail we sent (acknowledgement, notice, reply) with one of these ids."""
    ids = list(dict.fromkeys(i for i in ids if i))[:50]
    if not ids:
        return None
    article = Article.objects.filter(message_id__in=ids).select_related("ticket").order_by("-created", "-id").first()
    if article is not None:
        return article.ticket
    sent = (
        OutgoingMail.objects.filter(message_id__in=ids, ticket__isnull=False)
        .select_related("ticket")
        .order_by("-created", "-id")
        .first()
    )
    return sent.ticket if sent else None


def ticket_by_tag(subject: str) -> Ticket | None:
    number = tag_number(subject)
    if not number:
        return None
    return Ticket.objects.filter(number=number).select_related("queue", "state").first()


def ticket_for_bounce(ids: list[str], subjects: list[str]) -> Ticket | None:
    """A returned message belongs to the ticket of the mail it returns (by Message-ID), else of the tag it carries."""
    ticket = ticket_by_message_ids(ids)
    for subject in subjects:
        ticket = ticket or ticket_by_tag(subject)
    return ticket.merge_target() if ticket is not None else None


def _by_references(parsed: ParsedMessage) -> Ticket | None:
    ids = [parsed.in_reply_to, *reversed(parsed.references), parsed.original_message_id]
    return ticket_by_message_ids(ids)


def _by_subject(parsed: ParsedMessage) -> Ticket | None:
    return ticket_by_tag(parsed.subject)


def ticket_addresses(ticket: Ticket) -> set[str]:
    """Every address this ticket's mail came from or went to: its customer, its articles, its outgoing mail."""
    found = set()
    if ticket.customer_id and ticket.customer.email:
        found.add(ticket.customer.email.lower())
    rows = list(ticket.articles.values_list("from_address", "to_addresses", "cc_addresses")[:500])
    rows += list(OutgoingMail.objects.filter(ticket=ticket).values_list("to", "cc", "bcc")[:500])
    for row in rows:
        for _, address in getaddresses([part.replace("\n", ",") for part in row if part]):
            if address:
                found.add(address.lower())
    return found


def default_queue() -> Queue:
    name = settings.HELPDESK_MAIL_DEFAULT_QUEUE
    queues = batch.current().active_queues  # read once per batch of mail
    queue = next((q for q in queues if q.name == name), None) if name else None
    queue = queue or (queues[0] if queues else None)
    if queue is None:
        raise RuntimeError("No active queue exists to receive mail.")
    return queue


def queue_for(parsed: ParsedMessage, account=None) -> Queue:
    if account is not None and account.queue_id and account.queue.is_active:
        return account.queue
    recipients = parsed.recipients
    for queue in batch.current().routable_queues:
        if any(addresses.normalise(address) in recipients for address in queue.address_list()):
            return queue
    return default_queue()


def route(parsed: ParsedMessage, sender: User | None, account=None) -> Route:
    ticket, how = _by_references(parsed), "references"
    if ticket is None:
        ticket, how = _by_subject(parsed), "subject"
    if ticket is not None:
        ticket = ticket.merge_target()
        if perms.may_follow_up_by_mail(ticket, parsed.from_address, sender):
            return Route(ticket=ticket, queue=ticket.queue, how=how)
        return Route(ticket=None, queue=queue_for(parsed, account), how="new", not_participant=True)
    return Route(ticket=None, queue=queue_for(parsed, account), how="new")


def _active_sender(address: str) -> User | None:
    # LOWER(email) = %s is served by the user_email_lower index (email__iexact would scan: UPPER(...)).
    users = User.objects.alias(email_lower=Lower("email")).filter(email_lower=address.lower(), is_active=True)
    return users.order_by("kind", "pk").first()


def find_or_create_sender(parsed: ParsedMessage) -> User | None:
    """The active user with the sender's address, or a new customer for it (when the settings allow).

    The new user's username is the address itself, or the address with a short random suffix when
    another user holds that name. Each try is a savepoint: when another worker created a user for
    the same address meanwhile, that user is used; the caller's transaction is never broken.
    """
    address = parsed.from_address
    if not address:
        return None
    user = _active_sender(address)
    if user is not None or not settings.HELPDESK_MAIL_CREATE_CUSTOMERS:
        return user
    company = batch.current().company_for_domain(address.rsplit("@", 1)[-1])
    first, _, last = (parsed.from_name or "").partition(" ")
    for attempt in range(SENDER_ATTEMPTS):
        user = User(
            username=address[:150] if attempt == 0 else f"{address[:140]}-{secrets.token_hex(4)}",
            email=address,
            kind=User.Kind.CUSTOMER,
            first_name=first[:150],
            last_name=last[:150],
            company=company,
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
            return user
        except IntegrityError:
            existing = _active_sender(address)  # another worker may have created this sender meanwhile
            if existing is not None:
                return existing
    raise IntegrityError(f"no free username for the sender {address} after {SENDER_ATTEMPTS} tries")
