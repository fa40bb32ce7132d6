"""parse(raw bytes) -> ParsedMessage: pure, bounded, and forgiving of broken mail.

The header block is read by hand, as bytes, so that 8-bit headers can be decoded with what
the whole message tells about its charset (mailgateway/charsets.py). The MIME tree is split
by the standard library in its lenient compat32 mode; every header parameter (charset, name,
filename) is read and decoded here, so one malformed header or part never rejects the mail:
a part that cannot be read is kept whole as an attachment, with a note.
Limits: total size, number of parts, nesting depth, header count and length.
"""

import binascii
import email
import email.utils
import logging
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message

from django.conf import settings

from mailgateway.charsets import Context, codec_for, decode, decode_header_value, same_charset
from mailgateway.tnef import unpack_tnef
from tickets.sanitize import clean_html, html_to_text
from tickets.storage import FileInput

log = logging.getLogger(__name__)

SUBJECT_MAX_LENGTH = 500  # Article.subject and InboundMessage.subject
_FORWARD_POLICY = policy.compat32.clone(linesep="\r\n", max_line_length=0)


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
# Headers a person reads: their 8-bit bytes tell what charset the message is written in.
_HUMAN_HEADERS = {"subject", "from", "to", "cc", "reply-to", "sender", "organization", "comments", "keywords"}


def _split_head(raw: bytes) -> tuple[bytes, bytes]:
    for sep in (b"\r\n\r\n", b"\n\n"):
        index = raw.find(sep)
        if index != -1:
            return raw[:index], raw[index + len(sep) :]
    return raw, b""


def read_raw_headers(raw: bytes) -> list[tuple[str, bytes]]:
    """Unfolded top-level headers as (name, value bytes): at most MAX_HEADERS, each cut at MAX_HEADER_LENGTH."""
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
    headers = []
    for line in lines:
        match = _HEADER_LINE.match(line)
        if match:
            value = match.group(2)[: settings.HELPDESK_MAIL_MAX_HEADER_LENGTH].strip()
            headers.append((match.group(1).decode("ascii").lower(), value))
    return headers


def _header_context(raw_headers: list[tuple[str, bytes]], raw: bytes) -> Context:
    """What the head and the start of the body tell about charsets, when the MIME tree is not read."""
    context = Context(value for name, value in raw_headers if name in _HUMAN_HEADERS)
    content_type = next((value for name, value in raw_headers if name == "content-type"), b"")
    context.hint = _params(content_type.decode("latin-1"), "content-type").get_content_charset()
    context.add(_split_head(raw)[1][:65536])
    return context


def read_headers(raw: bytes, context: Context | None = None) -> dict[str, list[str]]:
    """Unfolded top-level headers, 8-bit bytes decoded (encoded words are left for decode_header_value)."""
    raw_headers = read_raw_headers(raw)
    if context is None and any(not value.isascii() for _, value in raw_headers):
        context = _header_context(raw_headers, raw)
    return _decoded_headers(raw_headers, context)


def _decoded_headers(raw_headers: list[tuple[str, bytes]], context: Context | None) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in raw_headers:
        headers.setdefault(name, []).append(decode(value, None, context)[0].replace("\x00", ""))
    return headers


