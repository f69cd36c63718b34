"""Statement budgets of the write path (issue 18): a transition through the API runs at most 8 statements, opening a
case at most 6, and the shortcuts (no savepoints, the head moved with the state, no re-read) keep every rule."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from township.cases.counts import numbered_in_one_statement
from township.cases.errors import ConcurrentTransition
from township.cases.integrity import verify_case_events
from township.cases.models import Case, CaseDayCount, CaseEvent
from township.cases.services import case_note, case_open, case_transition
from township.core.inserts import writes_in_with
from township.org.services import api_token_create

AUTH_TABLES = ("django_session", "org_apitoken", "org_user", "web_loginthrottle", "web_passwordhistory")


def citus_extra() -> int:
    """On a Citus coordinator (scripts/citus_ci.sh) a new case's id is not drawn with its number (Citus refuses
    ``nextval`` in RETURNING): its timeline head is set by one UPDATE more."""
    from township.core.citus import on_citus

    return 1 if on_citus(connection) else 0


def endpoint_statements(ctx: CaptureQueriesContext) -> list[str]:
    """The statements a request ran beyond authenticating it — the session or token lookup and the user before
    the view, the session saved after it (the same for every endpoint, not the endpoint's own). Savepoints count."""
    sqls = [q["sql"] for q in ctx.captured_queries]

    def auth(sql: str) -> bool:
        return any(f'"{t}"' in sql.split(" WHERE ")[0] for t in AUTH_TABLES)

    while sqls and auth(sqls[0]):
        sqls.pop(0)
    if len(sqls) >= 3 and '"django_session"' in sqls[-2]:  # SESSION_SAVE_EVERY_REQUEST, in its own savepoint
        del sqls[-3:]
    return sqls


def _fire(client, case, name="accept", query="", **headers):
    body = json.dumps({"name": name, "version": case.version})
    return client.post(f"/api/v1/cases/{case.pk}/transitions{query}", body, "application/json", **headers)


@pytest.mark.parametrize("auth", ["session", "token"])
def test_a_transition_through_the_api_runs_at_most_8_statements(client, town_a, clerk_a, auth):
    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, clock_unit="natural_days", clock_limit=5)
    headers = {}
    if auth == "session":
        client.force_login(clerk_a)
    else:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {api_token_create(user=clerk_a, name='集成')[1]}"
    with CaptureQueriesContext(connection) as ctx:
        res = _fire(client, case, **headers)
    assert res.status_code == 200, res.content
    statements = endpoint_statements(ctx)
    assert len(statements) <= 8, "\n".join(statements)
    if writes_in_with():  # PostgreSQL: the move and its event in one statement, and no transaction around it
        moves = [s for s in statements if s.startswith('WITH moved AS (UPDATE "cases_case"')]
        assert len(moves) == 1 and 'INSERT INTO "cases_caseevent"' in moves[0], "\n".join(statements)
        assert not any(s.startswith(("SAVEPOINT", "BEGIN")) for s in statements), "\n".join(statements)
    else:
        assert sum(s.startswith('UPDATE "cases_case"') for s in statements) == 1  # state, version and head together
        assert sum(s.startswith('INSERT INTO "cases_caseevent"') for s in statements) == 1
    body = res.json()
    assert (body["state"], body["state_label"], body["version"]) == ("working", "办理中", 2)
    assert body["event"]["seq"] == 2 and body["event"]["name"] == "accept" and body["event"]["actor"] == "窗口甲"
    assert body["detail"] is None
    case.refresh_from_db()
    assert (case.state, case.version, case.head_seq, case.head_hash) == ("working", 2, 2, body["event"]["hash"])
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert verify_case_events(case.pk, events) == []


def test_expand_detail_answers_the_whole_case(client, town_a, clerk_a):
    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
    client.force_login(clerk_a)
    res = _fire(client, case, query="?expand=detail")
    assert res.status_code == 200, res.content
    detail = res.json()["detail"]
    assert [e["name"] for e in detail["timeline"]] == ["open", "accept"]
    assert detail["state"] == "working" and detail["version"] == 2
    assert {t["name"] for t in detail["transitions"]} >= {"ask"}


def test_opening_a_case_runs_at_most_4_statements(town_a, village_a, clerk_a):
    first = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, village=village_a)
    with CaptureQueriesContext(connection) as ctx:
        case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, village=village_a, title="二")
    statements = [q["sql"] for q in ctx.captured_queries]
    # no savepoint inside the caller's transaction. Number first (SQLite, Citus): the number (and the new id), the
    # case with the head of its timeline, the day count, the first event. Number last (PostgreSQL): the id, the case
    # and its first event in one statement (core/inserts.insert_together), the number with the day count.
    if numbered_in_one_statement():
        assert len(statements) == 3, "\n".join(statements)
        assert statements[1].startswith('WITH w0 AS (INSERT INTO "cases_case"') and '"cases_caseevent"' in statements[1]
    else:
        assert len(statements) == 4 + citus_extra(), "\n".join(statements)
    assert case.pk > first.pk and Case.objects.get(pk=case.pk).head_hash == case.head_hash
    assert case.number.endswith("000002")
    assert CaseDayCount.objects.get(village_code=village_a.code).opened == 2
    events = list(CaseEvent.objects.filter(case=case))
    assert verify_case_events(case.pk, events) == [] and case.head_seq == 1


def test_numbers_have_no_gaps_and_start_per_type_and_year(town_a, clerk_a):
    numbers = [case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a).number for _ in range(3)]
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]
    assert len(set(numbers)) == 3


def test_a_transition_chains_after_a_note_written_meanwhile(town_a, clerk_a):
    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
    stale = Case.objects.get(pk=case.pk)
    case_note(case=Case.objects.get(pk=case.pk), actor=clerk_a, name="call", label="回访")  # head moves, not version
    event = case_transition(case=stale, name="accept", actor=clerk_a)
    assert event.seq == 3 and stale.head_seq == 3
    case_note(case=stale, actor=clerk_a, name="after", label="备注")
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert [e.name for e in events] == ["open", "call", "accept", "after"]
    assert verify_case_events(case.pk, events) == []
    case.refresh_from_db()
    assert case.head_seq == 4 and case.state == "working" and case.version == 2


def test_a_stale_version_loses_and_leaves_the_instance_as_read(town_a, clerk_a):
    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, clock_unit="natural_days", clock_limit=5)
    stale = Case.objects.get(pk=case.pk)
    read = {f.attname: getattr(stale, f.attname) for f in Case._meta.concrete_fields}
    case_transition(case=case, name="accept", actor=clerk_a)
    with pytest.raises(ConcurrentTransition):
        case_transition(case=stale, name="accept", actor=clerk_a)
    assert {f.attname: getattr(stale, f.attname) for f in Case._meta.concrete_fields} == read
    assert CaseEvent.objects.filter(case=case).count() == 2
