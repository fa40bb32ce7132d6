"""Printing a ticket to PDF with WeasyPrint, in a child process that cannot take the worker down.

The child (`python -m tickets.pdf_child`) reads the HTML on stdin and writes the PDF on stdout
under an address-space limit (HELPDESK_PDF_MEMORY_MB, set by the child on itself with
setrlimit) and a CPU limit; the parent waits HELPDESK_PDF_SECONDS and kills it when it runs
over. What goes in is capped first: the last HELPDESK_PDF_MAX_ARTICLES articles, each cut at
HELPDESK_PDF_MAX_ARTICLE_CHARS characters, and the printout says so.

At most HELPDESK_PDF_CONCURRENCY renderers run at once in the whole installation (slots in the
cache, helpdesk/lib/slots.py, each expiring a while after the renderer would have been killed,
so a crashed web process cannot keep one); a print that finds them all taken raises
PrintersBusy at once, and the agent is told to try again in a moment.
"""

import logging
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.html import strip_tags

from helpdesk.lib import slots
from tickets.models import Article

log = logging.getLogger(__name__)

BASE_URL = "http://helpdesk.invalid/"
SLOTS = "helpdesk:pdf-renderer"
SLOT_MARGIN_SECONDS = 30  # past the kill at HELPDESK_PDF_SECONDS: start-up, reaping, a slow machine
RETRY_AFTER_SECONDS = 10


class FetchRefused(Exception):
    pass


class PrintFailed(Exception):
    """The render ran over its time or memory limit, or crashed; `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PrintersBusy(PrintFailed):
    """Every renderer slot is taken: nothing was started; try again in `retry_after` seconds."""

    retry_after = RETRY_AFTER_SECONDS

    def __init__(self):
        super().__init__("busy")


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


@dataclass
class PrintedArticle:
    article: Article
    text: str
    cut: bool


@dataclass
class PrintedThread:
    articles: list[PrintedArticle] = field(default_factory=list)
    total: int = 0  # articles the selection holds, before the cap
    max_chars: int = 0

    @property
    def shown(self) -> int:
        return len(self.articles)

    @property
    def capped(self) -> bool:
        return self.shown < self.total

    @property
    def any_cut(self) -> bool:
        return any(a.cut for a in self.articles)


def printed_thread(articles, *, last: int | None = None, with_attachments: bool = True) -> PrintedThread:
    """The newest `last` (at most HELPDESK_PDF_MAX_ARTICLES) articles of the queryset, oldest first, texts cut."""
    limit = min(last or settings.HELPDESK_PDF_MAX_ARTICLES, settings.HELPDESK_PDF_MAX_ARTICLES)
    max_chars = settings.HELPDESK_PDF_MAX_ARTICLE_CHARS
    total = articles.count()
    newest = articles.select_related("author").order_by("-created", "-id")
    if with_attachments:
        newest = newest.prefetch_related("attachments")
    thread = PrintedThread(total=total, max_chars=max_chars)
    for article in reversed(list(newest[:limit])):
        # An HTML-only article: tags stripped from a bounded slice (the markup may be far longer than its text).
        text = article.body_text or strip_tags(article.body_html[: max_chars * 4])
        thread.articles.append(PrintedArticle(article, text[:max_chars], len(text) > max_chars))
    return thread


def render_pdf(context: dict) -> bytes:
    """The print template rendered to PDF in a limited child process; PrintFailed when it cannot finish."""
    html = render_to_string("agent/print.html", context)
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    """`html` as a PDF, made by a renderer in one of the installation's slots; PrintersBusy when none is free."""
    ttl = settings.HELPDESK_PDF_SECONDS + SLOT_MARGIN_SECONDS
    try:
        with slots.holding(SLOTS, settings.HELPDESK_PDF_CONCURRENCY, ttl):
            return run_renderer(html)
    except slots.NoSlot:
        log.warning("PDF renderers busy (%s running)", settings.HELPDESK_PDF_CONCURRENCY)
        raise PrintersBusy() from None


def run_renderer(html: str) -> bytes:
    seconds = settings.HELPDESK_PDF_SECONDS
    env = {"DJANGO_SETTINGS_MODULE": "helpdesk.settings", **os.environ}
    try:
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tickets.pdf_child",
                f"--memory-mb={settings.HELPDESK_PDF_MEMORY_MB}",
                f"--cpu-seconds={seconds + 1}",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=settings.BASE_DIR,
            env=env,
        )
    except OSError as exc:  # no process could be started (out of memory, process limit)
        log.warning("PDF renderer could not start: %s", exc)
        raise PrintFailed("error") from None
    try:
        pdf, errors = child.communicate(html.encode(), timeout=seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()  # reap it: no process is left behind
        log.warning("PDF rendering killed after %s s", seconds)
        raise PrintFailed("time") from None
    except BaseException:
        child.kill()
        child.communicate()
        raise
    if child.returncode != 0 or not pdf.startswith(b"%PDF"):
        tail = errors.decode(errors="replace")[-2000:]
        log.warning("PDF rendering failed (exit %s): %s", child.returncode, tail)
        raise PrintFailed("memory" if "MemoryError" in tail or child.returncode < 0 else "error")
    return pdf
