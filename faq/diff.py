"""Compare a version of an article with its current text, field by field and line by line."""

import difflib
import html
import re
from dataclasses import dataclass

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

_BLOCK_END = re.compile(r"(?i)(<br\s*/?>|</(p|div|li|h[1-6]|pre|blockquote|tr|ul|ol)>)")

FIELDS = [("title", _("Title")), ("problem", _("Problem")), ("solution", _("Solution")), ("keywords", _("Keywords"))]


def text_lines(value: str) -> list[str]:
    """Rich text as the lines a reader sees: one per paragraph, list item or line break."""
    text = html.unescape(strip_tags(_BLOCK_END.sub(r"\1\n", value or "")))
    return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass
class Line:
    kind: str  # "same", "added" (in the current text) or "removed" (only in the version)
    text: str


@dataclass
class FieldDiff:
    name: str
    label: str
    lines: list[Line]

    @property
    def changed(self) -> bool:
        return any(line.kind != "same" for line in self.lines)


def compare(version, article) -> list[FieldDiff]:
    """What changed from `version` to the article's current text."""
    result = []
    for name, label in FIELDS:
        old, new = text_lines(getattr(version, name)), text_lines(getattr(article, name))
        lines = []
        for row in difflib.ndiff(old, new):
            code, text = row[:2], row[2:]
            if code == "  ":
                lines.append(Line("same", text))
            elif code == "- ":
                lines.append(Line("removed", text))
            elif code == "+ ":
                lines.append(Line("added", text))
        result.append(FieldDiff(name, str(label), lines))
    return result
