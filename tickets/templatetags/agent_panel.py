"""Template helpers of the agent panel: quoted history, mail HTML without remote content, badges, the
History tab's event names."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from helpdesk.lib.quotes import split_quoted
from tickets.catalog import StateType
from tickets.sanitize import display_html

register = template.Library()


# What the History tab calls each event the services record (TicketHistory.event).
HISTORY_EVENTS = {
    "ticket_created": _("Ticket created"),
    "article_added": _("Article added"),
    "state_changed": _("State changed"),
    "queue_moved": _("Moved to another queue"),
    "owner_changed": _("Owner changed"),
    "responsible_changed": _("Responsible changed"),
    "locked": _("Locked"),
    "unlocked": _("Unlocked"),
    "priority_changed": _("Priority changed"),
    "category_changed": _("Category changed"),
    "type_changed": _("Type changed"),
    "title_changed": _("Title changed"),
    "tags_changed": _("Tags changed"),
    "watchers_changed": _("Watchers changed"),
    "linked": _("Linked"),
    "unlinked": _("Unlinked"),
    "merged": _("Merged"),
    "split": _("Split off"),
    "time_accounted": _("Time accounted"),
    "time_entry_changed": _("Time entry changed"),
    "time_entry_deleted": _("Time entry deleted"),
    "field_changed": _("Custom field changed"),
    "rated": _("Rated by the customer"),
    "sla_warning": _("SLA warning"),
    "sla_breached": _("SLA breached"),
}


@register.filter
def history_event(event: str) -> str:
    """The event's name in the agent's language; one this list does not know yet, as it is stored."""
    return HISTORY_EVENTS.get(event, event)


SLA_BADGES = {  # an SLA clock's (or a ticket's) status: the badge's classes and text
    "breached": ("badge text-bg-danger sla-badge", gettext_noop("breached")),
    "warning": ("badge text-bg-warning sla-badge", gettext_noop("warning")),
    "late": ("badge bg-danger-subtle text-danger-emphasis sla-badge", gettext_noop("met late")),
    "met": ("badge text-bg-success sla-badge", gettext_noop("met")),
    "ok": ("badge text-bg-light border sla-badge", gettext_noop("on time")),
}


@register.simple_tag
def sla_badge(status: str) -> SafeString:
    """The badge of an SLA status (the zoom's SLA panel, the lists' escalation column), then a newline;
    nothing for a status without one."""
    if status not in SLA_BADGES:
        return mark_safe("\n")  # noqa: S308 - a constant
    css, text = SLA_BADGES[status]
    return format_html('<span class="{}">{}</span>\n', css, gettext(text))


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
