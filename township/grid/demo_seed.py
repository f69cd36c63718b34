"""The 白沙镇 demo (called by township.grid.demo.seed): grids, staff, departments, events in every state."""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction

from township.grid import services
from township.grid.demo import BAISHA_BOUNDS, ensure_divisions
from township.grid.models import Event, Grid, GridStaff, Source
from township.org.models import DataScope, Department, Jurisdiction, Role, RoleGrant, User

TOWN = "500116108"

# 1×1 PNG used as the demo photo (uploads are sniffed by content).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)

DEPARTMENTS = ["环卫所", "综合行政执法大队", "建设环保办", "应急管理办", "园林绿化所", "排水公司", "供电所"]

REPORTS = [
    ("200110", "石门村口垃圾桶旁暴露垃圾约2平方米"),
    ("200112", "场镇主街路面泥土污染"),
    ("200101", "河口村沿河新增彩钢棚，疑似违建"),
    ("200506", "农贸市场外占道经营水果摊"),
    ("200509", "小学门口机动车乱停放"),
    ("100102", "滨江路污水井盖缺失"),
    ("100118", "东山社区连续3盏路灯不亮"),
    ("200201", "电杆上张贴非法小广告"),
    ("200302", "安置房工地扬尘明显"),
    ("200513", "夜市露天烧烤油烟扰民"),
    ("202101", "金盆村田间焚烧秸秆"),
    ("200114", "公园绿地杂草丛生、有垃圾"),
]

# the path each demo event takes
PATHS = [
    [],
    [],
    [],
    ["register"],
    ["register"],
    ["register", "dispatch"],
    ["register", "dispatch"],
    ["register", "dispatch", "accept"],
    ["register", "dispatch", "accept"],
    ["register", "dispatch", "accept", "postpone"],
    ["register", "dispatch", "accept", "feedback"],
    ["register", "dispatch", "accept", "feedback"],
    ["register", "dispatch", "accept", "feedback", "rework"],
    ["register", "dispatch", "accept", "feedback", "check_ok"],
    ["register", "dispatch", "accept", "feedback", "check_ok", "close"],
    ["register", "dispatch", "accept", "feedback", "check_ok", "close"],
    ["register", "dispatch", "accept", "feedback", "check_ok", "close", "evaluate"],
    ["register", "dispatch", "accept", "feedback", "check_ok", "close", "evaluate"],
    ["reject"],
    ["cancel"],
]


def _photo(name: str = "现场.png") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _actor(role: str, username: str, full_name: str, town: Jurisdiction, department: Department | None = None) -> User:
    grants = RoleGrant.objects.filter(jurisdiction=town, role=role).select_related("user")
    if department is not None:  # a handler acts for its own department only (承办): looked up with it
        grants = grants.filter(department=department)
    grant = grants.first()
    if grant is not None:
        return grant.user
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    if created:
        user.set_unusable_password()  # no default passwords; the lead's seed_demo prints the real logins
        user.save(update_fields=["password"])
    RoleGrant.objects.get_or_create(
        user=user, jurisdiction=town, role=role, department=department, defaults={"data_scope": DataScope.UNIT}
    )
    return user


