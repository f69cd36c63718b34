"""Endpoints × roles × foreign objects: nobody in town B reaches an object of town A (SPEC §5).

The matrix is built from the code, so a new endpoint is covered the day it is added:
- every API operation with an integer path parameter (from the generated OpenAPI document), with
  its own HTTP method and a request body built from its schema;
- every web URL pattern with an ``<int:…>`` converter (GET and POST);
- every role of ``org.Role`` as a user holding only that role in town B (油溪镇), plus a user holding
  all roles there and a county leader of another county (肃宁县, unit and below).

Town A is the demo town 白沙镇 filled by ``seed_demo`` (every capability's demo data) plus one case of
each registered machine. Each path parameter gets ids of town A's rows of the model it names
(``case_id`` → Case, ``…/items/<pk>`` → *Item models); a parameter that names no model gets one id of
every town-A model. A response with status 2xx is a leak, unless the endpoint is public by law
(PUBLIC below, with the reason). Finally no row of town A may have changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from township.core.demo import BAISHA
from township.org.models import DataScope, Jurisdiction, Level, Role, RoleGrant, User

TOWN_B = "500116101"  # 江津区油溪镇: same county as 白沙镇, no demo data
FOREIGN_COUNTY = "130926"  # 河北省肃宁县

# Endpoints that are public by law (政务公开) and may answer anyone: prefix → reason.
PUBLIC: dict[str, str] = {
    "/api/v1/catalog/public/": "published service guides are public (政务服务事项公开)",
    "/guide/": "published service guides are public (政务服务事项公开)",
    "/verify/": "certificate verification is public by design",
    "/api/v1/certificates/verify/": "certificate verification is public by design",
    "/approval/apply/": "anyone may apply for a published service item (the item is public; rows are checked below)",
}
# A parameter whose name does not say its model: "<route prefix>:<param>" → model labels.
PARAM_MODELS: dict[str, list[str]] = {}

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


# --- town A's objects --------------------------------------------------------------------------


def scoped_models() -> list[type[models.Model]]:
    out = []
    for model in apps.get_models():
        if model._meta.app_label in {"org", "core"}:
            continue
        field = next((f for f in model._meta.fields if f.name == "jurisdiction"), None)
        if field is not None and field.related_model is Jurisdiction:
            out.append(model)
    return out


def town_a_rows(model: type[models.Model]) -> models.QuerySet:
    return model._default_manager.filter(jurisdiction_id=BAISHA)


def fingerprint() -> dict[str, str]:
    out = {}
    for model in scoped_models():
        rows = list(town_a_rows(model).order_by("pk").values())
        out[model._meta.label] = hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()
    return out


def _stem(route: str, param: str) -> str:
    if param not in ("pk", "id"):
        return param.removesuffix("_id").replace("_", "")
    before = route.split("{" + param + "}")[0] if "{" in route else route.split(f"<int:{param}>")[0]
    segments = [s for s in before.strip("/").split("/") if s and "<" not in s and "{" not in s]
    word = segments[-1] if segments else ""
    return re.sub(r"(ies)$", "y", word).removesuffix("s").replace("_", "").replace("-", "")


def candidate_ids(route: str, param: str, ids_by_model: dict[str, list[int]]) -> tuple[list[int], str]:
    for prefix, labels in PARAM_MODELS.items():
        rprefix, _, pname = prefix.partition(":")
        if route.startswith(rprefix) and pname == param:
            return [i for label in labels for i in ids_by_model.get(label, [])[:2]], ",".join(labels)
    stem = _stem(route, param)
    segments = {seg.replace("-", "").replace("_", "") for seg in re.split(r"[/.]", route.lower()) if seg}
    scored: dict[str, int] = {}
    for model in apps.get_models():
        app, name = model._meta.app_label, model._meta.model_name
        if not stem or not (name == stem or name.endswith(stem) or name.startswith(stem)):
            continue
        score = 2 if name == stem else 0
        score += 4 if app in segments or app.removesuffix("s") in segments else 0
        score += 4 if name != stem and (name.removesuffix(stem) in segments or name in segments) else 0
        scored[model._meta.label] = score
    best = max(scored.values(), default=0)
    matched = sorted(label for label, score in scored.items() if score == best)
    scoped = {m._meta.label for m in scoped_models()}
    if matched and not any(label in scoped for label in matched):
        return [], "reference table " + ",".join(matched)  # shared rows belong to no town
    if matched:
        return sorted({i for label in matched for i in ids_by_model.get(label, [])[:2]}), ",".join(matched)
    return sorted({ids[0] for ids in ids_by_model.values()}), "any"


# --- the endpoints ----------------------------------------------------------------------------


def _walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def web_targets() -> list[tuple[str, str, list[str]]]:
    """(method, route with <int:x>, int params) of every non-API web URL."""
    out = []
    for route, pattern in _walk(get_resolver()):
        if route.startswith(("admin/", "api/")):
            continue
        converters = getattr(pattern.pattern, "converters", {})
        params = [name for name, conv in converters.items() if isinstance(conv, IntConverter)]
        if params and not any(not isinstance(c, IntConverter) for c in converters.values()):
            for method in ("get", "post"):
                out.append((method, "/" + route, params))
    return out


def api_targets(schema: dict[str, Any]) -> list[tuple[str, str, list[str], dict[str, Any]]]:
    out = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            path_params = [p for p in op.get("parameters", []) if p["in"] == "path"]
            if path_params and all(p["schema"].get("type") == "integer" for p in path_params):
                out.append((method, path, [p["name"] for p in path_params], op))
    return out


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        node = schema["components"]["schemas"][name]
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(schema, node["allOf"][0])
    if "anyOf" in node:
        first = next((n for n in node["anyOf"] if n.get("type") != "null"), node["anyOf"][0])
        return _resolve(schema, first)
    return node


def sample(schema: dict[str, Any], node: dict[str, Any], depth: int = 0) -> Any:
    """A plausible value for a JSON schema node: enough to get past validation to the scope check."""
    node = _resolve(schema, node)
    if "enum" in node:
        return node["enum"][0]
    if "default" in node:
        return node["default"]
    kind = node.get("type")
    fmt = node.get("format", "")
    if kind == "object" or "properties" in node:
        if depth > 4:
            return {}
        props = node.get("properties", {})
        return {k: sample(schema, v, depth + 1) for k, v in props.items() if k in node.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if fmt == "date":
        return "2026-03-02"
    if fmt == "date-time":
        return "2026-03-02T09:00:00+08:00"
    if fmt == "binary":
        return b"%PDF-1.4\n%%EOF\n"
    return "x"


# --- the people of town B ---------------------------------------------------------------------


def town_b_people() -> list[tuple[str, User]]:
    county = Jurisdiction.objects.get(code="500116")
    town_b = Jurisdiction.objects.get_or_create(
        code=TOWN_B, defaults={"name": "油溪镇", "level": Level.TOWN, "parent": county}
    )[0]
    village_b = Jurisdiction.objects.filter(parent=town_b, level=Level.VILLAGE).first() or town_b
    people = []
    for role in Role:
        user = User.objects.create_user(username=f"b_{role.value}", password="B-town-pass-2026")
        unit = village_b if role == Role.VILLAGE_AGENT else town_b
        RoleGrant.objects.create(user=user, jurisdiction=unit, role=role)
        people.append((role.value, user))
    everyone = User.objects.create_user(username="b_all_roles", password="B-town-pass-2026", is_staff=True)
    for role in Role:
        if role in (Role.SECURITY_ADMIN, Role.AUDITOR):  # 三员分立: one administrator role per user
            continue
        RoleGrant.objects.create(user=everyone, jurisdiction=town_b, role=role)
    people.append(("all roles", everyone))
    far = User.objects.create_user(username="far_leader", password="B-town-pass-2026")
    RoleGrant.objects.create(
        user=far, jurisdiction_id=FOREIGN_COUNTY, role=Role.LEADER, data_scope=DataScope.UNIT_AND_BELOW
    )
    people.append(("leader of 肃宁县 and below", far))
    return people


def _open_one_case_per_machine() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from township.cases.registry import all_machines
    from township.cases.services import case_attach, case_open

    for machine in all_machines():
        case = case_open(case_type=machine.case_type, jurisdiction=BAISHA, actor=None, title="租户矩阵")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    case_attach(case=case, actor=None, uploaded_file=SimpleUploadedFile("a.pdf", pdf, "application/pdf"))


def _public(url: str) -> bool:
    return any(url.startswith(prefix) for prefix in PUBLIC)


@pytest.mark.slow
@pytest.mark.django_db
def test_no_one_in_town_b_reaches_town_a_objects(client):
    call_command("seed_demo", stdout=io.StringIO())
    _open_one_case_per_machine()
    ids_by_model = {
        m._meta.label: list(town_a_rows(m).order_by("pk").values_list("pk", flat=True)[:2]) for m in scoped_models()
    }
    ids_by_model = {label: ids for label, ids in ids_by_model.items() if ids}
    assert "cases.Case" in ids_by_model, "town A has no case: the matrix would check nothing"

    from config.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    targets: list[tuple[str, str, list[str], dict[str, Any] | None]] = [
        (m, p, params, op) for m, p, params, op in api_targets(schema)
    ]
    targets += [(m, r, params, None) for m, r, params in web_targets()]
    assert any("/api/v1/cases/" in t[1] for t in targets) and any(t[3] is None for t in targets)

    coverage = {f"{m.upper()} {r}": {p: candidate_ids(r, p, ids_by_model) for p in ps} for m, r, ps, _ in targets}
    print("\n".join(f"{k}: {v}" for k, v in coverage.items()))  # shown with -s or on failure
    uncovered = sorted(k for k, v in coverage.items() if any(not ids for ids, _ in v.values()))
    print("not checked (no row of town A for the model they name; add demo data):\n  " + "\n  ".join(uncovered))
    assert not [k for k in uncovered if "/cases/" in k], "the case endpoints must be covered"
    people = town_b_people()
    before = fingerprint()
    leaks: list[str] = []
    checked = 0
    for who, user in people:
        client.force_login(user)
        for method, route, params, op in targets:
            choices = {p: candidate_ids(route, p, ids_by_model) for p in params}
            if any(not ids for ids, _ in choices.values()):
                continue
            url = route
            for p, (ids, _) in choices.items():
                url = url.replace("{" + p + "}", str(ids[0])).replace(f"<int:{p}>", str(ids[0]))
            if _public(url):
                continue
            kwargs: dict[str, Any] = {}
            if op is not None and method != "get":
                content = op.get("requestBody", {}).get("content", {})
                if "application/json" in content:
                    body = sample(schema, content["application/json"]["schema"])
                    kwargs = {"data": json.dumps(body), "content_type": "application/json"}
                elif "multipart/form-data" in content:
                    body = sample(schema, content["multipart/form-data"]["schema"])
                    kwargs = {"data": {k: (io.BytesIO(v) if isinstance(v, bytes) else v) for k, v in body.items()}}
            response = getattr(client, method)(url, **kwargs)
            checked += 1
            if 200 <= response.status_code < 300:
                models_named = "; ".join(f"{p}→{label}" for p, (_, label) in choices.items())
                leaks.append(f"{who}: {method.upper()} {url} → {response.status_code} ({models_named})")
        client.logout()
    assert checked >= len(people) * 3
    assert not leaks, "town B reached town A's objects:\n" + "\n".join(leaks[:60])
    changed = [label for label, digest in fingerprint().items() if before.get(label) != digest]
    assert not changed, f"requests from town B changed town A's rows in: {changed}"
