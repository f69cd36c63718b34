"""The window desk (综合窗口工作台) and its JSON endpoints: one field for the applicant, type-ahead items of the desk's
types only, 一件事 in one click, library materials pre-attached, 当场受理 that really accepts, 容缺 only where offered,
the one-time notice printed when incomplete, the queue call."""

from __future__ import annotations

import pytest
from django.urls import reverse

from township.approval.machine import S
from township.approval.models import AcceptMode, Application, Kind, QueueTicket, SupplementNotice
from township.approval.testing import rid

WALK_IN = rid("50011619900101002")


@pytest.fixture
def desk(now, catalog, head_a, town_a, clerk_a):
    """The test catalog plus a penalty item, the 一件事 开办小餐饮店 (食品经营许可 + 社会保险登记), and a walk-in
    with no account whose library holds her 营业执照 and 居民身份证."""
    from township.catalog import services as cat
    from township.certificates.services import library_store
    from township.subjects.services import subject_get_or_create_person

    penalty = cat.item_create(
        actor=head_a,
        jurisdiction=town_a.code,
        data={"name": "对食品经营者违法行为的处罚", "item_type": "02", "implementation_code": "P-0001"},
    )
    cat.item_publish(item=penalty, actor=head_a, reason="首次发布")
    theme = cat.theme_save(
        actor=head_a,
        jurisdiction=town_a.code,
        code="kaiban-xiaocanyin",
        name="开办小餐饮店",
        items=[catalog["food"], catalog["insurance"]],
    )
    walk_in = subject_get_or_create_person(
        resident_id=WALK_IN, name="陈小燕", phone="13912345678", registered_in=town_a
    )
    for code, title in (("yyzz", "营业执照"), ("sfz", "居民身份证")):
        library_store(
            subject=walk_in,
            material_type_code=code,
            title=title,
            jurisdiction=town_a.code,
            actor=clerk_a,
            content=f"%PDF-1.4 {code}".encode(),
            filename=f"{code}.pdf",
            content_type="application/pdf",
        )
    return {**catalog, "penalty": penalty, "theme": theme, "walk_in": walk_in}


def _json(client, name, **params):
    return client.get(reverse(f"approval:{name}"), params)


# ---- finding the applicant -------------------------------------------------------------------------------


def test_one_field_finds_the_applicant_by_id_name_or_phone(client, clerk_a, desk):
    client.force_login(clerk_a)
    for q in (WALK_IN, WALK_IN[:6] + " " + WALK_IN[6:], "陈小燕", "139 1234 5678"):
        body = _json(client, "window-applicants", q=q).json()
        assert [r["name"] for r in body["results"]] == ["陈小燕"], q
        assert WALK_IN not in str(body)  # masked
    assert _json(client, "window-applicants", q="13900000000").json()["results"] == []


def test_a_wrong_check_digit_is_a_chinese_400_and_an_unknown_id_is_registered_on_the_spot(client, clerk_a, desk):
    client.force_login(clerk_a)
    bad = _json(client, "window-applicants", q=WALK_IN[:17] + ("0" if WALK_IN[17] != "0" else "1"))
    assert bad.status_code == 400 and "校验" in bad.json()["error"]["message"]
    new = rid("50011619910202003")
    body = _json(client, "window-applicants", q=new).json()
    assert body["results"] == [] and body["register"].endswith(new)
    page = client.get(reverse("approval:window"), {"id": new}).content.decode()
    assert 'id="window-register"' in page and "请申请人先注册" not in page


def test_names_and_phones_are_found_only_in_the_clerks_town(client, clerk_b, desk):
    client.force_login(clerk_b)
    assert _json(client, "window-applicants", q="陈小燕").json()["results"] == []
    assert _json(client, "window-applicants", q="13912345678").json()["results"] == []
    page = client.get(reverse("approval:window"), {"subject": desk["walk_in"].pk}).content.decode()
    assert 'id="file-form"' not in page  # another town's subject is not opened by its number


def test_endpoints_need_a_desk(client, make_user, desk):
    assert _json(client, "window-items", q="spjy").status_code == 302  # to the login
    client.force_login(make_user())
    assert _json(client, "window-items", q="spjy").status_code == 404


# ---- items: type-ahead, only the desk's types, 一件事 -------------------------------------------------------


def test_items_by_pinyin_initials_code_and_name_without_penalty_items(client, clerk_a, desk):
    client.force_login(clerk_a)
    names = lambda **p: [r["name"] for r in _json(client, "window-items", **p).json()["results"]]  # noqa: E731
    assert names(q="spjy")[0] == "食品经营许可"
    assert names(q=desk["insurance"].implementation_code) == ["社会保险登记"]
    assert names(q="食品") == ["食品经营许可"]  # the penalty item's name contains 食品 too: never offered
    assert "对食品经营者违法行为的处罚" not in names()
    themes = _json(client, "window-items").json()["themes"]
    assert [(t["name"], [i["name"] for i in t["items"]]) for t in themes] == [
        ("开办小餐饮店", ["食品经营许可", "社会保险登记"])
    ]
    assert _json(client, "window-items", q="x" * 51).status_code == 400


