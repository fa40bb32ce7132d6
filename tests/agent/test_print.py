"""Printing to PDF: a child process with time and memory limits, a capped thread, and a clear page, never a 500."""

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from helpdesk.lib import slots
from tickets import pdf
from tickets.models import Article
from tickets.pdf import printed_thread

pytestmark = pytest.mark.django_db


def print_url(ticket, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("agent:print", args=[ticket.pk]) + (f"?{query}" if query else "")


def thread_of(ticket, count: int, chars: int) -> None:
    """`count` customer-visible articles of `chars` characters each, written straight to the table."""
    text = ("The printer smokes again. " * (chars // 26 + 1))[:chars]
    Article.objects.bulk_create(
        Article(ticket=ticket, channel="email", sender_type="customer", subject=f"Mail {i}", body_text=text)
        for i in range(count)
    )


def renderer_children() -> list[int]:
    """Our own PDF children still in the process table (zombies included)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and b"tickets.pdf_child" in cmdline:
            found.append(int(entry.name))
    return found


def is_options_page(response) -> bool:
    return response["Content-Type"].startswith("text/html") and 'id="print-options"' in response.content.decode()


@pytest.mark.slow
def test_a_thread_of_2000_articles_and_megabytes_of_text_prints_capped_with_a_notice(agent_client, ticket, settings):
    thread_of(ticket, 2000, 2500)  # 5 MB of text
    Article.objects.filter(pk=Article.objects.latest("id").pk).update(body_text="x" * 50_000)

    response = agent_client.get(print_url(ticket))

    assert response.status_code == 200
    thread = response.context["thread"]
    assert (thread.shown, thread.total) == (settings.HELPDESK_PDF_MAX_ARTICLES, 2001)
    assert thread.articles[-1].cut and len(thread.articles[-1].text) == settings.HELPDESK_PDF_MAX_ARTICLE_CHARS
    if response["Content-Type"] == "application/pdf":
        assert response.content.startswith(b"%PDF")
    else:
        assert is_options_page(response)
    assert renderer_children() == []


@pytest.mark.slow
def test_a_render_over_the_time_limit_is_killed_and_the_agent_gets_the_smaller_printouts(
    agent_client, ticket, settings
):
    settings.HELPDESK_PDF_SECONDS = 1
    thread_of(ticket, 200, 10_000)  # far more than one second of layout

    started = time.monotonic()
    response = agent_client.get(print_url(ticket, full=1))
    waited = time.monotonic() - started

    assert response.status_code == 200 and is_options_page(response)
    page = response.content.decode()
    assert "too large to print in one go" in page
    assert print_url(ticket, full=1, last=20, no_attachments=1).replace("&", "&amp;") in page
    assert 'name="since"' in page and 'name="until"' in page
    assert waited < 10
    assert renderer_children() == []


@pytest.mark.slow
def test_a_render_over_the_memory_limit_gets_the_clear_page_not_a_500(agent_client, ticket, settings):
    settings.HELPDESK_PDF_MEMORY_MB = 40  # not even enough to load the renderer

    response = agent_client.get(print_url(ticket))

    assert response.status_code == 200 and is_options_page(response)
    assert renderer_children() == []


@pytest.mark.slow
def test_the_offered_smaller_printout_is_a_pdf_of_the_newest_articles(agent_client, ticket):
    thread_of(ticket, 30, 100)

    response = agent_client.get(print_url(ticket, last=20, no_attachments=1))

    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    thread = response.context["thread"]
    assert (thread.shown, thread.total) == (20, 31)
    assert thread.articles[-1].article == Article.objects.latest("id")
    assert response.context["with_attachments"] is False


@pytest.mark.slow
def test_a_date_range_prints_only_the_articles_of_those_days(agent_client, ticket):
    thread_of(ticket, 3, 100)
    old = timezone.now() - timedelta(days=10)
    Article.objects.exclude(pk=Article.objects.latest("id").pk).update(created=old)

    day = timezone.localdate(old).isoformat()
    response = agent_client.get(print_url(ticket, since=day, until=day))

    assert response["Content-Type"] == "application/pdf"
    assert response.context["thread"].total == 3  # the ticket's first article and two of the three


def test_print_options_that_make_no_sense_get_a_clear_error(agent_client, ticket):
    response = agent_client.get(print_url(ticket, since="2026-05-02", until="2026-05-01", last="x"))

    assert response.status_code == 400 and is_options_page(response)
    page = response.content.decode()
    assert "The end date is before the start date." in page and "Enter a whole number." in page


def test_the_printout_says_what_was_left_out(ticket, agent, settings):
    settings.HELPDESK_PDF_MAX_ARTICLES, settings.HELPDESK_PDF_MAX_ARTICLE_CHARS = 2, 10
    thread_of(ticket, 3, 25)
    thread = printed_thread(Article.objects.filter(ticket=ticket))

    html = render_to_string(
        "agent/print.html",
        {"ticket": ticket, "thread": thread, "full": False, "printed": timezone.now(), "user": agent},
    )

    assert "This printout holds the newest 2 of 4 articles." in html
    assert "Texts longer than 10 characters are cut; the full text is in the agent panel." in html
    assert html.count("[text cut here]") == 2
    assert html.count('<div class="body">The printe</div>') == 2


def test_an_outsider_cannot_print_the_ticket(client, outsider_agent, ticket):
    client.force_login(outsider_agent)
    assert client.get(print_url(ticket)).status_code == 404


# --- how many renderers run at once -------------------------------------------------------------


def is_busy_page(response) -> bool:
    return response["Content-Type"].startswith("text/html") and 'id="print-busy"' in response.content.decode()


def take_every_slot(count: int, ttl: int = 60) -> list[slots.Slot]:
    taken = [slots.take(pdf.SLOTS, count, ttl) for _ in range(count)]
    assert None not in taken and slots.take(pdf.SLOTS, count, ttl) is None
    return taken


@pytest.mark.slow
def test_with_every_renderer_busy_the_agent_is_told_to_try_again_and_prints_after_one_is_free(
    agent_client, ticket, settings
):
    settings.HELPDESK_PDF_CONCURRENCY = 2
    first, second = take_every_slot(2)  # two prints running elsewhere (another web process)

    response = agent_client.get(print_url(ticket, full=1))

    assert response.status_code == 503 and is_busy_page(response)
    assert response["Retry-After"] == str(pdf.RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert "Try again in a moment" in page
    assert f'href="{print_url(ticket, full=1)}"' in page  # the same printout again
    assert renderer_children() == []  # nothing was started

    slots.give_back(first)
    response = agent_client.get(print_url(ticket, full=1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert slots.take(pdf.SLOTS, 2, 60) is not None, "the print gave its slot back"
    slots.give_back(second)


@pytest.mark.slow
def test_a_renderer_slot_is_given_back_after_a_failed_render_too(agent_client, ticket, settings):
    settings.HELPDESK_PDF_CONCURRENCY = 1
    settings.HELPDESK_PDF_MEMORY_MB = 40  # the renderer fails at once
    assert is_options_page(agent_client.get(print_url(ticket)))
    settings.HELPDESK_PDF_MEMORY_MB = 1024
    response = agent_client.get(print_url(ticket))
    assert response["Content-Type"] == "application/pdf"


def test_a_slot_of_a_crashed_process_expires(settings):
    settings.HELPDESK_PDF_CONCURRENCY = 1
    take_every_slot(1, ttl=1)  # never given back
    time.sleep(1.5)
    assert slots.take(pdf.SLOTS, 1, 60) is not None


def test_with_the_cache_unreachable_no_renderer_is_started(settings):
    """The limit is kept, not skipped, while Redis is down (nothing listens on port 1): PrintersBusy, no child."""
    settings.CACHES = {"default": {"BACKEND": "helpdesk.cache.TolerantRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    with pytest.raises(pdf.PrintersBusy):
        pdf.html_to_pdf("<p>Printer on fire</p>")
    assert renderer_children() == []