_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\u0085\x0b\x0c]+\s*")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def one_line(text: str) -> str:
    """A header as one line: line breaks (CR, LF, U+2028, U+2029, U+0085) fold to a space, controls go."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", text.replace("\t", " "))).strip()


def cut(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, the cut marked with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _addresses(values: list[str], context: Context | None = None) -> list[tuple[str, str]]:
    pairs = email.utils.getaddresses(values)
    if not any("@" in address for _, address in pairs) and any("=?" in value for value in values):
        # some mailers encode the whole mailbox, address included, as one encoded word
        pairs = email.utils.getaddresses([decode_header_value(value, context) for value in values])
    result = []
    for name, address in pairs:
        address = address.strip().strip("<>")
        if "@" in address and len(address) <= 254:
            result.append((one_line(decode_header_value(name, context)).strip("\"' "), address.lower()))
    return result[:500]


_MSGID = re.compile(r"<[^<>\s]{1,490}>")


def message_ids(value: str) -> list[str]:
    return _MSGID.findall(value)[:100]


# --- parts -----------------------------------------------------------------------------------


def _to_bytes(text: str) -> bytes:
    """A header value read from bytes (8-bit bytes kept as surrogates) back to its bytes."""
    return text.encode("utf-8", errors="surrogateescape") if not text.isascii() else text.encode("ascii")


def _params(value: str, header: str) -> Message:
    """A lenient (compat32) message holding only this header, with every byte carried as one latin-1 character."""
    shadow = Message()
    shadow[header] = re.sub(r"[\r\n]+", " ", value)
    return shadow


def _raw_header(part: Message, name: str) -> str:
    for key, value in part.raw_items():
        if key.lower() == name:
            value = value if isinstance(value, str) else str(value)
            return value.encode("ascii", errors="surrogateescape").decode("latin-1")
    return ""


def _param_text(value, context: Context) -> str:
    """A parameter value (RFC 2231 tuple, RFC 2047 words, raw 8-bit or plain) as text."""
    if isinstance(value, tuple):
        charset, _, text = value
        data = text.encode("latin-1", errors="replace")
        return decode(data, charset or None, context)[0]
    text = decode(value.encode("latin-1", errors="replace"), None, context)[0]
    return decode_header_value(text, context) if "=?" in text else text


def _clean_name(name: str) -> str:
    name = one_line(name).replace("/", "_").replace("\\", "_").strip()
    return cut(name, 200)


_UU_BEGIN = re.compile(r"^begin [0-7]{3,4} (\S[^\r\n]*?)[ \t]*\r?$", re.MULTILINE)
_UU_CTE = {"x-uuencode", "uuencode", "x-uue", "uue"}


def _uudecode(lines: list[str]) -> bytes | None:
    """The bytes of uuencoded lines, or None when a line is not uuencoding (then the text is left alone)."""
    out = bytearray()
    for line in lines:
        line = line.rstrip("\r\n")
        if not line.strip() or line == "`":
            continue
        count = (ord(line[0]) - 32) & 63
        expected = 1 + -(-count // 3) * 4
        if not expected - 4 <= len(line) <= expected + 2:  # trailing spaces may be lost; a check char added
            return None
        try:
            out += binascii.a2b_uu(line[:expected].ljust(expected))
        except binascii.Error:
            return None
    return bytes(out)


def extract_uuencoded(text: str) -> tuple[str, list[FileInput]]:
    """`begin 644 name` ... `end` blocks in a text body become attachments; the rest of the text stays."""
    files: list[FileInput] = []
    if "begin " not in text:
        return text, files
    kept: list[str] = []
    position = 0
    for tried, match in enumerate(_UU_BEGIN.finditer(text)):
        if match.start() < position:
            continue
        if tried >= 100:
            break
        end = re.compile(r"^end[ \t]*\r?$", re.MULTILINE).search(text, match.end())
        if end is None:
            break
        data = _uudecode(text[match.end() : end.start()].split("\n")[1:])
        if data is None:
            continue
        name = _clean_name(match.group(1)) or "attachment"
        files.append(FileInput(filename=name, content=data, content_type=_guess_type(name)))
        kept.append(text[position : match.start()])
        position = end.end()
    kept.append(text[position:])
    return "".join(kept), files


def _guess_type(name: str) -> str:
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)


@dataclass
class _Text:
    data: bytes
    label: str | None
    html: bool
    text: str | None = None  # None until decoded
    codec: str | None = None


class _Budget:
    def __init__(self):
        self.parts = 0


class _Reader:
    """One message (the mail itself, or one forwarded inside it): its headers, texts and attachments."""

    def __init__(self, message: Message, raw_headers: list[tuple[str, bytes]], budget: _Budget, depth: int):
        self.message = message
        self.raw_headers = raw_headers
        self.budget = budget
        self.depth = depth
        self.items: list = []  # _Text, FileInput, pending filenames, or forwarded text, in order
        self.notes: list[str] = []
        self.delivery_status = ""
        self.original_message_id = ""
        self.context = Context(value for name, value in raw_headers if name in _HUMAN_HEADERS)
        self.headers: dict[str, list[str]] = {}

    # -- collecting -----------------------------------------------------------------------------

    def read(self) -> "_Reader":
        self.walk(self.message, self.depth)
        texts = [item for item in self.items if isinstance(item, _Text) and item.text is None]
        self.context.hint = next((t.label for t in texts if codec_for(t.label) not in (None, "ascii")), None)
        for item in texts:
            text, item.codec = decode(item.data, item.label, self.context)
            item.text = text.replace("\x00", "").replace("\r\n", "\n").removeprefix("\ufeff")
            label = codec_for(item.label)
            if label and item.codec and not item.data.isascii() and not same_charset(label, item.codec):
                self.context.corrections[label] = item.codec
        self.context.hint = next((t.codec for t in texts if not t.data.isascii()), self.context.hint)
        self.items = [self._finish(item) for item in self.items]
        self.headers = _decoded_headers(self.raw_headers, self.context)
        return self

    def _finish(self, item):
        if isinstance(item, tuple):  # (part-level attachment, raw filename parameter)
            attachment, raw_name = item
            if raw_name is not None:
                attachment.filename = _clean_name(_param_text(raw_name, self.context)) or attachment.filename
            return attachment
        return item

    def walk(self, part: Message, depth: int) -> None:
        self.budget.parts += 1
        if self.budget.parts > settings.HELPDESK_MAIL_MAX_PARTS:
            raise MessageRejected(f"more than {settings.HELPDESK_MAIL_MAX_PARTS} MIME parts")
        if depth > settings.HELPDESK_MAIL_MAX_DEPTH:
            raise MessageRejected(f"MIME nesting deeper than {settings.HELPDESK_MAIL_MAX_DEPTH}")
        try:
            self._walk(part, depth)
        except MessageRejected:
            raise
        except RecursionError as exc:
            raise MessageRejected(f"MIME structure unreadable: {exc!r}") from exc
        except Exception as exc:  # one unreadable part: keep its bytes, read the rest
            log.info("MIME part not readable: %r", exc)
            self.notes.append("A part of this message could not be read; it is kept as an attachment.")
            self.items.append(FileInput(filename="part.eml", content=_as_bytes(part), content_type="message/rfc822"))

    def _walk(self, part: Message, depth: int) -> None:
        ctype_header = _params(_raw_header(part, "content-type"), "content-type")
        ctype_header.set_default_type(part.get_default_type())
        disposition_header = _params(_raw_header(part, "content-disposition"), "content-disposition")
        ctype = ctype_header.get_content_type()
        disposition = (disposition_header.get_content_disposition() or "").lower()
        raw_name = _raw_filename(disposition_header, ctype_header)
        if ctype == "message/rfc822" and part.is_multipart():
            self._forwarded(part, depth)
            return
        if ctype == "message/delivery-status":
            self.delivery_status = decode(_split_head(_as_bytes(part))[1], None)[0][:5000]
            return
        if part.is_multipart():
            for child in part.get_payload():
                self.walk(child, depth + 1)
            return
        data = _part_bytes(part)
        if ctype.startswith("multipart/"):
            self._no_boundary(data, ctype_header, depth)
            return
        cte = str(part.get("content-transfer-encoding", "")).strip().lower()
        if cte in _UU_CTE and raw_name is None:
            match = _UU_BEGIN.search(_to_bytes(str(part.get_payload())).decode("latin-1"))
            raw_name = match.group(1) if match else None
        if ctype == "application/ms-tnef" or _looks_like_winmail(raw_name):
            self._tnef(data, raw_name)
            return
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and raw_name is None:
            label = ctype_header.get_content_charset()
            if label is None and ctype == "text/html":
                match = _META_CHARSET.search(data[:4096])
                label = match.group(1).decode("ascii") if match else None
            self.items.append(_Text(data=data, label=label, html=ctype == "text/html"))
            self.context.add(data)
            return
        if raw_name is not None and not isinstance(raw_name, tuple):
            self.context.add(raw_name.encode("latin-1", errors="replace"))
        content_id = str(part.get("content-id") or "").strip().strip("<>")[:250]
        attachment = FileInput(
            filename=_default_name(ctype),
            content=data,
            content_type=ctype,
            is_inline=bool(content_id) and disposition != "attachment",
            content_id=content_id,
        )
        self.items.append((attachment, raw_name))

    def _no_boundary(self, data: bytes, ctype_header: Message, depth: int) -> None:
        """A multipart whose boundary is missing or wrong: find the one its body uses, or read it as text."""
        boundary = _find_boundary(data)
        if boundary is not None:
            head = b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n'
            inner = email.message_from_bytes(head + data, policy=policy.compat32)
            if inner.is_multipart():
                for child in inner.get_payload():
                    self.walk(child, depth + 1)
                return
        self.items.append(_Text(data=data, label=ctype_header.get_content_charset(), html=False))
        self.context.add(data)

    def _forwarded(self, part: Message, depth: int) -> None:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if inner is None:
            return
        raw = _as_bytes(inner)
        reader = _Reader(inner, read_raw_headers(raw), self.budget, depth + 1).read()
        headers = reader.headers

        def field_text(name: str) -> str:
            return one_line(decode_header_value((headers.get(name) or [""])[0], reader.context))

        subject = field_text("subject")
        name = _clean_name(subject or "forwarded message")
        self.items.append(FileInput(filename=cut(name, 200) + ".eml", content=raw, content_type="message/rfc822"))
        if headers.get("message-id"):
            ids = message_ids(headers["message-id"][0])
            self.original_message_id = ids[0] if ids else ""
        intro = "\n".join(
            f"{label}: {field_text(name)}"
            for label, name in (("From", "from"), ("Date", "date"), ("Subject", "subject"), ("To", "to"))
            if headers.get(name)
        )
        texts, htmls, attachments = reader.bodies()
        body = "\n".join(texts) or html_to_text("\n".join(htmls))
        text = f"---------- Forwarded message ----------\n{intro}\n\n{body}"
        self.items.append(_Text(data=b"", label=None, html=False, text=text))
        self.items += attachments
        self.notes += reader.notes

    def _tnef(self, data: bytes, raw_name) -> None:
        unpacked = unpack_tnef(data)
        if unpacked is None:
            attachment = FileInput(filename="winmail.dat", content=data, content_type="application/ms-tnef")
            self.items.append((attachment, raw_name))
            self.notes.append("winmail.dat could not be unpacked and is kept as an attachment.")
            return
        body, attachments = unpacked
        if body:
            self.items.append(_Text(data=b"", label=None, html=False, text=body))
        self.items += attachments

    # -- results --------------------------------------------------------------------------------

    def bodies(self) -> tuple[list[str], list[str], list[FileInput]]:
        texts: list[str] = []
        htmls: list[str] = []
        attachments: list[FileInput] = []
        for item in self.items:
            if isinstance(item, FileInput):
                attachments.append(item)
            elif item.html:
                htmls.append(item.text)
            else:
                text, files = extract_uuencoded(item.text)
                texts.append(text)
                attachments += files
        return texts, htmls, attachments


def _as_bytes(part: Message) -> bytes:
    try:
        return part.as_bytes(policy=_FORWARD_POLICY)
    except Exception:  # a part the generator cannot write back: its payload is what is left
        payload = part.get_payload()
        return _to_bytes(payload) if isinstance(payload, str) else b""


def _part_bytes(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload
    payload = part.get_payload()
    return _to_bytes(payload) if isinstance(payload, str) else b""


def _raw_filename(disposition: Message, ctype: Message):
    """The filename parameter as the header has it (RFC 2231 tuple or str), or None."""
    for header, name in ((disposition, "filename"), (ctype, "name")):
        try:
            params = header.get_params(header=header.keys()[0], unquote=False) if header.keys() else None
            values = [v for k, v in params or () if k.strip().lower() == name and v]
            # RFC 6266: the RFC 2231 form (a tuple) wins over the plain one written for old readers
            value = next((v for v in values if isinstance(v, tuple)), values[0] if values else None)
            if isinstance(value, tuple):
                value = (value[0], value[1], email.utils.unquote(value[2]))
            elif value:
                value = email.utils.unquote(value)
        except Exception:  # an unreadable parameter: take its text as it stands
            match = re.search(rf'{name}\*?[0-9]*\*?\s*=\s*"?([^";]+)', header.values()[0], re.IGNORECASE)
            value = match.group(1) if match else None
        if value:
            return value
    return None


def _looks_like_winmail(raw_name) -> bool:
    return isinstance(raw_name, str) and raw_name.strip().lower() == "winmail.dat"


_BOUNDARY_LINE = re.compile(rb"^--([^\s]{1,200}?)(--)?[ \t]*\r?$", re.MULTILINE)


def _find_boundary(data: bytes) -> bytes | None:
    seen: dict[bytes, int] = {}
    for match in _BOUNDARY_LINE.finditer(data[:1_000_000]):
        token = match.group(1)
        seen[token] = seen.get(token, 0) + 1
        if seen[token] >= 2:
            return token
    return None


def _default_name(ctype: str) -> str:
    main, _, sub = ctype.partition("/")
    return f"{main or 'attachment'}.{sub or 'bin'}"[:60]


def parse(raw: bytes) -> ParsedMessage:
    if len(raw) > settings.HELPDESK_MAIL_MAX_BYTES:
        raise MessageRejected(f"message of {len(raw)} bytes is over the limit of {settings.HELPDESK_MAIL_MAX_BYTES}")
    raw_headers = read_raw_headers(raw)
    if not raw_headers:
        raise MessageRejected("no headers could be read")
    try:
        message = email.message_from_bytes(raw, policy=policy.compat32)
    except Exception as exc:  # the standard library rarely raises, but a poison message may
        raise MessageRejected(f"MIME structure unreadable: {exc}") from exc
    reader = _Reader(message, raw_headers, _Budget(), 0).read()
    context = reader.context
    parsed = ParsedMessage(headers=reader.headers)
    parsed.subject = cut(one_line(decode_header_value(parsed.header("subject"), context)), SUBJECT_MAX_LENGTH)
    senders = _addresses(parsed.headers.get("from", []), context)
    for name in ("sender", "reply-to", "return-path"):
        senders = senders or _addresses(parsed.headers.get(name, []), context)
    if senders:
        parsed.from_name, parsed.from_address = senders[0]
    parsed.to = [a for _, a in _addresses(parsed.headers.get("to", []))]
    parsed.cc = [a for _, a in _addresses(parsed.headers.get("cc", []))]
    reply_to = _addresses(parsed.headers.get("reply-to", []))
    parsed.reply_to = reply_to[0][1] if reply_to else ""
    ids = message_ids(parsed.header("message-id"))
    parsed.message_id = ids[0] if ids else ""
    reply_ids = message_ids(parsed.header("in-reply-to"))
    parsed.in_reply_to = reply_ids[0] if reply_ids else ""
    parsed.references = message_ids(" ".join(parsed.headers.get("references", [])))

    texts, htmls, attachments = reader.bodies()
    parsed.attachments = attachments
    parsed.notes = reader.notes
    parsed.delivery_status = reader.delivery_status
    parsed.original_message_id = reader.original_message_id
    parsed.body_text = "\n\n".join(t.strip("\n") for t in texts if t.strip())
    html = "\n".join(htmls)
    parsed.body_html = clean_html(html) if html else ""
    if not parsed.body_text and html:
        parsed.body_text = html_to_text(html)
    return parsed
