"""Periods named relative to a day: the filter form's presets and the scheduled reports' previous day / week /
month. Pure functions of the day they are asked on (in the viewer's time zone)."""

import zoneinfo
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PRESETS = {
    "this_month": _("This month"),
    "last_month": _("Last month"),
    "last_7": _("Last 7 days"),
    "last_30": _("Last 30 days"),
    "last_90": _("Last 90 days"),
    "this_year": _("This year"),
}
DEFAULT_PRESET = "last_30"


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(day: date) -> tuple[date, date]:
    end = month_start(day) - timedelta(days=1)
    return month_start(end), end


def preset_dates(preset: str, today: date) -> tuple[date, date]:
    """The first and last day (both included) of the preset period containing or ending `today`."""
    if preset == "this_month":
        return month_start(today), today
    if preset == "last_month":
        return previous_month(today)
    if preset == "this_year":
        return today.replace(month=1, day=1), today
    days = {"last_7": 7, "last_30": 30, "last_90": 90}[preset]
    return today - timedelta(days=days - 1), today


DAILY, WEEKLY, MONTHLY = "daily", "weekly", "monthly"


def previous_period(frequency: str, today: date) -> tuple[date, date]:
    """What a scheduled report sent on `today` covers: the day before, the last whole week (Monday to
    Sunday) or the last whole month."""
    if frequency == DAILY:
        yesterday = today - timedelta(days=1)
        return yesterday, yesterday
    if frequency == WEEKLY:
        monday = today - timedelta(days=today.weekday() + 7)
        return monday, monday + timedelta(days=6)
    return previous_month(today)


def viewer_zone(viewer) -> str:
    """The user's time zone from their preferences; UTC when the stored name is unknown."""
    try:
        zoneinfo.ZoneInfo(viewer.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return "UTC"
    return viewer.timezone


def today_for(zone: str) -> date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).date()
