"""API hardening (issue #11 item 6): tokens write without CSRF while sessions keep it; bad input is a 4xx
``{code, message, field}`` on every endpoint, never a 500 — NUL characters, over-long strings (on SQLite and
PostgreSQL alike), unknown enum values, an empty jurisdiction, wrong check digits; schema names are unique and
every operation documents its error responses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from township.enforcement.tests.conftest import NOW, build_world
from township.org.services import api_token_create

ROOT = Path(__file__).resolve().parent.parent
CLUES = "/api/v1/enforcement/clues"


@pytest.fixture
def world(db):
    with time_machine.travel(NOW, tick=False):
        yield build_world()


@pytest.fixture
def token(world) -> str:
    return api_token_create(user=world.o1, name="integration")[1]


@pytest.fixture
def strict() -> Client:
    """A client that enforces CSRF like a real browser request would."""
    return Client(enforce_csrf_checks=True)


def _clue(**extra: object) -> dict[str, object]:
    return {"jurisdiction": "500116108", "source": "complaint", "summary": "夜间施工噪音", **extra}


def _post(client: Client, path: str, payload: object, **headers: str):
    return client.post(path, json.dumps(payload), content_type="application/json", **headers)


# --- tokens write without CSRF; sessions keep it ------------------------------------------------------------


def test_token_request_writes_without_csrf_token(world, token, strict):
    for header in ({"HTTP_AUTHORIZATION": f"Bearer {token}"}, {"HTTP_X_API_TOKEN": token}):
        response = _post(strict, CLUES, _clue(), **header)
        assert response.status_code == 201, response.content


def test_session_write_without_csrf_token_is_refused(world, strict):
    strict.force_login(world.o1)
    response = _post(strict, CLUES, _clue())
    assert response.status_code == 403
    assert response.json()["code"] == "http_error"


def test_session_write_with_csrf_token_succeeds(world, strict):
    strict.force_login(world.o1)
    strict.get("/api/v1/docs")  # any page sets the CSRF cookie
    strict.cookies.load({"csrftoken": "a" * 32})
    response = _post(strict, CLUES, _clue(), HTTP_X_CSRFTOKEN="a" * 32)
    assert response.status_code == 201, response.content


def test_token_wins_over_a_session_cookie_and_a_bad_token_is_401(world, token, strict):
    strict.force_login(world.stranger)  # a session of another town's officer rides along
    assert _post(strict, CLUES, _clue(), HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 201
    bad = _post(strict, CLUES, _clue(), HTTP_AUTHORIZATION="Bearer tsp_wrong")
    assert bad.status_code == 401 and bad.json()["code"] == "unauthenticated"


def test_no_credentials_is_401_not_a_csrf_refusal(world, strict):
    response = _post(strict, CLUES, _clue())
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


# --- NUL characters ------------------------------------------------------------------------------------------


def test_nul_in_a_json_body_is_refused_with_the_field(world, token, client):
    response = _post(client, CLUES, _clue(summary="噪音\x00"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_characters",
        "message": response.json()["message"],
        "field": "summary",
    }
    assert "NUL" in response.json()["message"]


def test_nul_in_query_and_path_is_refused(world, token, client):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.get(CLUES, {"source": "a\x00b"}, **auth)
    assert response.status_code == 400 and response.json()["field"] == "source"
    response = client.get("/api/v1/enforcement/public/5001%00/disclosures", **auth)
    assert response.status_code == 400 and response.json()["code"] == "invalid_characters"


def test_nul_in_a_grid_event_is_refused(world, token, client):
    form = {"jurisdiction": "500116108", "event_class": "01", "description": "占道\x00经营", "lon": "106", "lat": "29"}
    response = client.post("/api/v1/grid/events", form, HTTP_AUTHORIZATION=f"Bearer {token}")  # multipart form
    assert response.status_code == 400 and response.json()["code"] == "invalid_characters"
    assert response.json()["field"] == "description"


# --- over-long strings, on SQLite and PostgreSQL alike ---------------------------------------------------------


def test_overlong_party_name_is_refused_naming_the_field(world, token, client):
    response = _post(client, CLUES, _clue(party_name="张" * 10_000), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "too_long" and body["field"] == "party_name"
    assert "10000" in body["message"]
    from township.enforcement.models import Clue

    assert not Clue.objects.exists()


def test_api_maps_database_refusals_to_4xx(rf):
    from django.core.exceptions import ValidationError
    from django.db import DataError, IntegrityError

    from config.api import on_data_error, on_integrity_error, on_model_validation_error

    request = rf.get("/api/v1/")
    assert on_data_error(request, DataError("value too long")).status_code == 400
    conflict = on_integrity_error(request, IntegrityError("duplicate key"))
    assert conflict.status_code == 409 and json.loads(conflict.content)["code"] == "conflict"
    invalid = on_model_validation_error(request, ValidationError({"name": ["名称已存在"]}))
    assert invalid.status_code == 422 and json.loads(invalid.content) == {
        "code": "invalid",
        "message": "名称已存在",
        "field": "name",
    }


# --- enums, empty jurisdiction, check digits -----------------------------------------------------------------


@pytest.mark.parametrize("by", ["", "nonsense"])
def test_unknown_evaluation_dimension_is_a_4xx(world, token, client, by):
    response = client.get("/api/v1/grid/evaluation", {"by": by}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code in (400, 422) and response.json()["field"] == "by"


def test_empty_jurisdiction_is_400_on_clues_and_summary(world, token, client):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = _post(client, CLUES, _clue(jurisdiction=""), **auth)
    assert response.status_code == 400 and response.json()["field"] == "jurisdiction"
    summary = {
        "jurisdiction": "",
        "party_kind": "person",
        "party_name": "冯某",
        "types": ["warning"],
        "domain": "city",
        "facts": "乱扔垃圾",
        "basis": "条例",
        "place": "正街",
        "officers": [world.o1.pk, world.o2.pk],
    }
    response = _post(client, "/api/v1/enforcement/summary", summary, **auth)
    assert response.status_code == 400 and response.json()["field"] == "jurisdiction"
    unknown = _post(client, CLUES, _clue(jurisdiction="999999999"), **auth)
    assert unknown.status_code == 400 and unknown.json()["field"] == "jurisdiction"


@pytest.mark.parametrize(
    ("kind", "number", "code"),
    [
        ("person", "11010519491231002Y", "resident_id_invalid"),
        ("person", "110105194912310021", "resident_id_invalid"),  # wrong check digit (…002X is right)
        ("organisation", "91350100M000100Y4A", "uscc_invalid"),
    ],
)
def test_clue_party_id_check_digits(world, token, client, kind, number, code):
    response = _post(
        client, CLUES, _clue(party_kind=kind, party_id_number=number), HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 422
    assert response.json()["code"] == code and response.json()["field"] == "party_id_number"


def test_clue_with_a_valid_party_id_is_stored_compact(world, token, client):
    response = _post(
        client,
        CLUES,
        _clue(party_kind="person", party_id_number="110105 19491231 002x"),
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("applicant", "code", "words"),
    [
        ("11010519491231002Y", "resident_id_invalid", "最后一位"),
        ("110105194912310021", "resident_id_invalid", "校验位"),
        ("91350100M000100Y4A", "uscc_invalid", "校验位"),
        ("", "identifier_invalid", "请填写"),
    ],
)
def test_window_applicant_id_is_checked_naming_the_field(world, token, client, applicant, code, words):
    payload = {"item_ids": [1], "applicant": applicant}
    response = _post(client, "/api/v1/approval/applications", payload, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code and body["field"] == "applicant" and words in body["message"]


@pytest.mark.parametrize(
    ("ident", "words"), [("110105194912310021", "校验位"), ("11010519", "18位"), ("91350100M000100Y4A", "校验位")]
)
def test_window_page_names_the_problem_with_an_entered_id(clerk_a, client, ident, words):
    client.force_login(clerk_a)
    body = client.get("/approval/window/", {"id": ident}).content.decode()
    assert 'id="ident-error"' in body and words in body
    assert "未找到该主体" not in body


def test_validate_identifier_accepts_either_kind():
    from township.core.identifiers import validate_identifier

    assert validate_identifier("110105 19491231 002x") == "11010519491231002X"
    assert validate_identifier("91350100M000100Y43") == "91350100M000100Y43"


# --- the OpenAPI document -----------------------------------------------------------------------------------


def _document() -> dict:
    from config.api import api

    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))


def _response_schema(doc: dict, path: str, method: str = "get", status: str = "200") -> dict:
    ref = doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    while "$ref" in ref or ref.get("type") == "array":
        ref = ref["items"] if ref.get("type") == "array" else doc["components"]["schemas"][ref["$ref"].split("/")[-1]]
    return ref


def test_case_engine_and_enforcement_schemas_do_not_share_a_name(db):
    doc = _document()
    workbench = _response_schema(doc, "/api/v1/cases/workbench")
    case = _response_schema(doc, "/api/v1/cases/{case_id}")
    penalty = _response_schema(doc, "/api/v1/enforcement/cases/{pk}")
    assert "party_name" not in case["properties"] and "case_type" in case["properties"]
    assert "party_name" in penalty["properties"]
    assert workbench is not penalty


def test_certificate_verification_documents_what_it_returns(db, client):
    doc = _document()
    schema = _response_schema(doc, "/api/v1/certificates/verify/{identifier}")
    assert "ok" not in schema["properties"] and set(schema["required"]) == {"identifier", "status"}
    body = client.get("/api/v1/certificates/verify/NO-SUCH-CERTIFICATE")
    assert body.status_code == 200 and body.json()["status"] in ("malformed", "not_found")
    assert set(schema["required"]) <= set(body.json()) <= set(schema["properties"])


def test_no_two_api_schemas_share_a_name(db):
    """Ninja files every schema under its class name: two classes with one name overwrite each other."""
    from pydantic import BaseModel

    _document()  # builds every operation's models
    seen: dict[str, set[str]] = {}

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("township.") and ".tests" not in sub.__module__:
                seen.setdefault(sub.__name__, set()).add(f"{sub.__module__}.{sub.__qualname__}")
            walk(sub)

    walk(BaseModel)
    assert {name: places for name, places in seen.items() if len(places) > 1} == {}


def test_evaluation_dimensions_are_documented_as_an_enum(db):
    from township.grid import evaluation

    doc = _document()
    (by,) = [p for p in doc["paths"]["/api/v1/grid/evaluation"]["get"]["parameters"] if p["name"] == "by"]
    assert {"enum": sorted(evaluation.DIMENSIONS)} in [
        {"enum": sorted(option.get("enum", []))} for option in by["schema"]["anyOf"]
    ]


def test_every_operation_documents_its_error_responses(db):
    doc = _document()
    assert doc["components"]["schemas"]["ErrorOut"]["required"] == ["code", "message", "field"]
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            for status in ("400", "403", "404", "409", "422"):
                assert status in operation["responses"], f"{method.upper()} {path} lacks {status}"
            assert ("401" in operation["responses"]) == bool(operation.get("security")), f"{method} {path}"
