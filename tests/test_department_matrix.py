"""Department axis of the tenancy matrix: inside one town, nobody of department X reaches department Y's grid events
(数据权限 per grant, 承办/协办; issue 11 item 5).

Built like ``test_tenancy_matrix.py``, from the code, so a new page or operation is covered the day it is added:
- every API operation and web URL with integer path parameters, for the ids of department Y's events and of what
  hangs off them (their cases, photos, attachments, escalations, handovers); any 2xx is a leak;
- every list page, export and statistic (web URLs and API ``GET`` operations without path parameters): a 2xx body
  (JSON, HTML or an Excel export) must not name one of Y's events (ticket or case number), and the grid statistics
  must count nothing.
People: for every role of ``org.Role`` a user holding it in 白沙镇 for department X only (本单位), plus a handler of X
with 自定 = [X] and one with 仅本人. X is a new department with no event; Y are all the departments the demo
dispatched events to. Finally no event or case of the town may have changed.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import pytest
from django.urls import get_resolver

from tests.test_tenancy_matrix import _public, _walk, api_targets, candidate_ids, sample, web_targets
from township.core.demo import BAISHA
from township.org.models import DataScope, Department, Role, RoleGrant, User

GRID_MODELS = ("grid.Event", "cases.Case", "grid.EventPhoto", "grid.Escalation", "grid.Handover", "cases.Attachment")
LIST_PEOPLE = ("handler", "dispatcher", "grid_patroller", "leader", "all roles")


def _seed() -> None:
    from township.cases.models import Case
    from township.grid.demo_seed import seed_baisha
    from township.org import demo as org_demo

    org_demo.seed(io.StringIO())
    seed_baisha(io.StringIO())
    assert Case.objects.filter(jurisdiction_id=BAISHA, case_type="grid_event").exists()


def _department_y_ids() -> dict[str, list[int]]:
    """Ids of department Y's events (dispatched, so they have a department) and of what hangs off them."""
    from township.cases.models import Attachment, Case
    from township.grid.models import Escalation, Event, EventPhoto, Handover

    events = Event.objects.filter(jurisdiction_id=BAISHA, department__isnull=False).order_by("pk")
    event_ids = list(events.values_list("pk", flat=True))
    case_ids = list(events.values_list("case_id", flat=True))
    out = {
        "grid.Event": event_ids[:3],
        "cases.Case": case_ids[:3],
        "grid.EventPhoto": list(EventPhoto.objects.filter(event_id__in=event_ids).values_list("pk", flat=True)[:2]),
        "grid.Escalation": list(Escalation.objects.filter(event_id__in=event_ids).values_list("pk", flat=True)[:2]),
        "grid.Handover": list(Handover.objects.filter(event_id__in=event_ids).values_list("pk", flat=True)[:2]),
        "cases.Attachment": list(Attachment.objects.filter(case_id__in=case_ids).values_list("pk", flat=True)[:2]),
    }
    assert Case.objects.filter(pk__in=case_ids, case_type="grid_event").count() == len(case_ids)
    return {label: ids for label, ids in out.items() if ids}


def _markers() -> list[str]:
    from township.grid.models import Event

    rows = Event.objects.filter(jurisdiction_id=BAISHA, department__isnull=False).values_list("ticket", "case__number")
    return sorted({v for row in rows for v in row if v})


def _fingerprint() -> str:
    from township.cases.models import Assignment, Case
    from township.grid.models import Event

    rows = [list(m.objects.filter(jurisdiction_id=BAISHA).order_by("pk").values()) for m in (Event, Case, Assignment)]
    return hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()


def department_x_people(x: Department) -> list[tuple[str, User]]:
    people = []
    for role in Role:
        user = User.objects.create_user(username=f"x_{role.value}", password="X-dept-pass-2026")
        RoleGrant.objects.create(user=user, jurisdiction_id=BAISHA, department=x, role=role)
        people.append((role.value, user))
    everyone = User.objects.create_user(username="x_all_roles", password="X-dept-pass-2026")
    for role in Role:
        if role not in (Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.AUDITOR):
            RoleGrant.objects.create(user=everyone, jurisdiction_id=BAISHA, department=x, role=role)
    people.append(("all roles", everyone))
    custom = User.objects.create_user(username="x_custom", password="X-dept-pass-2026")
    grant = RoleGrant.objects.create(
        user=custom, jurisdiction_id=BAISHA, department=x, role=Role.HANDLER, data_scope=DataScope.CUSTOM
    )
    grant.custom_departments.set([x])
    people.append(("handler 自定 [X]", custom))
    own = User.objects.create_user(username="x_self", password="X-dept-pass-2026")
    RoleGrant.objects.create(user=own, jurisdiction_id=BAISHA, department=x, role=Role.HANDLER, data_scope="self")
    people.append(("handler 仅本人", own))
    return people