def test_the_page_after_lookup_is_short_and_offers_the_bundle(client, clerk_a, desk):
    client.force_login(clerk_a)
    page = client.get(reverse("approval:window"), {"id": WALK_IN}).content.decode()
    assert 'id="subject"' in page and "陈小燕" in page
    assert page.count('name="items"') <= 12 and "对食品经营者违法行为的处罚" not in page
    assert 'class="btn secondary small theme-btn"' in page and "开办小餐饮店" in page
    assert "sfz" not in page and "yyzz" not in page  # no raw material codes on the page


# ---- materials and how the application is settled ---------------------------------------------------------


def test_materials_come_from_the_library_and_gap_is_offered_only_where_allowed(client, clerk_a, desk):
    client.force_login(clerk_a)
    who = desk["walk_in"].pk
    food = _json(client, "window-materials", subject=who, items=str(desk["food"].pk)).json()
    rows = {m["name"]: m for m in food["materials"]}
    assert rows["营业执照"]["library"] and rows["居民身份证"]["library"]
    assert food["complete"] and food["gap_offered"] and set(food["gap_codes"]) == {"cspmt", "jkzm"}
    control = _json(client, "window-materials", subject=who, items=str(desk["control"].pk)).json()
    assert control["complete"] and not control["gap_eligible"] and not control["gap_offered"]  # 控制类
    bundle = _json(client, "window-materials", subject=who, items=f"{desk['food'].pk},{desk['insurance'].pk}").json()
    assert bundle["complete"] and not bundle["gap_offered"]  # 容缺 is per item, never on a bundle
    assert _json(client, "window-materials", subject=who, items="1,x").status_code == 400
    assert _json(client, "window-materials", subject=who, items=str(desk["penalty"].pk)).status_code == 404


def test_gap_is_not_offered_to_a_seriously_untrustworthy_applicant(client, clerk_a, desk, grades):
    grades.listed.add(desk["walk_in"].pk)
    client.force_login(clerk_a)
    food = _json(client, "window-materials", subject=desk["walk_in"].pk, items=str(desk["food"].pk)).json()
    assert food["complete"] and not food["gap_offered"]


def test_the_bundle_is_accepted_on_the_spot(client, clerk_a, desk):
    client.force_login(clerk_a)
    resp = client.post(
        reverse("approval:window"),
        {
            "subject": desk["walk_in"].pk,
            "theme": desk["theme"].pk,
            "items": [desk["food"].pk, desk["insurance"].pk],
            "mode": "auto",
        },
    )
    parent = Application.objects.get(kind=Kind.BUNDLE)
    assert resp.status_code == 302 and resp.url == reverse("approval:detail", args=[parent.pk])
    assert parent.theme_id == desk["theme"].pk and parent.title == "开办小餐饮店"
    children = Application.objects.filter(parent=parent)
    assert {c.case.state for c in children} == {S.UNDER_REVIEW}
    assert all(c.accepted_at is not None for c in children)
    assert parent.case.attachments.count() == 0  # the library supplied everything


def test_accept_with_an_essential_missing_files_nothing(client, clerk_a, desk, town_a):
    from township.subjects.services import subject_get_or_create_person

    bare = subject_get_or_create_person(resident_id=rid("50011619920303004"), name="赵一", registered_in=town_a)
    client.force_login(clerk_a)
    resp = client.post(
        reverse("approval:window"),
        {"subject": bare.pk, "items": [desk["insurance"].pk], "mode": "accept"},
        follow=True,
    )
    assert "不能当场受理" in resp.content.decode() and "营业执照" in resp.content.decode()
    assert not Application.objects.exists()


def test_incomplete_files_and_prints_the_one_time_notice(client, clerk_a, desk, town_a):
    from township.subjects.services import subject_get_or_create_person

    bare = subject_get_or_create_person(resident_id=rid("50011619920303004"), name="赵一", registered_in=town_a)
    client.force_login(clerk_a)
    resp = client.post(
        reverse("approval:window"),
        {"subject": bare.pk, "items": [desk["insurance"].pk], "paper": ["sfz"], "mode": "notice"},
    )
    app = Application.objects.get()
    notice = SupplementNotice.objects.get(application=app)
    assert [i["name"] for i in notice.items] == ["营业执照"]  # the ID card was checked on paper
    assert app.case.state == S.AWAITING_SUPPLEMENT
    assert resp.status_code == 302 and resp.url == reverse("approval:window") + f"?done={app.pk}"
    page = client.get(resp.url).content.decode()
    pdf = reverse("approval:document", args=[app.pk, "supplement"])
    assert pdf in page and "一次性告知书" in page
    assert client.get(pdf)["Content-Type"] == "application/pdf"


