"""Outlook's winmail.dat (TNEF): its body and attachments, when tnefparse can read it.

tnefparse decodes what the MAPI properties label; the old-style body (attBody), an HTML body
without an internet codepage and the attachment titles (attAttachTitle) stay bytes, written
in the blob's OEM codepage. Those bytes go through the charset module with that codepage as
their label, so a wrong or missing codepage falls back to detection.
"""

import logging

from tnefparse import TNEF
from tnefparse.properties import MAPI_ATTACH_LONG_FILENAME

from mailgateway import charsets
from tickets.sanitize import html_to_text
from tickets.storage import FileInput

log = logging.getLogger(__name__)


def _text(value, codepage: str | None) -> str:
    """A TNEF string as text: str as it is, bytes in the blob's codepage (or detected); NULs removed."""
    if not value:
        return ""
    if isinstance(value, bytes):
        value = charsets.decode(value.rstrip(b"\x00"), codepage)[0]
    return value.replace("\x00", "")


def _filename(item, codepage: str | None) -> str:
    """The MAPI long file name, else the title; tnefparse's own fallback would read the title as UTF-8."""
    long_names = [a.data for a in item.mapi_attrs if a.name == MAPI_ATTACH_LONG_FILENAME]
    name = long_names[0] if long_names else getattr(item, "_name", b"")  # the title, as the blob's bytes
    if isinstance(name, list):  # a multi-valued property
        name = name[0] if name else ""
    return _text(name, getattr(item, "codepage", None) or codepage).strip() or "attachment"


def unpack_tnef(data: bytes) -> tuple[str, list[FileInput]] | None:
    """(body text, attachments), or None when the blob cannot be unpacked (then keep winmail.dat)."""
    try:
        tnef = TNEF(data)
    except Exception as exc:  # tnefparse raises many kinds of errors on broken input
        log.info("winmail.dat not readable: %s", exc)
        return None
    codepage = tnef.codepage if isinstance(tnef.codepage, str) else None
    body = _text(tnef.body, codepage)
    if not body and getattr(tnef, "htmlbody", None):
        body = html_to_text(_text(tnef.htmlbody, codepage))
    attachments = [FileInput(filename=_filename(item, codepage), content=item.data or b"") for item in tnef.attachments]
    if not body and not attachments:
        return None
    return body.strip(), attachments
