"""Business calendars as rows: which one applies, the one default, the public-holidays fill, the admin pages."""

from datetime import UTC, date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import QueueFactory
from tickets.business_time import TWENTY_FOUR_SEVEN, add_working_minutes
from tickets.calendars import Calendar, Holiday, WorkingInterval, business_calendar, calendar_for, fill_public_holidays
from tickets.models import SLA

pytestmark = pytest.mark.django_db


def make_calendar(name, *, tz="UTC", opens=8, closes=17, **kwargs):
    calendar = Calendar.objects.create(name=name, time_zone=tz, **kwargs)
    for weekday in range(5):
        WorkingInterval.objects.create(calendar=calendar, weekday=weekday, start=time(opens), end=time(closes))
    return calendar


@pytest.fixture
def admin_client(client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    return client


def test_without_any_calendar_time_runs_round_the_clock():
    assert calendar_for() is TWENTY_FOUR_SEVEN
    assert calendar_for(queue=QueueFactory(), sla=SLA.objects.create(name="Gold")) is TWENTY_FOUR_SEVEN


def test_the_sla_calendar_wins_then_the_queue_calendar_then_the_default():
    default = make_calendar("Office")
    queue_calendar = make_calendar("Queue hours", opens=6)
    sla_calendar = make_calendar("Gold hours", opens=7)
    queue = QueueFactory(calendar=queue_calendar)
    plain_queue = QueueFactory()
    gold = SLA.objects.create(name="Gold", calendar=sla_calendar)
    silver = SLA.objects.create(name="Silver")

    assert calendar_for(queue=queue, sla=gold).name == "Gold hours"
    assert calendar_for(queue=queue, sla=silver).name == "Queue hours"
    assert calendar_for(queue=plain_queue, sla=silver).name == default.name == "Office"
    assert calendar_for(sla=gold).name == "Gold hours"
    assert calendar_for().name == "Office"


def test_calendar_for_reads_the_rows_in_three_queries(django_assert_num_queries):
    make_calendar("Office")
    queue = QueueFactory(calendar=make_calendar("Queue hours"))
    with django_assert_num_queries(3):
        calendar_for(queue=queue)


def test_the_first_calendar_is_the_default_and_a_new_default_replaces_the_old_one():
    first = make_calendar("Office")
    second = make_calendar("Night shift")
    first.refresh_from_db()
    assert first.is_default and not second.is_default

    second.is_default = True
    second.save()

    assert list(Calendar.objects.filter(is_default=True)) == [second]


def test_the_default_cannot_be_unmarked_only_replaced():
    office = make_calendar("Office")
    make_calendar("Night shift")
    office.is_default = False
    with pytest.raises(ValidationError, match="another calendar the default"):
        office.full_clean()


def test_the_database_refuses_two_defaults():
    make_calendar("Office")
    second = make_calendar("Night shift")
    with pytest.raises(IntegrityError), transaction.atomic():
        Calendar.objects.filter(pk=second.pk).update(is_default=True)


def test_deleting_the_default_in_the_admin_makes_another_one_the_default(admin_client):
    office = make_calendar("Office")
    make_calendar("Night shift")
    response = admin_client.post(
        reverse("admin:tickets_calendar_delete", args=[office.pk]), {"post": "yes"}, follow=True
    )
    assert "Night shift is now the default calendar." in response.content.decode()
    assert calendar_for().name == "Night shift"

    response = admin_client.post(
        reverse("admin:tickets_calendar_changelist"),
        {"action": "delete_selected", "_selected_action": [c.pk for c in Calendar.objects.all()], "post": "yes"},
    )
    assert not Calendar.objects.exists()
    assert calendar_for() is TWENTY_FOUR_SEVEN


def test_a_calendar_in_use_by_a_queue_cannot_be_deleted(admin_client):
    office = make_calendar("Office")
    QueueFactory(name="Support", calendar=office)
    response = admin_client.post(reverse("admin:tickets_calendar_delete", args=[office.pk]), {"post": "yes"})
    assert response.status_code == 200
    assert "Support" in response.content.decode()
    assert Calendar.objects.filter(pk=office.pk).exists()


def test_business_calendar_carries_hours_holidays_and_zone():
    calendar = make_calendar("Prague office", tz="Europe/Prague")
    WorkingInterval.objects.create(calendar=calendar, weekday=5, start=time(22), end=time(0))
    Holiday.objects.create(calendar=calendar, date=date(2026, 12, 1), name="Company day")
    Holiday.objects.create(calendar=calendar, date=date(2000, 12, 25), name="Christmas", yearly=True)

    value = business_calendar(calendar)

    assert value.tz == "Europe/Prague"
    assert value.week[0] == ((480, 1020),)
    assert value.week[5] == ((1320, 1440),)
    assert value.week[6] == ()
    assert value.holidays == {date(2026, 12, 1)}
    assert value.yearly_holidays == {(12, 25)}
    # Monday 30 November 16:00 local + 2 hours: Tuesday is the company day, so Wednesday 09:00 local.
    start = datetime(2026, 11, 30, 15, tzinfo=UTC)
    assert add_working_minutes(value, start, 120) == datetime(2026, 12, 2, 8, tzinfo=UTC)


def test_an_interval_must_end_after_it_starts():
    calendar = make_calendar("Office")
    with pytest.raises(ValidationError, match="must end after it starts"):
        WorkingInterval(calendar=calendar, weekday=0, start=time(17), end=time(8)).full_clean()
    WorkingInterval(calendar=calendar, weekday=6, start=time(20), end=time(0)).full_clean()


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ValidationError, match="Unknown time zone"):
        Calendar(name="Mars", time_zone="Mars/Olympus").full_clean()


