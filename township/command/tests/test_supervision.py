"""督办: an instruction with a deadline on any case — on its timeline, sent to the responsible people, answered,
tracked; refused for the wrong people, closed cases and bad deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from township.cases.services import case_assign
from township.command.errors import CommandError
from township.command.models import Notice, Supervision
from township.command.services import supervision_answer, supervision_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(at_level, clerk_a, handler_a, dept_a):
    case = at_level("red")
    case_assign(case=case, actor=clerk_a, assignee=handler_a, department=dept_a)
    return case


def _due(days: int = 2):
    return timezone.now() + timedelta(days=days)


def test_issue_lands_on_timeline_and_notifies_the_assignee(leader_a, handler_a, assigned):
    s = supervision_issue(case=assigned, actor=leader_a, instruction="请今日内现场核实并回复", due_at=_due())
    assert list(s.responsible.all()) == [handler_a]
    note = assigned.events.get(name="supervise")
    assert note.comment == "请今日内现场核实并回复" and note.data["supervision"] == s.pk
    notice = Notice.objects.get(recipient=handler_a)
    assert assigned.number in notice.title


def test_answer_closes_it_notifies_the_issuer_and_is_noted(leader_a, handler_a, assigned):
    s = supervision_issue(case=assigned, actor=leader_a, instruction="核实", due_at=_due())
    s = supervision_answer(supervision=s, actor=handler_a, answer="已现场核实，明日完成整改")
    assert s.status == "answered" and not s.answered_late
    assert assigned.events.filter(name="supervise_answer").count() == 1
    assert Notice.objects.filter(recipient=leader_a).count() == 1
    with pytest.raises(CommandError) as e:
        supervision_answer(supervision=s, actor=handler_a, answer="再答一次")
    assert e.value.code == "supervise_answered" and e.value.status == 409


def test_late_answer_is_marked(leader_a, handler_a, assigned):
    s = supervision_issue(case=assigned, actor=leader_a, instruction="核实", due_at=_due())
    Supervision.objects.filter(pk=s.pk).update(due_at=timezone.now() - timedelta(hours=1))
    s.refresh_from_db()
    assert supervision_answer(supervision=s, actor=handler_a, answer="迟到的答复").answered_late


@pytest.mark.parametrize(
    ("who", "code"),
    [("clerk_a", "supervise_role_required"), ("leader_b", "supervise_role_required")],
)
def test_only_leading_roles_of_the_unit_issue(request, who, code, assigned):
    with pytest.raises(CommandError) as e:
        supervision_issue(case=assigned, actor=request.getfixturevalue(who), instruction="x", due_at=_due())
    assert e.value.code == code and e.value.status == 403


def test_refusals_for_closed_case_bad_deadline_empty_text_and_outsiders(leader_a, clerk_a, assigned, at_level):
    closed = at_level("late")
    for kwargs, code in [
        ({"case": closed, "instruction": "x", "due_at": _due()}, "supervise_case_closed"),
        (
            {"case": assigned, "instruction": "x", "due_at": timezone.now() - timedelta(minutes=1)},
            "supervise_due_invalid",
        ),
        ({"case": assigned, "instruction": "x", "due_at": _due(31)}, "supervise_due_invalid"),
        ({"case": assigned, "instruction": "  ", "due_at": _due()}, "supervise_instruction_required"),
    ]:
        with pytest.raises(CommandError) as e:
            supervision_issue(actor=leader_a, **kwargs)
        assert e.value.code == code
    s = supervision_issue(case=assigned, actor=leader_a, instruction="核实", due_at=_due())
    with pytest.raises(CommandError) as e:
        supervision_answer(supervision=s, actor=clerk_a, answer="我不是责任人")
    assert e.value.code == "supervise_not_responsible"


def test_without_assignee_the_roles_that_move_the_case_are_responsible(leader_a, clerk_a, at_level):
    case = at_level("overdue")  # toy case in state "new": 受理 is the window clerk's step
    s = supervision_issue(case=case, actor=leader_a, instruction="尽快受理", due_at=_due())
    assert list(s.responsible.all()) == [clerk_a]


def test_end_to_end_through_the_ui(client, leader_a, handler_a, assigned):
    client.force_login(leader_a)
    page = client.get(f"/cases/{assigned.pk}/")
    assert 'data-testid="supervision-panel"' in page.content.decode()
    due = timezone.localtime(_due()).strftime("%Y-%m-%dT%H:%M")
    r = client.post(
        f"/command/cases/{assigned.pk}/supervise/",
        {"sup-instruction": "请于两日内办结", "sup-due_at": due, "next": f"/cases/{assigned.pk}/"},
    )
    assert r.status_code == 302 and r["Location"] == f"/cases/{assigned.pk}/"
    s = Supervision.objects.get()
    client.force_login(handler_a)
    assert "请于两日内办结" in client.get("/command/supervisions/?mine=1").content.decode()
    notice = Notice.objects.get(recipient=handler_a)
    assert client.post(f"/command/notices/{notice.pk}/open/").status_code == 302
    r = client.post(f"/command/supervisions/{s.pk}/", {"answer": "已办结"})
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.status == "answered" and s.answered_by == handler_a


def test_end_to_end_through_the_api(client, leader_a, leader_b, handler_a, assigned):
    client.force_login(leader_b)
    r = client.post(
        "/api/v1/command/supervisions",
        {"case_id": assigned.pk, "instruction": "x", "due_at": _due().isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 404  # another town's case does not exist for them
    client.force_login(leader_a)
    r = client.post(
        "/api/v1/command/supervisions",
        {"case_id": assigned.pk, "instruction": "请核实", "due_at": _due().isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    assert r.json()["responsible"] == ["冯处置"]
    bad = client.post(
        "/api/v1/command/supervisions",
        {"case_id": assigned.pk, "instruction": "x", "due_at": "2000-01-01T00:00:00+08:00"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "due_at"
    client.force_login(handler_a)
    notices = client.get("/api/v1/command/notices?unread=true").json()
    assert len(notices) == 1
    r = client.post(f"/api/v1/command/supervisions/{sid}/answer", {"answer": "已核实"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "answered"
    client.force_login(leader_b)
    assert client.get(f"/api/v1/command/supervisions/{sid}").status_code == 404


def test_a_village_case_reaches_the_village_grant_holders(leader_a, clerk_a, make_user, village_a, at_level):
    from township.org.models import Role

    case = at_level("overdue")
    type(case).objects.filter(pk=case.pk).update(village=village_a)
    case.refresh_from_db()
    village_clerk = make_user((village_a, Role.WINDOW_CLERK), username="vclerk")
    s = supervision_issue(case=case, actor=leader_a, instruction="尽快受理", due_at=_due())
    assert set(s.responsible.all()) == {clerk_a, village_clerk}


def test_supervision_list_statements_do_not_grow_with_rows(client, leader_a, at_level, handler_a, clerk_a, dept_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(leader_a)

    def add() -> None:
        case = at_level("red")
        case_assign(case=case, actor=clerk_a, assignee=handler_a, department=dept_a)
        supervision_issue(case=case, actor=leader_a, instruction="核实", due_at=_due())

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add()
    few = (count("/command/supervisions/"), count("/api/v1/command/supervisions"))
    for _ in range(4):
        add()
    assert (count("/command/supervisions/"), count("/api/v1/command/supervisions")) == few
