"""What both backends share: text normalisation, the web-search query syntax, snippets.

The syntax is the one of PostgreSQL's websearch_to_tsquery and of most search boxes:
words are all required, "a phrase" keeps its words together, -word or -"a phrase"
excludes, and OR between two terms takes either.
"""

import html
import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MARK_START, MARK_STOP = "\x02", "\x03"
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_TAG = re.compile(r"<[^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def fold(text: str) -> str:
    """Case-folded as Python does it, so the database's locale does not decide whether "Принтер" is "принтер"."""
    return text.casefold()


def plain_text(html_text: str) -> str:
    """The readable text of (already sanitised) HTML: tags become spaces, entities characters."""
    return clean(html.unescape(_TAG.sub(" ", html_text or "")))


def clean(text: str) -> str:
    """Without control characters (they mark highlights in snippets)."""
    return _CONTROL.sub(" ", text or "")


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@dataclass
class Query:
    """A parsed query: every group must match (one of its units), no excluded unit may."""

    groups: list[list[tuple[str, ...]]] = field(default_factory=list)
    excluded: list[tuple[str, ...]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.groups)


def parse(text: str) -> Query:
    query, join_next = Query(), False
    for negative, phrase, bare in _TOKEN.findall(text or ""):
        if bare and bare.upper() == "OR":
            join_next = bool(query.groups)
            continue
        if bare.startswith("-") and len(bare) > 1:
            negative, bare = "-", bare[1:]
        unit = tuple(words(phrase if phrase or not bare else bare))
        if not unit:
            continue
        if negative:
            query.excluded.append(unit)
        elif join_next:
            query.groups[-1].append(unit)
        else:
            query.groups.append([unit])
        join_next = False
    return query


def highlighted(snippet: str) -> SafeString:
    """A snippet from the database, escaped, with its matches in <mark>."""
    escaped = escape(snippet or "")
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))  # noqa: S308


def marked(snippet: str) -> bool:
    """Does a snippet from the database hold a match?"""
    return MARK_START in (snippet or "")


def replace_words(query: str, fixes: dict[str, str]) -> str:
    """`query` with the words in `fixes` (case-folded keys) replaced, everything else as typed."""
    return _WORD.sub(lambda match: fixes.get(fold(match.group(0)), match.group(0)), query)
