"""Bytes to text in whatever charset a mail declares, or mis-declares, or forgets to declare."""

import codecs
import email.header

from charset_normalizer import from_bytes

# Labels that mean "I did not really say" when the bytes are not plain ASCII.
_WEAK_LABELS = {"", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "unknown-8bit", "x-unknown", "default"}
_ALIASES = {"x-mac-cyrillic": "mac-cyrillic", "windows-1251": "cp1251", "win-1251": "cp1251", "ks_c_5601-1987": "cp949"}
DETECT_LIMIT = 200_000


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    name = _ALIASES.get(charset.strip().strip('"').lower(), charset.strip().strip('"').lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def detect(data: bytes) -> str | None:
    best = from_bytes(data[:DETECT_LIMIT]).best()
    return best.encoding if best else None


def decode_bytes(data: bytes, charset: str | None, *, header: bool = False) -> str:
    """Decode strictly with the declared charset; when that fails or says nothing useful, detect."""
    if not data:
        return ""
    try:
        ascii_text = data.decode("ascii")
    except UnicodeDecodeError:
        ascii_text = None
    if ascii_text is not None:
        return ascii_text
    codec = _codec(charset)
    label = (charset or "").lower()
    if codec and label not in _WEAK_LABELS:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    detected = None if header and len(data) < 8 else detect(data)
    for candidate in (detected, codec, "cp1252"):
        if candidate:
            try:
                return data.decode(candidate)
            except (UnicodeDecodeError, LookupError):
                continue
    return data.decode("utf-8", errors="replace")


def decode_header_value(value: str) -> str:
    """RFC 2047 encoded words to text; an unknown charset is detected rather than trusted."""
    if not value or "=?" not in value:
        return value or ""
    try:
        chunks = email.header.decode_header(value)
    except (ValueError, AssertionError):
        return value
    out = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, charset or "us-ascii"))
        else:
            out.append(chunk)
    # decode_header drops the whitespace between an encoded word and plain text; it keeps it in bytes.
    return "".join(out).strip()
