"""Reading a bounce: which of our messages came back, for which recipient, and whether it failed or is delayed.

Three forms are common:

* RFC 3464 `multipart/report; report-type=delivery-status` with a `message/delivery-status`
  part (Final-Recipient / Original-Recipient, Action, Status, Diagnostic-Code per recipient)
  and the returned message as `message/rfc822` or only its header as `text/rfc822-headers`;
* plain-text bounces of mailers that send no report (qmail's "failure notice", Exim's and old
  Postfix/Sendmail's "Mail delivery failed"), where the returned message follows a line such as
  "------ This is a copy of the message, including all the headers. ------" and the failed
  addresses are listed above it (Exim also names them in X-Failed-Recipients);
* delay warnings in either form (Action: delayed, "has not yet been delivered"), which are
  recorded but do not mean the address is bad.

The raw bytes are read here with the standard library only, independently of the parser that
builds articles, and every step is bounded: a bounce that cannot be read is None, not an error.
"""

import email
import email.utils
import re
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesHeaderParser, HeaderParser

FAILED, DELAYED = "failed", "delayed"

_MAX_SCAN = 200_000  # bytes of a plain-text bounce searched for the returned message
_MSGID = re.compile(r"<[^<>\s]{1,490}>")
_ADDRESS = r"[^\s<>()\[\]@,;:\"]{1,64}@[A-Za-z0-9.\-\[\]:]{1,255}"
_DAEMON = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailer|bounces?)([+-][^@]*)?@", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliver(ed|able)|delivery (status notification|failure|has failed|incomplete)|mail delivery failed"
    r"|returned mail|failure notice|non[- ]?delivery|warning: message .{0,100}delayed|delayed mail"
    r"|mail system error|message delivery (failure|delay))",
    re.IGNORECASE,
)
# The line after which a plain-text bounce quotes the returned message (qmail, Exim, Postfix, Sendmail, others).
_COPY_FOLLOWS = re.compile(
    r"^[ \t]*-{2,}[ \t]*("
    r"this is a copy of the message('s headers|, including all the headers)?\.?"
    r"|below this line is a copy of the message\.?"
    r"|(the )?original message( follows| headers follow)?\.?"
    r"|original message header\.?"
    r"|returned message( follows)?\.?"
    r"|unsent message below"
    r"|message header follows"
    r")[ \t]*-*[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_DELAY_TEXT = re.compile(
    r"has not yet been delivered|not been delivered yet|delivery (is|has been) delayed|will (continue|keep) (to )?"
    r"(try|retry)|still (be )?trying|warning: message .{0,100}delayed|delivery delayed",
    re.IGNORECASE,
)
_DIAGNOSTIC_LINE = re.compile(r"\b[245]\d\d\b|#?\b[245]\.\d{1,3}\.\d{1,3}\b")
_RECIPIENT_LINES = [
    re.compile(rf"^[ \t]*<({_ADDRESS})>:[ \t]*$", re.MULTILINE),  # qmail: <user@host>:
    re.compile(rf"^[ \t]{{1,8}}<?({_ADDRESS})>?[ \t]*$", re.MULTILINE),  # Exim: the address alone, indented
    re.compile(rf"^[ \t]*<?({_ADDRESS})>?(?:[ \t]*\(.{{0,200}}\))?:[ \t]+\S", re.MULTILINE),  # addr: reason
]


@dataclass
class Bounce:
    form: str  # "report + message", "report + headers", "report", "plain text"
    action: str  # FAILED when some recipient failed, else DELAYED
    recipients: list[str] = field(default_factory=list)  # the failed (or delayed) addresses
    diagnostic: str = ""
    message_id: str = ""  # of the returned message: one of ours
    subject: str = ""  # of the returned message
    references: list[str] = field(default_factory=list)  # its In-Reply-To and References

    @property
    def is_delay(self) -> bool:
        return self.action == DELAYED


def _addr(value: str) -> str:
    """'rfc822; User@Example.org' or 'Name <user@example.org>' -> 'user@example.org'; '' when not an address."""
    value = (value or "").strip()
    if ";" in value:
        value = value.split(";", 1)[1].strip()
    address = email.utils.parseaddr(value)[1] or value.strip("<>")
    return address.lower() if re.fullmatch(_ADDRESS, address) else ""


def _returned_headers(headers) -> dict:
    def first(name: str) -> str:
        try:
            return str(headers.get(name, "") or "")
        except Exception:  # a malformed header in the returned copy
            return ""

    ids = _MSGID.findall(first("Message-ID"))
    return {
        "message_id": ids[0] if ids else "",
        "subject": " ".join(first("Subject").split())[:500],
        "references": (_MSGID.findall(first("In-Reply-To")) + _MSGID.findall(first("References")))[:50],
    }


