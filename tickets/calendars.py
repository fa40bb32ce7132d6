"""Business calendars: working hours per weekday, holidays, a time zone; which one applies to a ticket.

The arithmetic lives in `tickets.business_time` and works on a plain value built from these rows by
`business_calendar()`; `calendar_for(queue=..., sla=...)` is the one rule for which calendar applies.
"""

from __future__ import annotations

import zoneinfo

import holidays as public_holidays
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from tickets.business_time import DAY_MINUTES, TWENTY_FOUR_SEVEN, BusinessCalendar


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value}, code="time_zone")


class Calendar(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("Working hours and holidays are local times and dates in this zone, e.g. Europe/Prague."),
    )
    is_default = models.BooleanField(
        _("default"),
        default=False,
        help_text=_("Applies to queues and SLAs that name no calendar. Exactly one calendar is the default."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="tickets_calendar_one_default"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """The first calendar becomes the default; making one the default unmarks the previous one."""
        with transaction.atomic():
            others = Calendar.objects.exclude(pk=self.pk)
            if not others.exists():
                self.is_default = True
            if self.is_default:
                others.filter(is_default=True).update(is_default=False)
            super().save(*args, **kwargs)

    def clean(self):
        if self.pk and not self.is_default and Calendar.objects.filter(pk=self.pk, is_default=True).exists():
            raise ValidationError(
                {"is_default": _("Make another calendar the default instead; one calendar is always the default.")}
            )


class Weekday(models.IntegerChoices):
    """Monday 0 to Sunday 6, as date.weekday() counts (working hours, scheduled reports)."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingInterval(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="intervals")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("to"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def minutes(self) -> tuple[int, int]:
        """(start, end) in minutes after local midnight; an end of 00:00 is the day's end (1440)."""
        end = self.end.hour * 60 + self.end.minute
        return self.start.hour * 60 + self.start.minute, end or DAY_MINUTES

    def clean(self):
        if self.start is None or self.end is None:
            return
        if self.start.second or self.end.second:
            raise ValidationError(_("Working hours are whole minutes."))
        start, end = self.minutes
        if start >= end:
            raise ValidationError(_("The interval must end after it starts (use 00:00 for midnight)."))


class Holiday(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200)
    yearly = models.BooleanField(
        _("every year"), default=False, help_text=_("Closed on this day and month every year, e.g. 25 December.")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="tickets_holiday_once_per_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


def keep_one_default() -> Calendar | None:
    """After the default calendar was deleted, the first remaining one (by name) becomes the default.

    Returns the calendar that became the default, or None when there was nothing to do.
    """
    with transaction.atomic():
        if Calendar.objects.filter(is_default=True).exists():
            return None
        first = Calendar.objects.select_for_update().order_by("name").first()
        if first is not None:
            Calendar.objects.filter(pk=first.pk).update(is_default=True)
            first.is_default = True
        return first


def business_calendar(calendar: Calendar) -> BusinessCalendar:
    """The arithmetic's value for a calendar row (reads its intervals and holidays, prefetched or not)."""
    week: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for interval in calendar.intervals.all():
        week[interval.weekday].append(interval.minutes)
    one_off, yearly = set(), set()
    for holiday in calendar.holidays.all():
        if holiday.yearly:
            yearly.add((holiday.date.month, holiday.date.day))
        else:
            one_off.add(holiday.date)
    return BusinessCalendar(
        tz=calendar.time_zone,
        week=tuple(tuple(day) for day in week),
        holidays=frozenset(one_off),
        yearly_holidays=frozenset(yearly),
        name=calendar.name,
    )


def calendar_for(queue=None, sla=None) -> BusinessCalendar:
    """The calendar that applies: the SLA's, then the queue's, then the default, then 24x7."""
    calendars = Calendar.objects.prefetch_related("intervals", "holidays")
    calendar_id = (sla.calendar_id if sla is not None else None) or (queue.calendar_id if queue is not None else None)
    found = calendars.filter(pk=calendar_id).first() if calendar_id else None
    if found is None:
        found = calendars.filter(is_default=True).first()
    return business_calendar(found) if found is not None else TWENTY_FOUR_SEVEN


def fill_public_holidays(*, calendar: Calendar, country: str, subdivision: str = "", years: range) -> list[Holiday]:
    """Add a country's public holidays for `years` as one-off holidays; dates already there are kept.

    Idempotent: a date the calendar already has (one-off, or covered by a yearly holiday) is skipped.
    Raises ValueError for an unknown country or subdivision.
    """
    try:
        found = public_holidays.country_holidays(country.upper(), subdiv=subdivision or None, years=list(years))
    except NotImplementedError as error:
        raise ValueError(str(error)) from error
    with transaction.atomic():
        existing = set(calendar.holidays.values_list("date", "yearly"))
        taken = {day for day, _yearly in existing}
        yearly = {(day.month, day.day) for day, is_yearly in existing if is_yearly}
        new = [
            Holiday(calendar=calendar, date=day, name=str(name)[:200])
            for day, name in sorted(found.items())
            if day not in taken and (day.month, day.day) not in yearly
        ]
        Holiday.objects.bulk_create(new)
    return new
