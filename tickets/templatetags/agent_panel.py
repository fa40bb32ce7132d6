"""Template helpers of the agent panel: quoted history, mail HTML without remote content, badges."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from helpdesk.lib.quotes import split_quoted
from tickets.catalog import StateType
from tickets.sanitize import display_html

register = template.Library()


@register.filter
def split_quote(text: str) -> tuple[str, str]:
    """(the new text, the quoted history below it), by the multilingual splitter in helpdesk/lib/quotes.py."""
    return split_quoted(text or "")


@register.filter
def mail_html(html: str):
    """Stored HTML is sanitised already; clean again on display, drop remote images, fold the quoted part."""
    if not html:
        return ""
    cleaned = display_html(html)
    at = cleaned.find("<blockquote")
    if at > 0:
        summary = escape(gettext("Show quoted text"))
        cleaned = (
            f'{cleaned[:at]}<details class="quote-toggle mt-2"><summary>{summary}</summary>{cleaned[at:]}</details>'
        )
    return mark_safe(cleaned)  # noqa: S308 - nh3 output


STATE_CLASSES = {
    StateType.NEW: "text-bg-primary",
    StateType.OPEN: "text-bg-info",
    StateType.PENDING_REMINDER: "text-bg-warning",
    StateType.PENDING_AUTO_CLOSE: "text-bg-warning",
    StateType.CLOSED: "text-bg-secondary",
    StateType.MERGED: "text-bg-light border",
    StateType.REMOVED: "text-bg-dark",
}


@register.simple_tag
def state_badge(state):
    return format_html('<span class="badge {}">{}</span>', STATE_CLASSES.get(state.type, "text-bg-light"), state.name)


@register.simple_tag
def priority_badge(priority):
    color = priority.color if re.fullmatch(r"#[0-9a-fA-F]{3,8}", priority.color or "") else "#6c757d"
    # The colour is applied by agent.js: the Content-Security-Policy allows no style attributes.
    return format_html('<span class="badge priority-badge" data-color="{}">{}</span>', color, priority.name)


@register.simple_tag
def sort_link(sort_query: str, current: str, key: str) -> str:
    """?sort= for a column header: toggles direction when already sorted by it."""
    new = f"-{key}" if current == key else key
    return f"?{sort_query}&sort={new}" if sort_query else f"?sort={new}"


@register.filter
def article_class(article) -> str:
    if not article.is_visible_to_customer:
        return "article-internal"
    return f"article-{article.sender_type}"
