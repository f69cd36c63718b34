"""The shell (issue 16): Bootstrap base, the menu tree by role, breadcrumbs without empty segments, page tabs and the
dialog in the page, the unit tree beside the workbench."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from township.core import navigation
from township.core.navigation import menu_tree, trail
from township.org.models import DataScope, Jurisdiction, Level, Role, RoleGrant
from township.web.templatetags.township import crumb_segments, shell_breadcrumb, unit_tree_for

# --- breadcrumb ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        # approval's window wrote its separators as text: CSS added another one → "首页 / / 综合窗口 / /"
        ('<a href="/">首页</a> / 综合窗口工作台', [("首页", "/"), ("综合窗口工作台", "")]),
        ('<a href="/">首页</a><span>指挥中心</span><span>督办</span>', [("首页", "/"), ("指挥中心", ""), ("督办", "")]),
        (
            '<a href="/">首页</a><a href="/catalog/">权责清单</a>导入',
            [("首页", "/"), ("权责清单", "/catalog/"), ("导入", "")],
        ),
        ('<a href="/">首页</a> / <span></span> / 页 / ', [("首页", "/"), ("页", "")]),
        ('<a href="/x/">我的办事</a> / 营业执照 / 变更', [("我的办事", "/x/"), ("营业执照", ""), ("变更", "")]),
        ("", []),
    ],
)
def test_crumb_segments_drop_typed_separators_and_empty_segments(markup, expected):
    assert crumb_segments(markup) == expected


def _crumbs(html: str) -> list[str]:
    items = re.findall(r'<li class="breadcrumb-item[^"]*"[^>]*>(.*?)</li>', html, re.S)
    return [re.sub(r"<[^>]+>", "", i).strip() for i in items]


def test_a_page_without_its_own_breadcrumb_gets_home_group_page_from_the_menu(make_user, town_a):
    security = make_user((town_a, Role.SECURITY_ADMIN), is_staff=True)
    request = RequestFactory().get("/security/login-log/")
    request.user = security
    html = shell_breadcrumb(Context({"request": request, "user": security}), '<a href="/">首页</a>')
    assert _crumbs(html) == ["首页", "系统管理", "登录日志"]
    assert 'aria-current="page">登录日志' in html
    # a template's bare "首页 / 页" gains its group; one that names its own middle segment keeps it
    html = shell_breadcrumb(
        Context({"request": request, "user": security}), '<a href="/">首页</a><span>登录日志</span>'
    )
    assert _crumbs(html) == ["首页", "系统管理", "登录日志"]
    html = shell_breadcrumb(
        Context({"request": request, "user": security}),
        '<a href="/">首页</a><span>安全审计</span><span>登录日志</span>',
    )
    assert _crumbs(html) == ["首页", "安全审计", "登录日志"]


def test_window_page_breadcrumb_has_no_empty_segment(client, make_user, town_a):
    clerk = make_user((town_a, Role.WINDOW_CLERK))
    client.force_login(clerk)
    html = client.get("/").content.decode()
    crumbs = _crumbs(html.split('class="crumbs"', 1)[1].split("</nav>", 1)[0])
    assert crumbs == ["首页", "工作台"] and all(crumbs)
    assert " / / " not in html


def test_trail_of_the_workbench_and_of_an_unknown_path(make_user, town_a):
    clerk = make_user((town_a, Role.WINDOW_CLERK))
    assert trail(clerk, "/") == [("首页", "/"), ("我的待办", "")]
    assert trail(clerk, "/nowhere/") == [("首页", "/")]


# --- menu tree ----------------------------------------------------------------------------------------------------


def test_the_administrator_gets_groups_not_a_flat_list(make_user, town_a):
    admin = make_user((town_a, Role.ADMINISTRATOR), is_staff=True)
    tree = menu_tree(admin, "/")
    labels = [g["label"] for g in tree]
    assert "系统管理" in labels and "个人中心" in labels
    assert len(tree) < sum(len(g["children"]) for g in tree)  # entries are nested under groups
    system = next(g for g in tree if g["key"] == "system")
    assert {c["url_name"] for c in system["children"]} >= {"system:users", "system:units"}
    assert "admin:index" not in {c["url_name"] for g in tree for c in g["children"]}  # the admin: superusers only
    assert "login-log" not in {c["url_name"] for g in tree for c in g["children"]}  # 安全管理员/审计管理员 only
    assert [g["key"] for g in tree] == [k for k, _label, _icon in navigation.GROUPS if k in {g["key"] for g in tree}]


def test_groups_with_one_child_collapse_and_the_owner_of_the_path_is_active(make_user, town_a):
    officer = make_user((town_a, Role.ENFORCEMENT_OFFICER))
    tree = menu_tree(officer, "/enforcement/cases/")
    enforcement = next(g for g in tree if g["key"] == "enforcement")
    assert enforcement["active"] and not enforcement["single"]
    assert [c["url_name"] for c in enforcement["children"] if c["active"]] == ["enforcement:case-list"]
    assert sum(c["active"] for g in tree for c in g["children"]) == 1
    applicant = make_user((town_a, Role.APPLICANT))
    for group in menu_tree(applicant, "/"):
        assert group["single"] == (len(group["children"]) == 1)


def test_the_menu_renders_as_a_tree_with_the_active_group_open(client, make_user, town_a):
    client.force_login(make_user((town_a, Role.SECURITY_ADMIN), is_staff=True))
    html = client.get("/security/login-log/").content.decode()
    menu = html.split('data-testid="menu"', 1)[1].split("</aside>", 1)[0]
    assert re.search(r'data-group="system">\s*<details open>', menu)
    assert '<a href="/security/login-log/" aria-current="page">登录日志</a>' in menu


def test_register_menu_takes_a_known_group_only(monkeypatch):
    monkeypatch.setattr(navigation, "_MENU", [*navigation._MENU])
    with pytest.raises(ValueError):
        navigation.register_menu(label="x", url_name="x-unknown", group="nope")
    navigation.register_menu(label="x", url_name="api-tokens-x", group="stats")
    assert next(e for e in navigation._MENU if e["url_name"] == "api-tokens-x")["group"] == "stats"
    assert navigation.group_of("downloads:list") == "personal"
    assert navigation.group_of("enforcement:anything") == "enforcement"
    assert navigation.group_of("mystery") == "other"


# --- the page: Bootstrap, tabs, dialog, selects -------------------------------------------------------------------


def test_every_page_loads_bootstrap_and_the_shell_script_with_chinese_labels(client, make_user, town_a):
    client.force_login(make_user((town_a, Role.WINDOW_CLERK)))
    html = client.get("/").content.decode()
    assert "vendor/bootstrap/dist/css/bootstrap.min.css" in html
    assert "township/shell.js" in html and "vendor/bootstrap/dist/js/bootstrap.min.js" in html
    assert 'id="tags-view"' in html and 'id="shell-dialog"' in html
    config = re.search(r'<script id="shell-config" type="application/json">(.*?)</script>', html, re.S).group(1)
    assert "无匹配项" in config.encode().decode("unicode_escape") and "tom-select" in config
    assert "onclick=" not in html.split('id="content"', 1)[0]  # the shell's own markup has no inline handlers


def test_the_token_form_opens_in_a_dialog_and_still_works_without_script(client, make_user, town_a):
    client.force_login(make_user((town_a, Role.WINDOW_CLERK)))
    html = client.get("/accounts/tokens/").content.decode()
    assert 'data-dialog="#token-form"' in html and 'id="token-form"' in html
    created = client.post("/accounts/tokens/", {"name": "对账脚本"}, HTTP_HX_REQUEST="true")
    assert created.status_code == 200 and "tsp_" in created.content.decode()
    refused = client.post("/accounts/tokens/", {"name": ""}).content.decode()
    assert 'class="errorlist"' in refused.split('id="token-form"', 1)[1].split("</form>", 1)[0]


# --- unit tree ----------------------------------------------------------------------------------------------------


@pytest.fixture
def villages(town_a):
    return [
        Jurisdiction.objects.get_or_create(
            code=f"500116108{n:03d}", defaults={"name": f"村{n}", "level": Level.VILLAGE, "parent": town_a}
        )[0]
        for n in (201, 202)
    ]


def test_unit_tree_of_a_town_user_lists_its_villages(make_user, town_a, villages):
    clerk = make_user((town_a, Role.WINDOW_CLERK))
    (root,) = unit_tree_for(clerk)
    assert root["code"] == town_a.code and root["link"] and root["open"]
    assert [c["code"] for c in root["children"]] == [v.code for v in villages]


def test_unit_tree_of_a_county_leader_opens_only_the_chosen_town(make_user, county, town_a, town_b, villages):
    leader = make_user((county, Role.LEADER))
    RoleGrant.objects.filter(user=leader).update(data_scope=DataScope.UNIT_AND_BELOW)
    (root,) = unit_tree_for(leader)
    assert root["code"] == county.code
    assert sorted(c["code"] for c in root["children"]) == sorted([town_a.code, town_b.code])
    assert all(not c["children"] for c in root["children"])  # villages are not sent for every town
    (root,) = unit_tree_for(leader, villages[0].code)
    town = next(c for c in root["children"] if c["code"] == town_a.code)
    assert town["open"] and [c["selected"] for c in town["children"]] == [True, False]


def test_unit_tree_of_a_village_grant_and_of_nobody(make_user, town_a, town_b, villages):
    agent = make_user((villages[0], Role.VILLAGE_AGENT))
    (root,) = unit_tree_for(agent)
    assert root["code"] == town_a.code and not root["link"]  # the town only frames the village
    assert [c["code"] for c in root["children"]] == [villages[0].code]
    admin = make_user((town_b, Role.ADMINISTRATOR))  # 三员分立: no business reach, no tree
    assert unit_tree_for(admin) == []


def test_the_workbench_shows_the_unit_tree_with_unit_links(client, make_user, town_a, villages):
    client.force_login(make_user((town_a, Role.WINDOW_CLERK)))
    html = client.get("/?tab=done&q=x").content.decode()
    tree = html.split('data-testid="unit-tree"', 1)[1].split("</aside>", 1)[0]
    assert f"unit={villages[0].code}" in tree and "tab=done" in tree and "q=x" in tree
    assert "全部单位" in tree


def test_unit_tree_include_renders_for_any_list(rf, make_user, town_a, villages):
    request = rf.get("/grid/events/", {"unit": villages[1].code})
    request.user = make_user((town_a, Role.DISPATCHER))
    request.session = {}
    html = Template('{% include "township/_unit_tree.html" %}').render(Context({"request": request}))
    assert f'href="?unit={villages[1].code}" aria-current="true"' in html
