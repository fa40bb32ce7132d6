"""parse(raw bytes) -> ParsedMessage: pure, bounded, and forgiving of broken mail.

The header block is read by hand so that 8-bit headers and unknown charsets can be
recovered; the MIME tree is walked with the standard library (policy.default).
Limits: total size, number of parts, nesting depth, header count and length.
"""

import email
import email.header
import email.utils
import html as html_lib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from django.conf import settings

from mailgateway.charsets import decode_bytes, decode_header_value
from mailgateway.tnef import unpack_tnef
from tickets.files_store import FileInput
from tickets.sanitize import clean_html


class MessageRejected(Exception):
    """The message cannot be imported as it is; it goes to the quarantine with this reason."""


@dataclass
class ParsedMessage:
    headers: dict[str, list[str]]
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    reply_to: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    body_text: str = ""
    body_html: str = ""
    attachments: list[FileInput] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    delivery_status: str = ""  # text of a message/delivery-status part (bounces)
    original_message_id: str = ""  # Message-ID of the returned message in a bounce

    def header(self, name: str) -> str:
        values = self.headers.get(name.lower())
        return values[0] if values else ""

    @property
    def recipients(self) -> list[str]:
        extra = []
        for name in ("delivered-to", "x-original-to", "envelope-to"):
            extra += [a for _, a in email.utils.getaddresses(self.headers.get(name, [])) if a]
        return [a.lower() for a in [*self.to, *self.cc, *extra]]


# --- headers ---------------------------------------------------------------------------------

_HEADER_LINE = re.compile(rb"^([!-9;-~]{1,100})[ \t]*:(.*)$", re.DOTALL)


def _split_head(raw: bytes) -> tuple[bytes, bytes]:
    for sep in (b"\r\n\r\n", b"\n\n"):
        index = raw.find(sep)
        if index != -1:
            return raw[:index], raw[index + len(sep) :]
    return raw, b""


def read_headers(raw: bytes) -> dict[str, list[str]]:
    """Unfolded, decoded top-level headers; at most MAX_HEADERS of them, each cut at MAX_HEADER_LENGTH."""
    head, _ = _split_head(raw)
    lines: list[bytes] = []
    for line in head.splitlines():
        if line[:1] in (b" ", b"\t") and lines:
            if len(lines[-1]) < settings.HELPDESK_MAIL_MAX_HEADER_LENGTH:
                lines[-1] += b" " + line.strip()
        elif line.strip():
            lines.append(line)
        if len(lines) > settings.HELPDESK_MAIL_MAX_HEADERS:
            break
    headers: dict[str, list[str]] = {}
    for line in lines:
        match = _HEADER_LINE.match(line)
        if not match:
            continue
        name = match.group(1).decode("ascii").lower()
        value = match.group(2)[: settings.HELPDESK_MAIL_MAX_HEADER_LENGTH].strip()
        headers.setdefault(name, []).append(decode_bytes(value, None, header=True))
    return headers


def _addresses(values: list[str]) -> list[tuple[str, str]]:
    result = []
    for name, address in email.utils.getaddresses(values):
        address = address.strip().strip("<>")
        if "@" in address and len(address) <= 254:
            result.append((decode_header_value(name), address.lower()))
    return result[:500]


_MSGID = re.compile(r"<[^<>\s]{1,490}>")


def _message_ids(value: str) -> list[str]:
    return _MSGID.findall(value)[:100]


# --- bodies ----------------------------------------------------------------------------------


def _part_bytes(part) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _filename(part) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # a broken RFC 2231 parameter
        name = ""
    if not name:
        name = part.get_param("name", header="content-type") or ""
        if isinstance(name, tuple):
            name = email.utils.collapse_rfc2231_value(name)
    return decode_header_value(str(name))


