"""Business-time arithmetic (tickets.business_time): pure functions over a calendar value, no database."""

import random
import time as clock
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tickets.business_time import (
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    add_working_minutes,
    is_working_time,
    next_working_start,
    working_minutes_between,
)

PRAGUE = ZoneInfo("Europe/Prague")
H = 60


def hours(*pairs):
    return tuple((s * H, e * H) for s, e in pairs)


def office(tz="UTC", *, lunch=False, holidays=(), yearly=()):
    """Monday to Friday 08:00-17:00 (or 08:00-12:00 and 13:00-17:00 with lunch), weekend closed."""
    day = hours((8, 12), (13, 17)) if lunch else hours((8, 17))
    return BusinessCalendar(tz=tz, week=(day,) * 5 + ((), ()), holidays=frozenset(holidays), yearly_holidays=yearly)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def prague(*args):
    return datetime(*args, tzinfo=PRAGUE)


# 2026-11-27 is a Friday, 2026-11-30 a Monday.


def test_adding_within_one_day():
    assert add_working_minutes(office(), utc(2026, 11, 30, 9), 90) == utc(2026, 11, 30, 10, 30)


def test_adding_over_a_weekend_continues_on_monday_morning():
    assert add_working_minutes(office(), utc(2026, 11, 27, 16), 120) == utc(2026, 11, 30, 9)
    assert working_minutes_between(office(), utc(2026, 11, 27, 16), utc(2026, 11, 30, 9)) == 120


def test_a_result_on_closing_time_is_closing_time_not_the_next_opening():
    assert add_working_minutes(office(), utc(2026, 11, 27, 16), 60) == utc(2026, 11, 27, 17)


def test_a_one_off_holiday_is_skipped():
    calendar = office(holidays={date(2026, 11, 30)})
    assert add_working_minutes(calendar, utc(2026, 11, 27, 16), 120) == utc(2026, 12, 1, 9)
    assert working_minutes_between(calendar, utc(2026, 11, 27), utc(2026, 12, 2)) == 2 * 9 * H


def test_a_yearly_holiday_is_skipped_every_year():
    calendar = office(yearly={(12, 25)})
    # Friday 25 December 2026 and Monday 25 December 2028.
    assert add_working_minutes(calendar, utc(2026, 12, 24, 16), 120) == utc(2026, 12, 28, 9)
    assert add_working_minutes(calendar, utc(2028, 12, 22, 16), 120) == utc(2028, 12, 26, 9)
    assert working_minutes_between(calendar, utc(2025, 12, 22), utc(2025, 12, 29)) == 4 * 9 * H  # Thursday 25th


def test_two_intervals_a_day_skip_the_lunch_break():
    calendar = office(lunch=True)
    assert add_working_minutes(calendar, utc(2026, 11, 30, 11), 120) == utc(2026, 11, 30, 14)
    assert working_minutes_between(calendar, utc(2026, 11, 30, 0), utc(2026, 12, 1, 0)) == 8 * H


@pytest.mark.parametrize(
    "start, expected",
    [
        (utc(2026, 11, 30, 6), utc(2026, 11, 30, 9)),  # before opening
        (utc(2026, 11, 30, 12, 30), utc(2026, 11, 30, 14)),  # during lunch
        (utc(2026, 11, 29, 12), utc(2026, 11, 30, 9)),  # on a Sunday
        (utc(2026, 12, 25, 10), utc(2026, 12, 28, 9)),  # on a holiday
        (utc(2026, 11, 30, 20), utc(2026, 12, 1, 9)),  # after closing
    ],
)
def test_a_start_outside_working_time_counts_from_the_next_opening(start, expected):
    calendar = office(lunch=True, yearly={(12, 25)})
    assert not is_working_time(calendar, start)
    assert add_working_minutes(calendar, start, 60) == expected
    assert next_working_start(calendar, start) == expected - timedelta(minutes=60)
    assert working_minutes_between(calendar, start, expected) == 60