def test_filling_public_holidays_twice_adds_nothing_new():
    calendar = make_calendar("Prague office", tz="Europe/Prague")
    Holiday.objects.create(calendar=calendar, date=date(2000, 12, 24), name="Christmas Eve", yearly=True)

    added = fill_public_holidays(calendar=calendar, country="cz", years=range(2026, 2028))
    again = fill_public_holidays(calendar=calendar, country="CZ", years=range(2026, 2028))

    assert again == []
    dates = set(calendar.holidays.filter(yearly=False).values_list("date", flat=True))
    assert len(added) == len(dates) == 24  # 13 Czech holidays a year, less Christmas Eve (already yearly)
    assert date(2026, 4, 6) in dates and date(2027, 3, 29) in dates  # Easter Mondays
    assert date(2026, 12, 24) not in dates
    assert business_calendar(calendar).holidays == dates


def test_filling_a_subdivision_adds_its_own_holidays():
    calendar = make_calendar("Munich office", tz="Europe/Berlin")
    fill_public_holidays(calendar=calendar, country="DE", subdivision="BY", years=range(2026, 2027))
    assert calendar.holidays.filter(date=date(2026, 1, 6)).exists()  # Epiphany, in Bavaria only


def test_filling_an_unknown_country_is_refused_and_adds_nothing():
    calendar = make_calendar("Office")
    with pytest.raises(ValueError):
        fill_public_holidays(calendar=calendar, country="XX", years=range(2026, 2027))
    assert not calendar.holidays.exists()


def _inline_forms(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def test_an_administrator_adds_a_calendar_with_hours_and_holidays_in_the_admin(admin_client):
    url = reverse("admin:tickets_calendar_add")
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html and "<style" not in html and " style=" not in html and " onclick=" not in html
    assert "Europe/Prague" in html

    data = {"name": "Prague office", "time_zone": "Europe/Prague", "is_default": "on"}
    data |= _inline_forms(
        "intervals",
        [
            {"weekday": "0", "start": "08:00", "end": "12:00"},
            {"weekday": "0", "start": "13:00", "end": "17:00"},
        ],
    )
    data |= _inline_forms("holidays", [{"date": "2026-12-25", "name": "Christmas Day", "yearly": "on"}])
    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    calendar = Calendar.objects.get(name="Prague office")
    value = business_calendar(calendar)
    assert value.week[0] == ((480, 720), (780, 1020))
    assert value.yearly_holidays == {(12, 25)}
    assert calendar.is_default


def test_the_admin_refuses_an_interval_that_ends_before_it_starts(admin_client):
    data = {"name": "Backwards", "time_zone": "UTC"}
    data |= _inline_forms("intervals", [{"weekday": "0", "start": "17:00", "end": "08:00"}])
    data |= _inline_forms("holidays", [])
    response = admin_client.post(reverse("admin:tickets_calendar_add"), data)
    assert response.status_code == 200
    assert "must end after it starts" in response.content.decode()
    assert not Calendar.objects.exists()


def test_the_admin_refuses_overlapping_hours_on_one_day(admin_client):
    data = {"name": "Overlapping", "time_zone": "UTC"}
    data |= _inline_forms(
        "intervals",
        [
            {"weekday": "1", "start": "08:00", "end": "12:00"},
            {"weekday": "1", "start": "11:00", "end": "15:00"},
            {"weekday": "2", "start": "12:00", "end": "00:00"},
        ],
    )
    data |= _inline_forms("holidays", [])
    response = admin_client.post(reverse("admin:tickets_calendar_add"), data)
    assert response.status_code == 200
    assert "Working hours on Tuesday overlap" in response.content.decode()
    assert not Calendar.objects.exists()


def test_an_administrator_fills_public_holidays_from_the_calendar_page(admin_client):
    calendar = make_calendar("Warsaw office", tz="Europe/Warsaw")
    change = admin_client.get(reverse("admin:tickets_calendar_change", args=[calendar.pk])).content.decode()
    fill_url = reverse("admin:tickets_calendar_fill_holidays", args=[calendar.pk])
    assert fill_url in change

    page = admin_client.get(fill_url)
    assert page.status_code == 200
    assert "<script>" not in page.content.decode() and " style=" not in page.content.decode()

    form = {"country": "PL", "subdivision": "", "year_from": "2026", "year_to": "2026"}
    response = admin_client.post(fill_url, form, follow=True)
    assert "14 public holidays added" in response.content.decode()
    response = admin_client.post(fill_url, form, follow=True)
    assert "0 public holidays added" in response.content.decode()
    assert calendar.holidays.count() == 14  # Christmas Eve is one since 2025


def test_the_fill_form_explains_bad_input_and_adds_nothing(admin_client):
    calendar = make_calendar("Office")
    fill_url = reverse("admin:tickets_calendar_fill_holidays", args=[calendar.pk])
    response = admin_client.post(fill_url, {"country": "XX", "year_from": "2026", "year_to": "2026"})
    assert response.status_code == 200
    assert "No public holidays for this country" in response.content.decode()
    response = admin_client.post(fill_url, {"country": "CZ", "year_from": "2027", "year_to": "2026"})
    assert "The last year comes before the first." in response.content.decode()
    assert not calendar.holidays.exists()


def test_queues_and_slas_name_their_calendar_in_the_admin(admin_client):
    calendar = make_calendar("Office")
    queue = QueueFactory()
    sla = SLA.objects.create(name="Gold", calendar=calendar)
    queue_page = admin_client.get(reverse("admin:tickets_queue_change", args=[queue.pk])).content.decode()
    sla_page = admin_client.get(reverse("admin:tickets_sla_change", args=[sla.pk])).content.decode()
    assert 'name="calendar"' in queue_page
    assert 'name="calendar"' in sla_page
    assert admin_client.get(reverse("admin:tickets_calendar_changelist")).status_code == 200
