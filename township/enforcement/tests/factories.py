"""factory_boy factories of enforcement: officers with their credentials, penalty cases and 双随机 plans, each built
through the services (the engine's case, clock and timeline written by the engine, never rows behind its back), then
taken along the procedure to the state a test needs.

    officer = OfficerFactory(world=world, department=market, domains=["market"])    # 执法证 limited to 市场监管
    pc = PenaltyCaseFactory(world=world)                                            # 已立案
    pc = PenaltyCaseFactory(world=world, state=S.NOTIFIED, fine=500)                # investigated, notice served
    pc = PenaltyCaseFactory(world=world, state=S.DECIDED, fine=500)                 # waived, decided today
    plan = InspectionPlanFactory(world=world, departments=[market, safety], items=[...])
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from township.enforcement import inspection, services
from township.enforcement.machine import PenaltyState as S
from township.enforcement.models import InspectionPlan, Officer, PenaltyCase
from township.enforcement.tests.steps import decide_waived, file_case, investigate, notify

STEPS = (S.FILED, S.INVESTIGATING, S.NOTIFIED, S.DECIDED)


class OfficerFactory(factory.Factory):
    """An enforcement officer of ``world.town`` (a new user with the officer role) with one credential valid in
    2024–2028; ``domains`` limits the credential (empty: every domain)."""

    class Meta:
        model = Officer

    world = None
    username = factory.Sequence(lambda n: f"enf_factory_officer{n}")
    full_name = factory.Sequence(lambda n: f"执法员{n}")
    number = factory.Sequence(lambda n: f"渝执-F-{n:05d}")
    team = None
    department = None
    domains: tuple[str, ...] = ()
    valid_from = dt.date(2024, 1, 1)
    valid_until = dt.date(2028, 12, 31)

    @classmethod
    def _create(cls, model_class: type[Officer], **kw: Any) -> Officer:
        from township.org.models import Role
        from township.org.testing import user_with_roles

        world = kw["world"]
        user = user_with_roles(kw["username"], (world.town, Role.ENFORCEMENT_OFFICER), full_name=kw["full_name"])
        officer = services.officer_create(
            jurisdiction=world.town, user=user, team=kw["team"], department=kw["department"], actor=world.leader
        )
        services.credential_add(
            officer=officer,
            number=kw["number"],
            issuer="重庆市人民政府",
            valid_from=kw["valid_from"],
            valid_until=kw["valid_until"],
            domains=list(kw["domains"]),
            actor=world.leader,
        )
        return officer


class PenaltyCaseFactory(factory.Factory):
    """A penalty case of ``world`` filed by its first officer with the head's approval (``steps.file_case``), then
    taken to ``state``: 调查取证 (an inspection with two officers), 已告知 (the notice of ``types``/``fine`` served
    today) or 已决定 (the party waived statement and hearing, the head decides today). ``filing`` passes on to
    ``penalty_case_file``."""

    class Meta:
        model = PenaltyCase

    world = None
    state = S.FILED
    types: tuple[str, ...] = ("fine",)
    fine = 500
    filing = factory.Dict({})

    @classmethod
    def _create(cls, model_class: type[PenaltyCase], **kw: Any) -> PenaltyCase:
        from django.utils import timezone

        world, state = kw["world"], kw["state"]
        wanted = STEPS.index(state)  # ValueError for a state this factory does not reach
        pc = file_case(world, **kw["filing"])
        today = timezone.localdate()
        if wanted == STEPS.index(S.INVESTIGATING):
            investigate(world, pc, today)
        if wanted >= STEPS.index(S.NOTIFIED):
            notify(world, pc, types=list(kw["types"]), fine=kw["fine"], served_on=today)
        if wanted >= STEPS.index(S.DECIDED):
            decide_waived(world, pc, types=list(kw["types"]), fine=kw["fine"])
        pc.refresh_from_db()
        pc.case.refresh_from_db()
        return pc


class InspectionPlanFactory(factory.Factory):
    """A 双随机 plan of ``world.town`` (``inspection_plan_create`` by the head) over ``departments`` and ``items``."""

    class Meta:
        model = InspectionPlan

    world = None
    name = factory.Sequence(lambda n: f"2026年联合抽查第{n}批")
    departments: tuple[Any, ...] = ()
    items: tuple[Any, ...] = ()
    period_start = dt.date(2026, 3, 1)
    period_end = dt.date(2026, 6, 30)
    ratios = factory.Dict({"A": 1, "B": 1, "C": 1, "D": 1})
    inspectors_per_check = 2

    @classmethod
    def _create(cls, model_class: type[InspectionPlan], **kw: Any) -> InspectionPlan:
        world = kw.pop("world")
        return inspection.inspection_plan_create(
            jurisdiction=world.town,
            actor=world.leader,
            departments=list(kw.pop("departments")),
            items=list(kw.pop("items")),
            **kw,
        )