def test_working_time_includes_opening_and_excludes_closing():
    calendar = office()
    assert is_working_time(calendar, utc(2026, 11, 30, 8))
    assert not is_working_time(calendar, utc(2026, 11, 30, 17))
    assert next_working_start(calendar, utc(2026, 11, 30, 10)) == utc(2026, 11, 30, 10)


def test_zero_minutes_is_the_start_itself():
    assert add_working_minutes(office(), utc(2026, 11, 29, 12), 0) == utc(2026, 11, 29, 12)
    assert working_minutes_between(office(), utc(2026, 11, 30, 9), utc(2026, 11, 30, 9)) == 0


def test_negative_minutes_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_minutes(office(), utc(2026, 11, 30, 9), -1)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        add_working_minutes(office(), datetime(2026, 11, 30, 9), 10)


def test_minutes_between_are_negative_after_the_deadline():
    assert working_minutes_between(office(), utc(2026, 11, 30, 11), utc(2026, 11, 30, 10)) == -60


def test_a_calendar_without_working_hours_is_refused_instead_of_looping():
    closed = BusinessCalendar(tz="UTC", week=((),) * 7)
    with pytest.raises(ValueError, match="no working hours"):
        add_working_minutes(closed, utc(2026, 11, 30), 10)


def test_a_calendar_closed_every_day_of_the_year_is_refused_instead_of_looping():
    every_day = {(d.month, d.day) for d in (date(2028, 1, 1) + timedelta(days=i) for i in range(366))}
    calendar = BusinessCalendar(tz="UTC", week=(hours((8, 17)),) * 7, yearly_holidays=frozenset(every_day))
    with pytest.raises(ValueError, match="no working time"):
        add_working_minutes(calendar, utc(2026, 11, 30), 10)


def test_bad_intervals_and_zones_are_refused():
    with pytest.raises(ValueError, match="within one day"):
        BusinessCalendar(tz="UTC", week=(((600, 540),),) + ((),) * 6)
    with pytest.raises(ValueError, match="time zone"):
        BusinessCalendar(tz="Mars/Olympus", week=((),) * 7)


def test_overlapping_intervals_are_counted_once():
    calendar = BusinessCalendar(tz="UTC", week=(hours((8, 12), (10, 14)),) * 7)
    assert working_minutes_between(calendar, utc(2026, 11, 30), utc(2026, 12, 1)) == 6 * H


def test_twenty_four_seven_counts_every_minute():
    assert add_working_minutes(TWENTY_FOUR_SEVEN, utc(2026, 11, 28, 23, 30), 10_000) == utc(
        2026, 11, 28, 23, 30
    ) + timedelta(minutes=10_000)
    assert working_minutes_between(TWENTY_FOUR_SEVEN, utc(2026, 1, 1), utc(2027, 1, 1)) == 365 * 24 * H


def test_working_hours_are_local_time_in_the_calendar_zone():
    calendar = office("Europe/Prague")
    # 08:00 in Prague is 07:00 UTC in winter.
    assert next_working_start(calendar, utc(2026, 11, 30, 0)) == utc(2026, 11, 30, 7)
    assert add_working_minutes(calendar, utc(2026, 11, 30, 15, 30), 60) == utc(2026, 12, 1, 7, 30)


def test_across_the_march_daylight_saving_change_opening_stays_at_eight_local():
    calendar = office("Europe/Prague")
    # Clocks go forward on Sunday 29 March 2026: Friday 08:00 is 07:00 UTC, Monday 08:00 is 06:00 UTC.
    friday_end = prague(2026, 3, 27, 16)
    monday = add_working_minutes(calendar, friday_end, 120)
    assert monday == prague(2026, 3, 30, 9).astimezone(UTC) == utc(2026, 3, 30, 7)
    assert working_minutes_between(calendar, friday_end, monday) == 120
    assert working_minutes_between(calendar, prague(2026, 3, 23), prague(2026, 4, 6)) == 10 * 9 * H


def test_across_the_october_daylight_saving_change_opening_stays_at_eight_local():
    calendar = office("Europe/Prague")
    # Clocks go back on Sunday 25 October 2026.
    assert add_working_minutes(calendar, prague(2026, 10, 23, 16), 120) == utc(2026, 10, 26, 8)
    assert working_minutes_between(calendar, prague(2026, 10, 19), prague(2026, 11, 2)) == 10 * 9 * H


