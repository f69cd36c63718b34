"""From 1 November the administrators are told on every page to enter next year's holiday arrangement (issue 17.5)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from township.org.models import Role

SH = ZoneInfo("Asia/Shanghai")


def _page(client, user) -> str:
    client.force_login(user)
    return client.get("/").content.decode()


def test_the_banner_shows_from_1_november_to_administrators_only(time_machine, client, make_user, town_a):
    admin = make_user((town_a, Role.ADMINISTRATOR), username="admin_a")
    clerk = make_user((town_a, Role.WINDOW_CLERK), username="clerk_x")
    root = make_user(username="root", is_superuser=True, is_staff=True)

    time_machine.move_to(datetime.datetime(2026, 10, 31, 9, 0, tzinfo=SH), tick=False)
    assert "holiday-year-warning" not in _page(client, admin)

    time_machine.move_to(datetime.datetime(2026, 11, 1, 9, 0, tzinfo=SH), tick=False)
    page = _page(client, admin)
    assert "holiday-year-warning" in page and "2027年节假日安排尚未录入" in page
    assert "holidays_import --year 2027" in page and 'href="/system/calendar/"' in page  # a town's: reads it
    county = make_user((town_a.parent, Role.ADMINISTRATOR), username="admin_county")
    assert 'href="/system/calendar/import/"' in _page(client, county)  # 系统管理 → 节假日 → 导入年度
    page = _page(client, root)
    assert "holiday-year-warning" in page and "/admin/core/calendaryear/add/" in page
    assert "holiday-year-warning" not in _page(client, clerk)

    time_machine.move_to(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=SH), tick=False)
    assert "holiday-year-warning" in _page(client, admin)
    from township.core.models import CalendarYear

    CalendarYear.objects.create(year=2027, source="test")
    assert "holiday-year-warning" not in _page(client, admin)
