"""Exports and the 下载中心: start an export (small: built at once; large: queued), build queued jobs in chunks from
the worker, serve a file to its owner only, delete expired files.

Capabilities call ``export_start`` from their 导出 buttons; the worker runs ``build_pending`` and ``purge_expired``
(registered as timed jobs in ``DownloadsConfig.ready``).
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from township.core.errors import BadInput, DomainError, NotFound
from township.core.excel import append_row, workbook_bytes
from township.downloads.models import ExportJob
from township.downloads.registry import ExportKind, Pager, export_kind
from township.org.models import Jurisdiction, Level
from township.org.scoping import units_of

log = logging.getLogger(__name__)

SMALL_EXPORT_ROWS = 5_000  # up to this many rows the file is built at once and downloaded directly
MAX_EXPORT_ROWS = 1_000_000  # a job stops here (the sheet limit is 1,048,576)
CHUNK_ROWS = 2_000  # rows read per statement while building
ROWS_PER_RUN = 50_000  # rows one worker run writes before it lets the other timed jobs run
EXPIRY = timedelta(days=7)
EXPORT_DIR = "exports"


class Gone(DomainError):
    status = 410


@dataclass
class Started:
    """What ``export_start`` did: ``content`` is the file when it was small (also kept in the center as ``job``)."""

    job: ExportJob
    content: bytes | None = None

    @property
    def queued(self) -> bool:
        return self.content is None


class _QuerySetPager:
    """A QuerySet read by offset in its own order (the rows of one export are read within minutes)."""

    def __init__(self, qs: QuerySet[Any]) -> None:
        self.qs = qs

    def fetch(self, cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
        start = int(cursor) if cursor and cursor.isdigit() else 0
        rows = list(self.qs[start : start + limit])
        return rows, (str(start + len(rows)) if len(rows) == limit else None)

    def count(self) -> int:
        return self.qs.count()


def _pager(kind: ExportKind, user: Any, params: dict[str, Any]) -> Pager:
    source = kind.queryset_fn(user, params)
    return _QuerySetPager(source) if isinstance(source, QuerySet) else source


def _tenant(unit: Jurisdiction) -> str:
    return str(unit.parent_id) if unit.level == Level.VILLAGE and unit.parent_id else unit.code


def _home(user: Any) -> Jurisdiction:
    """The tenant of the user's jobs: the town (or county) of their first unit; none for a user without roles."""
    for unit in units_of(user):
        return Jurisdiction.objects.get(pk=_tenant(unit)) if unit.level == Level.VILLAGE else unit
    raise NotFound()


def _clean(kind: ExportKind, user: Any, params: dict[str, Any]) -> dict[str, Any]:
    if kind.allowed is not None and not kind.allowed(user):
        raise NotFound()
    if not isinstance(params, dict):
        raise BadInput("invalid_filter", _("筛选条件格式无效"), field="params")
    plain = {str(k): v for k, v in params.items() if v not in (None, "", [])}
    for key, value in plain.items():
        if not isinstance(value, (str, int, bool)) or len(str(value)) > 200:
            raise BadInput("invalid_filter", _("筛选条件的值无效"), field=key)
    return kind.clean(plain) if kind.clean is not None else plain


