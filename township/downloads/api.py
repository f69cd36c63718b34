"""下载中心 API: the exports a list offers, start one (small: finished at once; large: queued for the worker), the
caller's jobs and their status, and the file — to its owner only (404 for anyone else, 410 once expired).

Errors are ``{"code", "message", "field"}``: ``unknown_kind`` / ``invalid_filter`` (400, the field named),
``not_found`` (404), ``not_ready`` (422), ``expired`` (410)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from township.core.excel import XLSX_TYPE
from township.downloads import services
from township.downloads.models import ExportJob
from township.downloads.registry import export_kinds

router = Router(tags=["downloads"])


class ExportKindOut(Schema):
    kind: str
    label: str
    columns: list[str]
    masked_columns: list[str]


class ExportJobOut(Schema):
    id: int
    kind: str
    label: str
    params: dict[str, Any]
    state: str
    state_label: str
    progress: int
    rows: int
    total: int | None
    unmasked: bool
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime
    expired: bool
    error: str
    download_url: str | None

    @staticmethod
    def resolve_state_label(obj: ExportJob) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_expired(obj: ExportJob) -> bool:
        return services.job_expired(obj)

    @staticmethod
    def resolve_download_url(obj: ExportJob) -> str | None:
        if obj.state != ExportJob.State.DONE or services.job_expired(obj):
            return None
        return f"/api/v1/downloads/{obj.pk}/file"


class ExportJobIn(Schema):
    kind: str = Field(max_length=64)
    params: dict[str, Any] = {}


@router.get("/kinds", response=list[ExportKindOut])
def kinds(request: HttpRequest) -> list[dict[str, Any]]:
    """The exports offered to the caller (kind, Chinese label, column headers, masked column keys)."""
    return [
        {
            "kind": k.kind,
            "label": str(k.label),
            "columns": k.header(),
            "masked_columns": sorted(k.masked_columns),
        }
        for k in export_kinds()
        if k.allowed is None or k.allowed(request.user)
    ]


@router.get("/", response=list[ExportJobOut])
def job_list(request: HttpRequest) -> list[ExportJob]:
    """The caller's exports, newest first (50)."""
    return list(services.job_list(user=request.user)[:50])


@router.post("/", response={200: ExportJobOut, 202: ExportJobOut})
def job_create(request: HttpRequest, payload: ExportJobIn) -> Status[ExportJob]:
    """Export a list as the filter shows it (``params``: the list page's query parameters), masked per the caller's
    permission. Up to 5,000 rows the file is ready at once (200, ``state`` done); more are queued (202) and built
    by the worker: poll ``GET /{id}``, then fetch ``download_url``."""
    started = services.export_start(user=request.user, kind=payload.kind, params=payload.params)
    return Status(202 if started.queued else 200, started.job)


@router.get("/{job_id}", response=ExportJobOut)
def job_status(request: HttpRequest, job_id: int) -> ExportJob:
    """One of the caller's exports: state, progress, rows. Anyone else's: 404."""
    return services.job_get(user=request.user, pk=job_id)


@router.get("/{job_id}/file", response={200: None})
def job_file(request: HttpRequest, job_id: int) -> FileResponse:
    """The finished file (xlsx). Another user's job: 404; expired: 410; not finished: 422 ``not_ready``."""
    job, path = services.job_file(user=request.user, pk=job_id)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=job.filename, content_type=XLSX_TYPE)
