"""The 下载中心 page, the 导出 entry of every list, and the download of a finished file (owner only)."""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from township.core.errors import DomainError, NotFound
from township.core.excel import XLSX_TYPE
from township.downloads import services
from township.downloads.models import ExportJob

PAGE_JOBS = 50


def export_url(kind: str, params: dict[str, object] | None = None) -> str:
    """The 导出 link of a list: the kind and the list's filter as query parameters."""
    from urllib.parse import urlencode

    clean = {k: v for k, v in (params or {}).items() if v not in (None, "", [])}
    return reverse("downloads:export", args=[kind]) + ("?" + urlencode(clean) if clean else "")


def _rows(request: HttpRequest) -> tuple[list[dict[str, object]], bool]:
    now = timezone.now()
    jobs = list(services.job_list(user=request.user)[:PAGE_JOBS])
    rows = [{"job": j, "expired": services.job_expired(j, now)} for j in jobs]
    running = any(j.state in (ExportJob.State.QUEUED, ExportJob.State.RUNNING) for j in jobs)
    return rows, running


@login_required
@require_GET
def center(request: HttpRequest) -> HttpResponse:
    """下载中心: the user's exports (state, progress, rows, download until expiry); polls while one runs."""
    rows, running = _rows(request)
    template = "downloads/_jobs.html" if request.headers.get("HX-Request") else "downloads/center.html"
    return render(request, template, {"rows": rows, "running": running, "expiry_days": services.EXPIRY.days})


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "downloads/error.html", {"message": exc.message, "field": exc.field}, status=exc.status)


@login_required
@require_GET
def export(request: HttpRequest, kind: str) -> HttpResponse:
    """导出 of a list: the file at once when small, else a job in the 下载中心 ("已加入下载中心")."""
    params = {k: v for k, v in request.GET.items() if k not in ("cursor", "page", "before")}
    try:
        started = services.export_start(user=request.user, kind=kind, params=params)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        return _error(request, exc)
    if started.content is not None:
        return FileResponse(
            BytesIO(started.content), as_attachment=True, filename=started.job.filename, content_type=XLSX_TYPE
        )
    messages.success(request, _("已加入下载中心，生成后可在此下载"))
    return redirect("downloads:center")


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The file of one of the user's exports; 404 for anyone else, 410 once expired."""
    try:
        job, path = services.job_file(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        return _error(request, exc)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=job.filename, content_type=XLSX_TYPE)