def _path(job: ExportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / job.file


def _write_xlsx(kind: ExportKind, rows: Any, *, unmasked: bool) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    title = "".join(ch for ch in str(kind.label) if ch not in "[]:*?/\\")[:31] or "Sheet"
    ws = wb.create_sheet(title=title)
    append_row(ws, kind.header())
    for row in rows:
        append_row(ws, row)
    return workbook_bytes(wb)


def export_start(*, user: Any, kind: str, params: dict[str, Any]) -> Started:
    """Export what the list shows under ``params``, as ``user`` (masked unless the kind lets the user see it).

    Up to ``SMALL_EXPORT_ROWS`` rows the file is built now (``Started.content``); more go to the 下载中心.
    Errors: ``unknown_kind`` / ``invalid_filter`` (400, with the field), ``not_found`` (404: the export is not
    offered to this user).
    """
    k = export_kind(kind)
    params = _clean(k, user, params)
    home = _home(user)
    unmasked = k.may_reveal(user)
    pager = _pager(k, user, params)
    total = pager.count() if hasattr(pager, "count") else None
    now = timezone.now()
    job = ExportJob(
        jurisdiction=home,
        user=user,
        kind=k.kind,
        label=str(k.label),
        params=params,
        unmasked=unmasked,
        total=total,
        expires_at=now + EXPIRY,
    )
    if total is None or total <= SMALL_EXPORT_ROWS:
        rows, more = pager.fetch(None, SMALL_EXPORT_ROWS + 1) if total is None else pager.fetch(None, total or 1)
        if total is not None or len(rows) <= SMALL_EXPORT_ROWS:
            cells = [k.cells(r, unmasked=unmasked) for r in rows[:SMALL_EXPORT_ROWS]]
            content = _write_xlsx(k, cells, unmasked=unmasked)
            job.rows = len(cells)
            job.total = len(cells)
            job.state = ExportJob.State.DONE
            job.progress = 100
            job.finished_at = now
            job.save()
            _store(job, content)
            return Started(job=job, content=content)
    job.save()
    return Started(job=job)


def _store(job: ExportJob, content: bytes) -> None:
    job.file = f"{EXPORT_DIR}/{job.jurisdiction_id}/{uuid.uuid4().hex}.xlsx"
    path = _path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    job.size = len(content)
    job.save(update_fields=["file", "size"])


# --- building in the worker -----------------------------------------------------------------------


def _part(job: ExportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / EXPORT_DIR / str(job.jurisdiction_id) / f"job-{job.pk}.part"


def job_build(job: ExportJob, *, budget: int | None = None, chunk: int | None = None) -> ExportJob:
    """Write up to ``budget`` more rows of ``job`` (resuming at its cursor); finish the file when the rows end."""
    budget = ROWS_PER_RUN if budget is None else budget
    chunk = CHUNK_ROWS if chunk is None else chunk
    k = export_kind(job.kind)
    user = job.user
    pager = _pager(k, user, job.params)
    part = _part(job)
    part.parent.mkdir(parents=True, exist_ok=True)
    if job.state == ExportJob.State.QUEUED:
        job.state = ExportJob.State.RUNNING
        job.save(update_fields=["state"])
    cursor: str | None = job.cursor or None
    done = False
    written = 0
    with open(part, "ab") as fh:
        fh.truncate(job.part_bytes)  # a run that died after writing but before saving its cursor wrote nothing
        fh.seek(job.part_bytes)
        while written < budget:
            limit = min(chunk, MAX_EXPORT_ROWS - job.rows)
            rows, nxt = pager.fetch(cursor, limit) if limit > 0 else ([], None)
            for r in rows:
                fh.write(json.dumps(k.cells(r, unmasked=job.unmasked), ensure_ascii=False).encode() + b"\n")
            fh.flush()
            job.rows += len(rows)
            job.part_bytes = fh.tell()
            written += len(rows)
            cursor = nxt
            done = nxt is None or not rows or job.rows >= MAX_EXPORT_ROWS
            job.cursor = cursor or ""
            if job.total:
                job.progress = min(99, job.rows * 100 // job.total)
            job.save(update_fields=["rows", "part_bytes", "cursor", "progress"])
            if done:
                break
    if done:
        _finish(job, k, part)
    return job


def _finish(job: ExportJob, k: ExportKind, part: Path) -> None:
    def rows() -> Any:
        with open(part, "rb") as fh:
            for line in fh:
                yield json.loads(line)

    content = _write_xlsx(k, rows(), unmasked=job.unmasked)
    now = timezone.now()
    job.state = ExportJob.State.DONE
    job.progress = 100
    job.total = job.rows
    job.finished_at = now
    job.expires_at = now + EXPIRY
    job.save(update_fields=["state", "progress", "total", "finished_at", "expires_at"])
    _store(job, content)
    part.unlink(missing_ok=True)


def build_pending(now: datetime) -> dict[str, Any]:
    """Timed job: build queued and running exports, oldest first, within one run's row budget."""
    built = failed = 0
    budget = ROWS_PER_RUN
    open_states = [ExportJob.State.QUEUED, ExportJob.State.RUNNING]
    for pk in list(ExportJob.objects.filter(state__in=open_states).order_by("id").values_list("pk", flat=True)[:20]):
        if budget <= 0:
            break
        job = ExportJob.objects.select_related("user").get(pk=pk)
        before = job.rows
        try:
            job_build(job, budget=budget)
        except Exception as exc:  # one broken export must not stop the others; the user sees 失败
            log.exception("export job %s failed", pk)
            ExportJob.objects.filter(pk=pk).update(
                state=ExportJob.State.FAILED,
                error=exc.message if isinstance(exc, DomainError) else _("生成失败，请缩小筛选范围后重试"),
                finished_at=timezone.now(),
                expires_at=timezone.now() + EXPIRY,
            )
            _part(job).unlink(missing_ok=True)
            failed += 1
            continue
        budget -= job.rows - before
        built += job.state == ExportJob.State.DONE
    return {"built": built, "failed": failed}


def purge_expired(now: datetime) -> dict[str, Any]:
    """Timed job: delete the files of expired exports (the row stays, greyed, as the record of the export)."""
    purged = 0
    for job in ExportJob.objects.filter(expires_at__lt=now, purged=False).order_by("id")[:1000]:
        with transaction.atomic():
            if job.file:
                _path(job).unlink(missing_ok=True)
            _part(job).unlink(missing_ok=True)
            ExportJob.objects.filter(pk=job.pk).update(purged=True)
            purged += 1
    return {"purged": purged}


# --- reading ---------------------------------------------------------------------------------------


def job_list(*, user: Any) -> QuerySet[ExportJob]:
    """The user's own exports, newest first (in units where the user still holds a role)."""
    towns = sorted({_tenant(u) for u in units_of(user)})
    return ExportJob.objects.filter(user_id=user.pk, jurisdiction_id__in=towns).order_by("-id")


def job_get(*, user: Any, pk: int) -> ExportJob:
    """One of the user's exports; anyone else's is ``not_found`` (404)."""
    job = job_list(user=user).filter(pk=pk).first() if user is not None and user.is_authenticated else None
    if job is None:
        raise NotFound()
    return job


def job_expired(job: ExportJob, now: datetime | None = None) -> bool:
    return job.purged or job.expires_at <= (now or timezone.now())


def job_file(*, user: Any, pk: int) -> tuple[ExportJob, Path]:
    """The file of the user's finished export. Errors: not_found (404), expired / not_ready (410 / 409)."""
    job = job_get(user=user, pk=pk)
    if job_expired(job):
        raise Gone("expired", _("文件已过期，请重新导出"))
    if job.state != ExportJob.State.DONE or not job.file:
        raise DomainError("not_ready", _("文件尚未生成完成"))
    path = _path(job)
    if not path.is_file() or not str(path.resolve()).startswith(str(Path(settings.MEDIA_ROOT).resolve()) + os.sep):
        raise Gone("expired", _("文件已过期，请重新导出"))
    return job, path
