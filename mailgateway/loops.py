"""RFC 3834 loop protection: which mail is never answered automatically, and the hourly cap."""

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from mailgateway.models import AutoMailLog
from mailgateway.parse import ParsedMessage

_DAEMON = re.compile(
    r"^(mailer[-_]?daemon|postmaster|bounces?|no[-_.]?reply|do[-_.]?not[-_.]?reply|noreply-[^@]*)([+-][^@]*)?@", re.I
)
_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
# X-Auto-Response-Suppress (Microsoft): a comma-separated list; these values ask for no automatic reply.
_SUPPRESS = {"all", "autoreply", "oof"}
_BOUNCE_SUBJECT = re.compile(
    r"^(undeliver(ed|able)|delivery (status notification|failure)|mail delivery failed|returned mail)", re.I
)


def is_bounce(parsed: ParsedMessage) -> bool:
    ctype = parsed.header("content-type").lower()
    if "report-type=delivery-status" in ctype or parsed.delivery_status:
        return True
    sender = parsed.from_address
    return bool(sender and _DAEMON.match(sender) and _BOUNCE_SUBJECT.match(parsed.subject))


def is_our_own(parsed: ParsedMessage) -> bool:
    return any(v.strip().lower() == settings.HELPDESK_MAIL_LOOP_ID.lower() for v in parsed.headers.get("x-loop", []))


def _tokens(parsed: ParsedMessage, name: str) -> list[str]:
    """The first word of each `name` header, lower-cased, without a comment or parameters."""
    words = []
    for value in parsed.headers.get(name, []):
        word = re.split(r"[\s;(]", value.strip(), maxsplit=1)[0].lower()
        if word:
            words.append(word)
    return words


def never_answer(parsed: ParsedMessage) -> str:
    """Why this message must not get an automatic reply, or '' when it may."""
    if any(word != "no" for word in _tokens(parsed, "auto-submitted")):
        return "Auto-Submitted"
    if any(word in _PRECEDENCE for word in _tokens(parsed, "precedence")):
        return "Precedence"
    suppress = {
        item.strip().lower() for v in parsed.headers.get("x-auto-response-suppress", []) for item in v.split(",")
    }
    if suppress & _SUPPRESS:
        return "X-Auto-Response-Suppress"
    if parsed.headers.get("list-id") or parsed.headers.get("list-unsubscribe"):
        return "mailing list"
    if parsed.header("x-autoreply") or parsed.header("x-autorespond"):
        return "auto-responder"
    if any("".join(v.split()) == "<>" for v in parsed.headers.get("return-path", [])):
        return "empty Return-Path"
    if not parsed.from_address or _DAEMON.match(parsed.from_address):
        return "daemon or no-reply sender"
    if is_our_own(parsed):
        return "our own X-Loop"
    if any(v.strip() for v in parsed.headers.get("x-loop", [])):
        return "X-Loop of another system"
    if is_bounce(parsed):
        return "bounce"
    return ""


def under_hourly_cap(recipient: str) -> bool:
    since = timezone.now() - timedelta(hours=1)
    sent = AutoMailLog.objects.filter(recipient=recipient.lower(), created__gte=since).count()
    return sent < settings.HELPDESK_MAIL_AUTO_REPLIES_PER_HOUR
