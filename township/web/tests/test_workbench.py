"""我的待办: listing, filters, sorting, keyset pages, Excel export, tabs, query counts, English."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

from django.utils import timezone
from openpyxl import load_workbook

from township.cases.models import Case
from township.cases.services import case_transition
from township.org.models import Role, RoleGrant


def numbers(html: str) -> list[str]:
    return re.findall(r'<a href="/cases/\d+/">([^<]+)</a>', html)


def test_anonymous_is_sent_to_login(client, db):
    res = client.get("/")
    assert res.status_code == 302 and res.url.startswith("/accounts/login/")


def test_lists_actionable_cases_sorted_by_due_with_warning_tags(clerk_client, open_toy):
    late = open_toy(limit=10, title="十日")
    soon = open_toy(limit=3, title="三日")
    untimed = open_toy(limit=None, title="未计时")
    Case.objects.filter(pk=soon.pk).update(due_at=timezone.now() - timedelta(hours=1))  # overdue
    res = clerk_client.get("/")
    html = res.content.decode()
    assert res.status_code == 200
    assert numbers(html) == [soon.number, late.number, untimed.number]
    assert '<span class="tag overdue">已超期</span>' in html
    assert '<span class="tag normal">正常</span>' in html
    assert "我的待办" in html and "搜索" in html and "重置" in html


def test_filters_by_warning_state_search_and_type(clerk_client, open_toy, clerk_a):
    a = open_toy(limit=10, title="占道经营")
    b = open_toy(limit=10, title="噪声扰民")
    case_transition(case=b, name="accept", actor=clerk_a)
    Case.objects.filter(pk=a.pk).update(due_at=timezone.now() - timedelta(days=1))
    assert numbers(clerk_client.get("/?warning=overdue").content.decode()) == [a.number]
    assert numbers(clerk_client.get("/?state=working").content.decode()) == [b.number]
    assert numbers(clerk_client.get("/?q=噪声").content.decode()) == [b.number]
    assert numbers(clerk_client.get(f"/?q={a.number}").content.decode()) == [a.number]
    assert len(numbers(clerk_client.get("/?case_type=toy").content.decode())) == 2
    assert numbers(clerk_client.get("/?case_type=nope").content.decode()) == []


def test_only_cases_the_user_may_act_on(client, open_toy, approver_a, clerk_a):
    new = open_toy()
    working = open_toy()
    case_transition(case=working, name="accept", actor=clerk_a)
    client.force_login(approver_a)  # approvers act only in "working" (decide)
    assert numbers(client.get("/").content.decode()) == [working.number]
    assert new.number not in client.get("/").content.decode()


def test_unit_switcher_limits_to_one_unit(client, make_user, town_a, town_b, open_toy):
    both = make_user((town_a, Role.WINDOW_CLERK), (town_b, Role.WINDOW_CLERK), username="both")
    in_a = open_toy(jurisdiction=town_a, actor=both)
    in_b = open_toy(jurisdiction=town_b, actor=both)
    client.force_login(both)
    html = client.get("/").content.decode()
    assert set(numbers(html)) == {in_a.number, in_b.number}
    assert 'name="unit"' in html and "几江街道" in html  # the switcher shows both units
    assert numbers(client.get(f"/?unit={town_b.code}").content.decode()) == [in_b.number]
    # A unit the user holds no role in is ignored (never widens the scope).
    outsider = make_user((town_a, Role.WINDOW_CLERK), username="only_a")
    client.force_login(outsider)
    assert numbers(client.get(f"/?unit={town_b.code}").content.decode()) == [in_a.number]


def test_the_unit_tree_narrows_a_county_leader_to_a_town_inside_the_reach(client, make_user, county, town_a, town_b):
    """A unit inside the user's reach (the unit tree's towns) may be chosen without a role there; never a wider one."""
    from django.test import RequestFactory

    from township.org.models import DataScope, Jurisdiction, Level
    from township.org.units import current_unit, remember_unit

    leader = make_user(username="county_leader")
    RoleGrant.objects.create(user=leader, jurisdiction=county, role=Role.LEADER, data_scope=DataScope.UNIT_AND_BELOW)
    far = Jurisdiction.objects.create(code="130926", name="肃宁县", level=Level.COUNTY)
    request = RequestFactory().get("/")
    request.user = leader
    request.session = {}
    assert remember_unit(request, town_b.code) == town_b and current_unit(request) == town_b
    assert remember_unit(request, far.code) is None and current_unit(request) is None
    clerk = make_user((town_a, Role.WINDOW_CLERK), username="clerk_only_a")
    request.user = clerk
    assert remember_unit(request, town_b.code) is None  # a neighbouring town: not in the clerk's reach


def test_keyset_pages_cover_every_case_once(clerk_client, open_toy):
    made = {open_toy(limit=n % 7 + 1).number for n in range(45)}
    seen: list[str] = []
    url = "/"
    for _ in range(5):
        html = clerk_client.get(url).content.decode()
        seen += numbers(html)
        m = re.search(r'href="(\?[^"]*cursor=[^"]+)" rel="next"', html)
        if not m:
            break
        url = "/" + m.group(1).replace("&amp;", "&")
    assert len(seen) == 45 and set(seen) == made


def test_query_count_does_not_grow_with_rows(clerk_client, open_toy, django_assert_max_num_queries):
    for _ in range(3):
        open_toy()
    # 10 + the unit tree's units + the published 通知公告 (township.system) shown above the list
    with django_assert_max_num_queries(12) as few:
        clerk_client.get("/")
    baseline = len(few)
    for _ in range(20):
        open_toy()
    with django_assert_max_num_queries(baseline):
        res = clerk_client.get("/")
    assert len(numbers(res.content.decode())) == 20


def test_excel_export_of_the_filtered_list(clerk_client, open_toy, clerk_a, django_assert_max_num_queries):
    a = open_toy(title="出口一")
    b = open_toy(title="出口二")
    case_transition(case=b, name="accept", actor=clerk_a)
    with django_assert_max_num_queries(10):
        res = clerk_client.get("/workbench/export/?state=working")
    assert res.status_code == 200
    assert res["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(b"".join(res.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "标题", "案件类型", "状态")
    assert [r[0] for r in rows[1:]] == [b.number]
    assert rows[1][3] == "办理中"
    assert a.number not in [r[0] for r in rows]


def test_done_and_mine_tabs(client, open_toy, clerk_a, make_user, town_a):
    other = make_user((town_a, Role.WINDOW_CLERK), username="other")
    mine = open_toy(actor=clerk_a, title="我建的")
    theirs = open_toy(actor=other, title="别人建的")
    case_transition(case=theirs, name="accept", actor=clerk_a)
    client.force_login(clerk_a)
    assert numbers(client.get("/?tab=done").content.decode()) == [theirs.number]
    assert numbers(client.get("/?tab=mine").content.decode()) == [mine.number]
    client.force_login(other)
    assert numbers(client.get("/?tab=done").content.decode()) == []


def test_history_tabs_query_count(clerk_client, open_toy, clerk_a, django_assert_max_num_queries):
    for _ in range(15):
        c = open_toy()
        case_transition(case=c, name="accept", actor=clerk_a)
    with django_assert_max_num_queries(12):  # as the 待办 tab: the unit tree and the 通知公告 included
        res = clerk_client.get("/?tab=done")
    assert len(numbers(res.content.decode())) == 15


def test_other_town_sees_nothing(client, open_toy, clerk_b):
    open_toy()
    client.force_login(clerk_b)
    for tab in ("todo", "done", "mine"):
        assert numbers(client.get(f"/?tab={tab}").content.decode()) == []
    res = client.get("/workbench/export/")
    wb = load_workbook(BytesIO(b"".join(res.streaming_content)))
    assert len(list(wb.active.iter_rows())) == 1


def test_english_is_available(clerk_client, open_toy):
    open_toy()
    res = clerk_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert res.status_code == 302
    html = clerk_client.get("/").content.decode()
    assert "My to-do" in html and "Search" in html and "Reset" in html
    assert "Normal" in html
    assert "搜索" not in html


def test_menu_follows_roles(client, make_user, town_a, clerk_a):
    client.force_login(clerk_a)
    html = client.get("/").content.decode()
    assert "我的待办" in html and "API 令牌" in html
    assert "登录日志" not in html
    sec = make_user((town_a, Role.SECURITY_ADMIN), username="sec2")
    client.force_login(sec)
    assert "登录日志" in client.get("/").content.decode()
    assert RoleGrant.objects.filter(user=sec).count() == 1


def test_domain_page_is_linked_when_registered(clerk_client, open_toy):
    from township.cases.types import case_type_for

    case = open_toy()
    toy = case_type_for("toy")
    toy.page = lambda c: f"/toy-page/{c.pk}/"
    try:
        html = clerk_client.get("/").content.decode()
        assert f'href="/toy-page/{case.pk}/"' in html
        detail = clerk_client.get(f"/cases/{case.pk}/").content.decode()
        assert "前往业务页面办理" in detail and f"/toy-page/{case.pk}/" in detail
    finally:
        toy.page = None
    assert f'href="/cases/{case.pk}/"' in clerk_client.get("/").content.decode()


def test_pages_carry_a_watermark_with_name_and_unit(clerk_client):
    from urllib.parse import unquote

    html = unquote(clerk_client.get("/").content.decode())
    assert 'class="watermark"' in html
    assert "窗口甲 clerk_a 白沙镇" in html


def test_remaining_time_in_the_case_clock_unit(clerk_client, open_toy):
    from township.core import calendar

    case = open_toy(limit=10)
    left = calendar.working_days_between(timezone.localdate(), timezone.localdate(case.due_at))
    html = clerk_client.get("/").content.decode()
    assert f"剩余 {left} 个工作日" in html
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(days=3))
    html = clerk_client.get(f"/cases/{case.pk}/").content.decode()
    assert "超期" in html and "个工作日" in html


def test_chosen_unit_is_kept_in_the_session(client, make_user, town_a, town_b, open_toy):
    from township.org.units import SESSION_KEY

    both = make_user((town_a, Role.WINDOW_CLERK), (town_b, Role.WINDOW_CLERK), username="both2")
    in_a = open_toy(jurisdiction=town_a, actor=both)
    in_b = open_toy(jurisdiction=town_b, actor=both)
    client.force_login(both)
    client.get(f"/?unit={town_b.code}")
    assert client.session[SESSION_KEY] == town_b.code
    html = client.get("/").content.decode()  # no parameter: the chosen unit still applies
    assert numbers(html) == [in_b.number]
    assert f'<option value="{town_b.code}" selected>' in html
    assert set(numbers(client.get("/?unit=").content.decode())) == {in_a.number, in_b.number}
    assert SESSION_KEY not in client.session


def test_export_never_writes_formulas(clerk_client, open_toy):
    open_toy(title='=HYPERLINK("http://evil.example","点我")')
    res = clerk_client.get("/workbench/export/")
    wb = load_workbook(BytesIO(b"".join(res.streaming_content)))
    cell = wb.active.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
