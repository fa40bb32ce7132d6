"""What every customer view shares: who may enter, one-time form tokens, safe file responses."""

import secrets
from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect

AGENT_HOME = "/agent/"


def customer_required(view):
    """Anonymous visitors go to the customer login; agents go to their own panel."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "customer:login")
        if not user.is_customer:
            return redirect(AGENT_HOME)
        return view(request, *args, **kwargs)

    return wrapper


# One-time form tokens: a second POST of the same form does not act twice.


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def _nonce_key(user, nonce: str) -> str:
    return f"helpdesk:form-nonce:{user.pk}:{nonce}"


def claim_nonce(user, nonce: str) -> tuple[bool, int | None]:
    """(True, None) for the first use of `nonce`; (False, ticket id or None) for a repeat."""
    key = _nonce_key(user, nonce)
    if cache.add(key, 0, 24 * 3600):
        return True, None
    earlier = cache.get(key)
    if earlier is None:  # nothing stored either way: the cache is away, so the form is taken as new
        return True, None
    return False, earlier or None


def finish_nonce(user, nonce: str, ticket_id: int) -> None:
    cache.set(_nonce_key(user, nonce), ticket_id, 24 * 3600)


def release_nonce(user, nonce: str) -> None:
    cache.delete(_nonce_key(user, nonce))


def attachment_response(attachment) -> HttpResponse:
    """The file as a download that the browser will neither sniff nor run."""
    with attachment.stored.file.open("rb") as fh:
        content = fh.read()
    response = HttpResponse(content, content_type="application/octet-stream")
    ascii_name = attachment.filename.encode("ascii", "replace").decode().replace('"', "").replace("\\", "")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(attachment.filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Length"] = str(len(content))
    return response


def max_attachment_mb() -> int:
    return settings.HELPDESK_MAX_ATTACHMENT_MB
