"""Demo data of the web shell: one person with roles in two units, to show the unit switcher (当前单位)."""

from __future__ import annotations

from typing import Any

from township.org.demo import create_demo_user
from township.org.models import DataScope, Jurisdiction, Role, RoleGrant, User

BAISHA = "500116108"
DEMO_VILLAGE = "500116108201"  # 黑石山村
USERNAME = "multi"
PASSWORD = "Bs-multi-2026!"  # noqa: S105  (a printed demo login, like the other demo accounts)


def seed(stdout: Any) -> None:
    if Jurisdiction.objects.filter(code__in=[BAISHA, DEMO_VILLAGE]).count() != 2:
        return
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = create_demo_user(USERNAME, PASSWORD, full_name="王晓燕")  # must change it unless the demo keeps them
    for code, role in ((BAISHA, Role.WINDOW_CLERK), (DEMO_VILLAGE, Role.VILLAGE_AGENT)):
        RoleGrant.objects.get_or_create(
            user=user, jurisdiction_id=code, role=role, department=None, defaults={"data_scope": DataScope.UNIT}
        )
    stdout.write(f"web: {USERNAME} / {PASSWORD} — 白沙镇综合窗口 + 黑石山村代办员 (shows the unit switcher)\n")