def seed_baisha(stdout: Any) -> None:
    ensure_divisions("baisha-divisions.csv")
    services.event_class_seed_defaults()
    town = Jurisdiction.objects.get(pk=TOWN)
    if not Grid.objects.filter(jurisdiction=town).exists():
        counts = services.grid_generate(root=town, bounds=BAISHA_BOUNDS, counts=(1, 24, 120))
        stdout.write(f"白沙镇网格：一级 {counts[1]}，二级 {counts[2]}，三级 {counts[3]}\n")
    depts = {}
    for n, name in enumerate(DEPARTMENTS):
        depts[name], _c = Department.objects.get_or_create(
            jurisdiction=town, name=name, defaults={"kind": "handler", "sort": 50 + n}
        )
    dispatcher = _actor(Role.DISPATCHER, "baisha_dispatcher", "白沙调度员", town)
    patroller = _actor(Role.GRID_PATROLLER, "baisha_patroller", "白沙网格员", town)
    leader = _actor(Role.LEADER, "baisha_leader", "白沙分管领导", town)
    handler = _actor(Role.HANDLER, "baisha_handler", "环卫所处置员", town, depts["环卫所"])
    supervisor = _actor(Role.GRID_SUPERVISOR, "baisha_supervisor", "白沙督导员", town)
    level3 = list(Grid.objects.filter(jurisdiction=town, level=3).order_by("code"))
    if not GridStaff.objects.filter(jurisdiction=town).exists():
        for g in level3[:12]:
            services.grid_staff_assign(grid=g, user=patroller, role=Role.GRID_PATROLLER, actor=None)
            services.grid_staff_assign(grid=g, user=supervisor, role=Role.GRID_SUPERVISOR, actor=None)
    if Event.objects.filter(jurisdiction=town).exists():
        return
    rng = random.Random(108)
    made = 0
    with transaction.atomic():
        for n, steps in enumerate(PATHS):
            code, text = REPORTS[n % len(REPORTS)]
            g = rng.choice(level3)
            lon = rng.uniform(g.min_lon, g.max_lon)
            lat = rng.uniform(g.min_lat, g.max_lat)
            public = n in (1, 4)
            event = services.event_report(
                actor=None if public else patroller,
                event_class=code,
                lon=lon,
                lat=lat,
                description=text,
                address=f"{g.name}附近",
                source=Source.PUBLIC if public else Source.PATROL,
                photos=[_photo()],
                contact_phone="138****0000" if public else "",
            )
            if public and steps:
                services.event_verify(event=event, actor=patroller, genuine=True, reason="现场核实属实")
            dept = services.department_suggest(event=event) or depts["环卫所"]
            for step in steps:
                if step == "register":
                    services.event_register(event=event, actor=dispatcher)
                elif step == "dispatch":
                    services.event_dispatch(
                        event=event,
                        actor=dispatcher,
                        department=dept,
                        handler=handler if dept.pk == depts["环卫所"].pk else None,
                        assisting=_assisting(town, dept, code, depts),
                    )
                elif step == "accept":
                    services.event_accept(
                        event=event, actor=handler if dept.pk == depts["环卫所"].pk else _dept_handler(town, dept)
                    )
                elif step == "postpone":
                    who = event.handler
                    services.event_postpone_request(
                        event=event, actor=who, reason="需协调产权单位，申请延期3个工作日", days=3
                    )
                    services.event_postpone_approve(event=event, actor=leader, comment="同意")
                elif step == "feedback":
                    services.event_feedback(
                        event=event, actor=event.handler, photos=[_photo("处置后.png")], note="已处置完毕"
                    )
                elif step == "rework":
                    services.event_check(event=event, actor=patroller, ok=False, reason="现场仍有残留，请返工")
                elif step == "check_ok":
                    services.event_check(event=event, actor=patroller, ok=True, reason="核查通过")
                elif step == "close":
                    services.event_close(event=event, actor=dispatcher)
                elif step == "evaluate":
                    services.event_evaluate(event=event, actor=dispatcher, rating=rng.choice([4, 5]))
                elif step == "reject":
                    services.event_reject(event=event, actor=dispatcher, reason="不属于网格事件受理范围")
                elif step == "cancel":
                    services.event_cancel(event=event, actor=dispatcher, reason="测试数据作废")
            if code == "200101" and not event.handovers.exists():
                services.grid_event_to_clue(event=event, actor=dispatcher, reason="疑似违法建设，移交综合执法立案查处")
            made += 1
    stdout.write(f"白沙镇网格事件：{made} 件（各环节均有）\n")


def _assisting(town: Jurisdiction, lead: Department, code: str, depts: dict[str, Department]) -> list[Department]:
    """协办 in the demo: 规划建设管理局 (or 建设环保办) assists on the suspected illegal building (200101)."""
    if code != "200101":
        return []
    planning = Department.objects.filter(jurisdiction=town, name="规划建设管理局").first() or depts["建设环保办"]
    return [planning] if planning.pk != lead.pk else []


def _dept_handler(town: Jurisdiction, dept: Department) -> User:
    return _actor(Role.HANDLER, f"baisha_handler_{dept.pk}", f"{dept.name}处置员", town, dept)
