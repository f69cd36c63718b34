"""超期督办: an overdue step reaches the people it is escalated to — the town's grid supervisor, then the next
level's leader — who see it on their page and in the API and write an instruction that lands on the timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from township.cases.models import CaseEvent
from township.core.errors import DomainError, PermissionRefused
from township.grid import selectors, services
from township.grid.models import Escalation
from township.org.models import Role


@pytest.fixture
def supervisor_a(make_user, town_a):
    return make_user((town_a, Role.GRID_SUPERVISOR), username="supervisor_a", full_name="督导甲")


@pytest.fixture
def supervisor_b(make_user, town_b):
    return make_user((town_b, Role.GRID_SUPERVISOR), username="supervisor_b", full_name="督导乙")


@pytest.fixture
def county_leader(make_user, county):
    return make_user((county, Role.LEADER), username="county_leader", full_name="区领导")


@pytest.fixture
def late(report):
    """Two events whose 立案 step ran late: each escalated to the supervisor; the first also to the county."""
    first = report()
    services.grid_escalate_overdue(first.case.due_at + timedelta(minutes=1))
    services.grid_escalate_overdue(first.case.due_at + timedelta(days=3))
    second = report(lon=106.021)
    services.grid_escalate_overdue(second.case.due_at + timedelta(minutes=1))
    return first, second


def test_each_addressee_sees_only_what_is_escalated_to_them(late, supervisor_a, supervisor_b, county_leader, leader_a):
    first, second = late
    mine = selectors.escalation_inbox(actor=supervisor_a)
    assert {x.event_id for x in mine} == {first.pk, second.pk} and {x.level for x in mine} == {1}
    county = selectors.escalation_inbox(actor=county_leader)
    assert [(x.event_id, x.level) for x in county] == [(first.pk, 2)]
    assert selectors.escalation_inbox(actor=supervisor_b) == []  # the next town's supervisor
    assert selectors.escalation_inbox(actor=leader_a) == []  # a town leader is not the level-2 addressee
    assert selectors.escalation_open_count(actor=supervisor_a) == 2


def test_supervising_records_the_instruction_on_the_timeline_once(late, supervisor_a, supervisor_b):
    first, _second = late
    x = Escalation.objects.get(event=first, level=1)
    with pytest.raises(DomainError) as info:
        services.escalation_supervise(escalation=x, actor=supervisor_a, instruction="  ")
    assert info.value.code == "instruction_required"
    with pytest.raises(PermissionRefused):
        services.escalation_supervise(escalation=x, actor=supervisor_b, instruction="请处理")
    done = services.escalation_supervise(escalation=x, actor=supervisor_a, instruction="请今日17时前立案派遣")
    assert done.supervised_by == supervisor_a and done.supervised_at is not None
    note = CaseEvent.objects.get(case=first.case, name="supervise")
    assert note.comment == "请今日17时前立案派遣" and note.actor_id == supervisor_a.pk
    with pytest.raises(DomainError) as info:
        services.escalation_supervise(escalation=x, actor=supervisor_a, instruction="再次督办")
    assert info.value.code == "already_supervised"
    assert [e.event_id for e in selectors.escalation_inbox(actor=supervisor_a, status="supervised")] == [first.pk]
    assert selectors.escalation_open_count(actor=supervisor_a) == 1


def test_the_page_lists_and_supervises_and_others_get_nothing(
    client, late, supervisor_a, supervisor_b, dispatcher_a, django_assert_max_num_queries, time_machine
):
    first, second = late
    time_machine.move_to(first.case.due_at + timedelta(hours=2))
    services.event_register(event=second, actor=dispatcher_a)  # the second one has moved on to 派遣
    client.force_login(supervisor_a)
    url = reverse("grid:escalations")
    client.get(url)  # warm the session and menu caches
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert first.case.number in page and "仍超期" in page and "一级预警" in page and "待督办（2）" in page
    assert second.case.number in page and "已进入下一环节" in page
    assert "超期督办" in page  # in the menu
    x = Escalation.objects.get(event=first, level=1)
    refused = client.post(reverse("grid:escalation-supervise", args=[x.pk]), {"instruction": ""}, follow=True)
    assert "请填写督办意见" in refused.content.decode()
    client.post(reverse("grid:escalation-supervise", args=[x.pk]), {"instruction": "请立即派遣"})
    assert Escalation.objects.get(pk=x.pk).instruction == "请立即派遣"
    done = client.get(url + "?status=supervised").content.decode()
    assert "请立即派遣" in done and "督导甲" in done

    client.force_login(supervisor_b)
    assert first.case.number not in client.get(url).content.decode()
    assert client.post(reverse("grid:escalation-supervise", args=[x.pk]), {"instruction": "x"}).status_code == 404


def test_the_api_pages_and_supervises(client, late, supervisor_a, supervisor_b):
    first, second = late
    client.force_login(supervisor_a)
    page = client.get("/api/v1/grid/escalations?limit=1").json()
    assert len(page["items"]) == 1 and page["next_before"]
    rest = client.get(f"/api/v1/grid/escalations?limit=1&before={page['next_before']}").json()
    assert {page["items"][0]["event"], rest["items"][0]["event"]} == {first.pk, second.pk}
    x = Escalation.objects.get(event=second)
    bad = client.post(
        f"/api/v1/grid/escalations/{x.pk}/supervise", {"instruction": ""}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["code"] == "instruction_required"
    ok = client.post(
        f"/api/v1/grid/escalations/{x.pk}/supervise", {"instruction": "请处置"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["supervised_by"] == "督导甲"
    assert ok.json()["progress"] in ("still_late", "extended")  # the same step, not yet handled
    client.force_login(supervisor_b)
    assert client.get("/api/v1/grid/escalations?status=all").json()["items"] == []
    other = client.post(
        f"/api/v1/grid/escalations/{x.pk}/supervise", {"instruction": "x"}, content_type="application/json"
    )
    assert other.status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_supervisors_at_once_supervise_an_escalation_once(report, supervisor_a, make_user, town_a):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    other = make_user((town_a, Role.GRID_SUPERVISOR), username="supervisor_a2", full_name="督导丙")
    event = report()
    services.grid_escalate_overdue(event.case.due_at + timedelta(minutes=1))
    x = Escalation.objects.get(event=event)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def supervise(user) -> None:
        from django.db import connection as conn

        try:
            barrier.wait()
            services.escalation_supervise(escalation=x, actor=user, instruction=f"{user.full_name}督办")
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            conn.close()

    threads = [threading.Thread(target=supervise, args=(u,)) for u in (supervisor_a, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already_supervised", "ok"]
    assert CaseEvent.objects.filter(case=event.case, name="supervise").count() == 1
    x.refresh_from_db()
    assert x.instruction == f"{x.supervised_by.full_name}督办"
