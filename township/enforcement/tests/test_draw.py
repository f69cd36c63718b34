"""双随机一公开: reproducible draws, conflicts excluded, joint inspections merged into one visit."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from township.core.errors import DomainError
from township.enforcement import draw as drawing
from township.enforcement import inspection, services
from township.enforcement.models import Clue, InspectionPlan, InspectionVisit, Officer
from township.org.models import Department

D = dt.date


def uscc(n: int) -> str:
    from township.core.identifiers import uscc_check_char

    body = f"91500116MA{n:07d}"
    return body + uscc_check_char(body)


@pytest.fixture
def pool(world):
    market = Department.objects.create(jurisdiction=world.town, name="市场监管所", kind="market")
    safety = Department.objects.create(jurisdiction=world.town, name="应急办", kind="work_safety")
    items = [
        inspection.inspection_item_create(
            jurisdiction=world.town, department=market, code="SC-001", name="食品经营许可事项检查", actor=world.leader
        ),
        inspection.inspection_item_create(
            jurisdiction=world.town, department=safety, code="AQ-001", name="安全生产主体责任检查", actor=world.leader
        ),
    ]
    targets = []
    for i in range(60):
        targets.append(
            inspection.inspection_target_add(
                jurisdiction=world.town,
                uscc=uscc(i + 1),
                name=f"白沙企业{i + 1}",
                actor=world.leader,
                credit_class="ABCD"[i % 4],
            )
        )
    from township.org.models import Role, RoleGrant, User

    officers = {"market": [], "safety": []}
    for key, dept in (("market", market), ("safety", safety)):
        for j in range(4):
            u = User.objects.create_user(username=f"insp_{key}{j}", password="x-Pass-12345")
            RoleGrant.objects.create(user=u, jurisdiction=world.town, role=Role.ENFORCEMENT_OFFICER)
            off = services.officer_create(jurisdiction=world.town, user=u, department=dept, actor=world.leader)
            services.credential_add(
                officer=off,
                number=f"渝执-{key}-{j}",
                issuer="重庆市人民政府",
                valid_from=D(2025, 1, 1),
                valid_until=D(2028, 1, 1),
                actor=world.leader,
            )
            officers[key].append(off)
    return {"market": market, "safety": safety, "items": items, "targets": targets, "officers": officers}


def make_plan(world, pool, departments, ratios=None):
    return inspection.inspection_plan_create(
        jurisdiction=world.town,
        name="2026年第一批联合抽查",
        departments=departments,
        items=[i for i in pool["items"] if i.department in departments],
        period_start=D(2026, 3, 1),
        period_end=D(2026, 6, 30),
        ratios=ratios or {"A": 0.05, "B": 0.1, "C": 0.2, "D": 0.5},
        actor=world.leader,
    )


def test_plan_needs_two_inspectors_per_check(world, pool):
    with pytest.raises(DomainError) as info:
        inspection.inspection_plan_create(
            jurisdiction=world.town,
            name="x",
            departments=[pool["market"]],
            items=[],
            period_start=D(2026, 3, 1),
            period_end=D(2026, 3, 31),
            ratios={"A": 0.1},
            actor=world.leader,
            inspectors_per_check=1,
        )
    assert info.value.code == "inspectors_per_check"
    assert "两人" in info.value.message


def test_draw_is_reproduced_bit_for_bit(world, pool):
    plan = make_plan(world, pool, [pool["market"]])
    plan = inspection.inspection_plan_draw(plan=plan, actor=world.leader, seed="a1b2c3")
    assert plan.status == InspectionPlan.Status.DRAWN
    assert len(plan.pool_hash) == 64 and len(plan.result_hash) == 64
    # sampling ratio per class: 15 subjects per class → A 1, B 2, C 3, D 8
    classes = {t.pk: t.credit_class for t in pool["targets"]}
    drawn = [classes[v["target"]] for v in plan.result["visits"]]
    assert {c: drawn.count(c) for c in "ABCD"} == {"A": 1, "B": 2, "C": 3, "D": 8}
    assert all(len(v["inspectors"]) == 2 for v in plan.result["visits"])

    # the pure function gives the same visits again from the stored snapshot and seed …
    snap = drawing.Snapshot.from_json(json.loads(plan.snapshot))
    assert snap.hash == plan.pool_hash
    assert drawing.draw(snap, "a1b2c3") == plan.result
    assert drawing.draw(snap, "other seed") != plan.result
    # … and the command confirms it
    out = io.StringIO()
    call_command("verify_draw", plan.number, stdout=out)
    assert "OK" in out.getvalue()


def test_verify_draw_detects_a_tampered_result(world, pool):
    plan = inspection.inspection_plan_draw(plan=make_plan(world, pool, [pool["market"]]), actor=world.leader, seed="s")
    visits = plan.result["visits"]
    visits[0]["inspectors"] = [visits[0]["inspectors"][0], 999999]
    InspectionPlan.objects.filter(pk=plan.pk).update(result={"visits": visits})
    with pytest.raises(CommandError):
        call_command("verify_draw", plan.number, stdout=io.StringIO(), stderr=io.StringIO())


def test_conflicted_inspector_is_never_drawn(world, pool):
    target = pool["targets"][3]  # class D: drawn at 50 % — force it with ratio 1
    conflicted = pool["officers"]["market"][0]
    inspection.conflict_register(officer=conflicted, target=target, relation="近亲属担任法定代表人", actor=world.leader)
    for seed in range(25):
        plan = make_plan(world, pool, [pool["market"]], ratios={"A": 1, "B": 1, "C": 1, "D": 1})
        plan = inspection.inspection_plan_draw(plan=plan, actor=world.leader, seed=str(seed))
        visit = InspectionVisit.objects.get(plan=plan, target=target)
        assert conflicted.pk not in visit.inspectors
        assert len(visit.inspectors) == 2


def test_joint_inspection_creates_one_visit_per_subject(world, pool):
    plan = make_plan(world, pool, [pool["market"], pool["safety"]], ratios={"A": 1, "B": 1, "C": 1, "D": 1})
    plan = inspection.inspection_plan_draw(plan=plan, actor=world.leader, seed="joint")
    visits = InspectionVisit.objects.filter(plan=plan)
    assert visits.count() == 60  # both departments drew every subject: still one visit each
    v = visits.first()
    assert sorted(v.departments) == sorted([pool["market"].pk, pool["safety"].pk])
    assert sorted(v.items) == sorted(i.pk for i in pool["items"])
    market_ids = {o.pk for o in pool["officers"]["market"]}
    safety_ids = {o.pk for o in pool["officers"]["safety"]}
    # one inspector from each department checks together
    assert set(v.inspectors) & market_ids and set(v.inspectors) & safety_ids


def test_plan_cannot_be_drawn_twice(world, pool):
    plan = inspection.inspection_plan_draw(plan=make_plan(world, pool, [pool["market"]]), actor=world.leader)
    assert len(plan.seed) == 32
    with pytest.raises(DomainError) as info:
        inspection.inspection_plan_draw(plan=plan, actor=world.leader)
    assert info.value.code == "plan_drawn"


def test_result_published_within_twenty_working_days_and_finding_becomes_clue(world, pool, travel):
    plan = inspection.inspection_plan_draw(plan=make_plan(world, pool, [pool["market"]]), actor=world.leader)
    travel.move_to(dt.datetime(2026, 9, 29, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    visit = InspectionVisit.objects.filter(plan=plan).first()
    inspector = Officer.objects.get(pk=visit.inspectors[0]).user
    # 谁检查、谁录入: an officer who was not drawn for this visit cannot record it
    with pytest.raises(DomainError) as info:
        inspection.inspection_result_record(visit=visit, actor=world.o1, result="normal", checked_on=D(2026, 9, 28))
    assert info.value.code == "not_inspector"
    for day in (D(2026, 2, 27), D(2026, 9, 30)):  # before the plan, or a check dated tomorrow
        with pytest.raises(DomainError) as info:
            inspection.inspection_result_record(visit=visit, actor=inspector, result="normal", checked_on=day)
        assert info.value.code == "check_date_invalid"
    visit = inspection.inspection_result_record(
        visit=visit, actor=inspector, result="problem", checked_on=D(2026, 9, 28), findings="超范围经营"
    )
    assert visit.publish_by == D(2026, 10, 30)
    assert visit.clue.source == Clue.Source.RANDOM_INSPECTION
    assert visit.clue.party_id_number == visit.target.uscc
    assert inspection.inspection_plan_publish(plan=plan, actor=world.o1) == 1
    published = inspection.inspection_results_public(jurisdiction=world.town.pk)
    assert [(r["target"], r["result_label"], r["findings"]) for r in published] == [
        (visit.target.name, "发现问题", "超范围经营")
    ]
    # once public, the result is not rewritten
    with pytest.raises(DomainError) as info:
        inspection.inspection_result_record(visit=visit, actor=inspector, result="normal", checked_on=D(2026, 9, 29))
    assert info.value.code == "result_published"


def test_inspector_shortage_is_refused(world, pool):
    for off in pool["officers"]["market"][1:]:
        Officer.objects.filter(pk=off.pk).update(in_inspector_pool=False)
    with pytest.raises(DomainError) as info:
        inspection.inspection_plan_draw(plan=make_plan(world, pool, [pool["market"]]), actor=world.leader)
    assert info.value.code == "inspectors_insufficient"


def test_subject_pool_is_filled_from_the_subjects_registry_with_credit_class(world):
    from township.enforcement.models import InspectionTarget
    from township.subjects.services import subject_get_or_create_org

    shop = subject_get_or_create_org(uscc=uscc(900), name="白沙镇某餐馆", registered_in=world.town, credit_class="C")
    body = "92500116MA6000901"
    from township.core.identifiers import uscc_check_char

    ind = subject_get_or_create_org(
        uscc=body + uscc_check_char(body), name="白沙镇某个体户", registered_in=world.village
    )
    subject_get_or_create_org(uscc=uscc(901), name="龙华镇企业", registered_in=world.other_town)
    assert inspection.inspection_pool_sync(jurisdiction=world.town, actor=world.leader) == 2
    t = InspectionTarget.objects.get(subject=shop)
    assert t.credit_class == "C" and t.kind == "enterprise"
    assert InspectionTarget.objects.get(subject=ind).kind == "individual_business"
    assert not InspectionTarget.objects.filter(name="龙华镇企业").exists()


@pytest.mark.parametrize("coverage", [None, {"7": ["food", "安全"], "3": ["market"]}])
def test_the_snapshot_text_is_the_canonical_json_of_its_data(coverage):
    """``Snapshot.canonical`` (tuples handed to ``json`` as they are) writes the bytes ``canonical(as_json())`` does:
    the hashes of draws stored before stay verifiable."""
    snap = drawing.Snapshot(
        targets=[(1, "A"), (5, "B"), (9, "")],
        inspectors={"12": [3, 7], "2": [1]},
        conflicts=[(3, 5)],
        params={"plan": "抽查〔2026〕1号", "ratios": {"A": 0.01, "B": 1e-05}, "departments": ["12", "2"], "x": None},
        coverage=coverage,
    )
    assert snap.canonical() == drawing.canonical(snap.as_json())
    assert drawing.snapshot_json(snap).encode() == snap.canonical()
    assert snap.hash == drawing.sha256(snap.as_json())
    again = drawing.Snapshot.from_json(json.loads(snap.canonical()))
    assert again.canonical() == snap.canonical()


def test_visit_inspectors_are_written_as_json_writes_them():
    for values in ([], [1], [3, 17, 1200]):
        assert inspection._int_list_json(values) == json.dumps(values, separators=(",", ":"))
    assert inspection._int_list_json([1, True]) is None and inspection._int_list_json(["1"]) is None
