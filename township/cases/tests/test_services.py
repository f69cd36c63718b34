"""case_open / case_transition and friends, against the toy machine."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from township.cases.errors import ConcurrentTransition, TransitionRefused
from township.cases.integrity import verify_case_events
from township.cases.models import Case, CaseEvent, ClockPause
from township.cases.services import (
    case_assign,
    case_attach,
    case_extend,
    case_note,
    case_open,
    case_pause,
    case_resume,
    case_transition,
)
from township.cases.testing import advance
from township.org.models import Role

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_open_numbers_cases_per_jurisdiction_type_and_year(town_a, town_b, clerk_a, clerk_b):
    first = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
    second = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
    other = case_open(case_type="toy", jurisdiction=town_b, actor=clerk_b)
    year = first.opened_at.year
    assert first.number == f"白沙玩〔{year}〕000001"
    assert second.number == f"白沙玩〔{year}〕000002"
    assert other.number.endswith("000001")
    assert first.state == "new"
    assert first.events.get().kind == "open"


def test_a_case_types_record_is_written_with_its_case(town_a, clerk_a):
    """``case_open(record=…)``: the case type's rows, given the new case, go in the statement of the case and its
    first event on PostgreSQL (after them elsewhere), pointing at the case, with the ids the caller asks for."""
    from django.utils import timezone

    from township.cases.models import Assignment
    from township.core.inserts import Rows, draw_ids_ahead, writes_in_with

    made: list[Assignment] = []

    def record(case: Case) -> Rows:
        assert case.pk is not None  # its id is known (drawn, or the row already written)
        row = Assignment(jurisdiction_id=case.jurisdiction_id, case=case, assignee=clerk_a, assigned_at=timezone.now())
        made.append(row)
        return Rows([[row]], ids_of=[row])

    draw_ids_ahead(Case, Assignment)
    with CaptureQueriesContext(connection) as ctx:
        case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, record=record)
    (row,) = made
    assert row.pk is not None and Assignment.objects.get(pk=row.pk).case_id == case.pk
    assert verify_case_events(case.pk, list(CaseEvent.objects.filter(case=case))) == []
    inserts = [q["sql"] for q in ctx.captured_queries if 'INSERT INTO "cases_assignment"' in q["sql"]]
    assert len(inserts) == 1
    if writes_in_with():  # with the case and its first event, and no id drawn in the call (both drawn ahead)
        assert 'INSERT INTO "cases_case"' in inserts[0] and 'INSERT INTO "cases_caseevent"' in inserts[0]
        assert not any(q["sql"].startswith("SELECT nextval(") for q in ctx.captured_queries)
    else:
        assert inserts[0].startswith('INSERT INTO "cases_assignment"')


def test_transition_moves_state_and_appends_timeline(toy_case, clerk_a):
    event = case_transition(case=toy_case, name="accept", actor=clerk_a, comment="材料齐全")
    toy_case.refresh_from_db()
    assert toy_case.state == "working"
    assert toy_case.version == 2
    assert event.seq == 2 and event.from_state == "new" and event.to_state == "working"
    assert event.comment == "材料齐全"
    assert event.prev_hash == CaseEvent.objects.get(case=toy_case, seq=1).hash


def test_refuses_actor_without_role_in_jurisdiction(toy_case, clerk_b, approver_a):
    with pytest.raises(TransitionRefused) as exc:
        case_transition(case=toy_case, name="accept", actor=clerk_b)
    assert exc.value.code == "role_required"
    assert "没有" in exc.value.message
    with pytest.raises(TransitionRefused):
        case_transition(case=toy_case, name="accept", actor=approver_a)  # right town, wrong role
    toy_case.refresh_from_db()
    assert toy_case.state == "new"


def test_refuses_when_guard_refuses_and_writes_nothing(toy_case, clerk_a, approver_a):
    advance(toy_case, "accept", actor=clerk_a)
    events_before = toy_case.events.count()
    with pytest.raises(TransitionRefused) as exc:
        case_transition(case=toy_case, name="decide", actor=approver_a, data={})
    assert exc.value.code == "reason_required"
    assert exc.value.field == "reason"
    toy_case.refresh_from_db()
    assert toy_case.state == "working"
    assert toy_case.events.count() == events_before


def test_unknown_transition_is_refused(toy_case, clerk_a):
    with pytest.raises(TransitionRefused) as exc:
        case_transition(case=toy_case, name="teleport", actor=clerk_a)
    assert exc.value.code == "transition_unknown"


def test_owner_may_withdraw_but_not_a_stranger(town_a, clerk_a, make_user):
    resident = make_user(username="resident")
    stranger = make_user(username="stranger")
    case = case_open(case_type="toy", jurisdiction=town_a, actor=resident, owner=resident)
    with pytest.raises(TransitionRefused):
        case_transition(case=case, name="withdraw", actor=stranger)
    case_transition(case=case, name="withdraw", actor=resident)
    case.refresh_from_db()
    assert case.state == "dropped" and case.closed_at is not None


def test_system_transition_needs_no_actor_and_people_cannot_fire_it(toy_case, clerk_a):
    advance(toy_case, "accept", "ask", actor=clerk_a)
    from township.cases.types import case_type_for

    toy = case_type_for("toy")
    with pytest.raises(TransitionRefused):
        case_transition(case=toy_case, name="expire", actor=clerk_a, by=toy)
    with pytest.raises(TransitionRefused):  # nor by timed work without the case type's authority
        case_transition(case=toy_case, name="expire", actor=None)
    toy.fire(toy_case, "expire", None)
    toy_case.refresh_from_db()
    assert toy_case.state == "dropped"


def test_stale_version_loses(toy_case, clerk_a):
    """The version-conflict path (works on SQLite, where select_for_update does nothing)."""
    stale = Case.objects.get(pk=toy_case.pk)
    case_transition(case=toy_case, name="accept", actor=clerk_a)
    with pytest.raises(ConcurrentTransition) as exc:
        case_transition(case=stale, name="accept", actor=clerk_a)
    assert exc.value.code == "concurrent_transition"
    assert "已被他人处理" in exc.value.message
    assert Case.objects.get(pk=toy_case.pk).version == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_one_case_exactly_one_wins(town_a, clerk_a, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    other = make_user((town_a, Role.WINDOW_CLERK), username="clerk_a2")
    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def fire(actor):
        from django.db import connection as conn

        try:
            mine = Case.objects.get(pk=case.pk)
            barrier.wait()
            case_transition(case=mine, name="accept", actor=actor)
            results.append("won")
        except ConcurrentTransition:
            results.append("lost")
        finally:
            conn.close()

    threads = [threading.Thread(target=fire, args=(a,)) for a in (clerk_a, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["lost", "won"]
    case.refresh_from_db()
    assert case.version == 2
    assert case.events.filter(kind="transition").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_plain_step_outside_a_transaction_is_one_statement_and_committed(town_a, clerk_a):
    """PostgreSQL: the move and its event are one statement (``core.inserts.insert_if_updated``); a step writing
    nothing else, fired outside a transaction, runs in autocommit — no BEGIN and COMMIT round trips."""
    from psycopg.pq import TransactionStatus

    from township.core.inserts import writes_in_with

    if not writes_in_with():
        pytest.skip("one statement of UPDATE and INSERT: PostgreSQL")
    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as ctx:
        event = case_transition(case=case, name="accept", actor=clerk_a)
    writes = [q["sql"][:30] for q in ctx.captured_queries if not q["sql"].startswith("SELECT")]  # the grants read
    assert writes == ['WITH moved AS (UPDATE "cases_c'], writes
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE  # nothing left open
    stored = Case.objects.get(pk=case.pk)
    assert (stored.state, stored.version, stored.head_seq, stored.head_hash) == ("working", 2, 2, event.hash)
    assert verify_case_events(case.pk, list(case.events.order_by("seq"))) == []
    # a step that also writes a pause row keeps its transaction around the two writes
    case_transition(case=stored, name="ask", actor=clerk_a)
    assert ClockPause.objects.filter(case_id=case.pk, ended_at__isnull=True).count() == 1
    assert Case.objects.get(pk=case.pk).clock_paused_at is not None


def test_clock_starts_pauses_and_resumes_with_reason(town_a, clerk_a, time_machine):
    time_machine.move_to("2026-09-28 10:00:00+08:00", tick=False)
    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a)
    case_transition(case=case, name="accept", actor=clerk_a, data={"clock": {"unit": "working_days", "limit": 20}})
    case.refresh_from_db()
    from django.utils import timezone

    assert timezone.localtime(case.due_at).date().isoformat() == "2026-10-30"
    assert case.warning() == "normal"
    case_transition(case=case, name="ask", actor=clerk_a)
    pause = ClockPause.objects.get(case=case)
    assert pause.reason == "supplement" and pause.ended_at is None
    case.refresh_from_db()
    assert case.warning() == "paused"
    time_machine.move_to("2026-10-13 10:00:00+08:00", tick=False)  # 5 working days later (after 国庆)
    case_transition(case=case, name="supply", actor=clerk_a)
    case.refresh_from_db()
    assert timezone.localtime(case.due_at).date().isoformat() > "2026-10-30"
    pause.refresh_from_db()
    assert pause.ended_at is not None
    kinds = list(case.events.values_list("name", flat=True))
    assert kinds == ["open", "accept", "ask", "supply"]


def test_warning_levels_follow_the_clock(town_a, clerk_a, time_machine):
    time_machine.move_to("2026-11-02 09:00:00+08:00", tick=False)
    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, clock_unit="working_days", clock_limit=10)
    assert case.warning() == "normal"
    time_machine.move_to("2026-11-11 12:00:00+08:00", tick=False)
    assert case.warning() in {"yellow", "red"}
    time_machine.move_to("2026-11-20 12:00:00+08:00", tick=False)
    assert case.warning() == "overdue"
    # The same level from the case read as values (a list's rows), by the engine's own field list.
    from township.cases.clock import WARNING_FIELDS, warning_of_values

    row = Case.objects.filter(pk=case.pk).values(*WARNING_FIELDS).get()
    assert warning_of_values(row) == "overdue"
    time_machine.move_to("2026-11-02 09:00:00+08:00", tick=False)
    assert warning_of_values({f"case__{k}": v for k, v in row.items()}, prefix="case__") == "normal"


def test_pause_resume_and_extension_outside_transitions(town_a, clerk_a, approver_a, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+08:00", tick=False)
    toy_case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, clock_unit="working_days", clock_limit=20)
    case_pause(case=toy_case, actor=clerk_a, reason="testing", note="送检")
    with pytest.raises(TransitionRefused):
        case_pause(case=toy_case, actor=clerk_a, reason="testing")
    case_resume(case=toy_case, actor=clerk_a)
    old_due = Case.objects.get(pk=toy_case.pk).due_at
    with pytest.raises(TransitionRefused) as exc:
        case_extend(case=toy_case, actor=clerk_a, amount=10, reason="", approved_by=approver_a)
    assert exc.value.code == "extension_invalid"
    case_extend(case=toy_case, actor=clerk_a, amount=10, reason="情况复杂", approved_by=approver_a)
    toy_case.refresh_from_db()
    assert toy_case.due_at > old_due
    ext = toy_case.events.get(kind="extend")
    assert ext.data["approved_by_name"] == "审批甲" and ext.comment == "情况复杂"


def test_assign_and_note_are_on_the_timeline(toy_case, clerk_a, approver_a):
    case_assign(case=toy_case, actor=clerk_a, assignee=approver_a)
    case_note(case=toy_case, actor=clerk_a, name="library_reuse", data={"material": "营业执照"})
    names = list(toy_case.events.values_list("name", flat=True))
    assert names[-2:] == ["assign", "library_reuse"]


def test_attachment_type_is_sniffed_from_bytes_and_hashed(toy_case, clerk_a, settings):
    att = case_attach(case=toy_case, actor=clerk_a, uploaded_file=SimpleUploadedFile("photo.pdf", PNG))
    assert att.content_type == "image/png"  # the name says pdf, the bytes say png
    import hashlib

    assert att.sha256 == hashlib.sha256(PNG).hexdigest()
    assert att.size == len(PNG)
    with pytest.raises(TransitionRefused) as exc:
        case_attach(case=toy_case, actor=clerk_a, uploaded_file=SimpleUploadedFile("a.png", b"MZ\x90\x00 evil exe"))
    assert exc.value.code == "attachment_type"
    settings.TOWNSHIP_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(TransitionRefused) as exc:
        case_attach(case=toy_case, actor=clerk_a, uploaded_file=SimpleUploadedFile("big.png", PNG))
    assert exc.value.code == "attachment_too_large"
    with pytest.raises(TransitionRefused):
        case_attach(case=toy_case, actor=clerk_a, uploaded_file=io.BytesIO(b""))


def test_timeline_rows_cannot_be_updated_or_deleted_through_the_orm(toy_case):
    event = toy_case.events.first()
    event.comment = "改过"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case=toy_case).update(comment="x")
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case=toy_case).delete()


def test_a_case_decided_after_its_due_time_stays_late(toy_case, clerk_a, approver_a):
    """行政许可法 Art 42 / e-monitoring: "decided after the due date" is a recorded fact, not only a timeline note."""
    import datetime as dt

    from township.cases.selectors import case_list, late_counts

    advance(toy_case, "accept", actor=clerk_a)
    toy_case.refresh_from_db()
    assert toy_case.warning() == "normal" and not toy_case.finished_late
    later = toy_case.due_at + dt.timedelta(days=1)
    event = case_transition(case=toy_case, name="decide", actor=approver_a, data={"reason": "同意"}, at=later)
    toy_case.refresh_from_db()
    assert toy_case.closed_at is not None and toy_case.finished_late
    assert toy_case.warning() == "late"  # not "none": the supervisor still sees it
    assert event.data["late"] is True
    assert list(case_list(actor=approver_a, filters={"finished_late": True})) == [toy_case]
    assert late_counts(actor=approver_a) == {"toy": 1}


def test_a_case_decided_in_time_is_not_late(toy_case, clerk_a, approver_a):
    advance(toy_case, "accept", actor=clerk_a)
    case_transition(case=toy_case, name="decide", actor=approver_a, data={"reason": "同意"})
    toy_case.refresh_from_db()
    assert not toy_case.finished_late and toy_case.warning() == "none"


def test_a_due_time_past_the_holiday_table_is_provisional_then_recomputed(
    town_a, clerk_a, time_machine, django_capture_on_commit_callbacks, client
):
    """Issue 17.5: the case clock is the agency's own limit — past the holiday table it is the earliest possible
    moment (暂定), not a refusal; entering the year settles it exactly, with a note on the timeline."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from township.core.models import CalendarYear, Holiday, HolidayKind

    time_machine.move_to(dt.datetime(2026, 12, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    case = case_open(
        case_type="toy", jurisdiction=town_a, actor=clerk_a, title="年末", clock_unit="working_days", clock_limit=5
    )
    # 29, 30, 31 December, then 1 and 2 January 2027 counted as possible working days
    assert case.due_provisional and case.due_at.astimezone(ZoneInfo("Asia/Shanghai")).date() == dt.date(2027, 1, 2)
    client.force_login(clerk_a)
    assert client.get(f"/api/v1/cases/{case.pk}").json()["due_provisional"] is True
    assert "暂定" in client.get(f"/cases/{case.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        for day in (1, 2, 3):
            Holiday.objects.create(date=dt.date(2027, 1, day), kind=HolidayKind.HOLIDAY, name="元旦", source="test")
        CalendarYear.objects.create(year=2027, source="测试")
    case.refresh_from_db()
    assert not case.due_provisional
    assert case.due_at.astimezone(ZoneInfo("Asia/Shanghai")).date() == dt.date(2027, 1, 5)
    assert CaseEvent.objects.filter(case=case, name="due_recomputed").count() == 1
