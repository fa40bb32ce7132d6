"""The rows of the agent's ticket table (agent/fragments/ticket_table.html), written in Python.

A list page shows 25-100 rows of eleven cells; as template code each row resolved ~40 variables,
reversed the ticket's URL three times and included the SLA cell and its badge (two template
renders per row): about a third of a list page's time. `{% ticket_rows %}` writes the same
markup, byte for byte, with the ticket URL reversed once per page and the pk filled in
(tests/agent/test_ticket_rows.py compares it with the template it replaced). Values are escaped
as the template escaped them; translated strings are taken as the template took them.
"""

from django import template
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import timesince_filter
from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from tickets.templatetags.agent_panel import priority_badge, sla_badge, state_badge

register = template.Library()

_PK = 2_147_483_647  # a pk no page shows, replaced by each row's


def _short(moment) -> str:
    """`{{ moment|date:"SHORT_DATETIME_FORMAT" }}`: in the current time zone, escaped."""
    return escape(date_filter(template_localtime(moment), "SHORT_DATETIME_FORMAT"))


def sla_cell(e) -> str:
    """The escalation column of one row (`e`: a ClockView or None)."""
    if not e:
        return '<td class="sla-cell"><span class="text-secondary">—</span></td>\n'
    status = escape(e.status)
    due = _short(e.due)
    return (
        f'<td class="sla-cell sla-cell-{status}" title="{escape(e.label)}: {due}">'
        f'{sla_badge(e.status)} <span class="small">{escape(e.left_text)}</span></td>\n'
    )


def _text(value, context) -> str:
    """`{{ value }}` in the template: localised (dates in the user's time zone) and escaped."""
    return render_value_in_context(value, context)


def _row(t, context, url: tuple[str, str], reminders: bool, locked: str) -> str:
    href = f"{url[0]}{t.pk}{url[1]}"
    number = conditional_escape(t.number)
    select = gettext("Select ticket %(n)s") % {"n": number}
    owner = t.owner.display_name() if t.owner_id else ""
    customer = t.customer.display_name() if t.customer_id else ""
    hit = getattr(t, "search_hit", None)
    snippet = f'<div class="search-snippet small text-secondary">{_text(hit.snippet, context)}</div>' if hit else ""
    pending = f'<td class="text-warning-emphasis">{_short(t.pending_until)}</td>' if reminders else ""
    return (
        f'\n          <tr data-href="{href}" data-ticket="{number}">'
        f'\n            <td><input class="form-check-input" type="checkbox" name="tickets" value="{t.pk}"'
        f' aria-label="{select}"></td>'
        f'\n            <td><a href="{href}">{number}</a></td>'
        f'\n            <td class="title-cell"><a class="text-body" href="{href}">{conditional_escape(t.title)}</a>'
        f"{locked if t.is_locked else ''}{snippet}</td>"
        f"\n            <td>{state_badge(t.state)}</td>"
        f"\n            <td>{priority_badge(t.priority)}</td>"
        f'\n            <td class="hide-sm">{conditional_escape(t.queue.name)}</td>'
        f'\n            <td class="hide-sm">{conditional_escape(owner) if owner else "—"}</td>'
        f'\n            <td class="hide-sm">{conditional_escape(customer) if customer else "—"}</td>'
        f'\n            <td title="{_text(t.updated, context)}">{escape(timesince_filter(t.updated))}</td>'
        f"\n            {sla_cell(getattr(t, 'escalation', None))}"
        f"\n            {pending}"
        f"\n          </tr>"
        f"\n          "
    )


@register.simple_tag(takes_context=True)
def ticket_rows(context, tickets, scope: str = "") -> SafeString:
    """The <tr> of each ticket (with `ticket.escalation` set by sla_display.with_escalation), or the empty row."""
    if not tickets:
        empty = f'<td colspan="11" class="text-center text-secondary py-4">{gettext("No tickets match.")}</td>'
        return mark_safe(f"\n          <tr>{empty}</tr>\n          ")  # noqa: S308 - a translated constant
    url = tuple(reverse("agent:ticket", args=[_PK]).split(str(_PK), 1))
    locked = f' <i class="bi bi-lock-fill text-secondary" title="{gettext("locked")}"></i>'
    reminders = scope == "reminders"
    return mark_safe("".join(_row(t, context, url, reminders, locked) for t in tickets))  # noqa: S308 - escaped above
