"""The approval case types declared to the engine: the application and the 一件事 bundle (issue 10)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from township.approval.machine import APPLICATION_MACHINE, BUNDLE_MACHINE
from township.approval.models import Application
from township.cases.types import CaseType, MenuEntry, TimedJob
from township.org.models import Role


def _timed_work(now):  # type: ignore[no-untyped-def]
    from township.approval.services import approval_run_timed_work

    return approval_run_timed_work(now)


APPLICATION = CaseType(
    machine=APPLICATION_MACHINE,
    record=Application,
    menu=(
        MenuEntry(_("我的办事"), "approval:portal", roles=None, order=20),
        MenuEntry(_("综合窗口"), "approval:window", roles=(Role.WINDOW_CLERK, Role.VILLAGE_AGENT), order=30),
        MenuEntry(_("审批待办"), "approval:review", roles=(Role.APPROVER, Role.APPROVAL_HEAD), order=31),
        MenuEntry(
            _("审批监督"),
            "approval:supervise",
            roles=(Role.APPROVAL_HEAD, Role.LEADER, Role.ENFORCEMENT_OFFICER, Role.ADMINISTRATOR),
            order=32,
        ),
    ),
    timed=(TimedJob("approval.timed_work", _timed_work, every_seconds=300),),
)

BUNDLE = CaseType(machine=BUNDLE_MACHINE, record=Application)
