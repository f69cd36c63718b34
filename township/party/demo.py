"""Demo data of the party-building overlay (issue 15): 尚村镇's 镇党委, a 党支部 in each of its 32 villages (the
village's 网格长 as secretary), 8 非公企业党支部, each grid's volunteer as its 党员中心户 (linked to their account,
no member register), and the 2024 and 2025 五星支部 ratings (one corrected). Runs after the cameras demo, which
creates 尚村镇's grids and staff; skipped when present (a second ``seed_demo`` adds nothing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from township.org.models import Jurisdiction, Level, Role, RoleGrant

SHANGCUN = "130926103"
BAISHA = "500116108"
ENTERPRISES = (
    "尚村皮毛市场管理有限公司",
    "肃宁县华斯裘革制品有限公司",
    "肃宁县宏达皮草有限公司",
    "肃宁县尚村镇兴业毛皮加工厂",
    "肃宁县金凤裘皮服饰有限公司",
    "肃宁县顺达物流有限公司",
    "肃宁县绿源养殖专业合作社",
    "肃宁县尚村电子商务产业园有限公司",
)
# 五星支部 points scheme (DOMAIN2 §7.1): ≥ 90 → 5 stars (~10 %), 80–90 → 4 (~30 %), 70–80 → 3 (~40 %), 60–70 → 2.
SCORES = (93.5, 86.0, 84.5, 82.0, 78.5, 76.0, 74.5, 72.0, 71.5, 66.0)


def _stars(score: float) -> int:
    return 5 if score >= 90 else 4 if score >= 80 else 3 if score >= 70 else 2 if score >= 60 else 1


def seed(stdout: Any) -> None:
    seed_shangcun(stdout)
    seed_baisha(stdout)


def seed_baisha(stdout: Any) -> None:
    """白沙镇: the town committee and three village branches, rated last year (the demo's default logins see them)."""
    from township.grid import selectors as grid_selectors
    from township.party.models import OrgKind, PartyOrg, Rating

    town = Jurisdiction.objects.filter(pk=BAISHA).first()
    if town is None or PartyOrg.objects.filter(jurisdiction=town).exists():
        return
    grids = list(grid_selectors.grid_public_list(jurisdiction=town.code, level=2).select_related("village")[:3])
    committee = PartyOrg.objects.create(
        jurisdiction=town, code="BS-00", name="中共江津区白沙镇委员会", kind=OrgKind.COMMITTEE, term_years=5
    )
    now = timezone.now()
    for i, g in enumerate(grids, start=1):
        village = g.village.name.removesuffix("村民委员会").removesuffix("居民委员会") if g.village_id else g.name
        org = PartyOrg.objects.create(
            jurisdiction=town,
            code=f"BS-{i:02d}",
            name=f"中共{village}支部委员会",
            kind=OrgKind.BRANCH,
            parent=committee,
            village=g.village,
            grid=g,
            lon=g.center_lon,
            lat=g.center_lat,
            secretary_name=("陈家明", "刘素华", "杨德才")[i - 1],
            term_start=dt.date(2021, 3, 1),
        )
        Rating.objects.create(
            jurisdiction=town,
            org=org,
            year=now.year - 1,
            stars=(5, 4, 3)[i - 1],
            red_flag=i == 1,
            reviewed_by="白沙镇党委",
            recorded_at=now,
        )
    stdout.write(f"白沙镇党建：镇党委 1，村党支部 {len(grids)}\n")


def seed_shangcun(stdout: Any) -> None:
    from township.grid import selectors as grid_selectors
    from township.party.models import MemberLink, MemberRole, OrgKind, PartyOrg, Rating

    town = Jurisdiction.objects.filter(pk=SHANGCUN).first()
    if town is None or PartyOrg.objects.filter(jurisdiction=town).exists():
        return
    grids2 = {g.village_id: g for g in grid_selectors.grid_public_list(jurisdiction=town.code, level=2)}
    grids3 = list(grid_selectors.grid_public_list(jurisdiction=town.code, level=3))
    if not grids3:
        stdout.write("尚村镇尚无网格，跳过党建演示数据\n")
        return
    staff = grid_selectors.grid_staff_by_grid(grids=grids3)
    heads = {
        g.village_id: s.user for g in grids3 for s in staff.get(g.pk, []) if s.role == Role.GRID_HEAD and g.village_id
    }
    leader = RoleGrant.objects.filter(jurisdiction=town, role=Role.LEADER).select_related("user").first()
    town_grid = grid_selectors.grid_public_list(jurisdiction=town.code, level=1).first()
    committee = PartyOrg.objects.create(
        jurisdiction=town,
        code="SC-00",
        name="中共肃宁县尚村镇委员会",
        kind=OrgKind.COMMITTEE,
        grid=town_grid,
        lon=town_grid.center_lon if town_grid else None,
        lat=town_grid.center_lat if town_grid else None,
        secretary=leader.user if leader else None,
        term_start=dt.date(2021, 9, 1),
        term_years=5,
    )
    villages = [
        v
        for v in Jurisdiction.objects.filter(parent=town, level=Level.VILLAGE).order_by("code")
        if v.name.endswith("村民委员会")
    ]
    orgs = []
    for i, v in enumerate(villages, start=1):
        g = grids2.get(v.code)
        orgs.append(
            PartyOrg(
                jurisdiction=town,
                code=f"SC-{i:02d}",
                name=f"中共{v.name.removesuffix('村民委员会')}村支部委员会",
                kind=OrgKind.BRANCH,
                parent=committee,
                village=v,
                grid=g,
                lon=g.center_lon if g else None,
                lat=g.center_lat if g else None,
                secretary=heads.get(v.code),
                term_start=dt.date(2021, 3, 1),
                term_years=5,
            )
        )
    for j, name in enumerate(ENTERPRISES, start=1):
        g = grids3[(j * 19) % len(grids3)]
        orgs.append(
            PartyOrg(
                jurisdiction=town,
                code=f"SC-F{j:02d}",
                name=f"中共{name}支部委员会",
                kind=OrgKind.BRANCH,
                parent=committee,
                non_public=True,
                enterprise=name,
                village=g.village,
                grid=g,
                lon=round(g.center_lon + 0.002, 6),
                lat=round(g.center_lat - 0.0015, 6),
                secretary_name=("刘建华", "孙立民", "马秀云", "赵国强", "周海涛", "吴春燕", "郑文军", "冯雪莲")[j - 1],
                term_start=dt.date(2023, 6, 1),
                term_years=3,
            )
        )
    PartyOrg.objects.bulk_create(orgs)
    by_village = {
        o.village_id: o for o in PartyOrg.objects.filter(jurisdiction=town, non_public=False, parent=committee)
    }
    today = timezone.localdate()
    links = []
    for g in grids3:
        org = by_village.get(g.village_id) or committee  # the two communities' grids: the town committee
        volunteer = next((s.user for s in staff.get(g.pk, []) if s.role == Role.GRID_VOLUNTEER), None)
        if volunteer is None:
            continue
        links.append(
            MemberLink(
                jurisdiction=town,
                org=org,
                user=volunteer,
                role=MemberRole.CENTRAL_HOUSEHOLD,
                grid=g,
                village_id=g.village_id,
                household_address=f"{g.name.removesuffix('网格')}",
                households=8 + g.pk % 3,
                active_from=dt.date(2024, 1, 1),
            )
        )
    MemberLink.objects.bulk_create(links, batch_size=500)
    ratings = []
    now = timezone.now()
    all_orgs = list(PartyOrg.objects.filter(jurisdiction=town).exclude(pk=committee.pk).order_by("code"))
    for year in (today.year - 2, today.year - 1):
        for i, org in enumerate(all_orgs):
            score = SCORES[(i * 3 + year) % len(SCORES)]
            ratings.append(
                Rating(
                    jurisdiction=town,
                    org=org,
                    year=year,
                    score=Decimal(str(score)),
                    stars=_stars(score),
                    red_flag=score >= 90,
                    reviewed_by="尚村镇党委",
                    current=True,
                    recorded_at=now,
                )
            )
    Rating.objects.bulk_create(ratings, batch_size=500)
    # One correction, as the 组织部 review changed a score: history kept.
    first = Rating.objects.filter(jurisdiction=town, org=all_orgs[0], year=today.year - 1, current=True).first()
    if first is not None:
        Rating.objects.filter(pk=first.pk).update(current=False)
        Rating.objects.create(
            jurisdiction=town,
            org=first.org,
            year=first.year,
            score=first.score + Decimal("4.0") if first.score is not None else None,
            stars=min(5, first.stars + 1),
            red_flag=first.stars + 1 >= 5,
            reviewed_by="肃宁县委组织部",
            current=True,
            replaces=first,
            correction_reason="县委组织部复核：产业兴旺项加分",
            recorded_at=now,
        )
    n_village = sum(1 for o in orgs if not o.non_public)
    stdout.write(
        f"尚村镇党建：镇党委 1，村党支部 {n_village}，非公企业党支部 {len(ENTERPRISES)}，党员中心户 {len(links)}，"
        f"星级评定 {len(ratings)}\n"
    )
