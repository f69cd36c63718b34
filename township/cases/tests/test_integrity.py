"""verify_timeline catches edited, deleted and reordered events, and deleted cases."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from township.cases.integrity import checkpoint_create, verify_all
from township.cases.services import case_note, case_open, case_transition


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


@pytest.fixture
def busy_case(toy_case, clerk_a):
    case_transition(case=toy_case, name="accept", actor=clerk_a)
    case_note(case=toy_case, actor=clerk_a, comment="电话联系申请人")
    case_note(case=toy_case, actor=clerk_a, comment="第二次联系")
    return toy_case


def test_clean_timeline_verifies(busy_case, capsys):
    call_command("verify_timeline")
    assert "OK: 1 case(s) verified" in capsys.readouterr().out


def test_edited_event_is_caught(busy_case):
    _raw("UPDATE cases_caseevent SET comment = %s WHERE case_id = %s AND seq = 3", ["篡改", busy_case.pk])
    with pytest.raises(CommandError):
        call_command("verify_timeline")
    _, problems = verify_all()
    assert [(p.seq, p.kind) for p in problems] == [(3, "edited")]


def test_deleted_event_is_caught(busy_case):
    _raw("DELETE FROM cases_caseevent WHERE case_id = %s AND seq = 2", [busy_case.pk])
    _, problems = verify_all()
    assert any(p.kind == "deleted" and p.seq == 2 for p in problems)


def test_deleted_last_event_is_caught(busy_case):
    _raw("DELETE FROM cases_caseevent WHERE case_id = %s AND seq = 4", [busy_case.pk])
    _, problems = verify_all()
    assert any(p.kind == "deleted" for p in problems)


def test_reordered_events_are_caught(busy_case):
    _raw("UPDATE cases_caseevent SET seq = 100 WHERE case_id = %s AND seq = 3", [busy_case.pk])
    _raw("UPDATE cases_caseevent SET seq = 3 WHERE case_id = %s AND seq = 4", [busy_case.pk])
    _raw("UPDATE cases_caseevent SET seq = 4 WHERE case_id = %s AND seq = 100", [busy_case.pk])
    _, problems = verify_all()
    assert any(p.kind == "reordered" for p in problems)


def test_deleted_case_is_caught_by_the_checkpoint(busy_case, town_a, clerk_a):
    other = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
    checkpoint_create()
    assert verify_all()[1] == []
    _raw("DELETE FROM cases_caseevent WHERE case_id = %s", [other.pk])
    _raw("DELETE FROM cases_case WHERE id = %s", [other.pk])
    _, problems = verify_all()
    assert any(p.kind == "missing_case" and p.case_id == other.pk for p in problems)
    _raw("DELETE FROM cases_caseseal WHERE case_id_sealed = %s", [other.pk])
    _, problems = verify_all()
    assert any(p.kind == "checkpoint" for p in problems)
