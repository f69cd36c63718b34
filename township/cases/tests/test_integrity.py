"""verify_timeline catches edited, deleted and reordered events, and deleted cases."""

from __future__ import annotations

import os

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from township.cases.integrity import checkpoint_create, verify_all
from township.cases.services import case_note, case_open, case_transition

# Tampering goes past the append-only triggers with ``session_replication_role``, which a Citus coordinator does
# not pass on to the workers' shards: on the cluster these tests cannot tamper (scripts/citus_ci.sh).
pytestmark = pytest.mark.skipif(
    os.environ.get("DB_CITUS") == "1", reason="tampering past the triggers does not reach a Citus shard"
)


def _raw(sql: str, params: list, *, bypass_triggers: bool = True) -> None:
    """Tamper as a database superuser would: on PostgreSQL past the append-only triggers (migration 0008)."""
    bypass = bypass_triggers and connection.vendor == "postgresql"
    with connection.cursor() as cur:
        if bypass:
            cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute(sql, params)
        if bypass:
            cur.execute("SET LOCAL session_replication_role = origin")


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


def test_a_rewound_head_is_caught_by_the_seal(busy_case, clerk_a):
    """An attacker deletes the newest event and rewinds the case's head: the seal still names the deleted one."""
    checkpoint_create()
    last = busy_case.events.order_by("-seq").first()
    _raw("DELETE FROM cases_caseevent WHERE case_id = %s AND seq = %s", [busy_case.pk, last.seq])
    _raw(
        "UPDATE cases_case SET head_seq = %s, head_hash = %s WHERE id = %s",
        [last.seq - 1, last.prev_hash, busy_case.pk],
    )
    _, problems = verify_all()
    assert [(p.seq, p.kind) for p in problems] == [(last.seq, "truncated")]


def test_unsealed_heads_are_reported_until_a_checkpoint_seals_them(busy_case, clerk_a):
    from township.cases.integrity import heads_unsealed

    assert heads_unsealed()
    checkpoint_create()
    assert not heads_unsealed()
    case_note(case=busy_case, actor=clerk_a, comment="又一次联系")
    assert heads_unsealed()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE cases_caseevent SET comment = 'x' WHERE case_id = %s",
        "DELETE FROM cases_caseevent WHERE case_id = %s",
        "DELETE FROM cases_caseseal WHERE case_id_sealed = %s",
        "UPDATE cases_checkpoint SET seal_count = 0 WHERE %s > 0",
        "DELETE FROM cases_checkpoint WHERE %s > 0",
    ],
)
def test_postgresql_refuses_changes_to_the_timeline(busy_case, sql):
    from django.db import DatabaseError, transaction

    checkpoint_create()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(sql, [busy_case.pk], bypass_triggers=False)


@pytest.mark.django_db
def test_an_event_dated_in_local_time_verifies(toy_case, clerk_a):
    """A service may pass ``at`` in Beijing time (+08:00); the chain hashes the instant as stored (UTC)."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from township.cases.services import _append

    local = timezone.now().astimezone(ZoneInfo("Asia/Shanghai"))
    _append(toy_case, kind="note", actor=clerk_a, at=local, name="n", label="备注")
    case_note(case=toy_case, actor=clerk_a, name="n2", label="备注")
    assert verify_all()[1] == []
