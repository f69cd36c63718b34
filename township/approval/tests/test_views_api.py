"""Web pages and API endpoints: thin layers over the services, scoped, with constant query counts."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from township.approval import services as svc
from township.approval.machine import S
from township.approval.models import Application, Channel, Kind
from township.approval.tests.conftest import LUO_ID


def test_register_and_log_in_with_the_resident_id(client, db):
    resp = client.post(
        reverse("approval:register"),
        {"identifier": "500116198803152040", "full_name": "罗晓梅", "username": "luo", "password": "Luo-pass-2026!"},
    )
    assert "校验不通过" in resp.content.decode()
    resp = client.post(
        reverse("approval:register"),
        {"identifier": LUO_ID, "full_name": "罗晓梅", "username": "luo", "password": "Luo-pass-2026!", "phone": ""},
    )
    assert resp.status_code == 302
    client.logout()
    resp = client.post(reverse("approval:login"), {"username": LUO_ID, "password": "Luo-pass-2026!"})
    assert resp.status_code == 302 and resp.url == reverse("approval:portal")


def test_online_apply_page_submits_and_shows_progress(now, client, luo_user, luo, catalog, upload):
    client.force_login(luo_user)
    url = reverse("approval:apply", args=[catalog["licence"].pk])
    assert "居民身份证" in client.get(url).content.decode()
    resp = client.post(url, {"m_sfz": upload("id.pdf")})
    app = Application.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("approval:detail", args=[app.pk])
    page = client.get(resp.url).content.decode()
    assert "待受理" in page and app.case.number in page


def test_window_workbench_files_a_bundle_reusing_the_library(
    now, client, clerk_a, approver_a, luo_user, luo, catalog, upload
):
    lic = svc.application_submit(
        actor=luo_user, item=catalog["licence"], applicant=luo, channel=Channel.ONLINE, uploads={"sfz": upload()}
    )
    svc.application_accept(application=lic, actor=approver_a)
    svc.application_approve(application=lic, actor=approver_a)
    client.force_login(clerk_a)
    page = client.get(reverse("approval:window"), {"id": LUO_ID}).content.decode()
    assert "营业执照" in page and "罗晓梅" in page
    resp = client.post(
        reverse("approval:window"),
        {"id": LUO_ID, "items": [catalog["food"].pk, catalog["insurance"].pk], "accept_now": "1"},
    )
    parent = Application.objects.get(kind=Kind.BUNDLE)
    assert resp.status_code == 302
    children = list(Application.objects.filter(parent=parent))
    assert {c.case.state for c in children} == {S.UNDER_REVIEW}
    assert all(c.case.events.filter(name="library_reuse").exists() for c in children)
    assert parent.case.attachments.count() == 0  # nothing uploaded twice


def test_detail_is_404_for_another_town(now, client, clerk_a, clerk_b, catalog, luo):
    app = svc.application_submit(actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW)
    client.force_login(clerk_b)
    assert client.get(reverse("approval:detail", args=[app.pk])).status_code == 404
    assert client.post(reverse("case-action", args=[app.case_id, "accept"])).status_code == 404


def test_action_errors_are_shown_in_chinese(now, client, clerk_a, catalog, luo):
    app = svc.application_submit(actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW)
    client.force_login(clerk_a)
    page = reverse("approval:detail", args=[app.pk])
    resp = client.post(reverse("case-action", args=[app.case_id, "accept"]), {"next": page}, follow=True)
    assert "必备材料不齐" in resp.content.decode()


def test_hall_display_refreshes_itself_and_shows_called_numbers(now, client, clerk_a, town_a):
    svc.ticket_take(jurisdiction=town_a.code, category="A")
    svc.ticket_call_next(actor=clerk_a, jurisdiction=town_a.code, window=5)
    page = client.get(reverse("approval:hall", args=[town_a.code])).content.decode()
    assert 'http-equiv="refresh"' in page and "A001" in page and "5 号窗口" in page


def test_api_lists_with_constant_queries_and_accepts(now, client, clerk_a, catalog, luo, upload):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for _ in range(n):
            svc.application_submit(
                actor=clerk_a,
                item=catalog["insurance"],
                applicant=luo,
                channel=Channel.WINDOW,
                uploads={"sfz": upload(), "yyzz": upload("y.pdf")},
            )

    client.force_login(clerk_a)
    add(1)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/approval/applications")
    add(3)
    with CaptureQueriesContext(connection) as four:
        resp = client.get("/api/v1/approval/applications")
    assert resp.status_code == 200 and len(resp.json()) == 4
    assert len(four) == len(one) <= 8
    first = resp.json()[0]["case_id"]
    resp = client.post(f"/api/v1/cases/{first}/actions/accept")
    assert resp.status_code == 200 and resp.json()["case"]["state"] == S.UNDER_REVIEW
    again = client.post(f"/api/v1/cases/{first}/actions/accept")
    assert again.status_code == 409 and again.json()["code"] == "action_not_offered"


def test_api_submit_and_out_of_scope_404(now, client, clerk_a, clerk_b, catalog, luo):
    client.force_login(clerk_a)
    resp = client.post(
        "/api/v1/approval/applications",
        data=json.dumps({"item_ids": [catalog["food"].pk, catalog["insurance"].pk], "applicant": LUO_ID}),
        content_type="application/json",
    )
    assert resp.status_code == 201 and resp.json()["kind"] == "bundle"
    client.force_login(clerk_b)
    assert client.get(f"/api/v1/approval/applications/{resp.json()['id']}").status_code == 404


@pytest.mark.parametrize("category,status", [("A", 200), ("Z", 422)])
def test_api_public_ticket(db, client, town_a, category, status):
    resp = client.post(
        f"/api/v1/approval/queue/{town_a.code}/tickets",
        data=json.dumps({"category": category}),
        content_type="application/json",
    )
    assert resp.status_code == status


def _pdf_text(body: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages)


def test_supplement_notice_and_denial_letters_are_sealed_pdfs(
    now, client, clerk_a, approver_a, clerk_b, catalog, luo, upload
):
    app = svc.application_submit(actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW)
    svc.application_request_supplement(application=app, actor=clerk_a, material_codes=["yyzz", "sfz"])
    client.force_login(clerk_a)
    resp = client.get(reverse("approval:document", args=[app.pk, "supplement"]))
    assert resp["Content-Type"] == "application/pdf"
    text = _pdf_text(resp.content)
    assert "一次性告知" in text and "营业执照" in text and "视为撤回" in text
    svc.application_supply(application=app, actor=clerk_a, uploads={"yyzz": upload(), "sfz": upload("i.pdf")})
    svc.application_accept(application=app, actor=clerk_a)
    svc.application_deny(application=app, actor=approver_a, reason="经营场所不符合要求")
    text = _pdf_text(client.get(reverse("approval:document", args=[app.pk, "denial"])).content)
    assert "不予行政许可" in text and "行政复议" in text
    # sealed with the bureau's SM2 key: the code on the paper checks out publicly, printing again keeps the code
    from township.certificates.models import SealedDocument

    sealed = SealedDocument.objects.get(kind="approval.denial")
    assert sealed.code in text.replace(" ", "")
    client.get(reverse("approval:document", args=[app.pk, "denial"]))
    assert SealedDocument.objects.filter(kind="approval.denial").count() == 1
    # printed from an English page: a translation for reference, unsealed, naming the Chinese original; no English
    # letter is ever sealed (国家通用语言文字法第九条)
    client.cookies["django_language"] = "en"
    english = " ".join(_pdf_text(client.get(reverse("approval:document", args=[app.pk, "denial"])).content).split())
    del client.cookies["django_language"]
    assert "Translation for reference only, not sealed" in english and sealed.code in english.replace(" ", "")
    assert SealedDocument.objects.filter(kind="approval.denial").count() == 1
    client.logout()
    page = client.get(reverse("certificates:verify-document", args=[sealed.code])).content.decode()
    assert "签章有效" in page and luo.name[0] + "*" in page and luo.name not in page
    # a tampered text no longer verifies
    SealedDocument.objects.filter(pk=sealed.pk).update(content=sealed.content.replace("经营场所", "经营地址"))
    page = client.get(reverse("certificates:verify-document", args=[sealed.code])).content.decode()
    assert "签名校验失败" in page
    assert client.get(reverse("certificates:verify-document", args=["DNOSUCHCODE"])).status_code == 404
    api = client.get(f"/api/v1/certificates/documents/{sealed.code}").json()
    assert api["valid"] is False and api["title"] == "不予行政许可决定书"
    client.force_login(clerk_a)
    assert client.get(reverse("approval:document", args=[app.pk, "approval"])).status_code == 404
    client.force_login(clerk_b)
    assert client.get(reverse("approval:document", args=[app.pk, "denial"])).status_code == 404


def test_agent_follows_village_applications_in_the_list(
    now, client, agent_a, luo, catalog, clerk_a, upload, django_assert_max_num_queries
):
    svc.application_submit(actor=agent_a, item=catalog["licence"], applicant=luo, channel=Channel.VILLAGE_AGENT)
    from township.approval.tests.conftest import rid
    from township.subjects.services import subject_get_or_create_person

    townsman = subject_get_or_create_person(resident_id=rid("50011619700101001"), name="张三")
    svc.application_submit(actor=clerk_a, item=catalog["food"], applicant=townsman, channel=Channel.WINDOW)
    svc.application_submit(actor=clerk_a, item=catalog["insurance"], applicant=luo, channel=Channel.WINDOW)
    client.force_login(agent_a)
    page = client.get(reverse("approval:list")).content.decode()
    # her own filing and the window filing for a villager; not the townsman outside the village
    assert "个体工商户登记" in page and "社会保险登记" in page and "食品经营许可" not in page


def test_village_agent_files_from_the_workbench(now, client, agent_a, luo, catalog):
    client.force_login(agent_a)
    page = client.get(reverse("approval:window"), {"id": luo.resident_id}).content.decode()
    assert "个体工商户登记" in page and "烟花爆竹" not in page  # only items offered through village agents
    resp = client.post(reverse("approval:window"), {"id": luo.resident_id, "items": [catalog["licence"].pk]})
    app = Application.objects.get()
    assert resp.status_code == 302 and app.channel == Channel.VILLAGE_AGENT and app.agent == agent_a


def test_api_warnings_for_the_head_and_notifications_for_the_applicant(
    now, time_machine, client, clerk_a, head_a, luo_user, luo, catalog, upload
):
    import datetime

    from township.approval.tests.conftest import SH

    app = svc.application_submit(
        actor=clerk_a,
        item=catalog["insurance"],
        applicant=luo,
        channel=Channel.WINDOW,
        uploads={"sfz": upload(), "yyzz": upload("y.pdf")},
    )
    svc.application_accept(application=app, actor=clerk_a)
    time_machine.move_to(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=SH), tick=False)  # past the 3-day limit
    client.force_login(head_a)
    rows = client.get("/api/v1/approval/warnings").json()
    assert [(r["id"], r["warning"]) for r in rows] == [(app.pk, "overdue")]
    client.force_login(clerk_a)
    assert client.get("/api/v1/approval/warnings").json() == []  # a clerk is not a supervisor
    client.force_login(luo_user)
    titles = [n["title"] for n in client.get("/api/v1/approval/notifications").json()]
    assert any("已受理" in t for t in titles)


def test_no_open_redirect_after_an_action(now, client, clerk_a, catalog, luo):
    app = svc.application_submit(actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW)
    client.force_login(clerk_a)
    resp = client.post(reverse("case-action", args=[app.case_id, "accept"]), {"next": "https://evil.example/"})
    assert resp.status_code == 302 and not resp.url.startswith("http")


def test_approval_letter_names_the_certificate(now, client, luo_user, luo, catalog, approver_a, upload):
    app = svc.application_submit(
        actor=luo_user, item=catalog["licence"], applicant=luo, channel=Channel.ONLINE, uploads={"sfz": upload()}
    )
    svc.application_accept(application=app, actor=approver_a)
    svc.application_approve(application=app, actor=approver_a)
    app.refresh_from_db()
    client.force_login(luo_user)
    text = _pdf_text(client.get(reverse("approval:document", args=[app.pk, "approval"])).content)
    assert "准予行政许可" in text and app.certificate.identifier in text.replace("\n", "")


def test_supervisor_page_shows_warnings_and_verification_tasks_of_the_own_town_only(
    now, time_machine, client, clerk_a, approver_a, head_a, make_user, town_b, catalog, luo, upload
):
    import datetime

    from township.approval.tests.conftest import SH

    late = svc.application_submit(
        actor=clerk_a,
        item=catalog["insurance"],
        applicant=luo,
        channel=Channel.WINDOW,
        uploads={"sfz": upload(), "yyzz": upload("y.pdf")},
    )
    svc.application_accept(application=late, actor=clerk_a)
    pledged = svc.application_submit(actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW)
    svc.application_approve_on_commitment(application=pledged, actor=approver_a, applicant_chose=True, pledge="承诺")
    time_machine.move_to(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=SH), tick=False)
    client.force_login(head_a)
    page = client.get(reverse("approval:supervise")).content.decode()
    assert late.case.number in page and pledged.case.number in page
    head_b = make_user((town_b, "approval_head"), username="head_b")
    client.force_login(head_b)
    page = client.get(reverse("approval:supervise")).content.decode()
    assert late.case.number not in page and pledged.case.number not in page


def test_api_supplies_materials_closes_gaps_and_calls_back_on_a_bad_rating(
    now, client, clerk_a, head_a, luo_user, catalog, luo, upload, approver_a, django_assert_max_num_queries
):

    app = svc.application_submit(
        actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW, uploads={"sfz": upload()}
    )
    svc.application_request_supplement(application=app, actor=clerk_a, material_codes=["yyzz"])
    client.force_login(clerk_a)
    missing = client.post(f"/api/v1/cases/{app.case_id}/actions/supply_materials", {})
    assert missing.status_code in (409, 422) and missing.json()["code"] == "supplement_still_missing"
    supplied = client.post(f"/api/v1/cases/{app.case_id}/actions/supply_materials", {"yyzz": upload("licence.pdf")})
    assert supplied.status_code == 200 and supplied.json()["case"]["state"] == S.SUBMITTED

    gap = svc.application_submit(
        actor=clerk_a,
        item=catalog["food"],
        applicant=luo,
        channel=Channel.WINDOW,
        uploads={"sfz": upload(), "yyzz": upload("y.pdf")},
    )
    svc.application_accept_gap(application=gap, actor=clerk_a, missing=["cspmt"], pledge="承诺5个工作日内补齐")
    closed = client.post(f"/api/v1/cases/{gap.case_id}/actions/supply_gap_materials", {"paper": ["cspmt"]})
    assert closed.status_code == 200
    gap.refresh_from_db()
    assert gap.gap_supplied_at is not None

    done = svc.application_submit(
        actor=luo_user, item=catalog["licence"], applicant=luo, channel=Channel.ONLINE, uploads={"sfz": upload()}
    )
    svc.application_accept(application=done, actor=approver_a)
    svc.application_approve(application=done, actor=approver_a)
    svc.application_rate(application=done, actor=luo_user, grade=4, text="排队太久")
    client.force_login(head_a)
    client.get("/api/v1/approval/rectifications")
    with django_assert_max_num_queries(10) as one:
        tasks = client.get("/api/v1/approval/rectifications").json()
    queries_for_one = len(one.captured_queries)
    assert [t["text"] for t in tasks] == ["排队太久"]
    assert tasks[0]["callback_due"] == "2026-11-24" and tasks[0]["callback_overdue"] is False
    called = client.post(
        f"/api/v1/approval/rectifications/{tasks[0]['id']}/callback",
        {"note": "已电话回访", "result": "增开窗口"},
        content_type="application/json",
    )
    assert called.json()["status"] == "done"
    # a second bad rating does not add queries to the list (no N+1)
    other = svc.application_submit(
        actor=luo_user, item=catalog["licence"], applicant=luo, channel=Channel.ONLINE, uploads={"sfz": upload()}
    )
    svc.application_accept(application=other, actor=approver_a)
    svc.application_approve(application=other, actor=approver_a)
    svc.application_rate(application=other, actor=luo_user, grade=5, text="态度差")
    with django_assert_max_num_queries(queries_for_one):
        assert len(client.get("/api/v1/approval/rectifications").json()) == 2