def _returned_part(message) -> tuple[dict | None, str]:
    """The returned message's headers from a message/rfc822 or text/rfc822-headers part, and which it was."""
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "message/global"):
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if inner is not None:
                return _returned_headers(inner), "message"
        elif ctype in ("text/rfc822-headers", "message/global-headers"):
            text = part.get_payload(decode=True) or b""
            return _returned_headers(BytesHeaderParser(policy=policy.default).parsebytes(text)), "headers"
    return None, ""


def _from_report(message) -> Bounce | None:
    status_part = next((p for p in message.walk() if p.get_content_type() == "message/delivery-status"), None)
    if status_part is None:
        return None
    returned, kind = _returned_part(message)
    form = f"report + {kind}" if kind else "report"
    failed, delayed, diagnostics = [], [], []
    blocks = status_part.get_payload()
    for block in blocks[1:] if isinstance(blocks, list) else []:
        address = _addr(str(block.get("Final-Recipient", ""))) or _addr(str(block.get("Original-Recipient", "")))
        action = str(block.get("Action", "")).strip().lower()
        if not address:
            continue
        if action == FAILED:
            failed.append(address)
        elif action == DELAYED:
            delayed.append(address)
        else:
            continue  # delivered, relayed, expanded: nothing went wrong
        detail = " ".join(str(block.get("Diagnostic-Code", "") or block.get("Status", "")).split())
        diagnostics.append(f"{address}: {detail}" if detail else address)
    if not (failed or delayed):
        return None
    returned = returned or {}
    return Bounce(
        form=form,
        action=FAILED if failed else DELAYED,
        recipients=failed or delayed,
        diagnostic="; ".join(diagnostics)[:2000],
        **returned,
    )


def _from_plain_text(raw: bytes, message) -> Bounce | None:
    text = raw[:_MAX_SCAN].decode("utf-8", errors="replace").replace("\r\n", "\n")
    _, _, body = text.partition("\n\n")
    copy = _COPY_FOLLOWS.search(body)
    report, returned = (body[: copy.start()], body[copy.end() :].lstrip("\n")) if copy else (body, "")
    named = [str(v) for v in message.get_all("X-Failed-Recipients", [])]
    recipients = [_addr(address) for _, address in email.utils.getaddresses(named)]
    if not any(recipients):
        for pattern in _RECIPIENT_LINES:
            recipients = [a.lower() for a in pattern.findall(report)]
            if recipients:
                break
    recipients = [a for a in dict.fromkeys(recipients) if a and not _DAEMON.match(a)]
    headers = _returned_headers(HeaderParser(policy=policy.default).parsestr(returned)) if returned else {}
    if not headers.get("message_id") and message.is_multipart():
        headers = _returned_part(message)[0] or headers
    if not recipients and not headers.get("message_id"):
        return None
    delayed = bool(_DELAY_TEXT.search(str(message.get("Subject", ""))) or _DELAY_TEXT.search(report))
    lines = [line.strip() for line in report.splitlines() if _DIAGNOSTIC_LINE.search(line)]
    return Bounce(
        form="plain text",
        action=DELAYED if delayed else FAILED,
        recipients=recipients[:20],
        diagnostic=" ".join(lines[:3])[:2000],
        **headers,
    )


def looks_like_bounce(raw: bytes, headers: dict[str, list[str]]) -> bool:
    """A delivery report, or a mail daemon's message with a bounce subject (qmail, Exim, Postfix ...)."""
    ctype = " ".join(headers.get("content-type", [])).lower()
    if "multipart/report" in ctype and "delivery-status" in ctype:
        return True
    sender = email.utils.parseaddr(" ".join(headers.get("from", [])))[1]
    empty_return_path = any(v.strip() == "<>" for v in headers.get("return-path", []))
    subject = " ".join(headers.get("subject", []))
    daemon = bool(sender and _DAEMON.match(sender)) or empty_return_path
    return daemon and bool(_BOUNCE_SUBJECT.match(subject) or headers.get("x-failed-recipients"))


def read_bounce(raw: bytes) -> Bounce | None:
    """What a bounce says, in any of the forms above; None when nothing can be read from it."""
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
        if message.get_content_type() == "multipart/report":
            found = _from_report(message)
            if found is not None:
                return found
        return _from_plain_text(raw, message)
    except (RecursionError, LookupError, ValueError, TypeError, AttributeError, IndexError):
        return None
