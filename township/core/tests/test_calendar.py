"""The working-time clock against the 2026 State Council arrangement (DOMAIN.md §3.4, §7.1)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from township.core import calendar
from township.core.calendar import (
    LOCAL_TZ,
    CalendarNotCovered,
    add_natural_days,
    add_working_days,
    add_working_hours,
    due_datetime,
    elapsed,
    extend_due,
    is_workday,
    working_days_between,
    working_hours_between,
    year_working_days,
)
from township.core.errors import DomainError
from township.core.models import CalendarYear, Holiday, HolidayKind

pytestmark = pytest.mark.django_db

D = dt.date


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL_TZ)


# ---------------------------------------------------------------------------------------------------------------
# The seeded table
# ---------------------------------------------------------------------------------------------------------------


def test_seed_covers_2004_to_2026_and_matches_the_package():
    assert calendar.covered_years() == list(range(2004, 2027))
    for year in (2004, 2015, 2020, 2026):
        start, end = D(year, 1, 1), D(year, 12, 31)
        ours = [d for d in (start + dt.timedelta(days=i) for i in range((end - start).days + 1)) if is_workday(d)]
        assert ours == chinese_calendar.get_workdays(start, end), year


def test_seed_rows_carry_kind_chinese_name_and_source():
    spring = Holiday.objects.get(date=D(2026, 2, 17))
    assert (spring.kind, spring.name) == (HolidayKind.HOLIDAY, "春节")
    makeup = Holiday.objects.get(date=D(2026, 2, 14))
    assert (makeup.kind, makeup.name) == (HolidayKind.MAKEUP_WORKDAY, "春节")
    assert makeup.source == "chinesecalendar 1.11.0 / 国务院办公厅通知"
    assert CalendarYear.objects.get(year=2026).source == makeup.source


# ---------------------------------------------------------------------------------------------------------------
# Working days (the fixed examples)
# ---------------------------------------------------------------------------------------------------------------


def test_twenty_working_days_after_2026_09_28_is_2026_10_30():
    assert add_working_days(D(2026, 9, 28), 20) == D(2026, 10, 30)


def test_five_working_days_after_2026_09_30_is_2026_10_13():
    # 10-01..10-07 are off: 10-08 (Thu), 10-09 (Fri), 10-10 (make-up Sat), 10-12 (Mon), 10-13
    assert add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)


def test_three_working_days_after_2026_02_12_is_2026_02_24():
    # 02-13 (Fri), 02-14 (make-up Sat), then the Spring Festival 02-15..02-23, then 02-24
    assert add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)


def test_2026_has_248_working_days():
    assert year_working_days(2026) == 248


def test_make_up_saturday_is_a_working_day_and_holidays_and_weekends_are_not():
    assert is_workday(D(2026, 2, 14))  # Saturday, 调休上班
    assert is_workday(D(2026, 9, 20))  # Sunday, 调休上班
    assert not is_workday(D(2026, 10, 1))  # National Day, a Thursday
    assert not is_workday(D(2026, 10, 2))  # a Friday off
    assert not is_workday(D(2026, 3, 7))  # ordinary Saturday
    assert is_workday(D(2026, 3, 9))  # ordinary Monday


def test_start_day_is_not_counted_and_zero_days_is_the_start():
    assert add_working_days(D(2026, 3, 9), 1) == D(2026, 3, 10)
    assert add_working_days(D(2026, 3, 7), 0) == D(2026, 3, 7)
    assert add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)  # from a Saturday: Monday


def test_negative_working_days_count_backwards():
    assert add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)


def test_working_days_between_counts_the_half_open_interval():
    assert working_days_between(D(2026, 9, 28), D(2026, 10, 30)) == 20
    assert working_days_between(D(2026, 9, 28), D(2026, 9, 28)) == 0
    assert working_days_between(D(2026, 10, 30), D(2026, 9, 28)) == -20


# ---------------------------------------------------------------------------------------------------------------
# Natural days
# ---------------------------------------------------------------------------------------------------------------


def test_natural_days_end_on_a_holiday_rolls_to_the_next_working_day():
    # 2026-09-28 + 3 = 10-01 (National Day, off until 10-07) → 10-08 (Thursday)
    assert add_natural_days(D(2026, 9, 28), 3) == D(2026, 10, 8)
    # ends on an ordinary Saturday → Monday
    assert add_natural_days(D(2026, 3, 2), 5) == D(2026, 3, 9)
    # ends on a make-up Saturday → stays
    assert add_natural_days(D(2026, 2, 7), 7) == D(2026, 2, 14)
    # ordinary working day → stays
    assert add_natural_days(D(2026, 3, 2), 30) == D(2026, 4, 1)


# ---------------------------------------------------------------------------------------------------------------
# Not covered years
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "compute",
    [
        lambda: is_workday(D(2027, 1, 4)),
        lambda: add_working_days(D(2026, 12, 20), 20),
        lambda: add_working_days(D(2027, 1, 4), 0),
        lambda: add_natural_days(D(2026, 12, 20), 30),
        lambda: working_days_between(D(2026, 12, 1), D(2027, 1, 10)),
        lambda: year_working_days(2027),
        lambda: add_working_hours(local(2026, 12, 31, 17, 0), 2),
        lambda: due_datetime(local(2026, 12, 25, 9, 0), 20, "working_days"),
    ],
)
def test_any_2027_computation_is_refused_with_a_clear_error(compute):
    with pytest.raises(CalendarNotCovered) as excinfo:
        compute()
    error = excinfo.value
    assert isinstance(error, DomainError)
    assert error.code == "calendar_not_covered"
    assert "2027年节假日安排尚未录入" in error.message
    assert error.as_dict()["code"] == "calendar_not_covered"


def test_earlier_years_than_the_table_are_refused_too():
    with pytest.raises(CalendarNotCovered, match="2003年"):
        is_workday(D(2003, 6, 2))


def _enter_2027_new_year():
    Holiday.objects.create(date=D(2027, 1, 1), kind=HolidayKind.HOLIDAY, name="元旦", source="test")
    CalendarYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知（测试）")


def test_2027_works_once_an_administrator_enters_the_year():
    with pytest.raises(CalendarNotCovered):
        add_working_days(D(2026, 12, 30), 3)
    _enter_2027_new_year()
    # 12-31 (Thu), 01-01 holiday, 01-02/03 weekend, 01-04 (Mon), 01-05
    assert add_working_days(D(2026, 12, 30), 3) == D(2027, 1, 5)
    assert not is_workday(D(2027, 1, 1))


def test_cache_follows_edits_and_rollbacks():
    assert is_workday(D(2026, 3, 9))
    Holiday.objects.create(date=D(2026, 3, 9), kind=HolidayKind.HOLIDAY, name="测试", source="test")
    assert not is_workday(D(2026, 3, 9))  # save invalidates the snapshot
    Holiday.objects.filter(date=D(2026, 3, 9)).delete()
    assert is_workday(D(2026, 3, 9))

    # A change inside a transaction that is rolled back must not survive in the snapshot.
    with pytest.raises(RuntimeError), transaction.atomic():
        _enter_2027_new_year()
        assert is_workday(D(2027, 1, 4))
        raise RuntimeError("rollback")
    with pytest.raises(CalendarNotCovered):
        is_workday(D(2027, 1, 4))


# ---------------------------------------------------------------------------------------------------------------
# Working hours (08:30–12:00, 14:00–17:30 in the base settings)
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture
def office(settings):
    settings.TOWNSHIP_OFFICE_HOURS = [("08:30", "12:00"), ("14:00", "17:30")]


def test_working_hours_skip_lunch_nights_weekends_and_holidays(office):
    assert add_working_hours(local(2026, 3, 9, 9, 0), 2) == local(2026, 3, 9, 11, 0)
    assert add_working_hours(local(2026, 3, 9, 11, 0), 2) == local(2026, 3, 9, 15, 0)
    assert add_working_hours(local(2026, 3, 9, 17, 0), 1) == local(2026, 3, 10, 9, 0)
    assert add_working_hours(local(2026, 3, 9, 20, 0), 1) == local(2026, 3, 10, 9, 30)
    # Friday 17:00 + 1h → Monday 09:00
    assert add_working_hours(local(2026, 3, 13, 17, 0), 1) == local(2026, 3, 16, 9, 0)
    # 2026-09-30 (Wed) 16:30 + 2h → National Day off → 10-08 (Thu) 09:30
    assert add_working_hours(local(2026, 9, 30, 16, 30), 2) == local(2026, 10, 8, 9, 30)
    # a full office day is 7 hours
    assert add_working_hours(local(2026, 3, 9, 8, 30), 7) == local(2026, 3, 9, 17, 30)
    # lands exactly at the end of the morning
    assert add_working_hours(local(2026, 3, 9, 8, 30), 3.5) == local(2026, 3, 9, 12, 0)


def test_working_hours_accept_utc_input_and_return_the_same_instant(office):
    start = dt.datetime(2026, 3, 9, 1, 0, tzinfo=dt.UTC)  # 09:00 in Chongqing
    result = add_working_hours(start, 2)
    assert result == local(2026, 3, 9, 11, 0)
    assert result.utcoffset() == dt.timedelta(hours=8)


def test_working_hours_follow_the_configured_office_hours(settings):
    settings.TOWNSHIP_OFFICE_HOURS = [("09:00", "17:00")]
    assert add_working_hours(local(2026, 3, 9, 16, 0), 2) == local(2026, 3, 10, 10, 0)


def test_working_hours_between(office):
    assert working_hours_between(local(2026, 3, 9, 11, 0), local(2026, 3, 9, 15, 0)) == 2
    assert working_hours_between(local(2026, 3, 13, 17, 0), local(2026, 3, 16, 9, 0)) == 1
    assert working_hours_between(local(2026, 3, 9, 15, 0), local(2026, 3, 9, 11, 0)) == -2
    assert working_hours_between(local(2026, 3, 7, 9, 0), local(2026, 3, 8, 18, 0)) == 0


def test_naive_datetimes_are_refused(office):
    with pytest.raises(ValueError, match="aware"):
        add_working_hours(dt.datetime(2026, 3, 9, 9, 0), 1)


# ---------------------------------------------------------------------------------------------------------------
# Due moments, elapsed spans and extensions (used by the case engine)
# ---------------------------------------------------------------------------------------------------------------


def test_due_datetime_for_day_units_is_the_end_of_the_local_due_date():
    due = due_datetime(local(2026, 9, 28, 10, 15), 20, "working_days")
    assert due == local(2026, 10, 30, 23, 59, 59)
    # 2026-09-27 17:00 UTC is already 09-28 01:00 in Chongqing: the local date is the start date
    due = due_datetime(dt.datetime(2026, 9, 27, 17, 0, tzinfo=dt.UTC), 20, "working_days")
    assert due == local(2026, 10, 30, 23, 59, 59)
    assert due_datetime(local(2026, 9, 28, 10, 0), 3, "natural_days") == local(2026, 10, 8, 23, 59, 59)


def test_due_datetime_for_working_hours(office):
    assert due_datetime(local(2026, 3, 9, 11, 0), 2, "working_hours") == local(2026, 3, 9, 15, 0)


def test_natural_hours_run_round_the_clock_even_past_the_holiday_table():
    # Friday 19:00 + 1 hour is Friday 20:00 (urgent events do not wait for Monday's office hours)
    assert due_datetime(local(2026, 11, 20, 19, 0), 1, "natural_hours") == local(2026, 11, 20, 20, 0)
    # New Year's Eve 2026 + 4 hours lands in 2027, which has no holiday table: no calendar is needed
    assert due_datetime(local(2026, 12, 31, 22, 0), 4, "natural_hours") == local(2027, 1, 1, 2, 0)
    assert calendar.elapsed(local(2026, 11, 20, 19, 0), local(2026, 11, 21, 1, 30), "natural_hours") == 6.5
    assert calendar.extend_due(local(2026, 11, 20, 20, 0), 2, "natural_hours") == local(2026, 11, 20, 22, 0)


def test_unknown_unit_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown clock unit"):
        due_datetime(local(2026, 3, 9, 11, 0), 2, "fortnights")


def test_elapsed_measures_pauses_in_each_unit(office):
    a, b = local(2026, 9, 30, 10, 0), local(2026, 10, 12, 9, 0)
    assert elapsed(a, b, "working_days") == 4  # 10-08, 10-09, 10-10 (make-up Saturday), 10-12
    assert elapsed(a, b, "natural_days") == 12
    assert elapsed(a, b, "working_hours") == pytest.approx(5.5 + 7 + 7 + 7 + 0.5)


def test_extend_due_moves_the_due_moment_on(office):
    due = local(2026, 9, 30, 23, 59, 59)
    assert extend_due(due, 3, "working_days") == local(2026, 10, 10, 23, 59, 59)
    assert extend_due(due, 1, "natural_days") == local(2026, 10, 8, 23, 59, 59)
    assert extend_due(local(2026, 3, 9, 17, 0), 1, "working_hours") == local(2026, 3, 10, 9, 0)
    assert extend_due(due, 0, "working_days") == due
    # a warning mark keeps its time of day
    assert extend_due(local(2026, 9, 30, 14, 30), 1, "working_days") == local(2026, 10, 8, 14, 30)
    assert extend_due(dt.datetime(2026, 9, 30, 6, 30, tzinfo=dt.UTC), 1, "working_days") == local(2026, 10, 8, 14, 30)


def test_a_paused_case_gets_its_paused_working_days_back():
    start = local(2026, 9, 1, 9, 0)
    due = due_datetime(start, 20, "working_days")
    pause_from, pause_to = local(2026, 9, 10, 15, 0), local(2026, 9, 15, 10, 0)
    moved = extend_due(due, elapsed(pause_from, pause_to, "working_days"), "working_days")
    assert working_days_between(calendar.local_date(due), calendar.local_date(moved)) == 3


# ---------------------------------------------------------------------------------------------------------------
# Properties (hypothesis)
# ---------------------------------------------------------------------------------------------------------------

covered_days = st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 9, 30))
small_n = st.integers(min_value=0, max_value=40)
property_settings = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@property_settings
@given(day=covered_days, n=st.integers(min_value=1, max_value=40))
def test_prop_working_day_results_are_working_days_and_round_trip(day, n):
    end = add_working_days(day, n)
    assert is_workday(end)
    assert end > day
    assert working_days_between(day, end) == n
    if is_workday(day):  # the package first rolls a non-working start forward; we count from the next day
        assert end == chinese_calendar.find_workday(n, day)


@property_settings
@given(day=covered_days, n=st.integers(min_value=0, max_value=20), m=st.integers(min_value=0, max_value=20))
def test_prop_add_working_days_is_monotonic_and_additive(day, n, m):
    a, b = sorted((n, m))
    assert add_working_days(day, a) <= add_working_days(day, b)
    assert add_working_days(add_working_days(day, n), m) == add_working_days(day, n + m)


@property_settings
@given(day=covered_days, n=small_n)
def test_prop_natural_days_results_are_working_days_no_earlier_than_start_plus_n(day, n):
    end = add_natural_days(day, n)
    assert is_workday(end)
    assert end >= day + dt.timedelta(days=n)
    # nothing between start+n and the result was a working day
    probe = day + dt.timedelta(days=n)
    while probe < end:
        assert not is_workday(probe)
        probe += dt.timedelta(days=1)


@property_settings
@given(
    day=st.dates(min_value=D(2026, 1, 1), max_value=D(2026, 11, 30)),
    minute=st.integers(min_value=0, max_value=24 * 60 - 1),
    quarter_hours=st.integers(min_value=1, max_value=4 * 40),
)
def test_prop_working_hours_end_inside_office_hours_and_round_trip(day, minute, quarter_hours):
    start = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=LOCAL_TZ)
    hours = quarter_hours / 4
    end = add_working_hours(start, hours)
    assert end > start
    assert is_workday(end.date())
    assert any(a <= end.time() <= b for a, b in calendar.office_hours())
    assert working_hours_between(start, end) == pytest.approx(hours)


@property_settings
@given(day=covered_days, n=small_n, unit=st.sampled_from(["working_days", "natural_days"]))
def test_prop_due_datetime_is_the_end_of_a_working_day(day, n, unit):
    start = dt.datetime.combine(day, dt.time(10, 0), tzinfo=LOCAL_TZ)
    due = due_datetime(start, n, unit)
    assert due.time() == dt.time(23, 59, 59)
    if n:
        assert is_workday(due.date())
        assert elapsed(start, due, unit) >= n


# ---------------------------------------------------------------------------------------------------------------
# Admin: administrators maintain the table
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client_(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="calendar-admin", password="x-secret-123")
    client.force_login(user)
    return client


def test_admin_holiday_list_filters_by_kind_and_year_and_searches(admin_client_, django_assert_max_num_queries):
    url = "/admin/core/holiday/"
    with django_assert_max_num_queries(12):
        response = admin_client_.get(url, {"kind": "makeup_workday", "year": "2026"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 6  # the six 2026 make-up working days
    response = admin_client_.get(url, {"q": "国庆", "year": "2026"})
    assert response.context["cl"].result_count == 7 + 2


def test_admin_calendar_year_list_shows_counts_without_n_plus_one(admin_client_, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = admin_client_.get("/admin/core/calendaryear/")
    assert response.status_code == 200
    row_2026 = next(obj for obj in response.context["cl"].result_list if obj.year == 2026)
    assert (row_2026.holiday_count, row_2026.makeup_count) == (33, 6)
    assert "248" in response.content.decode()


def test_admin_adding_a_year_without_holidays_warns(admin_client_):
    response = admin_client_.post(
        "/admin/core/calendaryear/add/", {"year": "2027", "source": "国务院办公厅通知"}, follow=True
    )
    assert response.status_code == 200
    assert "2027年尚未录入任何节假日" in response.content.decode()
    assert CalendarYear.objects.filter(year=2027).exists()
    assert is_workday(D(2027, 1, 4))  # the save reached the clock at once


def test_flush_restores_the_seeded_table_like_content_types():
    # TransactionTestCase teardown and `manage.py flush` empty every table; the clock must keep working afterwards.
    from django.core.management import call_command

    assert is_workday(D(2026, 2, 14))
    call_command("flush", interactive=False, verbosity=0)
    assert CalendarYear.objects.count() == 23
    assert Holiday.objects.filter(kind=HolidayKind.MAKEUP_WORKDAY, date__year=2026).count() == 6
    assert add_working_days(D(2026, 9, 28), 20) == D(2026, 10, 30)


def test_the_table_is_not_reseeded_while_rows_exist():
    from django.apps import apps as global_apps

    Holiday.objects.filter(date__year=2026).delete()
    calendar.reseed_after_flush(app_config=global_apps.get_app_config("core"), using="default")
    assert not Holiday.objects.filter(date__year=2026).exists()  # an administrator's deletion stands
