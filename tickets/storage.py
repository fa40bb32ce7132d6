"""Content-addressed storage of file bytes: one StoredFile per sha256 (the tables are in files.py)."""

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from tickets.files import StoredFile, content_path


@dataclass
class FileInput:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"
    is_inline: bool = False
    content_id: str = ""


def store_bytes(content: bytes) -> StoredFile:
    digest = hashlib.sha256(content).hexdigest()
    existing = StoredFile.objects.filter(sha256=digest).first()
    if existing:
        return existing
    blob = StoredFile(sha256=digest, size=len(content))
    path = content_path(blob, "")
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(content))
        if saved != path:
            # Another writer stored the same bytes at the same moment; keep one copy.
            default_storage.delete(saved)
    blob.file.name = path
    try:
        with transaction.atomic():
            blob.save()
    except IntegrityError:
        return StoredFile.objects.get(sha256=digest)
    return blob


def clean_filename(name: str) -> str:
    """The name shown to users: no path, no control characters, not empty."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if not name.strip("."):
        return "attachment"  # "." and ".." name a directory, not a file
    return name[:255]
