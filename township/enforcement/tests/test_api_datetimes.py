"""Issue 17.6: no 500 for a time without a timezone (or any ill-typed date) through the enforcement API.

An investigative act is the action ``penalty_act`` (``POST /api/v1/cases/{id}/actions/penalty_act``). A time without a
timezone is read as Beijing time (``settings.TIME_ZONE``, Asia/Shanghai) and the schema says so; a value that is not a
date or cannot be represented is refused with 422 ``{code, message, field}``. The enforcement endpoints that still take
dates (filing, the late-fine schedule, a random-inspection result) refuse bad ones with a 4xx as well.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from township.enforcement.machine import PenaltyState as S
from township.enforcement.tests.factories import PenaltyCaseFactory
from township.enforcement.tests.test_case_actions_api import act, done, refused

UTC = dt.UTC


def _act_body(world: Any, at: Any) -> dict[str, Any]:
    return {"kind": "inspection", "at": at, "place": "东海村3组", "officers": [world.o1.pk, world.o2.pk]}


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2026-03-02T09:30", dt.datetime(2026, 3, 2, 1, 30, tzinfo=UTC)),  # naive: Beijing time
        ("2026-03-02 09:30:00", dt.datetime(2026, 3, 2, 1, 30, tzinfo=UTC)),
        ("2026-03-02T09:30:00+08:00", dt.datetime(2026, 3, 2, 1, 30, tzinfo=UTC)),
        ("2026-03-02T01:30:00Z", dt.datetime(2026, 3, 2, 1, 30, tzinfo=UTC)),
    ],
)
def test_an_act_at_a_time_without_a_timezone_is_read_as_beijing_time(world, client, at, expected):
    pc = PenaltyCaseFactory(world=world)
    done(act(client, pc, "penalty_act", world.o1, _act_body(world, at)), S.INVESTIGATING)
    recorded = pc.acts.get()
    assert recorded.at == expected
    assert recorded.at.astimezone(dt.timezone(dt.timedelta(hours=8))).hour == 9


@pytest.mark.parametrize("at", [20260302, ["2026-03-02T09:30"], {"at": "2026-03-02"}, True, "0001-01-01T00:30+08:00"])
def test_an_ill_typed_or_unrepresentable_time_is_a_422_not_a_500(world, client, at):
    pc = PenaltyCaseFactory(world=world)
    response = act(client, pc, "penalty_act", world.o1, _act_body(world, at))
    assert response.status_code == 422, response.content.decode()
    refused(response, "invalid_input", "at")
    assert not pc.acts.exists()


def test_an_ill_typed_date_of_another_step_is_a_422(world, client):
    pc = PenaltyCaseFactory(world=world, state=S.INVESTIGATING)
    notice = {"types": ["fine"], "fine": "500", "facts": "f", "reasons": "r", "basis": "b", "mode": "direct"}
    for value in (20260302, ["2026-03-02"], {"d": 1}):
        response = act(client, pc, "penalty_notice", world.o1, {**notice, "served_on": value})
        assert response.status_code == 422, response.content.decode()
        refused(response, "invalid_input", "served_on")


def test_the_schema_says_a_time_without_a_timezone_is_beijing_time(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    op = schema["paths"]["/api/v1/cases/{case_id}/actions/penalty_act"]["post"]
    at = op["requestBody"]["content"]["application/json"]["schema"]["properties"]["at"]
    assert at["format"] == "date-time"
    assert "Asia/Shanghai" in at["description"] and "北京时间" in at["description"]


def test_the_enforcement_endpoints_taking_dates_refuse_bad_ones_with_a_4xx(world, client):
    pc = PenaltyCaseFactory(world=world)
    client.force_login(world.o1)
    filing = {
        "jurisdiction": world.town.pk,
        "approved_by": world.leader.pk,
        "party_kind": "person",
        "party_name": "张三",
        "domain": "city",
        "investigators": [world.o1.pk, world.o2.pk],
    }
    for act_date in ("2026-02-20T10:00:00", 20260220, ["2026-02-20"], "0000-01-01", "yesterday"):
        r = client.post("/api/v1/enforcement/cases", {**filing, "act_date": act_date}, content_type="application/json")
        assert 400 <= r.status_code < 500, (act_date, r.content.decode())
        assert set(r.json()) >= {"code", "message", "field"}
    for until in ("2026-13-01", "x", "2026-03-02T10:00:00+08:00"):
        r = client.get(f"/api/v1/enforcement/cases/{pc.pk}/late-fine", {"until": until})
        assert r.status_code < 500, (until, r.content.decode())
    r = client.post(
        "/api/v1/enforcement/plans/999/visits/1/result",
        {"result": "ok", "checked_on": 5},
        content_type="application/json",
    )
    assert 400 <= r.status_code < 500, r.content.decode()
