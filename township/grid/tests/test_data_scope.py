"""数据权限 on grid events (issue 11 item 5): a handler sees and acts on what is dispatched to their department (承办);
an assisting department (协办) sees it but does not sign or report back; grid workers see their own grids' events."""

from __future__ import annotations

import pytest

from township.cases.actions import actions_for
from township.cases.selectors import case_list, workbench_list
from township.core.errors import DomainError, NotFound, PermissionRefused
from township.grid import selectors, services
from township.grid.machine import S
from township.grid.tests.conftest import photo
from township.grid.tests.factories import EventFactory
from township.org.models import DataScope, Department, Role, RoleGrant


@pytest.fixture
def planning(town_a):
    return Department.objects.create(jurisdiction=town_a, name="规划建设管理局", kind="planning")


@pytest.fixture
def power(town_a):
    return Department.objects.create(jurisdiction=town_a, name="供电所", kind="handler")


def _handler(make_user, town, dept, username, scope=DataScope.UNIT):
    user = make_user(username=username, full_name=username)
    RoleGrant.objects.create(user=user, jurisdiction=town, department=dept, role=Role.HANDLER, data_scope=scope)
    return user


@pytest.fixture
def planner(make_user, town_a, planning):
    return _handler(make_user, town_a, planning, "planner")


@pytest.fixture
def lineman(make_user, town_a, power):
    return _handler(make_user, town_a, power, "lineman")


@pytest.fixture
def to_power(grids, patroller_a, dispatcher_a, power):
    """An event dispatched to 供电所 (承办), nobody assisting."""
    return EventFactory(actor=patroller_a, state=S.DISPATCHED, dispatcher=dispatcher_a, department=power)


def _ids(actor):
    return {e.pk for e in selectors.event_list(actor=actor)}


def test_a_handler_does_not_see_another_departments_event(to_power, planner, lineman, client):
    assert to_power.pk in _ids(lineman)
    assert to_power.pk not in _ids(planner)
    with pytest.raises(NotFound):
        selectors.event_get(actor=planner, pk=to_power.pk)
    assert to_power.case_id not in {c.pk for c in case_list(actor=planner)}
    assert to_power.case_id not in {c.pk for c in workbench_list(actor=planner).items}
    assert to_power.case_id in {c.pk for c in workbench_list(actor=lineman).items}
    client.force_login(planner)
    assert client.get(f"/grid/events/{to_power.pk}/").status_code == 404
    assert client.get(f"/api/v1/grid/events/{to_power.pk}").status_code == 404
    assert client.get(f"/api/v1/cases/{to_power.case_id}").status_code == 404
    assert to_power.pk not in {e["id"] for e in client.get("/api/v1/grid/events").json()["items"]}
    listed = client.get("/grid/events/").content.decode()
    assert to_power.case.number not in listed and "您可查看：" in listed and "规划建设管理局 · 本单位" in listed


def test_a_handler_cannot_sign_or_report_back_on_another_departments_event(to_power, planner, lineman, client):
    # the service-level guard (whatever path calls it), with its code and Chinese message
    with pytest.raises(PermissionRefused) as refused:
        services.event_accept(event=to_power, actor=planner)
    assert refused.value.code == "not_in_charge" and "供电所" in refused.value.message
    client.force_login(planner)
    sign = client.post(f"/api/v1/cases/{to_power.case_id}/actions/sign", {}, content_type="application/json")
    assert sign.status_code == 404  # not even visible
    assert client.post(f"/cases/{to_power.case_id}/actions/sign/").status_code == 404
    to_power.case.refresh_from_db()
    assert to_power.case.state == S.DISPATCHED
    services.event_accept(event=to_power, actor=lineman)  # the 承办 department signs
    with pytest.raises(PermissionRefused):
        services.event_feedback(event=to_power, actor=planner, photos=[photo()])
    services.event_feedback(event=to_power, actor=lineman, photos=[photo()])
    to_power.case.refresh_from_db()
    assert to_power.case.state == S.HANDLED


