"""What goes into the engine (a Document) and what comes out (a Hit)."""

from dataclasses import dataclass

from django.utils.safestring import SafeString


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
