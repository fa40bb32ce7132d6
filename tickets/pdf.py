"""Printing a ticket to PDF with WeasyPrint, fetching nothing but our own static files."""

import threading
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

RENDER_SECONDS = 30


class FetchRefused(Exception):
    pass


def url_fetcher(url: str, *args, **kwargs):
    """Only /static/... files of this app; every other URL (remote, file:, data:) is refused."""
    parsed = urlparse(url)
    path = parsed.path
    if parsed.scheme not in ("", "http", "https", "static") or parsed.netloc not in ("", "helpdesk.invalid"):
        raise FetchRefused(url)
    if not path.startswith(settings.STATIC_URL):
        raise FetchRefused(url)
    found = finders.find(path[len(settings.STATIC_URL) :])
    if not found or ".." in Path(path).parts:
        raise FetchRefused(url)
    data = Path(found).read_bytes()
    return {"string": data, "mime_type": None, "filename": Path(found).name}


def render_pdf(context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("agent/print.html", context)
    result: dict = {}

    def run():
        try:
            result["pdf"] = HTML(string=html, base_url="http://helpdesk.invalid/", url_fetcher=url_fetcher).write_pdf()
        except Exception as exc:  # re-raised in the caller's thread
            result["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(RENDER_SECONDS)
    if worker.is_alive():
        raise TimeoutError("PDF rendering took too long")
    if "error" in result:
        raise result["error"]
    return result["pdf"]
