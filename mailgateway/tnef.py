"""Outlook's winmail.dat (TNEF): its body and attachments, when tnefparse can read it."""

import logging

from tickets.sanitize import html_to_text
from tickets.storage import FileInput

log = logging.getLogger(__name__)


def unpack_tnef(data: bytes) -> tuple[str, list[FileInput]] | None:
    """(body text, attachments), or None when the blob cannot be unpacked (then keep winmail.dat)."""
    try:
        from tnefparse import TNEF
    except ImportError:  # pragma: no cover - tnefparse is a pinned dependency
        return None
    try:
        tnef = TNEF(data)
    except Exception as exc:  # tnefparse raises many kinds of errors on broken input
        log.info("winmail.dat not readable: %s", exc)
        return None
    body = tnef.body or b""
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace") if body else ""
    if not body and getattr(tnef, "htmlbody", None):
        html = tnef.htmlbody
        body = html_to_text(html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html)
    attachments = []
    for item in tnef.attachments:
        name = item.long_filename() or item.name or "attachment"
        if isinstance(name, bytes):
            name = name.decode("utf-8", errors="replace")
        attachments.append(FileInput(filename=name, content=item.data or b""))
    if not body and not attachments:
        return None
    return body.strip("\x00").strip(), attachments
