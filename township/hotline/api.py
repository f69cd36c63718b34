"""12345 endpoints (/api/v1/hotline/): orders (list, intake, one), Excel imports (upload, progress and row errors),
indicators. The steps of an order are the engine's actions: ``POST /api/v1/cases/{case_id}/actions/hl_…``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from township.core.errors import NotFound
from township.core.identifiers import mask_name, mask_phone
from township.hotline import selectors, services
from township.hotline.indicators import INDICATORS
from township.hotline.machine import CENTRE
from township.hotline.models import ImportJob, Order
from township.hotline.services.imports import INLINE_ROWS, count_rows
from township.org.scoping import reach

router = Router(tags=["hotline"])


def _me(request: HttpRequest) -> Any:
    """The signed-in user (the selectors and services take ``User | None``; an anonymous user reaches nothing)."""
    return request.user


class OrderOut(Schema):
    id: int
    case_id: int
    number: str
    external_no: str
    jurisdiction: str
    village: str | None
    channel: str
    called_at: datetime
    caller_name: str
    caller_phone: str
    kind: str
    urgency: str
    matter: str
    content: str
    address: str
    state: str
    state_label: str
    due_at: datetime | None
    warning: str
    lead_department: int | None
    lead_village: str | None
    lead_unit: str
    designated: bool
    sign_due_at: datetime | None
    signed_at: datetime | None
    return_count: int
    extension_count: int
    rework_rounds: int
    reply: str
    satisfaction: str


def _out(o: Order) -> dict[str, Any]:
    return {
        "id": o.pk,
        "case_id": o.case_id,
        "number": o.case.number,
        "external_no": o.external_no,
        "jurisdiction": o.jurisdiction_id,
        "village": o.village_id,
        "channel": o.channel,
        "called_at": o.called_at,
        "caller_name": mask_name(o.caller_name) if o.caller_name else "",
        "caller_phone": mask_phone(o.caller_phone) if o.caller_phone else "",
        "kind": o.kind,
        "urgency": o.urgency,
        "matter": o.matter,
        "content": o.content,
        "address": o.address,
        "state": o.case.state,
        "state_label": o.case.state_label,
        "due_at": o.case.due_at,
        "warning": o.case.warning(),
        "lead_department": o.lead_department_id,
        "lead_village": o.lead_village_id,
        "lead_unit": o.lead_unit_name,
        "designated": o.designated,
        "sign_due_at": o.sign_due_at,
        "signed_at": o.signed_at,
        "return_count": o.return_count,
        "extension_count": o.extension_count,
        "rework_rounds": o.rework_rounds,
        "reply": o.reply,
        "satisfaction": o.satisfaction,
    }


class OrderPage(Schema):
    count: int
    results: list[OrderOut]


class OrderIn(Schema):
    jurisdiction: str | None = None
    external_no: str = ""
    called_at: datetime | None = None
    caller_name: str = ""
    caller_phone: str = ""
    kind: str = "consult"
    urgency: str = "normal"
    matter: str = ""
    content: str
    address: str = ""
    village: str | None = None


class ImportJobOut(Schema):
    id: int
    filename: str
    mode: str
    status: str
    status_label: str
    percent: int
    total: int
    validated: int
    written: int
    created: int
    error_count: int
    message: str
    errors: list[dict[str, Any]]


def _job_out(j: ImportJob) -> dict[str, Any]:
    return {
        "id": j.pk,
        "filename": j.filename,
        "mode": j.mode,
        "status": j.status,
        "status_label": j.get_status_display(),
        "percent": j.percent,
        "total": j.total,
        "validated": j.validated,
        "written": j.written,
        "created": j.created_count,
        "error_count": j.error_count,
        "message": j.message,
        "errors": list(j.errors or []),
    }


class IndicatorOut(Schema):
    key: str
    label: str
    numerator: int
    denominator: int
    rate: float | None
    formula: str


def _town(request: HttpRequest, wanted: str | None) -> str:
    towns = sorted(reach(_me(request), CENTRE).codes)
    if wanted and wanted in towns:
        return wanted
    if wanted or not towns:
        raise NotFound()
    return towns[0]


@router.get("/orders", response=OrderPage)
def orders(
    request: HttpRequest,
    state: str = "",
    kind: str = "",
    urgency: str = "",
    department: int | None = None,
    village: str = "",
    overdue: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    offset: int = 0,
    limit: int = 50,
) -> Any:
    """Orders the user may see, newest call first, with the list page's filters."""
    f = selectors.OrderFilter(
        state=state,
        kind=kind,
        urgency=urgency,
        department=department,
        village=village,
        overdue=overdue,
        date_from=date_from,
        date_to=date_to,
        q=q.strip()[:100],
    )
    qs = selectors.order_list(actor=_me(request), f=f)
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    return {"count": qs.count(), "results": [_out(o) for o in qs[offset : offset + limit]]}


