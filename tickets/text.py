"""Text rules of the domain that every channel (web forms, mail, API, admin) shares."""

import re

# Everything that ends a line somewhere: CR, LF, VT, FF, the file/group/record separators,
# NEL (U+0085) and Unicode's line and paragraph separators (U+2028, U+2029).
_LINE_BREAKS = re.compile("[ \t]*[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+[ \t]*")
# The other C0 and C1 control characters (tab excepted): invisible, and trouble in headers and logs.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


def one_line(value: str | None) -> str:
    """`value` as one line: each run of line breaks becomes one space, other control characters go."""
    return _LINE_BREAKS.sub(" ", _CONTROLS.sub("", value or "")).strip()
