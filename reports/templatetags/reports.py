"""The reports' template helpers: the agent navbar's entry and a table's cells as they read."""

from django import template

from reports import access
from reports.formatting import value_text
from reports.table import TEXT, Table

register = template.Library()


@register.simple_tag
def may_view_reports(user) -> bool:
    return access.may_view_reports(user)


@register.simple_tag
def report_rows(table: Table) -> list[list[tuple[str, bool]]]:
    """Each row as (text, is_number) cells, numbers formatted by their column's kind."""
    kinds = [c.kind for c in table.columns]
    return [[(value_text(v, k), k != TEXT) for v, k in zip(row, kinds, strict=True)] for row in table.rows]
