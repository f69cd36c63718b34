"""Demo data of cameras (issue 15) and the field force of 尚村镇 (肃宁县, 130926103) they watch over.

尚村镇 gets its 162 basic grids (under one town grid and one grid per village or community) with all five grid
roles staffed (a patroller and a volunteer per grid, the village's 网格长, town supervisors and police), a 村代办员
in each of its 32 villages, two demo logins (``sc_leader``, ``sc_dispatcher``) and 128 cameras of the 雪亮工程;
白沙镇 gets 8 cameras on its grids. Everything is skipped when present: a second ``seed_demo`` adds nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password

from township.org.models import Jurisdiction, Level, Role, RoleGrant, User

SHANGCUN = "130926103"
BAISHA = "500116108"
# 尚村镇, about 95 km² east of 肃宁县城 (WGS-84 box).
SHANGCUN_BOUNDS = (115.78, 38.38, 115.90, 38.47)
GRID_COUNTS = (1, 34, 162)
CAMERAS = 128
DEMO_LOGINS = (
    ("sc_leader", "Sc-leader-2026", "尚村镇党委书记", Role.LEADER),
    ("sc_dispatcher", "Sc-dispatch-2026", "尚村镇指挥中心调度员", Role.DISPATCHER),
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = [
    "建国",
    "志强",
    "秀英",
    "桂兰",
    "海燕",
    "立新",
    "红梅",
    "永刚",
    "玉珍",
    "文博",
    "春生",
    "淑芬",
    "国庆",
    "晓东",
    "丽娟",
    "振华",
    "凤英",
    "明亮",
    "翠花",
    "宏伟",
    "金凤",
    "德胜",
    "美玲",
    "保平",
    "素梅",
    "长青",
    "雪梅",
    "卫东",
    "亚楠",
    "书林",
]


def name_of(i: int) -> str:
    return SURNAMES[(i * 7) % len(SURNAMES)] + GIVEN[(i * 11 + i // len(SURNAMES)) % len(GIVEN)]


def seed(stdout: Any) -> None:
    town = Jurisdiction.objects.filter(pk=SHANGCUN).first()
    if town is None:
        stdout.write("尚村镇不在区划表中，跳过视频监控演示数据\n")
        return
    seed_shangcun_grids(stdout, town)
    seed_shangcun_logins(stdout, town)
    seed_cameras(stdout, town, CAMERAS, bounds_fallback=SHANGCUN_BOUNDS)
    baisha = Jurisdiction.objects.filter(pk=BAISHA).first()
    if baisha is not None:
        seed_cameras(stdout, baisha, 8, bounds_fallback=None)


def _users(prefix: str, count: int, start: int) -> list[User]:
    """``count`` staff accounts ``<prefix>001…`` without a password (they sign in once the town issues one)."""
    names = [f"{prefix}{i:03d}" for i in range(1, count + 1)]
    existing = {u.username: u for u in User.objects.filter(username__in=names)}
    unusable = make_password(None)
    new = [
        User(username=n, full_name=f"{name_of(start + i)}", password=unusable, is_active=True)
        for i, n in enumerate(names)
        if n not in existing
    ]
    User.objects.bulk_create(new, batch_size=500)
    existing.update({u.username: u for u in User.objects.filter(username__in=[u.username for u in new])})
    return [existing[n] for n in names]


def seed_shangcun_grids(stdout: Any, town: Jurisdiction) -> None:
    from township.grid import selectors as grid_selectors
    from township.grid import services as grid_services

    if not grid_selectors.grid_public_list(jurisdiction=town.code).exists():
        counts = grid_services.grid_generate(root=town, bounds=SHANGCUN_BOUNDS, counts=GRID_COUNTS)
        stdout.write(f"尚村镇网格：一级 {counts[1]}，二级 {counts[2]}，三级 {counts[3]}\n")
    grids = list(grid_selectors.grid_public_list(jurisdiction=town.code, level=3))
    if not grids:
        return
    staffed = grid_selectors.grid_staff_by_grid(grids=grids[:1])
    if staffed:
        return  # staffed before
    villages = list(Jurisdiction.objects.filter(parent=town, level=Level.VILLAGE).order_by("code"))
    vindex = {v.code: i for i, v in enumerate(villages)}
    patrollers = _users("sc_wgy", len(grids), 0)
    volunteers = _users("sc_zyz", len(grids), 400)
    heads = _users("sc_wgz", len(villages), 800)
    supervisors = _users("sc_ddy", 6, 900)
    police = _users("sc_jwy", 8, 950)
    for i, g in enumerate(grids):
        v = vindex.get(g.village_id or "", i % len(villages))
        for user, role in (
            (patrollers[i], Role.GRID_PATROLLER),
            (volunteers[i], Role.GRID_VOLUNTEER),
            (heads[v], Role.GRID_HEAD),
            (supervisors[i * len(supervisors) // len(grids)], Role.GRID_SUPERVISOR),
            (police[i * len(police) // len(grids)], Role.GRID_POLICE),
        ):
            grid_services.grid_staff_assign(grid=g, user=user, role=role, actor=None)
    agents = 0
    farm_villages = [v for v in villages if not v.name.endswith("居民委员会")]
    for v, user in zip(farm_villages, _users("sc_dby", len(farm_villages), 1000), strict=True):
        _g, created = RoleGrant.objects.get_or_create(
            user=user, jurisdiction=v, role=Role.VILLAGE_AGENT, department=None
        )
        agents += int(created)
    stdout.write(
        f"尚村镇网格力量：{len(grids)} 个网格五类人员齐全（网格员 {len(patrollers)}、志愿者 {len(volunteers)}、"
        f"网格长 {len(heads)}、督导员 {len(supervisors)}、警务员 {len(police)}），村代办员 {agents} 名\n"
    )


def seed_shangcun_logins(stdout: Any, town: Jurisdiction) -> None:
    from township.org.demo import create_demo_user

    for username, password, full_name, role in DEMO_LOGINS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_demo_user(username, password, full_name=full_name)
        RoleGrant.objects.get_or_create(user=user, jurisdiction=town, role=role, department=None)


def finish(stdout: Any) -> None:
    if User.objects.filter(username=DEMO_LOGINS[0][0]).exists():
        stdout.write(
            "尚村镇演示登录（视频监控、党建引领）："
            + "；".join(f"{u} / {p}（{n}）" for u, p, n, _r in DEMO_LOGINS)
            + "\n"
        )


def seed_cameras(stdout: Any, town: Jurisdiction, count: int, bounds_fallback: Any) -> None:
    from township.cameras.models import Camera, CameraStatus
    from township.grid import selectors as grid_selectors

    if Camera.objects.filter(jurisdiction=town).exists():
        return
    grids = list(grid_selectors.grid_public_list(jurisdiction=town.code, level=3).select_related("village"))
    if not grids:
        return
    center = f"{town.code[:6]}10"  # 8-digit center code: the county + the town's 雪亮 platform
    rows = []
    step = len(grids) / count if count <= len(grids) else 1
    for i in range(count):
        g = grids[int(i * step) % len(grids)]
        k = i // len(grids)
        place = (g.village.name if g.village_id else town.name).removesuffix("村民委员会").removesuffix("居民委员会")
        kind = ("路口", "村委会", "主街", "学校门口", "桥头", "市场")[i % 6]
        device = f"{center}00{'132' if i % 5 else '131'}0{i + 1:06d}"
        rows.append(
            Camera(
                jurisdiction=town,
                device_id=device,
                name=f"{place}{kind}{k + 1 if k else ''}",
                network="sharp_eyes" if i % 4 else "skynet",
                village=g.village,
                grid=g,
                lon=round(g.center_lon + ((i * 37) % 11 - 5) * 0.0004, 6),
                lat=round(g.center_lat + ((i * 53) % 11 - 5) * 0.0003, 6),
                address=f"{place}{kind}",
                stream_url=f"/media/demo-video/{device}.m3u8",
                owner_unit="县公安局" if i % 4 == 0 else f"{town.name}综治中心",
                status=CameraStatus.OFFLINE
                if i % 23 == 7
                else (CameraStatus.FAULT if i % 61 == 11 else CameraStatus.ONLINE),
            )
        )
    Camera.objects.bulk_create(rows, batch_size=500)
    stdout.write(f"{town.name}摄像头：{len(rows)} 个\n")
