"""What goes into the engine (a Document) and what comes out (a Hit)."""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from helpdesk.lib.search.text import highlighted


@dataclass(frozen=True)
class Document:
    kind: str
    id: int
    language: str
    title: str
    body: str


@dataclass(frozen=True)
class Hit:
    object_id: int
    language: str
    title: str
    snippet: SafeString
    score: float
    typo: bool = False  # found by a similar title, not by its words


def hits(rows, *, typo: bool = False) -> list[Hit]:
    """Hits from a backend's result rows (object_id, language, title, snippet with markers, score)."""
    return [
        Hit(
            object_id=row.object_id,
            language=row.language,
            title=row.title,
            snippet=highlighted(row.snippet),
            score=float(row.score),
            typo=typo,
        )
        for row in rows
    ]