def test_gap_acceptance_where_the_item_allows_it_and_refused_where_not(client, clerk_a, desk):
    client.force_login(clerk_a)
    window = reverse("approval:window")
    resp = client.post(window, {"subject": desk["walk_in"].pk, "items": [desk["control"].pk], "mode": "gap"})
    assert resp.status_code == 200 and "不符合容缺受理条件" in resp.content.decode()
    assert not Application.objects.exists()
    client.post(window, {"subject": desk["walk_in"].pk, "items": [desk["food"].pk], "mode": "gap"})
    app = Application.objects.get()
    assert app.accept_mode == AcceptMode.GAP and set(app.gap_missing) == {"cspmt", "jkzm"}
    assert app.case.state == S.UNDER_REVIEW


def test_bad_mode_and_no_items_are_clear_errors(client, clerk_a, desk):
    client.force_login(clerk_a)
    window = reverse("approval:window")
    page = client.post(window, {"subject": desk["walk_in"].pk, "items": [desk["food"].pk], "mode": "x"})
    assert page.status_code == 200 and "受理方式有误" in page.content.decode()
    page = client.post(window, {"subject": desk["walk_in"].pk, "mode": "auto"})
    assert "请勾选办理事项" in page.content.decode()
    page = client.post(window, {"subject": "abc", "items": [desk["food"].pk]})
    assert page.status_code == 200 and "申请人有误" in page.content.decode()
    assert not Application.objects.exists()


# ---- the queue -------------------------------------------------------------------------------------------


def test_call_the_next_ticket_as_json(client, clerk_a, desk, town_a):
    from township.approval import services as svc

    ticket = svc.ticket_take(jurisdiction=town_a.code, category="A")
    client.force_login(clerk_a)
    call = reverse("approval:window-call")
    body = client.post(call, {"window": "3"}, HTTP_ACCEPT="application/json").json()
    assert body["ticket"]["number"] == ticket.number and f"{ticket.number} 号到 3 号窗口" in body["message"]
    assert QueueTicket.objects.get(pk=ticket.pk).clerk_id == clerk_a.pk
    assert client.post(call, {"window": "3"}, HTTP_ACCEPT="application/json").json()["message"] == "当前无人等候"
    assert client.post(call, {"window": "0"}, HTTP_ACCEPT="application/json").status_code == 400
    assert client.get(call).status_code == 405


def test_a_village_agent_is_offered_only_items_filed_through_agents(client, agent_a, desk, luo):
    client.force_login(agent_a)
    body = _json(client, "window-items").json()
    assert sorted(r["name"] for r in body["results"]) == ["个体工商户登记", "食品经营许可"]
    assert body["themes"] == []  # 社会保险登记 is not offered through agents: no bundle with it
    assert _json(client, "window-materials", subject=luo.pk, items=str(desk["food"].pk)).status_code == 200
    assert _json(client, "window-materials", subject=luo.pk, items=str(desk["insurance"].pk)).status_code == 404
    assert _json(client, "window-materials", subject=desk["walk_in"].pk, items=str(desk["food"].pk)).status_code == 404


def test_a_bundle_does_not_ask_the_applicant_for_the_licence_it_produces_itself(client, clerk_a, desk, town_a):
    """开办小餐饮店 for someone who has no 营业执照 yet: 个体工商户登记 produces it for 食品经营许可 and 社会保险登记, so
    the desk asks only for the ID card (on paper) and accepts all three on the spot."""
    from township.approval.selectors import missing_essential_materials, window_material_plan
    from township.subjects.services import subject_get_or_create_person

    newcomer = subject_get_or_create_person(resident_id=rid("50011619930404005"), name="钱多多", registered_in=town_a)
    items = [desk["licence"], desk["food"], desk["insurance"]]
    plan = window_material_plan(subject=newcomer, items=items, provided=["sfz"])
    assert "yyzz" not in {row["code"] for row in plan["materials"]}
    assert plan["missing_essential"] == []
    alone = window_material_plan(subject=newcomer, items=[desk["food"]], provided=["sfz"])
    assert "yyzz" in alone["missing_essential"]  # on its own the item still needs the licence

    client.force_login(clerk_a)
    resp = client.post(
        reverse("approval:window"),
        {"subject": newcomer.pk, "items": [i.pk for i in items], "paper": ["sfz"], "mode": "accept"},
    )
    parent = Application.objects.get(kind=Kind.BUNDLE, applicant=newcomer)
    assert resp.status_code == 302, resp.content.decode()[:500]
    children = list(Application.objects.filter(parent=parent))
    assert len(children) == 3 and all(c.accepted_at is not None for c in children)
    assert all(missing_essential_materials(c) == [] for c in children)