def html_to_text(html: str) -> str:
    html = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>|</h\d>", "\n", html)
    text = re.sub(r"<[^>]{0,10000}>", "", clean_html(html))
    text = html_lib.unescape(text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class _Walker:
    def __init__(self, parsed: ParsedMessage):
        self.parsed = parsed
        self.parts = 0
        self.texts: list[str] = []
        self.htmls: list[str] = []

    def walk(self, part: EmailMessage, depth: int = 0) -> None:
        self.parts += 1
        if self.parts > settings.HELPDESK_MAIL_MAX_PARTS:
            raise MessageRejected(f"more than {settings.HELPDESK_MAIL_MAX_PARTS} MIME parts")
        if depth > settings.HELPDESK_MAIL_MAX_DEPTH:
            raise MessageRejected(f"MIME nesting deeper than {settings.HELPDESK_MAIL_MAX_DEPTH}")
        ctype = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        filename = _filename(part)
        if ctype == "message/rfc822":
            self._forwarded(part, depth)
            return
        if part.is_multipart():
            for child in part.iter_parts() if hasattr(part, "iter_parts") else part.get_payload():
                self.walk(child, depth + 1)
            return
        if ctype == "message/delivery-status":
            self.parsed.delivery_status = decode_bytes(part.as_bytes(), None)[:5000]
            return
        if ctype == "application/ms-tnef" or filename.lower() == "winmail.dat":
            self._tnef(part, filename)
            return
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            text = decode_bytes(_part_bytes(part), part.get_content_charset())
            (self.texts if ctype == "text/plain" else self.htmls).append(text)
            return
        content_id = (part.get("content-id") or "").strip().strip("<>")[:250]
        self.parsed.attachments.append(
            FileInput(
                filename=filename or _default_name(ctype),
                content=_part_bytes(part),
                content_type=ctype,
                is_inline=bool(content_id) and disposition != "attachment",
                content_id=content_id,
            )
        )

    def _forwarded(self, part, depth: int) -> None:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if inner is None:
            return
        raw = inner.as_bytes(policy=policy.default.clone(linesep="\r\n")) if hasattr(inner, "as_bytes") else b""
        headers = read_headers(raw)
        subject = decode_header_value((headers.get("subject") or [""])[0])
        self.parsed.attachments.append(
            FileInput(
                filename=(subject or "forwarded message")[:200] + ".eml", content=raw, content_type="message/rfc822"
            )
        )
        if headers.get("message-id"):
            ids = _message_ids(headers["message-id"][0])
            self.parsed.original_message_id = ids[0] if ids else ""
        inner_walker = _Walker(ParsedMessage(headers={}))
        inner_walker.parts = self.parts
        inner_walker.walk(inner, depth + 1)
        self.parts = inner_walker.parts
        intro = "\n".join(
            f"{label}: {decode_header_value((headers.get(name) or [''])[0])}"
            for label, name in (("From", "from"), ("Date", "date"), ("Subject", "subject"), ("To", "to"))
            if headers.get(name)
        )
        body = "\n".join(inner_walker.texts) or html_to_text("\n".join(inner_walker.htmls))
        self.texts.append(f"---------- Forwarded message ----------\n{intro}\n\n{body}")
        self.parsed.attachments += inner_walker.parsed.attachments

    def _tnef(self, part, filename: str) -> None:
        data = _part_bytes(part)
        unpacked = unpack_tnef(data)
        if unpacked is None:
            self.parsed.attachments.append(
                FileInput(filename=filename or "winmail.dat", content=data, content_type="application/ms-tnef")
            )
            self.parsed.notes.append("winmail.dat could not be unpacked and is kept as an attachment.")
            return
        body, attachments = unpacked
        if body:
            self.texts.append(body)
        self.parsed.attachments += attachments


def _default_name(ctype: str) -> str:
    main, _, sub = ctype.partition("/")
    return f"{main or 'attachment'}.{sub or 'bin'}"[:60]


def parse(raw: bytes) -> ParsedMessage:
    if len(raw) > settings.HELPDESK_MAIL_MAX_BYTES:
        raise MessageRejected(f"message of {len(raw)} bytes is over the limit of {settings.HELPDESK_MAIL_MAX_BYTES}")
    headers = read_headers(raw)
    if not headers:
        raise MessageRejected("no headers could be read")
    parsed = ParsedMessage(headers=headers)
    parsed.subject = decode_header_value(parsed.header("subject")).replace("\n", " ").strip()[:500]
    senders = _addresses(headers.get("from", [])) or _addresses(headers.get("sender", []))
    senders = senders or _addresses(headers.get("return-path", []))
    if senders:
        parsed.from_name, parsed.from_address = senders[0]
    parsed.to = [a for _, a in _addresses(headers.get("to", []))]
    parsed.cc = [a for _, a in _addresses(headers.get("cc", []))]
    reply_to = _addresses(headers.get("reply-to", []))
    parsed.reply_to = reply_to[0][1] if reply_to else ""
    ids = _message_ids(parsed.header("message-id"))
    parsed.message_id = ids[0] if ids else ""
    reply_ids = _message_ids(parsed.header("in-reply-to"))
    parsed.in_reply_to = reply_ids[0] if reply_ids else ""
    parsed.references = _message_ids(" ".join(headers.get("references", [])))

    try:
        message = email.message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # the standard library rarely raises, but a poison message may
        raise MessageRejected(f"MIME structure unreadable: {exc}") from exc
    walker = _Walker(parsed)
    try:
        walker.walk(message)
    except MessageRejected:
        raise
    except (RecursionError, LookupError, ValueError, TypeError, AttributeError) as exc:
        raise MessageRejected(f"MIME structure unreadable: {exc!r}") from exc
    parsed.body_text = "\n\n".join(t.strip("\n") for t in walker.texts if t.strip())
    html = "\n".join(walker.htmls)
    parsed.body_html = clean_html(html) if html else ""
    if not parsed.body_text and html:
        parsed.body_text = html_to_text(html)
    return parsed
