"""Regular expressions from administrators, kept linear enough for hostile mail.

Python's `re` cannot be interrupted, so instead of a timer the pattern is refused
when it has the shapes that backtrack catastrophically (a quantified group that
itself holds a quantifier, backreferences, look-arounds), and the text it runs on
is capped.
"""

import re

from django.utils.translation import gettext as _

MAX_SUBJECT = 20_000
_NESTED = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{?]")
_BACKREF = re.compile(r"\\[1-9]|\(\?P=|\(\?<?[=!]")


def check_pattern(pattern: str) -> str:
    """An explanation of why `pattern` is refused, or '' when it is acceptable."""
    if len(pattern) > 500:
        return _("The pattern is too long.")
    try:
        re.compile(pattern)
    except re.error as exc:
        return _("Not a valid regular expression: %(error)s") % {"error": exc}
    if _NESTED.search(pattern):
        return _("Nested repetition such as (a+)+ is not allowed: it can take exponential time.")
    if _BACKREF.search(pattern):
        return _("Backreferences and look-arounds are not allowed.")
    return ""


def safe_search(pattern: str, text: str) -> bool:
    if check_pattern(pattern):
        return False
    return re.search(pattern, text[:MAX_SUBJECT], re.IGNORECASE) is not None
