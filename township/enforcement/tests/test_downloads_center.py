"""下载中心 through the 案源管理 and 用户管理 exports: the file equals the filtered list, masking per permission, tenancy
(404 for another user), expiry, the large-export path through the worker's timed job, bad filters as 400
{code, message, field}. (Here, not in township/downloads: downloads may not import a capability.)"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.utils import timezone
from openpyxl import load_workbook

from township.cases.timed import run_due_jobs
from township.downloads import services
from township.downloads.models import ExportJob
from township.enforcement.models import Clue
from township.enforcement.models.core import PartyKind
from township.org.models import Role

ID = "500116199001011234"


def sheet(content: bytes) -> list[tuple]:
    return list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))


def body(res) -> bytes:
    return b"".join(res.streaming_content) if res.streaming else res.content


@pytest.fixture
def officer_a(make_user, town_a):
    return make_user((town_a, Role.ENFORCEMENT_OFFICER), username="officer_a")


@pytest.fixture
def officer_b(make_user, town_b):
    return make_user((town_b, Role.ENFORCEMENT_OFFICER), username="officer_b")


@pytest.fixture
def clues(town_a, town_b):
    now = timezone.now()

    def make(town, summary, source=Clue.Source.COMPLAINT, **kw):
        return Clue.objects.create(
            jurisdiction=town,
            source=source,
            summary=summary,
            received_at=now,
            decide_by=timezone.localdate() + dt.timedelta(days=10),
            **kw,
        )

    rows = [make(town_a, f"占道经营{i}") for i in range(5)]
    rows.append(make(town_a, "噪声扰民", party_kind=PartyKind.PERSON, party_name="张三丰", party_id_number=ID))
    rows.append(make(town_a, "占道检查", source=Clue.Source.INSPECTION))
    rows.append(make(town_b, "占道经营（乙镇）"))
    return rows


def listed(client, query: str) -> list[str]:
    html = client.get("/enforcement/clues/" + query).content.decode()
    return [c.summary for c in Clue.objects.all() if f"<td>{c.summary}</td>" in html]


def test_small_export_equals_the_filtered_list_and_is_kept_in_the_center(client, officer_a, clues):
    client.force_login(officer_a)
    query = "?decision=pending&source=complaint&q=占道"
    shown = listed(client, query)
    assert sorted(shown) == [f"占道经营{i}" for i in range(5)]
    res = client.get("/downloads/export/enforcement-clues/" + query)
    assert res.status_code == 200 and res["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet(body(res))
    assert rows[0][0] == "预警" and rows[0][3] == "案源摘要"
    assert sorted(r[3] for r in rows[1:]) == sorted(shown)
    job = ExportJob.objects.get()
    assert (job.state, job.rows, job.user_id, job.jurisdiction_id) == ("done", 5, officer_a.pk, "500116108")
    again = client.get(f"/downloads/{job.pk}/file/")
    assert sheet(body(again)) == rows
    center = client.get("/downloads/").content.decode()
    assert "案源" in center and f"/downloads/{job.pk}/file/" in center


def test_personal_data_masked_unless_the_user_may_read_it(client, officer_a, clues):
    client.force_login(officer_a)
    rows = sheet(body(client.get("/downloads/export/enforcement-clues/?q=噪声")))
    assert rows[1][6:8] == ("张**", "500116********1234")
    assert ID not in str(rows)
    officer_a.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    rows = sheet(body(client.get("/downloads/export/enforcement-clues/?q=噪声")))
    assert rows[1][6:8] == ("张三丰", ID)
    assert ExportJob.objects.order_by("id").last().unmasked is True


def test_users_export_masks_phones(client, make_user, town_a):
    admin = make_user((town_a, Role.ADMINISTRATOR), username="admin_a")
    make_user((town_a, Role.WINDOW_CLERK), username="clerk_x", phone="13912345678")
    client.force_login(admin)
    page = client.get("/system/users/?q=clerk_x").content.decode()
    assert "clerk_x" in page and 'id="export"' in page
    rows = sheet(body(client.get("/downloads/export/users/?q=clerk_x")))
    assert [r[0] for r in rows[1:]] == ["clerk_x"]
    assert rows[1][2] == "139****5678"
    officer = make_user((town_a, Role.ENFORCEMENT_OFFICER), username="no_admin")
    client.force_login(officer)
    assert client.get("/downloads/export/users/").status_code == 404


def test_another_user_gets_404_for_the_job_and_its_file(client, officer_a, officer_b, clues):
    client.force_login(officer_a)
    client.get("/downloads/export/enforcement-clues/")
    job = ExportJob.objects.get()
    client.force_login(officer_b)
    assert client.get(f"/downloads/{job.pk}/file/").status_code == 404
    assert client.get(f"/api/v1/downloads/{job.pk}").status_code == 404
    assert client.get(f"/api/v1/downloads/{job.pk}/file").status_code == 404
    assert client.get("/api/v1/downloads/").json() == []
    assert f"/downloads/{job.pk}/file/" not in client.get("/downloads/").content.decode()
    # and town B's officer exports only town B's clues
    rows = sheet(body(client.get("/downloads/export/enforcement-clues/")))
    assert [r[3] for r in rows[1:]] == ["占道经营（乙镇）"]


def test_expired_files_are_refused_then_deleted_by_the_timed_job(client, officer_a, clues):
    client.force_login(officer_a)
    client.get("/downloads/export/enforcement-clues/")
    job = ExportJob.objects.get()
    path = Path(settings.MEDIA_ROOT) / job.file
    assert path.is_file()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    res = client.get(f"/downloads/{job.pk}/file/")
    assert res.status_code == 410 and "已过期" in res.content.decode()
    api = client.get(f"/api/v1/downloads/{job.pk}/file")
    assert api.status_code == 410 and api.json()["code"] == "expired"
    assert client.get(f"/api/v1/downloads/{job.pk}").json()["download_url"] is None
    assert services.purge_expired(timezone.now()) == {"purged": 1}
    assert not path.exists() and ExportJob.objects.get().purged
    center = client.get("/downloads/").content.decode()
    assert "已过期" in center and f"/downloads/{job.pk}/file/" not in center


def test_large_export_goes_to_the_center_and_is_built_in_chunks_by_the_worker(client, officer_a, clues, monkeypatch):
    monkeypatch.setattr(services, "SMALL_EXPORT_ROWS", 2)
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    monkeypatch.setattr(services, "ROWS_PER_RUN", 3)
    client.force_login(officer_a)
    query = "?decision=pending"
    shown = listed(client, query)
    res = client.get("/downloads/export/enforcement-clues/" + query, follow=True)
    assert "已加入下载中心" in res.content.decode()
    job = ExportJob.objects.get()
    assert (job.state, job.total, job.rows) == ("queued", 7, 0)
    assert 'hx-trigger="every 2s"' in client.get("/downloads/").content.decode()
    assert client.get(f"/api/v1/downloads/{job.pk}/file").json()["code"] == "not_ready"
    t0 = timezone.now()
    run_due_jobs(t0)
    job.refresh_from_db()
    assert job.state == "running" and 0 < job.rows < 7 and 0 < job.progress < 100
    status = client.get(f"/api/v1/downloads/{job.pk}").json()
    assert status["state_label"] == "生成中" and status["rows"] == job.rows
    run_due_jobs(t0 + dt.timedelta(seconds=10))
    run_due_jobs(t0 + dt.timedelta(seconds=20))
    job.refresh_from_db()
    assert (job.state, job.rows, job.progress) == ("done", 7, 100)
    assert not services._part(job).exists()
    rows = sheet(body(client.get(f"/api/v1/downloads/{job.pk}/file")))
    assert sorted(r[3] for r in rows[1:]) == sorted(shown)
    assert len(rows) == 8  # header + 7, no row written twice across runs


def test_a_build_that_died_mid_chunk_resumes_without_duplicates(officer_a, clues, monkeypatch):
    monkeypatch.setattr(services, "SMALL_EXPORT_ROWS", 1)
    started = services.export_start(user=officer_a, kind="enforcement-clues", params={})
    job = started.job
    services.job_build(job, budget=2, chunk=2)
    part = services._part(job)
    with open(part, "ab") as fh:  # a run wrote rows and died before saving its cursor
        fh.write(b'["stray"]\n')
    job = ExportJob.objects.get(pk=job.pk)
    services.job_build(job, budget=100, chunk=2)
    rows = sheet((Path(settings.MEDIA_ROOT) / job.file).read_bytes())
    assert len(rows) == 8 and "stray" not in str(rows)


def test_bad_filters_answer_400_naming_the_field(client, officer_a, clues):
    client.force_login(officer_a)
    res = client.post(
        "/api/v1/downloads/",
        {"kind": "enforcement-clues", "params": {"source": "nope"}},
        content_type="application/json",
    )
    assert res.status_code == 400
    assert (
        res.json()["code"] == "invalid_filter" and res.json()["field"] == "source" and "来源" in res.json()["message"]
    )
    res = client.post("/api/v1/downloads/", {"kind": "nope", "params": {}}, content_type="application/json")
    assert res.status_code == 400 and res.json()["field"] == "kind"
    res = client.post(
        "/api/v1/downloads/",
        {"kind": "enforcement-clues", "params": {"q": {"a": 1}}},
        content_type="application/json",
    )
    assert res.status_code == 400 and res.json()["field"] == "q"
    page = client.get("/downloads/export/enforcement-clues/?decision=maybe")
    assert page.status_code == 400 and "处理结果" in page.content.decode()
    assert client.get("/enforcement/clues/?source=nope").status_code == 400
    assert not ExportJob.objects.exists()


def test_api_creates_lists_and_reports_jobs(client, officer_a, clues, monkeypatch):
    client.force_login(officer_a)
    kinds = {k["kind"]: k for k in client.get("/api/v1/downloads/kinds").json()}
    assert "enforcement-clues" in kinds and "users" not in kinds
    assert kinds["enforcement-clues"]["masked_columns"] == ["party_id_number", "party_name"]
    res = client.post(
        "/api/v1/downloads/",
        {"kind": "enforcement-clues", "params": {"source": "inspection"}},
        content_type="application/json",
    )
    assert res.status_code == 200 and res.json()["state"] == "done" and res.json()["rows"] == 1
    monkeypatch.setattr(services, "SMALL_EXPORT_ROWS", 1)
    res = client.post(
        "/api/v1/downloads/", {"kind": "enforcement-clues", "params": {}}, content_type="application/json"
    )
    assert res.status_code == 202 and res.json()["state"] == "queued" and res.json()["download_url"] is None
    assert [j["state"] for j in client.get("/api/v1/downloads/").json()] == ["queued", "done"]


def test_unauthenticated_gets_no_center(client):
    assert client.get("/downloads/").status_code == 302
    assert client.get("/api/v1/downloads/").status_code == 401


def test_a_running_export_without_a_known_total_shows_a_moving_bar(client, officer_a, town_a):
    """A cursor export (no count up front) is not stuck at 0 %: the bar is indeterminate and the rows count up."""
    job = ExportJob.objects.create(
        jurisdiction=town_a,
        user=officer_a,
        kind="enforcement.clues",
        label="案源导出",
        state=ExportJob.State.RUNNING,
        rows=1200,
        total=None,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    client.force_login(officer_a)
    html = client.get("/downloads/").content.decode()
    row = html[html.index(f'id="job-{job.pk}"') :].split("</tr>")[0]
    assert 'data-indeterminate="1"' in row and "总数未知" in row and "1200" in row
    ExportJob.objects.filter(pk=job.pk).update(total=4800, progress=25)
    row = client.get("/downloads/").content.decode()
    row = row[row.index(f'id="job-{job.pk}"') :].split("</tr>")[0]
    assert 'value="25"' in row and "1200 / 4800" in row and "总数未知" not in row