def list_targets(schema: dict[str, Any]) -> list[str]:
    """Every list page, export and statistic: web URLs and API GET operations without path parameters."""
    out = []
    for route, pattern in _walk(get_resolver()):
        if route.startswith(("admin/", "api/")) or getattr(pattern.pattern, "converters", {}):
            continue
        if "(" in route or "^" in route or "<" in route:
            continue
        out.append("/" + route)
    for path, item in schema["paths"].items():
        if "{" not in path and "get" in item:
            out.append(path)
    return sorted(set(out))


def _text(response: Any) -> str:
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    return body.decode("utf-8", errors="replace")


@pytest.mark.slow
@pytest.mark.django_db
def test_no_one_in_department_x_reaches_department_y_events(client):
    _seed()
    x = Department.objects.create(jurisdiction_id=BAISHA, name="矩阵测试部门", kind="handler")
    ids_by_model = _department_y_ids()
    assert {"grid.Event", "cases.Case"} <= set(ids_by_model), "no dispatched event: the matrix would check nothing"
    markers = _markers()

    from config.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    targets: list[tuple[str, str, list[str], dict[str, Any] | None]] = list(api_targets(schema))
    targets += [(m, r, params, None) for m, r, params in web_targets()]
    probes = []
    for method, route, params, op in targets:
        choices = {p: candidate_ids(route, p, ids_by_model) for p in params}
        if all(ids and label in GRID_MODELS for ids, label in choices.values()):
            probes.append((method, route, choices, op))
    print("\n".join(f"{m.upper()} {r}: {c}" for m, r, c, _ in probes))  # shown with -s or on failure
    assert any("/api/v1/grid/events/" in p[1] for p in probes) and any("/cases/" in p[1] for p in probes)
    assert any(p[3] is None for p in probes), "no web page probed"
    pages = list_targets(schema)
    assert "/api/v1/grid/evaluation" in pages and "/workbench/export/" in pages

    people = department_x_people(x)
    before = _fingerprint()
    leaks: list[str] = []
    read: set[str] = set()
    checked = 0
    for who, user in people:
        client.force_login(user)
        for method, route, choices, op in probes:
            url = route
            for p, (ids, _label) in choices.items():
                url = url.replace("{" + p + "}", str(ids[0])).replace(f"<int:{p}>", str(ids[0]))
            kwargs: dict[str, Any] = {}
            if op is not None and method != "get":
                content = op.get("requestBody", {}).get("content", {})
                if "application/json" in content:
                    kwargs = {
                        "data": json.dumps(sample(schema, content["application/json"]["schema"])),
                        "content_type": "application/json",
                    }
            response = getattr(client, method)(url, **kwargs)
            checked += 1
            if 200 <= response.status_code < 300:
                leaks.append(f"{who}: {method.upper()} {url} → {response.status_code}")
        if who in LIST_PEOPLE:
            for url in pages:
                if _public(url):
                    continue
                response = client.get(url)
                checked += 1
                if 200 <= response.status_code < 300:
                    read.add(url)
                    text = _text(response)
                    named = [m for m in markers if m in text]
                    if named:
                        leaks.append(f"{who}: GET {url} names department Y's events {named[:3]}")
            evaluation = client.get("/api/v1/grid/evaluation")
            if evaluation.status_code == 200:
                counted = [r for r in evaluation.json() if any(isinstance(v, int) and v for v in r.values())]
                if counted:
                    leaks.append(f"{who}: GET /api/v1/grid/evaluation counts department Y's events {counted[:1]}")
            points = client.get("/api/v1/grid/map")
            if points.status_code == 200 and points.json():
                leaks.append(f"{who}: GET /api/v1/grid/map shows {len(points.json())} of department Y's events")
        client.logout()
    assert checked >= len(people) * len(probes)
    print(f"{len(probes)} probes × {len(people)} people; {len(read)} of {len(pages)} list pages read:", sorted(read))
    assert {"/grid/events/", "/api/v1/grid/events", "/workbench/export/", "/api/v1/cases/workbench"} <= read
    assert not leaks, "department X reached department Y's events:\n" + "\n".join(leaks[:60])
    assert _fingerprint() == before, "requests from department X changed the town's events or cases"


@pytest.mark.django_db
def test_the_matrix_sees_a_leak(client):
    """The matrix's own check: a handler of the whole town (全部) does reach department Y's events."""
    _seed()
    ids = _department_y_ids()
    user = User.objects.create_user(username="x_all", password="X-dept-pass-2026")
    RoleGrant.objects.create(user=user, jurisdiction_id=BAISHA, role=Role.HANDLER, data_scope=DataScope.ALL)
    client.force_login(user)
    assert client.get(f"/api/v1/grid/events/{ids['grid.Event'][0]}").status_code == 200
    text = _text(client.get("/grid/events/"))
    assert any(m in text for m in _markers())
