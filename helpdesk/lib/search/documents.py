"""What goes into the engine (a Document) and what comes out (a Hit)."""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from helpdesk.lib.search.text import highlighted
from helpdesk.lib.search.text import marked as text_marked


@dataclass(frozen=True)
class Document:
    kind: str
    id: int
    language: str
    title: str
    body: str
    parent: int | None = None  # what it is found as (a ticket, for a ticket's article)
    keywords: str = ""  # weighs less than the body (attachment file names)
    addresses: str = ""  # mail addresses (To/Cc), also matched alone by `engine.filter_parents(address=...)`
    public: bool = True  # False: left out of searches with `public_only` (a customer's)
    # What the parent is filed under ("customer:12", "company:3"; no spaces): a grouped search can be
    # narrowed to some of them inside the full-text index (engine.filter_parents(scopes=...))
    scopes: tuple[str, ...] = ()


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


def hit_for(parent_id: int, object_id: int, score, body_snippet: str, title_snippet: str) -> Hit:
    """A grouped search's hit: the snippet of the body, or of the title when only the title matched."""
    snippet = body_snippet if text_marked(body_snippet) or not text_marked(title_snippet) else title_snippet
    return Hit(object_id=object_id, language="", title="", snippet=highlighted(snippet), score=float(score or 0))