def test_an_assisting_department_sees_but_cannot_finish(
    grids, patroller_a, dispatcher_a, power, planning, planner, lineman, client
):
    event = EventFactory(actor=patroller_a, state=S.REGISTERED, dispatcher=dispatcher_a)
    services.event_dispatch_by_ids(event=event, actor=dispatcher_a, department=power.pk, assisting=[planning.pk])
    assert event.pk in _ids(planner)  # 协办 sees it
    assert event.case_id in {c.pk for c in case_list(actor=planner)}
    offers = {o.name: o for o in actions_for(event.case, planner)}
    assert not offers["sign"].enabled and "供电所" in offers["sign"].reason  # shown disabled, with the reason
    client.force_login(planner)
    refused = client.post(f"/api/v1/cases/{event.case_id}/actions/sign", {}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_in_charge"
    shown = client.get(f"/grid/events/{event.pk}/").content.decode()
    assert "协办部门" in shown and "规划建设管理局" in shown
    page = client.post(f"/cases/{event.case_id}/actions/sign/", follow=True)
    assert "供电所" in page.content.decode()  # the Chinese message on the page
    services.event_accept(event=event, actor=lineman)
    event.refresh_from_db()
    with pytest.raises(PermissionRefused):
        services.event_feedback(event=event, actor=planner, photos=[photo()])  # 协办 does not 办结
    # sent back: the assisting department leaves with it
    services.event_return(event=event, actor=lineman, reason="需重新派遣")
    assert event.pk not in _ids(planner)


def test_dispatch_checks_the_person_and_the_assisting_departments(
    grids, patroller_a, dispatcher_a, power, planning, planner, dept_b
):
    event = EventFactory(actor=patroller_a, state=S.REGISTERED, dispatcher=dispatcher_a)
    with pytest.raises(DomainError) as wrong_person:
        services.event_dispatch(event=event, actor=dispatcher_a, department=power, handler=planner)
    assert wrong_person.value.code == "handler_invalid" and "供电所" in wrong_person.value.message
    for assisting in ([power.pk], [dept_b.pk]):  # the lead itself, another town's department
        with pytest.raises(DomainError) as bad:
            services.event_dispatch_by_ids(event=event, actor=dispatcher_a, department=power.pk, assisting=assisting)
        assert bad.value.code == "assisting_invalid"


def test_the_dispatch_form_offers_assisting_departments_through_the_api(
    grids, patroller_a, dispatcher_a, power, planning, planner, client
):
    event = EventFactory(actor=patroller_a, state=S.REGISTERED, dispatcher=dispatcher_a)
    client.force_login(dispatcher_a)
    r = client.post(
        f"/api/v1/cases/{event.case_id}/actions/dispatch",
        {"department": power.pk, "assisting": [planning.pk]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert event.pk in _ids(planner)


def test_a_handler_with_the_whole_unit_acts_on_any_department(to_power, make_user, town_a, planning):
    chief = _handler(make_user, town_a, planning, "chief", scope=DataScope.ALL)
    assert to_power.pk in _ids(chief)
    services.event_accept(event=to_power, actor=chief)


def test_a_grid_worker_sees_the_events_of_their_grids_and_their_own_reports(grids, patroller_a, make_user, town_a):
    office = Department.objects.create(jurisdiction=town_a, name="社会治理办公室")
    worker = make_user(username="worker", full_name="网格员")
    RoleGrant.objects.create(user=worker, jurisdiction=town_a, department=office, role=Role.GRID_PATROLLER)
    west = EventFactory(actor=patroller_a)  # in the west grid
    east = EventFactory(actor=patroller_a, lon=106.15)  # in 金盆村第1网格
    assert west.grid_id != east.grid_id
    assert _ids(worker) == set()
    services.grid_staff_assign(grid=west.grid, user=worker, role=Role.GRID_PATROLLER, actor=None)
    assert _ids(worker) == {west.pk}
    mine = EventFactory(actor=worker, lon=106.16)
    assert _ids(worker) == {west.pk, mine.pk}
    assert len(_ids(patroller_a)) == 3  # a worker whose grant is the whole town (no department) sees all


def test_one_case_read_by_its_key_agrees_with_the_list_filter(
    to_power, grids, planner, lineman, patroller_a, dispatcher_a, dispatcher_b, make_user, town_a
):
    """``cases.selectors.case_get`` reads the case by its key and checks it (``case_visible``); the lists filter by
    ``case_visible_q``. For each actor and case both say the same (a grid event declares ``visible``)."""
    from township.cases.models import Case
    from township.cases.selectors import case_get, case_visible_q

    other = EventFactory(actor=patroller_a)
    resident_case = Case.objects.get(pk=other.case_id)
    Case.objects.filter(pk=resident_case.pk).update(owner=planner)  # an owner sees their own case
    for actor in (planner, lineman, patroller_a, dispatcher_a, dispatcher_b):
        listed = set(Case.objects.filter(case_visible_q(actor)).values_list("pk", flat=True))
        for case_id in (to_power.case_id, other.case_id):
            try:
                case_get(actor=actor, pk=case_id)
                got = True
            except NotFound:
                got = False
            assert got == (case_id in listed), (actor.username, case_id)
    assert not Case.objects.filter(case_visible_q(planner), pk=to_power.case_id).exists()
