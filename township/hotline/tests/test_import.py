"""Excel import of a hotline export: the template, row errors (row, column, Chinese message), all-or-nothing,
the 「仅导入正确的行」 mode, duplicates refused (a re-import creates nothing), progress, and the worker job."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from township.core.errors import DomainError
from township.hotline import services
from township.hotline.generate import export_bytes, sample_rows
from township.hotline.models import ImportJob, Order
from township.hotline.services.imports import COLUMNS, read_rows


def _start() -> datetime:
    return timezone.now() - timedelta(days=40)


def _job(operator, town, rows, mode="all", **kw):
    return services.job_create(
        actor=operator, jurisdiction=town.code, filename="export.xlsx", content=export_bytes(rows, **kw), mode=mode
    )


def test_template_has_the_columns_and_reads_back(operator):
    header, rows = read_rows(services.template_xlsx())
    assert header == COLUMNS
    assert len(list(rows)) == 1


def test_good_file_imports_every_row_in_one_go(operator, town_a, village_a, village_b):
    rows = sample_rows(30, villages=["石门村", "黑石山村"], start=_start())
    job = services.job_run(_job(operator, town_a, rows))
    assert job.status == ImportJob.Status.DONE and job.created_count == 30 and job.percent == 100
    assert Order.objects.filter(jurisdiction=town_a, import_job=job).count() == 30
    o = Order.objects.get(external_no=rows[0][0])
    assert o.village_id == village_a.code and o.kind == "consult" and o.caller_phone == rows[0][3]
    assert o.case.opened_at == o.called_at


def test_any_bad_row_imports_nothing_and_reports_row_column_message(operator, town_a, village_a, village_b):
    rows = sample_rows(20, villages=["石门村", "黑石山村"], start=_start(), bad_every=4)
    job = services.job_run(_job(operator, town_a, rows))
    assert job.status == ImportJob.Status.FAILED
    assert Order.objects.filter(jurisdiction=town_a).count() == 0
    by_row = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert ("5", "诉求类型") in {(str(r), c) for r, c in by_row} or (5, "诉求类型") in by_row
    assert by_row[(9, "联系电话")] == "联系电话格式不正确"
    assert by_row[(13, "诉求内容")] == "诉求内容不能为空"
    assert "不是本镇的村" in by_row[(17, "所属村")]
    assert "重复" in by_row[(21, "工单编号")]
    assert job.error_count == 5 and "未导入任何工单" in job.message


def test_valid_rows_mode_imports_the_good_rows_only(operator, town_a, village_a, village_b):
    rows = sample_rows(20, villages=["石门村", "黑石山村"], start=_start(), bad_every=4)
    job = services.job_run(_job(operator, town_a, rows, mode="valid"))
    assert job.status == ImportJob.Status.DONE
    assert job.created_count == 15 == Order.objects.filter(jurisdiction=town_a).count()
    assert job.error_count == 5


def test_reimport_creates_nothing(operator, town_a, village_a, village_b):
    rows = sample_rows(10, villages=["石门村", "黑石山村"], start=_start())
    services.job_run(_job(operator, town_a, rows))
    again = services.job_run(_job(operator, town_a, rows))
    assert again.status == ImportJob.Status.FAILED and again.created_count == 0
    assert all("已导入过" in e["message"] for e in again.errors)
    valid_mode = services.job_run(_job(operator, town_a, rows, mode="valid"))
    assert valid_mode.created_count == 0
    assert Order.objects.filter(jurisdiction=town_a).count() == 10


def test_missing_columns_or_not_a_workbook_is_refused(operator, town_a):
    job = services.job_run(_job(operator, town_a, [["x"]], header=["编号"]))
    assert job.status == ImportJob.Status.FAILED and "缺少必填列" in job.message
    with pytest.raises(DomainError) as exc:
        services.job_create(actor=operator, jurisdiction=town_a.code, filename="a.csv", content=b"a,b\n1,2")
    assert exc.value.code == "hotline_import_file"


def test_only_the_centre_imports(make_user, town_a, town_b):
    stranger = make_user((town_b, "hotline_operator"))
    with pytest.raises(DomainError) as exc:
        services.job_create(actor=stranger, jurisdiction=town_a.code, filename="a.xlsx", content=b"PK..")
    assert exc.value.code == "role_required"


def test_worker_runs_queued_jobs_once(operator, town_a, village_a, village_b):
    rows = sample_rows(5, villages=["石门村"], start=_start())
    job = _job(operator, town_a, rows)
    assert services.run_queued_jobs(timezone.now()) == {"imports": 1}
    assert services.run_queued_jobs(timezone.now()) == {"imports": 0}
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created_count == 5


@pytest.mark.django_db(transaction=True)
def test_progress_is_committed_while_validating(operator, town_a, village_a, village_b, monkeypatch):
    """Outside a transaction (the worker), the validation counter is written every chunk: a poll sees it."""
    from township.hotline.services import imports

    monkeypatch.setattr(imports, "CHUNK", 10)
    seen: list[int] = []
    rows = sample_rows(45, villages=["石门村"], start=_start())
    job = _job(operator, town_a, rows)
    imports.job_run(job, on_progress=lambda j: seen.append(ImportJob.objects.get(pk=j.pk).validated))
    assert seen[:4] == [10, 20, 30, 40]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created_count == 45


@pytest.mark.django_db(transaction=True)
def test_write_progress_is_visible_to_another_connection_on_postgresql(operator, town_a, village_a, monkeypatch):
    """The write phase is one transaction; on PostgreSQL its counter goes through a second connection, so a poll
    (another connection) sees it before the commit. SQLite has one writer: there the count appears at the end."""
    from django.db import DEFAULT_DB_ALIAS, connection, connections

    from township.hotline.services import imports

    if connection.vendor != "postgresql":
        pytest.skip("SQLite: one writer at a time, the write phase shows no running count")
    seen: list[int] = []
    poll = connections.create_connection(DEFAULT_DB_ALIAS)

    def read(job):
        with poll.cursor() as cur:
            cur.execute("SELECT written, status FROM hotline_importjob WHERE id = %s", [job.pk])
            written, status = cur.fetchone()
        if status == ImportJob.Status.WRITING:
            seen.append(written)

    rows = sample_rows(450, villages=["石门村"], start=_start())
    job = _job(operator, town_a, rows)
    try:
        imports.job_run(job, on_progress=read)
    finally:
        poll.close()
    assert seen[-2:] == [200, 400]
    assert Order.objects.filter(import_job=job).count() == 450