def test_an_interval_spanning_the_change_is_an_hour_shorter_or_longer_in_real_time():
    round_the_clock = BusinessCalendar(tz="Europe/Prague", week=(((0, 24 * H),),) * 7)
    assert working_minutes_between(round_the_clock, prague(2026, 3, 29), prague(2026, 3, 30)) == 23 * H
    assert working_minutes_between(round_the_clock, prague(2026, 10, 25), prague(2026, 10, 26)) == 25 * H
    night = BusinessCalendar(tz="Europe/Prague", week=(((1 * H, 4 * H),),) * 7)
    assert working_minutes_between(night, prague(2026, 3, 29), prague(2026, 3, 30)) == 2 * H
    assert working_minutes_between(night, prague(2026, 10, 25), prague(2026, 10, 26)) == 4 * H
    # Two real hours on the 29th, then half an hour from 01:00 summer time (23:00 UTC) on the 30th.
    assert add_working_minutes(night, prague(2026, 3, 29, 0), 150) == utc(2026, 3, 29, 23, 30)


def test_whole_weeks_are_skipped_exactly_over_long_spans():
    calendar = office("Europe/Prague", lunch=True, holidays={date(2027, 5, 1), date(2027, 5, 3)}, yearly={(12, 24)})
    start = prague(2026, 11, 30, 9, 17)
    for minutes in [1, 479, 480, 2400, 2401, 10_000, 123_457]:
        end = add_working_minutes(calendar, start, minutes)
        assert working_minutes_between(calendar, start, end) == minutes
        # The same count day by day, without the week skip.
        assert sum(_day_by_day(calendar, start, end)) == minutes


def _day_by_day(calendar, a, b):
    day = calendar.local_date(a)
    while calendar.midnight(day) < b:
        for begin, end in calendar.intervals_on(day):
            overlap = min(end, b) - max(begin, a)
            if overlap > timedelta():
                yield overlap // timedelta(minutes=1)
        day += timedelta(days=1)


def test_a_ten_thousand_minute_add_takes_milliseconds():
    def fresh():
        return office("Europe/Prague", lunch=True, yearly={(12, 25), (1, 1)})

    started = clock.perf_counter()
    for _ in range(20):
        add_working_minutes(fresh(), utc(2026, 11, 30, 9), 10_000)
    assert (clock.perf_counter() - started) / 20 < 0.005  # about 0.3 ms here

    started = clock.perf_counter()
    for _ in range(5):
        working_minutes_between(fresh(), utc(2026, 1, 1), utc(2036, 1, 1))
    assert (clock.perf_counter() - started) / 5 < 0.15  # ten years: about 15 ms here, weeks skipped

    reused = fresh()
    working_minutes_between(reused, utc(2026, 1, 1), utc(2036, 1, 1))
    started = clock.perf_counter()
    for _ in range(20):
        working_minutes_between(reused, utc(2026, 1, 1), utc(2036, 1, 1))
    assert (clock.perf_counter() - started) / 20 < 0.05  # a reused calendar has its weeks worked out


@pytest.mark.parametrize("tz", ["UTC", "Europe/Prague", "America/New_York", "Australia/Lord_Howe"])
def test_adding_then_counting_gives_back_the_minutes_from_random_working_starts(tz):
    rng = random.Random(12)
    calendar = office(tz, lunch=True, holidays={date(2026, 4, 3), date(2026, 11, 17)}, yearly={(12, 25), (1, 1)})
    checked = 0
    while checked < 300:
        t = utc(2026, 1, 1) + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * H))
        minutes = rng.choice([0, 1, rng.randrange(1, 600), rng.randrange(1, 20_000)])
        end = add_working_minutes(calendar, t, minutes)
        assert end.tzinfo is UTC
        assert working_minutes_between(calendar, t, end) == minutes
        if is_working_time(calendar, t):
            checked += 1
            if minutes:
                assert is_working_time(calendar, end - timedelta(seconds=1))
