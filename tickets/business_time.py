"""Business-time arithmetic over a calendar, as pure functions (no database).

A `BusinessCalendar` is a plain value: a time zone name, the working intervals of each weekday as
local wall-clock minutes, and the holidays. Intervals are wall-clock times in the calendar's zone:
on a daylight-saving change day an 08:00-17:00 interval still opens at 08:00 local, and an interval
spanning the change (e.g. 00:00-24:00) is an hour shorter or longer in real time. Datetimes in must be
aware (any zone); datetimes out are aware UTC. Whole weeks without holidays or offset changes are
skipped in one step, so long spans cost a few microseconds per week, not a loop over minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_MINUTES = 24 * 60
MINUTE = timedelta(minutes=1)
# A calendar with working hours may still have every day a holiday for a while; beyond this many
# days without any working time, add_working_minutes gives up instead of looping for ever.
MAX_CLOSED_DAYS = 3 * 366

Interval = tuple[int, int]  # (start, end) in minutes after local midnight, 0 <= start < end <= 1440


def _merged(intervals) -> tuple[Interval, ...]:
    result: list[list[int]] = []
    for start, end in sorted((int(s), int(e)) for s, e in intervals):
        if not 0 <= start < end <= DAY_MINUTES:
            raise ValueError(f"working interval {start}-{end} is not within one day (minutes 0 to 1440, start < end)")
        if result and start <= result[-1][1]:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    return tuple((s, e) for s, e in result)


@dataclass(frozen=True)
class BusinessCalendar:
    """When work happens: `week[0]` is Monday's intervals ... `week[6]` Sunday's; a day with none is closed.

    `holidays` are one-off local dates; `yearly_holidays` are (month, day) pairs closed every year.
    Overlapping or touching intervals of a day are merged.
    """

    tz: str
    week: tuple[tuple[Interval, ...], ...]
    holidays: frozenset[date] = field(default_factory=frozenset)
    yearly_holidays: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    name: str = ""

    def __post_init__(self):
        if len(self.week) != 7:
            raise ValueError("a calendar's week has seven days, Monday first")
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {self.tz!r}") from error
        object.__setattr__(self, "week", tuple(_merged(day) for day in self.week))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "yearly_holidays", frozenset(self.yearly_holidays))

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @cached_property
    def week_minutes(self) -> int:
        """Working minutes of a week without holidays or offset changes."""
        return sum(end - start for day in self.week for start, end in day)

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays or (day.month, day.day) in self.yearly_holidays

    def midnight(self, day: date) -> datetime:
        """The instant (UTC) the local day begins."""
        return datetime.combine(day, time(), self.zone).astimezone(UTC)

    @cached_property
    def _days(self) -> dict[date, tuple[tuple[datetime, datetime], ...]]:
        return {}  # a calendar value is reused (a sweep, a recompute): each day is worked out once

    @cached_property
    def _weeks(self) -> dict[date, bool]:
        return {}

    def intervals_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The working intervals of a local day as UTC instants; none on a holiday or a closed weekday."""
        found = self._days.get(day)
        if found is None:
            found = self._days[day] = self._intervals_on(day)
        return found

    def _intervals_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        if self.is_holiday(day):
            return ()
        result = []
        for start, end in self.week[day.weekday()]:
            begin = self._instant(day, start)
            finish = self._instant(day, end)
            if finish > begin:  # an interval entirely inside a skipped (spring-forward) hour has no length
                result.append((begin, finish))
        return tuple(result)

    def _instant(self, day: date, minute: int) -> datetime:
        if minute == DAY_MINUTES:
            return self.midnight(day + timedelta(days=1))
        local = datetime.combine(day, time(minute // 60, minute % 60), self.zone)
        return local.astimezone(UTC)

    def local_date(self, t: datetime) -> date:
        return t.astimezone(self.zone).date()

    def is_plain_week(self, monday: date) -> bool:
        """No holiday and no UTC-offset change in the seven local days from `monday`: real = nominal minutes."""
        found = self._weeks.get(monday)
        if found is None:
            found = self._weeks[monday] = self._is_plain_week(monday)
        return found

    def _is_plain_week(self, monday: date) -> bool:
        days = [monday + timedelta(days=i) for i in range(8)]
        if any(self.is_holiday(day) for day in days[:7]):
            return False
        offsets = {datetime.combine(day, time(), self.zone).utcoffset() for day in days}
        return len(offsets) == 1


TWENTY_FOUR_SEVEN = BusinessCalendar(tz="UTC", week=(((0, DAY_MINUTES),),) * 7, name="24x7")


def _utc(t: datetime, what: str) -> datetime:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime")
    return t.astimezone(UTC)


def add_working_minutes(calendar: BusinessCalendar, start: datetime, minutes: int) -> datetime:
    """The instant `minutes` working minutes after `start` (UTC).

    Zero minutes gives `start` itself. A result that falls exactly on a closing time is that closing
    time (due "Friday 17:00", not "Monday 08:00").
    """
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise TypeError("minutes must be an integer")
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    t = _utc(start, "start")
    if minutes == 0:
        return t
    if calendar.week_minutes == 0:
        raise ValueError(f"calendar {calendar.name or calendar.tz} has no working hours")
    remaining = timedelta(minutes=minutes)
    week = timedelta(minutes=calendar.week_minutes)
    day = calendar.local_date(t)
    closed_days = 0
    while True:
        if day.weekday() == 0 and remaining > week and t <= calendar.midnight(day) and calendar.is_plain_week(day):
            remaining -= week
            day += timedelta(days=7)
            t = calendar.midnight(day)
            closed_days = 0
            continue
        intervals = calendar.intervals_on(day)
        closed_days = closed_days + 1 if not intervals else 0
        if closed_days > MAX_CLOSED_DAYS:
            raise ValueError(f"calendar {calendar.name or calendar.tz} has no working time after {start.isoformat()}")
        for begin, end in intervals:
            if end <= t:
                continue
            begin = max(begin, t)
            available = end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
            t = end
        day += timedelta(days=1)


def working_minutes_between(calendar: BusinessCalendar, a: datetime, b: datetime) -> int:
    """Whole working minutes from `a` to `b`; negative when `b` is before `a` (time left after a deadline)."""
    a = _utc(a, "a")
    b = _utc(b, "b")
    if b < a:
        return -working_minutes_between(calendar, b, a)
    total = timedelta()
    week = timedelta(minutes=calendar.week_minutes)
    day = calendar.local_date(a)
    while calendar.midnight(day) < b:
        if day.weekday() == 0 and a <= calendar.midnight(day):
            next_monday = day + timedelta(days=7)
            if calendar.midnight(next_monday) <= b and calendar.is_plain_week(day):
                total += week
                day = next_monday
                continue
        for begin, end in calendar.intervals_on(day):
            overlap = min(end, b) - max(begin, a)
            if overlap > timedelta():
                total += overlap
        day += timedelta(days=1)
    return total // MINUTE


def is_working_time(calendar: BusinessCalendar, t: datetime) -> bool:
    """Whether `t` is inside a working interval (opening time included, closing time excluded)."""
    t = _utc(t, "t")
    return any(begin <= t < end for begin, end in calendar.intervals_on(calendar.local_date(t)))


def next_working_start(calendar: BusinessCalendar, t: datetime) -> datetime:
    """`t` itself during working time, otherwise the next opening (UTC)."""
    t = _utc(t, "t")
    if calendar.week_minutes == 0:
        raise ValueError(f"calendar {calendar.name or calendar.tz} has no working hours")
    day = calendar.local_date(t)
    for _ in range(MAX_CLOSED_DAYS + 7):
        for begin, end in calendar.intervals_on(day):
            if t < end:
                return max(begin, t)
        day += timedelta(days=1)
    raise ValueError(f"calendar {calendar.name or calendar.tz} has no working time after {t.isoformat()}")
