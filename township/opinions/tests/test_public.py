"""The public side: submit without sign-in (CSRF, rate limit), follow by the code, nothing without the right code,
never an internal note or the reporter's data; the forwarded item's public status shown."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from township.opinions import services
from township.opinions.models import Opinion

pytestmark = pytest.mark.django_db


def _submit(client, village, **kw):
    data = {
        "village": village.code,
        "kind": "complaint",
        "title": "噪音扰民",
        "content": "夜间施工噪音大",
        "reporter_name": "王五",
        "reporter_phone": "13700001234",
    }
    data.update(kw)
    return client.post("/opinions/public/", data)


def test_public_submit_gives_a_code_and_track_shows_status(client, village_a):
    assert client.get("/opinions/public/").status_code == 200
    r = _submit(client, village_a)
    assert r.status_code == 302 and r.url.endswith("/opinions/track/?new=1")
    o = Opinion.objects.get()
    assert (o.channel, o.kind, o.collector_id, o.jurisdiction_id) == ("portal", "complaint", None, "500116108")
    page = client.get(r.url).content.decode()
    assert o.track_code in page and "已收集" in page
    # the code is asked again (POST, out of the URL) and the same status shows
    page = client.post("/opinions/track/", {"code": o.track_code.lower()}).content.decode()
    assert o.case.number in page and "13700001234" not in page and "王五" not in page


def test_public_submit_needs_csrf(village_a):
    c = Client(enforce_csrf_checks=True)
    r = _submit(c, village_a)
    assert r.status_code == 403
    assert Opinion.objects.count() == 0


def test_named_submission_needs_a_contact(client, village_a):
    r = _submit(client, village_a, reporter_phone="")
    assert r.status_code == 200 and "请填写联系电话" in r.content.decode()
    assert Opinion.objects.count() == 0
    assert _submit(client, village_a, reporter_phone="", anonymous="on").status_code == 302


def test_track_reveals_nothing_without_the_right_code(client, collect, dispatcher_a):
    o = collect(category="policy")
    services.opinion_answer(opinion=o, actor=dispatcher_a, reply="公开答复", internal_note="内部意见勿外传")
    for code in ("", "ABCDEFGHJKLM", o.track_code[:-1], o.case.number, str(o.pk)):
        r = client.post("/opinions/track/", {"code": code})
        body = r.content.decode()
        assert "公开答复" not in body and o.title not in body
    assert client.get(f"/opinions/track/?code={o.track_code}").content.decode().count("公开答复") == 0
    ok = client.post("/opinions/track/", {"code": o.track_code}).content.decode()
    assert "公开答复" in ok and "内部意见勿外传" not in ok and "13812345678" not in ok and "张三丰" not in ok


def test_track_shows_the_forwarded_items_status(client, collect, dispatcher_a, village_grid):
    o = collect(category="safety")
    created = services.opinion_forward(
        opinion=o, actor=dispatcher_a, target="grid_event", note="内部转办说明", extra={"event_class": "200110"}
    )
    body = client.post("/opinions/track/", {"code": o.track_code}).content.decode()
    assert created.number in body and "待核实" in body and "网格事件" in body
    assert "内部转办说明" not in body


@override_settings(OPINIONS_TRACK_PER_10_MINUTES=3, OPINIONS_PUBLIC_SUBMIT_PER_HOUR=2)
def test_rate_limits(client, village_a):
    for _ in range(3):
        assert client.post("/opinions/track/", {"code": "ABCDEFGHJKLM"}).status_code == 404
    assert client.post("/opinions/track/", {"code": "ABCDEFGHJKLM"}).status_code == 429
    assert _submit(client, village_a).status_code == 302
    assert _submit(client, village_a).status_code == 302
    assert _submit(client, village_a).status_code == 429
    assert Opinion.objects.count() == 2
    r = client.post("/api/v1/opinions/public/track", {"code": "ABCDEFGHJKLM"}, content_type="application/json")
    assert r.status_code == 429 and r.json()["code"] == "opinion_rate_limited"


def test_public_api_submit_and_track(client, village_a, dispatcher_a):
    r = client.post(
        "/api/v1/opinions/public/submit",
        {"village": village_a.code, "content": "建议增设公交站", "kind": "suggestion", "anonymous": True},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    code = r.json()["track_code"]
    o = Opinion.objects.get(track_code=code)
    services.opinion_classify(opinion=o, actor=dispatcher_a, category="suggestion")
    services.opinion_answer(opinion=o, actor=dispatcher_a, reply="已报交通部门研究", internal_note="内部")
    t = client.post("/api/v1/opinions/public/track", {"code": code}, content_type="application/json").json()
    assert (t["state"], t["reply"], t["category"]) == ("已答复", "已报交通部门研究", "意见建议")
    assert "内部" not in str(t)
    bad = client.post("/api/v1/opinions/public/track", {"code": "ZZZZZZZZZZZZ"}, content_type="application/json")
    assert bad.status_code == 404
    r = client.post("/api/v1/opinions/public/submit", {"village": "x", "content": ""}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] in ("village", "content")


def test_signed_in_resident_sees_own_items_and_replies_not_the_case_page(client, village_a, make_user, dispatcher_a):
    resident = make_user(username="op_resident")
    client.force_login(resident)
    r = _submit(client, village_a, reporter_phone="")  # signed in: no phone needed
    assert r.status_code == 302
    o = Opinion.objects.get()
    assert o.resident_id == resident.pk and o.case.owner_id is None
    services.opinion_classify(opinion=o, actor=dispatcher_a, category="livelihood", note="研判：内部")
    services.opinion_answer(opinion=o, actor=dispatcher_a, reply="已责令施工单位夜间停工", internal_note="内部意见")
    page = client.get("/opinions/mine/").content.decode()
    assert "已责令施工单位夜间停工" in page and "内部意见" not in page and "研判：内部" not in page
    assert client.get(f"/cases/{o.case_id}/").status_code == 404
    assert client.get(f"/opinions/cases/{o.case_id}/").status_code == 404
    other = make_user(username="op_resident2")
    client.force_login(other)
    assert "已责令施工单位夜间停工" not in client.get("/opinions/mine/").content.decode()


def test_track_shows_the_reply_of_the_case_it_became(client, collect, dispatcher_a):
    """The receiving case type's public reply (CaseType.public_reply) reaches the resident under their code."""
    import dataclasses

    from township.cases.types import find_case_type, register_case_type, unregister_case_type
    from township.opinions.tests.test_forward import _stand_in

    real = find_case_type("hotline_order")
    unregister_case_type("hotline_order")
    stand_in = _stand_in("hotline_order")
    register_case_type(dataclasses.replace(stand_in, public_reply=lambda record: "已派员清理，道路已恢复通行"))
    try:
        o = collect(category="livelihood")
        services.opinion_forward(opinion=o, actor=dispatcher_a, target="hotline_order")
        body = client.post("/opinions/track/", {"code": o.track_code}).content.decode()
        assert "已派员清理，道路已恢复通行" in body
    finally:
        unregister_case_type("hotline_order")
        if real is not None:
            register_case_type(real)
