"""How a report's value reads on a page, in a chart and in a PDF: by its column's kind, in the active language."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from reports.table import DATE, MINUTES, NUMBER, PERCENT, RATING, TEXT


def minutes_text(value) -> str:
    """Business minutes as hours and minutes: 95 -> "1 h 35 min"."""
    total = int(round(float(value)))
    sign, total = ("-", -total) if total < 0 else ("", total)
    hours, minutes = divmod(total, 60)
    if not hours:
        return sign + _("%(minutes)d min") % {"minutes": minutes}
    if not minutes:
        return sign + _("%(hours)d h") % {"hours": hours}
    return sign + _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}


def number_text(value, places: int | None = None) -> str:
    if isinstance(value, int):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if places is None:
        places = 0 if float(value) == int(float(value)) else 1
    return formats.number_format(Decimal(str(value)), places, use_l10n=True, force_grouping=True)


def value_text(value, kind: str) -> str:
    """The value as the column's kind shows it; empty for a missing value."""
    if value is None or value == "":
        return ""
    if kind == MINUTES:
        return minutes_text(value)
    if kind == PERCENT:
        return f"{number_text(value, 1)} %"
    if kind == RATING:
        return number_text(value, 2)
    if kind == NUMBER and isinstance(value, int | float | Decimal):
        return number_text(value)
    if kind == DATE or isinstance(value, date):
        if isinstance(value, datetime):
            return formats.date_format(value, "SHORT_DATETIME_FORMAT")
        if isinstance(value, date):
            return formats.date_format(value, "SHORT_DATE_FORMAT")
    if kind == TEXT:
        return str(value)
    return str(value)


def axis_text(value, kind: str) -> str:
    """A shorter form for the chart's axis ticks."""
    if kind == MINUTES and not value:
        return "0"
    if kind == MINUTES:
        hours = float(value) / 60
        return minutes_text(value) if hours < 10 else _("%(hours)s h") % {"hours": number_text(round(hours))}
    return value_text(value, kind)
