"""The enforcement case types declared to the engine: the ordinary and the summary penalty procedure (issue 10)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from township.cases.types import CaseType, MenuEntry
from township.enforcement.machine import PENALTY_MACHINE, SUMMARY_MACHINE
from township.enforcement.models import PenaltyCase
from township.org.models import Role

STAFF = (Role.ENFORCEMENT_OFFICER, Role.LEGAL_REVIEWER, Role.LEADER)

PENALTY = CaseType(
    machine=PENALTY_MACHINE,
    record=PenaltyCase,
    menu=(
        MenuEntry(_("行政处罚案件"), "enforcement:case-list", roles=STAFF, order=40),
        MenuEntry(_("案源管理"), "enforcement:clue-list", roles=STAFF, order=41),
        MenuEntry(_("双随机抽查"), "enforcement:plan-list", roles=STAFF, order=42),
        MenuEntry(_("执法队伍"), "enforcement:team-list", roles=STAFF, order=43),
    ),
)

SUMMARY = CaseType(machine=SUMMARY_MACHINE, record=PenaltyCase)