@router.post("/orders", response={201: OrderOut})
def create_order(request: HttpRequest, payload: OrderIn) -> Any:
    """受理 a work order (hotline operator or dispatcher). Error codes: role_required, hotline_content_required,
    hotline_village_invalid, hotline_duplicate_external_no, invalid_input, not_found (a town not yours)."""
    from township.hotline.models import Channel

    order = services.order_create(
        jurisdiction=_town(request, payload.jurisdiction),
        actor=_me(request),
        content=payload.content,
        kind=payload.kind,
        urgency=payload.urgency,
        matter=payload.matter,
        called_at=payload.called_at,
        caller_name=payload.caller_name,
        caller_phone=payload.caller_phone,
        address=payload.address,
        village=payload.village,
        external_no=payload.external_no,
        channel=Channel.API,
    )
    return Status(201, _out(selectors.order_get(actor=_me(request), pk=order.pk)))


@router.get("/orders/{order_id}", response=OrderOut)
def order(request: HttpRequest, order_id: int) -> Any:
    """One order. Error codes: not_found."""
    return _out(selectors.order_get(actor=_me(request), pk=order_id))


@router.post("/imports", response={201: ImportJobOut})
def create_import(
    request: HttpRequest,
    file: File[UploadedFile],
    mode: Form[str] = "all",
    jurisdiction: Form[str] = "",
) -> Any:
    """Upload a hotline export (.xlsx). Files of up to 500 rows are imported at once; larger ones are queued for the
    worker — poll ``GET /imports/{id}``. Error codes: role_required, hotline_import_file, not_found."""
    content = file.read()
    job = services.job_create(
        actor=_me(request),
        jurisdiction=_town(request, jurisdiction or None),
        filename=file.name or "import.xlsx",
        content=content,
        mode=mode,
    )
    if count_rows(content) <= INLINE_ROWS:
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.VALIDATING
        )
        if claimed:
            job = services.job_run(job)
    return Status(201, _job_out(selectors.job_get(actor=_me(request), pk=job.pk)))


@router.get("/imports/{job_id}", response=ImportJobOut)
def import_job(request: HttpRequest, job_id: int) -> Any:
    """An import's progress (percent) and its row errors (row, column, message). Error codes: not_found."""
    return _job_out(selectors.job_get(actor=_me(request), pk=job_id))


@router.get("/indicators", response=list[IndicatorOut])
def indicators(request: HttpRequest, start: date | None = None, end: date | None = None) -> Any:
    """响应率 / 解决率 / 满意率 of the user's towns over [start, end] (default: this month)."""
    towns = sorted(reach(_me(request), (*CENTRE, "leader")).codes)
    today = timezone.localdate()
    d1, d2 = start or today.replace(day=1), end or today
    tz = timezone.get_current_timezone()
    lo = datetime.combine(d1, time.min, tzinfo=tz)
    hi = datetime.combine(d2 + timedelta(days=1), time.min, tzinfo=tz)
    out = []
    for ind in INDICATORS:
        num, den = ind.compute(towns, lo, hi) if towns else (0, 0)
        out.append(
            {
                "key": ind.key,
                "label": str(ind.label),
                "numerator": num,
                "denominator": den,
                "rate": (num / den) if den else None,
                "formula": str(ind.formula),
            }
        )
    return out
