"""The secret key of a development installation: random, made once, kept in the var folder.

Production sets SECRET_KEY (DEBUG=0 refuses to start without it). A laptop running
`make run` gets a key of its own on first start instead of one published in the source,
so that nobody can forge its sessions, password-reset or status links.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

FILE_NAME = "secret_key"
# Shipped as the development key until it was replaced by a generated one; refused everywhere.
PUBLISHED_KEYS = frozenset({"insecure-development-key-do-not-use-in-production-" + "x" * 20})


def refuse_published(key: str) -> str:
    if key in PUBLISHED_KEYS:
        raise ImproperlyConfigured("SECRET_KEY is a key published in the helpdesk's source; set a secret one.")
    return key


def load_or_create(var_dir: Path) -> str:
    """The key in `var_dir`/secret_key, created (mode 0600) on first use; safe when processes start together."""
    path = var_dir / FILE_NAME
    try:
        var_dir.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            _create(path)
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"No SECRET_KEY is set and {path} cannot be created or read ({exc}); "
            "set SECRET_KEY or make HELPDESK_VAR_DIR writable."
        ) from exc
    if len(key) < 50:
        raise ImproperlyConfigured(f"{path} does not hold a usable key; delete it to have a new one made.")
    return refuse_published(key)


def _create(path: Path) -> None:
    # Written whole into a private temporary file, then linked into place: a process starting
    # at the same moment either sees no file or the complete key, and the first link wins.
    temporary = path.with_name(f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(64) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
