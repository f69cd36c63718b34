"""用户管理 writes by duty (三员分立), validation in Chinese, every change in the operation log."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from township.audit.models import OperationLog
from township.org.models import Role, RoleGrant, User
from township.system.models import Notice, Post, UserProfile


def _logged(model, pk, action=None) -> bool:
    ct = ContentType.objects.get_for_model(model)
    qs = OperationLog.objects.filter(content_type=ct, object_id=str(pk))
    return qs.filter(action=action).exists() if action else qs.exists()


@pytest.mark.django_db
def test_system_administrator_creates_a_user_with_a_one_time_password(client, people, town_a):
    client.force_login(people["sys"])
    res = client.post("/system/user/add/", {"username": "new_clerk", "full_name": "新同事", "unit": town_a.code})
    assert res.status_code == 200 and "初始密码" in res.content.decode()
    user = User.objects.get(username="new_clerk")
    assert user.must_change_password and user.has_usable_password()
    assert UserProfile.objects.get(user=user).unit_id == town_a.code
    assert not RoleGrant.objects.filter(user=user).exists()  # roles come from the security administrator
    assert _logged(User, user.pk, "create") and _logged(UserProfile, UserProfile.objects.get(user=user).pk)
    # the new user is in the town's list although it holds no grant
    assert "new_clerk" in client.get("/system/user/").content.decode()


@pytest.mark.django_db
def test_user_form_errors_are_chinese(client, people, town_a, town_b):
    client.force_login(people["sys"])
    page = client.post(
        "/system/user/add/", {"username": "clerk_a", "full_name": "重复", "unit": town_a.code}
    ).content.decode()
    assert "登录名已存在" in page
    page = client.post(
        "/system/user/add/", {"username": "x1y2z3", "full_name": "某", "unit": town_a.code, "phone": "12ab"}
    ).content.decode()
    assert "手机号应为11位数字" in page
    page = client.post("/system/user/add/", {"username": "x1y2z3", "full_name": "某", "unit": town_b.code}).content
    assert "选择一个有效的选项" in page.decode() or "请选择您管理的归属单位" in page.decode()
    assert not User.objects.filter(username="x1y2z3").exists()


@pytest.mark.django_db
def test_only_the_security_administrator_disables_resets_unlocks_and_grants(client, people, town_a):
    from township.web import security

    clerk = people["clerk"]
    url = f"/system/user/{clerk.pk}/"
    for who in ("sys", "aud"):
        client.force_login(people[who])
        for action in ("disable", "reset", "unlock"):
            assert client.post(url, {"action": action}).status_code == 403, (who, action)
    clerk.refresh_from_db()
    assert clerk.is_active and not clerk.must_change_password

    client.force_login(people["sec"])
    client.post(url, {"action": "disable"})
    clerk.refresh_from_db()
    assert not clerk.is_active and _logged(User, clerk.pk, "update")
    client.post(url, {"action": "enable"})
    old = clerk.password
    page = client.post(url, {"action": "reset"}).content.decode()
    clerk.refresh_from_db()
    assert clerk.is_active and clerk.must_change_password and clerk.password != old and "临时密码" in page
    for _i in range(5):
        security.record_failure("clerk_a")
    assert security.is_locked("clerk_a")
    client.post(url, {"action": "unlock"})
    assert not security.is_locked("clerk_a")

    client.post(url, {"action": "grant", "unit": town_a.code, "role": Role.APPROVER, "data_scope": "all"})
    grant = RoleGrant.objects.get(user=clerk, role=Role.APPROVER)
    assert grant.data_scope == "all" and _logged(RoleGrant, grant.pk, "create")
    client.post(url, {"action": "revoke", "grant": grant.pk})
    assert not RoleGrant.objects.filter(pk=grant.pk).exists() and _logged(RoleGrant, grant.pk, "delete")


@pytest.mark.django_db
def test_grants_keep_the_three_duties_apart_and_the_town(client, people, town_a, town_b):
    client.force_login(people["sec"])
    sys_user = people["sys"]
    page = client.post(
        f"/system/user/{sys_user.pk}/",
        {"action": "grant", "unit": town_a.code, "role": Role.AUDITOR, "data_scope": "unit"},
    ).content.decode()
    assert "三员分立" in page and not RoleGrant.objects.filter(user=sys_user, role=Role.AUDITOR).exists()
    # a foreign town's user, or a grant in a foreign town, is out of reach
    assert client.post(f"/system/user/{people['clerk_b'].pk}/", {"action": "disable"}).status_code == 404
    client.post(
        f"/system/user/{people['clerk'].pk}/",
        {"action": "grant", "unit": town_b.code, "role": Role.APPROVER, "data_scope": "unit"},
    )
    assert not RoleGrant.objects.filter(user=people["clerk"], jurisdiction=town_b).exists()


@pytest.mark.django_db
def test_parameters_are_typed_and_global(client, people, settings):
    from township.system.models import Parameter
    from township.system.selectors import parameter_value

    settings.TOWNSHIP_QUEUE_WAIT_MINUTES = 20
    param = Parameter.objects.get(key="QUEUE_WAIT_MINUTES")
    client.force_login(people["sys"])  # a town's administrator reads, does not change
    assert "QUEUE_WAIT_MINUTES" in client.get("/system/param/").content.decode()
    assert client.post(f"/system/param/{param.pk}/edit/", {"value": "30"}).status_code == 403
    client.force_login(people["county"])
    assert "请输入整数" in client.post(f"/system/param/{param.pk}/edit/", {"value": "abc"}).content.decode()
    assert "不能大于240" in client.post(f"/system/param/{param.pk}/edit/", {"value": "999"}).content.decode()
    assert parameter_value("QUEUE_WAIT_MINUTES") == 20  # the deployment default while unset
    client.post(f"/system/param/{param.pk}/edit/", {"value": "30"})
    assert parameter_value("QUEUE_WAIT_MINUTES") == 30 and _logged(Parameter, param.pk, "update")
    # ... and it is what the code reads from then on, in place of the deployment's setting
    from township.approval.ratings_analysis import _called_in_time
    from township.web.security import max_failures

    assert "seconds=1800" in str(_called_in_time())  # 30 minutes
    settings.TOWNSHIP_LOGIN_MAX_FAILURES = 5
    lock = Parameter.objects.get(key="LOGIN_MAX_FAILURES")
    assert max_failures() == 5
    client.post(f"/system/param/{lock.pk}/edit/", {"value": "4"})
    assert max_failures() == 4
    client.post(f"/system/param/{lock.pk}/edit/", {"value": ""})  # back to the deployment default
    assert max_failures() == 5


@pytest.mark.django_db
def test_dictionaries_builtin_read_only_custom_editable(client, people):
    from township.system.models import DictItem, DictType

    roles = DictType.objects.get(code="org_role")
    assert roles.builtin and DictItem.objects.filter(dict_type=roles, value="auditor", label="审计管理员").exists()
    client.force_login(people["county"])
    page = client.post(f"/system/dict/{roles.pk}/", {"value": "x", "label": "某", "sort": 0, "active": "on"})
    assert page.status_code == 302 and not DictItem.objects.filter(dict_type=roles, value="x").exists()
    item = DictItem.objects.filter(dict_type=roles).first()
    assert (
        "内置字典由代码定义"
        in client.post(f"/system/dict/item/{item.pk}/edit/", {"value": "y", "label": "改", "sort": 0}).content.decode()
    )
    client.post("/system/dict/add/", {"code": "road_kind", "name": "道路类型", "active": "on"})
    custom = DictType.objects.get(code="road_kind")
    client.post(f"/system/dict/{custom.pk}/", {"value": "county", "label": "县道", "sort": 1, "active": "on"})
    assert DictItem.objects.filter(dict_type=custom, label="县道").exists() and _logged(DictType, custom.pk)
    dup = client.post(f"/system/dict/{custom.pk}/", {"value": "county", "label": "又一个", "sort": 2}).content.decode()
    assert "该字典已有此键值" in dup
    assert "字典编码只能包含" in client.post("/system/dict/add/", {"code": "Bad Code", "name": "坏"}).content.decode()


@pytest.mark.django_db
def test_posts_are_assigned_to_users(client, people, town_a):
    client.force_login(people["county"])
    client.post("/system/post/add/", {"code": "window", "name": "窗口受理员", "sort": 1, "active": "on"})
    post = Post.objects.get(code="window")
    assert (
        "岗位编码已存在"
        in client.post("/system/post/add/", {"code": "window", "name": "又一个", "sort": 1}).content.decode()
    )
    client.force_login(people["sys"])
    assert client.post("/system/post/add/", {"code": "grid", "name": "网格员", "sort": 2}).status_code == 403
    clerk = people["clerk"]
    res = client.post(
        f"/system/user/{clerk.pk}/edit/",
        {"full_name": "窗口甲", "unit": town_a.code, "posts": [post.pk], "email": ""},
    )
    assert res.status_code == 302
    assert list(UserProfile.objects.get(user=clerk).posts.all()) == [post]
    assert "clerk_a" in client.get("/system/user/", {"post": post.pk}).content.decode()
    clerk.refresh_from_db()
    assert clerk.phone == "13900000001"  # an empty phone keeps the stored number


@pytest.mark.django_db
def test_departments_added_and_edited_in_own_units_only(client, people, town_a, town_b):
    from township.org.models import Department

    client.force_login(people["sys"])
    client.post(f"/system/unit/{town_a.code}/department/add/", {"name": "党政办", "sort": 1})
    dep = Department.objects.get(jurisdiction=town_a, name="党政办")
    assert (
        "该单位已有同名部门"
        in client.post(f"/system/unit/{town_a.code}/department/add/", {"name": "党政办", "sort": 1}).content.decode()
    )
    assert client.get(f"/system/unit/{town_b.code}/department/add/").status_code == 404
    client.post(f"/system/department/{dep.pk}/edit/", {"name": "党政综合办", "sort": 1})  # unticked: disabled
    dep.refresh_from_db()
    assert dep.name == "党政综合办" and not dep.active and _logged(Department, dep.pk, "update")
    assert "党政综合办" in client.get("/system/unit/").content.decode()


@pytest.mark.django_db
def test_notices_draft_publish_withdraw_and_workbench(client, people, town_a):
    from township.system.selectors import notices_for

    client.force_login(people["sys"])
    client.post("/system/notice/add/", {"unit": town_a.code, "kind": "notice", "title": "停电通知", "body": "周六停电"})
    notice = Notice.objects.get(title="停电通知")
    assert notice.status == "draft" and notices_for(people["clerk"]) == []
    client.post(f"/system/notice/{notice.pk}/publish/")
    assert [n.title for n in notices_for(people["clerk"])] == ["停电通知"] and notices_for(people["clerk_b"]) == []
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = people["clerk"]
    html = Template("{% load system_notices %}{% system_notices %}").render(Context({"request": request}))
    assert "停电通知" in html and "周六停电" in html
    client.force_login(people["clerk"])
    assert "停电通知" in client.get("/").content.decode()  # on the clerk's workbench
    client.force_login(people["sys"])
    assert (
        "已发布的公告不能修改"
        in client.post(
            f"/system/notice/{notice.pk}/edit/", {"unit": town_a.code, "kind": "notice", "title": "改", "body": "改"}
        ).content.decode()
    )
    client.post(f"/system/notice/{notice.pk}/withdraw/")
    notice.refresh_from_db()
    assert notice.status == "withdrawn" and notices_for(people["clerk"]) == []
    assert _logged(Notice, notice.pk, "create") and _logged(Notice, notice.pk, "update")
    client.force_login(people["sec"])
    assert client.post(f"/system/notice/{notice.pk}/publish/").status_code == 403


@pytest.mark.django_db
def test_the_security_administrator_forces_a_session_out(client, people):
    from django.test import Client

    other = Client()
    other.force_login(people["clerk"])
    assert other.get("/").status_code == 200
    key = other.session.session_key
    client.force_login(people["sys"])
    assert client.get("/system/online/").status_code == 403
    client.force_login(people["sec"])
    page = client.get("/system/online/").content.decode()
    assert "clerk_a" in page and "clerk_b" not in page
    client.post("/system/online/", {"session": key})
    assert other.get("/").status_code == 302  # signed out


@pytest.mark.django_db
def test_timed_jobs_listed_and_run_now(client, people):
    from township.cases.models import JobRun

    client.force_login(people["sys"])
    page = client.get("/system/job/").content.decode()
    assert "cases.warnings" in page and "cases.checkpoint" in page
    assert client.post("/system/job/", {"job": "cases.warnings"}).status_code == 403
    client.force_login(people["county"])
    name = "cases.warnings"
    client.post("/system/job/", {"job": name})
    run = JobRun.objects.filter(name=name).latest("id")
    assert run.finished_at is not None and run.result.get("manual_by") == "sys_county"
