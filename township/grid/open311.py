"""Open311 GeoReport v2 at /open311/v2/ — plain Django views over the grid services.

Methods: discovery, services, services/{code}, POST requests (api_key), GET requests (filters),
requests/{id}, tokens/{token}; each in XML and JSON by extension (``.xml`` / ``.json``). Errors are
``[{"code", "description"}]`` / ``<errors><error>…`` with the matching HTTP status (400, 403, 404).
service_code = the six-digit class code; service_request_id = the event id; token = the ticket.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # noqa: S405  (we only build XML, never parse input)
from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from township.core.citus import public_code_jurisdiction
from township.core.errors import DomainError
from township.grid import selectors, services
from township.grid.machine import S
from township.grid.models import Event, Source

CLOSED_STATES = (S.NOT_REGISTERED, S.CLOSED, S.EVALUATED, S.CANCELLED)
MAX_REQUESTS = 1000
CHANGESET = "2026-11-22T00:00:00+08:00"


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# --- rendering ----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml_node(parent: ET.Element, tag: str, value: Any, item_tags: dict[str, str]) -> None:
    node = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for k, v in value.items():
            _xml_node(node, k, v, item_tags)
    elif isinstance(value, list):
        child = item_tags.get(tag, "item")
        for v in value:
            _xml_node(node, child, v, item_tags)
    else:
        node.text = _text(value)


def _render(fmt: str, root: str, item: str | None, payload: Any, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return HttpResponse(
            json.dumps(payload, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8"
        )
    item_tags = {
        "attributes": "attribute",
        "values": "value",
        "endpoints": "endpoint",
        "formats": "format",
    }
    el = ET.Element(root)
    if isinstance(payload, list):
        for entry in payload:
            _xml_node(el, item or "item", entry, item_tags)
    else:
        for k, v in payload.items():
            _xml_node(el, k, v, item_tags)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(el, encoding="utf-8", xml_declaration=False)
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _render(fmt, "errors", "error", [{"code": status, "description": description}], status=status)


def _open311(view: Any) -> Any:
    def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return _error(fmt, exc.status, exc.description)
        except DomainError as exc:
            status = 404 if exc.status == 404 else (403 if exc.status == 403 else 400)
            return _error(fmt, status, exc.message)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _w3(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _parse_w3(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value.replace(" ", "+")) if "T" in value else None
    if parsed is None:
        raise Open311Error(400, f"{name} 须为 W3C 日期时间格式，如 2026-01-01T00:00:00Z")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


# --- payloads ------------------------------------------------------------------------------------


def _service(ec: Any) -> dict[str, Any]:
    return {
        "service_code": ec.code,
        "service_name": ec.name,
        "description": ec.register_standard,
        "metadata": False,
        "type": "realtime",
        "keywords": f"{ec.get_kind_display()},{ec.major_name}",
        "group": ec.major_name,
    }


def _request_row(e: Event) -> dict[str, Any]:
    state = e.case.state
    return {
        "service_request_id": str(e.pk),
        "status": "closed" if state in CLOSED_STATES else "open",
        "status_notes": e.status_notes or e.case.state_label,
        "service_name": e.event_class.name,
        "service_code": e.event_class.code,
        "description": e.description,
        "agency_responsible": e.department.name if e.department_id else e.event_class.department_name,
        "service_notice": "",
        "requested_datetime": _w3(e.reported_at),
        "updated_datetime": _w3(e.updated_at),
        "expected_datetime": _w3(e.case.due_at) if state not in CLOSED_STATES else None,
        "address": e.address,
        "address_id": "",
        "zipcode": "",
        "lat": e.lat,
        "long": e.lon,
        "media_url": "",
    }


def _public_events() -> Any:
    return Event.objects.filter(public=True).select_related("case", "event_class", "department")


# --- views ------------------------------------------------------------------------------------


@require_GET
@_open311
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET discovery.{fmt}: where the endpoint is and what it speaks."""
    base = request.build_absolute_uri(reverse("open311:root"))
    payload = {
        "changeset": CHANGESET,
        "contact": "乡镇综合治理平台 指挥中心",
        "key_service": "请向指挥中心申请 api_key",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base.rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _render(fmt, "discovery", None, payload)


@require_GET
@_open311
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET services.{fmt}: the classes the public may report (部件 and 事件)."""
    rows = [_service(ec) for ec in selectors.event_class_list(public_only=True)]
    return _render(fmt, "services", "service", rows)


@require_GET
@_open311
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    """GET services/{service_code}.{fmt}: the class's attributes (none beyond the standard fields)."""
    ec = selectors.event_class_list(public_only=True).filter(code=code).first()
    if ec is None:
        raise Open311Error(404, f"service_code {code} 不存在")
    payload = {"service_code": ec.code, "attributes": []}
    return _render(fmt, "service_definition", None, payload)


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    if services.open311_key_check(data.get("api_key")) is None:
        raise Open311Error(403, "api_key 无效")
    code = data.get("service_code")
    if not code:
        raise Open311Error(400, "缺少 service_code")
    lat, lon = data.get("lat"), data.get("long")
    if not lat or not lon:
        raise Open311Error(400, "须提供 lat 和 long（本平台不支持仅凭 address_string 定位）")
    description = data.get("description") or ""
    if not description.strip():
        raise Open311Error(400, "缺少 description")
    name = " ".join(x for x in (data.get("last_name"), data.get("first_name")) if x)
    event = services.event_report(
        actor=None,
        event_class=code,
        lon=lon,
        lat=lat,
        crs=data.get("crs", "wgs84"),
        description=description,
        address=data.get("address_string", ""),
        source=Source.OPEN311,
        jurisdiction=data.get("jurisdiction_id") or None,
        contact_name=name,
        contact_phone=data.get("phone", ""),
        contact_email=data.get("email", ""),
    )
    row = {
        "service_request_id": str(event.pk),
        "token": event.ticket,
        "service_notice": f"已受理，编号 {event.case.number}，请凭查询码 {event.ticket} 查询进度",
        "account_id": "",
    }
    return _render(fmt, "service_requests", "request", [row], status=201)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_open311
def request_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET requests.{fmt} with service_request_id / service_code / start_date / end_date / status;
    POST requests.{fmt} creates a request (api_key required)."""
    if request.method == "POST":
        return _post_request(request, fmt)
    qs = _public_events()
    params = request.GET
    jurisdiction = params.get("jurisdiction_id")
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    ids = params.get("service_request_id")
    if ids:
        wanted = [x.strip() for x in ids.split(",") if x.strip()]
        if not all(x.isdigit() for x in wanted):
            raise Open311Error(400, "service_request_id 格式错误")
        qs = qs.filter(pk__in=[int(x) for x in wanted])
    else:
        codes = [x.strip() for x in (params.get("service_code") or "").split(",") if x.strip()]
        if codes:
            qs = qs.filter(event_class__code__in=codes)
        end = _parse_w3(params.get("end_date"), "end_date") or timezone.now()
        start = _parse_w3(params.get("start_date"), "start_date") or end - timedelta(days=90)
        if start > end:
            raise Open311Error(400, "start_date 晚于 end_date")
        if end - start > timedelta(days=90):
            raise Open311Error(400, "查询范围不能超过90天")
        qs = qs.filter(reported_at__gte=start, reported_at__lte=end)
        statuses = {x.strip() for x in (params.get("status") or "").split(",") if x.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status 只能是 open 或 closed")
        if statuses == {"open"}:
            qs = qs.exclude(case__state__in=CLOSED_STATES)
        elif statuses == {"closed"}:
            qs = qs.filter(case__state__in=CLOSED_STATES)
    rows = [_request_row(e) for e in qs.order_by("-reported_at", "-id")[:MAX_REQUESTS]]
    return _render(fmt, "service_requests", "request", rows)


@require_GET
@_open311
def request_detail(request: HttpRequest, pk: str, *, fmt: str) -> HttpResponse:
    """GET requests/{service_request_id}.{fmt}: one request (as a list of one, per the spec)."""
    event = _public_events().filter(pk=int(pk)).first() if pk.isdigit() else None
    if event is None:
        raise Open311Error(404, f"service_request_id {pk} 不存在")
    return _render(fmt, "service_requests", "request", [_request_row(event)])


@require_GET
@_open311
def token_detail(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    """GET tokens/{token}.{fmt}: the service_request_id behind a token."""
    ticket = token.strip().upper()
    jur = public_code_jurisdiction(ticket)
    events = (
        Event.objects.filter(ticket=ticket) if jur is None else Event.objects.filter(jurisdiction_id=jur, ticket=ticket)
    )
    event = events.only("id", "ticket").first()
    if event is None:
        raise Open311Error(404, f"token {token} 不存在")
    return _render(fmt, "service_requests", "request", [{"service_request_id": str(event.pk), "token": event.ticket}])


def root(request: HttpRequest) -> HttpResponse:
    """The bare endpoint URL: point at discovery."""
    return HttpResponse(
        json.dumps({"discovery": request.build_absolute_uri("discovery.json")}),
        content_type="application/json",
    )
