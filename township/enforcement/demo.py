"""Demo data for 白沙镇: 4 comprehensive brigades + 1 work-safety brigade, officers with credentials, a legal
reviewer, penalty items with discretion bands, cases in several states, and a random-inspection plan. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from township.core.identifiers import uscc_check_char
from township.enforcement import inspection, services
from township.enforcement.models import Domain, EnforcementConfig, LegalReviewer, Officer, Team
from township.org.models import Department, Jurisdiction, Level, Role, RoleGrant, User

BAISHA = "500116108"

TEAMS = [
    ("第一综合执法中队", Team.Kind.COMPREHENSIVE, [Domain.CITY, Domain.PLANNING]),
    ("第二综合执法中队", Team.Kind.COMPREHENSIVE, [Domain.CITY, Domain.AGRICULTURE]),
    ("第三综合执法中队", Team.Kind.COMPREHENSIVE, [Domain.PLANNING, Domain.CULTURE]),
    ("第四综合执法中队", Team.Kind.COMPREHENSIVE, [Domain.CITY, Domain.MARKET, Domain.ECOLOGY]),
    ("安全生产执法中队", Team.Kind.WORK_SAFETY, [Domain.WORK_SAFETY]),
]

EXTRA_OFFICERS = ["陈建国", "刘海涛", "杨丽", "黄志强", "林小燕", "徐磊", "马俊", "郭敏", "谢文", "韩冰"]

ITEMS = [
    {
        "code": "500116-CG-001",
        "name": "对在城市道路两侧和公共场地堆放物料的处罚",
        "domain": Domain.CITY,
        "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
        "penalty_types": ["warning", "fine"],
        "fine_min": 0,
        "fine_max": 2000,
        "bands": [
            {
                "level": "minor",
                "conditions": "首次违法、面积5平方米以下并当场改正",
                "fine_min": 0,
                "fine_max": 0,
                "no_penalty": True,
            },
            {"level": "general", "conditions": "面积5至20平方米", "fine_min": 100, "fine_max": 500},
            {"level": "serious", "conditions": "面积20平方米以上或拒不改正", "fine_min": 500, "fine_max": 2000},
        ],
    },
    {
        "code": "500116-GH-002",
        "name": "对未经批准进行临时建设的处罚",
        "domain": Domain.PLANNING,
        "legal_basis": "《中华人民共和国城乡规划法》第六十六条",
        "penalty_types": ["fine", "other"],
        "fine_min": 0,
        "fine_max": 50000,
        "bands": [
            {"level": "general", "conditions": "面积50平方米以下", "fine_min": 1000, "fine_max": 10000},
            {"level": "serious", "conditions": "面积50至200平方米", "fine_min": 10000, "fine_max": 30000},
            {"level": "severe", "conditions": "面积200平方米以上或影响公共安全", "fine_min": 30000, "fine_max": 50000},
        ],
    },
    {
        "code": "500116-AQ-003",
        "name": "对生产经营单位未按规定开展安全生产教育和培训的处罚",
        "domain": Domain.WORK_SAFETY,
        "legal_basis": "《中华人民共和国安全生产法》第九十七条",
        "penalty_types": ["fine", "suspend_business"],
        "fine_min": 0,
        "fine_max": 100000,
        "life_health_finance": True,
        "bands": [
            {"level": "general", "conditions": "责令限期改正逾期未改正", "fine_min": 10000, "fine_max": 50000},
            {"level": "severe", "conditions": "拒不改正", "fine_min": 50000, "fine_max": 100000},
        ],
    },
]


def _uscc(n: int) -> str:
    body = f"92500116MA{n:07d}"
    return body + uscc_check_char(body)


def seed(stdout: Any) -> None:
    town = Jurisdiction.objects.filter(pk=BAISHA).first()
    if town is None:
        stdout.write("enforcement demo: 白沙镇 missing, skipped")
        return
    if Team.objects.filter(jurisdiction=town).exists():
        stdout.write("enforcement demo: already present")
        return
    admin = User.objects.filter(username="admin").first()
    leader = User.objects.filter(username="leader").first()
    officer = User.objects.filter(username="officer").first()
    officer2 = User.objects.filter(username="officer2").first()
    legal = User.objects.filter(username="legal").first()
    if not all((admin, leader, officer, officer2, legal)):
        stdout.write("enforcement demo: demo accounts missing, skipped")
        return
    RoleGrant.objects.get_or_create(user=admin, jurisdiction=town, role=Role.ADMINISTRATOR, department=None)
    # The town's leader sets up teams, officers and items: the system administrator reaches no business rows
    # (三员分立, township/org/duties.py).
    enf_dept = Department.objects.filter(jurisdiction=town, kind="enforcement").first()
    safety_dept = Department.objects.filter(jurisdiction=town, kind="emergency").first() or enf_dept

    EnforcementConfig.objects.get_or_create(
        jurisdiction=town,
        defaults={
            "bureau_name": "重庆市江津区白沙镇综合行政执法局",
            "review_body": "重庆市江津区人民政府",
            "court": "重庆市江津区人民法院",
            "bank": "重庆农村商业银行江津白沙支行",
        },
    )
    villages = list(Jurisdiction.objects.filter(parent=town, level=Level.VILLAGE).order_by("code"))
    teams = []
    for i, (name, kind, domains) in enumerate(TEAMS):
        zone = [v for j, v in enumerate(villages) if j % 4 == i] if kind == Team.Kind.COMPREHENSIVE else []
        teams.append(
            services.team_create(
                jurisdiction=town,
                name=name,
                kind=kind,
                domains=domains,
                villages=zone,
                actor=leader,
                department=safety_dept if kind == Team.Kind.WORK_SAFETY else enf_dept,
            )
        )

    valid_from, valid_until = dt.date(2024, 1, 1), dt.date(2029, 12, 31)
    users = [officer, officer2]
    for k, name in enumerate(EXTRA_OFFICERS, start=1):
        u, created = User.objects.get_or_create(username=f"bs_enf{k:02d}", defaults={"full_name": name})
        if created:
            u.set_unusable_password()
            u.save()
        RoleGrant.objects.get_or_create(user=u, jurisdiction=town, role=Role.ENFORCEMENT_OFFICER, department=None)
        users.append(u)
    for k, u in enumerate(users):
        team = teams[k % len(teams)]
        off = services.officer_create(jurisdiction=town, user=u, team=team, actor=leader, department=team.department)
        services.credential_add(
            officer=off,
            number=f"渝执字50011608{k + 1:04d}",
            issuer="重庆市人民政府",
            valid_from=valid_from,
            valid_until=valid_until,
            actor=leader,
        )
    services.legal_reviewer_create(
        jurisdiction=town,
        user=legal,
        qualification=LegalReviewer.Qualification.LEGAL_PROFESSION,
        certificate_number="A20205001160317",
        qualified_on=dt.date(2020, 3, 1),
        actor=leader,
    )
    for domain, person, org in (
        (Domain.CITY, 5000, 50000),
        (Domain.PLANNING, 10000, 100000),
        (Domain.WORK_SAFETY, 10000, 100000),
    ):
        services.hearing_threshold_set(
            jurisdiction=town,
            domain=domain,
            person_fine=person,
            organisation_fine=org,
            confiscation_value=50000,
            actor=leader,
            source="重庆市行政处罚听证较大数额标准（演示值，请按本地规定配置）",
        )
    items = [services.penalty_item_create(jurisdiction=town, actor=leader, **spec) for spec in ITEMS]

    _cases(town, villages, items, leader, officer, officer2, legal)
    _inspection(town, enf_dept, safety_dept, leader, users)
    stdout.write(
        f"enforcement demo: {len(teams)} brigades, {len(users)} officers, {len(items)} penalty items, cases and a plan"
    )


def _cases(
    town: Jurisdiction, villages: list[Jurisdiction], items: list[Any], leader: User, o1: User, o2: User, legal: User
) -> None:
    today = timezone.localdate()
    inv = [o1.pk, o2.pk]
    v = villages[0] if villages else None
    now = timezone.now()

    def file(name: str, item: Any, facts: str, days_ago: int = 20, **kw: Any) -> Any:
        return services.penalty_case_file(
            jurisdiction=town,
            actor=o1,
            approved_by=leader,
            party_kind=kw.pop("party_kind", "person"),
            party_name=name,
            act_date=today - dt.timedelta(days=days_ago),
            domain=item.domain,
            item=item,
            investigators=inv,
            village=v,
            facts=facts,
            party_address=kw.pop("party_address", f"白沙镇{v.name if v else ''}"),
            **kw,
        )

    clue = services.clue_create(
        jurisdiction=town,
        source="complaint",
        summary="群众举报：黑石山村一农户在河道旁违法搭建彩钢棚",
        actor=o1,
        village=v,
    )
    services.clue_create(
        jurisdiction=town, source="inspection", summary="日常巡查发现白沙正街多家商户占道经营", actor=o1
    )
    # 1. filed from a clue
    services.clue_file(
        clue=clue,
        actor=o1,
        approved_by=leader,
        party_name="罗某",
        act_date=today - dt.timedelta(days=10),
        domain=items[1].domain,
        item=items[1],
        investigators=inv,
        facts="罗某在河道旁搭建彩钢棚约30平方米。",
    )
    # 2. investigating
    pc = file("陈某", items[0], "陈某在白沙正街人行道堆放建筑材料约12平方米。")
    services.penalty_act_record(
        penalty_case=pc,
        kind="inspection",
        at=now,
        place="白沙镇正街",
        officers=inv,
        actor=o1,
        summary="现场检查并拍照。",
    )
    services.preservation_start(  # the materials are registered and kept (Art 56), decided within 7 working days
        penalty_case=pc,
        goods="水泥20袋、钢管30根",
        started_on=today,
        approved_by=leader,
        officers=inv,
        actor=o1,
        place="白沙镇正街",
    )
    # 3. notified (warning intended)
    pc = file("李某", items[0], "李某在公共场地堆放杂物约8平方米。")
    services.penalty_act_record(penalty_case=pc, kind="inquiry", at=now, place="执法局询问室", officers=inv, actor=o1)
    services.penalty_notice(
        penalty_case=pc,
        actor=o1,
        types=["fine"],
        fine=300,
        facts=pc.facts,
        reasons="违反市容管理规定",
        basis=items[0].legal_basis,
        served_on=today,
    )
    # 4. decided and served (the party waived statement and defence)
    pc = file("王某", items[0], "王某在公共场地堆放物料约6平方米，经责令未改正。")
    services.penalty_act_record(
        penalty_case=pc, kind="inspection", at=now, place="白沙镇滨江路", officers=inv, actor=o1
    )
    services.penalty_notice(
        penalty_case=pc,
        actor=o1,
        types=["fine"],
        fine=200,
        facts=pc.facts,
        reasons="违反市容管理规定",
        basis=items[0].legal_basis,
        served_on=today,
    )
    services.penalty_statement_record(penalty_case=pc, actor=o1, waived=True)
    services.penalty_decide(penalty_case=pc, actor=leader, types=["fine"], fine=200)
    services.penalty_serve(penalty_case=pc, actor=o1, mode="direct", sent_on=today)
    _remedies(pc, file, items[0], legal, leader, o1, inv, today, now)
    # 5. summary procedure, recorded
    s = services.summary_case_create(
        jurisdiction=town,
        actor=o1,
        party_kind="person",
        party_name="赵某",
        types=["fine"],
        fine=50,
        facts="在白沙正街占道经营水果摊",
        basis=items[0].legal_basis,
        place="白沙镇正街",
        officers=inv,
        evidence_names=["现场照片2张"],
        domain=items[0].domain,
        rights_told=True,
        statement="当事人表示认可，不再陈述申辩",
    )
    services.summary_collect_on_spot(penalty_case=s, actor=o1, receipt_number="渝财罚No.0012345")
    services.summary_cash_hand_over(penalty_case=s, actor=o1, handed_over_on=today)
    services.summary_record(penalty_case=s, actor=o1)


# 行政复议 and 行政诉讼 brought against decided cases, so 复议诉讼纠错率 (考核) is not empty: 维持, 驳回, 撤销, 撤诉 and
# one pending → 1 / 4. The body is the unit's 复议机关 or 管辖法院 (执法设置).
REMEDIES = [
    (
        "周某",
        "周某在白沙正街人行道摆放广告牌约10平方米。",
        "reconsideration",
        "江津府复〔2026〕21号",
        "rejected",
        "复议机关认为处罚决定事实清楚、适用依据正确，驳回复议请求。",
    ),
    (
        "吴某",
        "吴某在滨江路公共场地堆放废旧建材约15平方米。",
        "litigation",
        "（2026）渝0116行初58号",
        "annulled",
        "法院认为现场检查笔录未经当事人签字确认，主要证据不足，判决撤销。",
    ),
    (
        "郑某",
        "郑某在东海村公共场地堆放杂物约9平方米。",
        "litigation",
        "（2026）渝0116行初61号",
        "withdrawn",
        "当事人主动改正后申请撤诉，法院准许。",
    ),
    (
        "冯某",
        "冯某在白沙正街占道堆放货物约7平方米。",
        "reconsideration",
        "江津府复〔2026〕27号",
        "",
        "已提交行政复议答复书及证据材料，等待复议决定。",
    ),
]


def _remedies(
    first: Any, file: Any, item: Any, legal: User, leader: User, o1: User, inv: list[int], today: Any, now: Any
) -> None:
    services.penalty_remedy_record(
        penalty_case=first,
        actor=legal,
        kind="reconsideration",
        number="江津府复〔2026〕15号",
        received_on=today,
        decided_on=today,
        result="upheld",
        note="复议机关决定维持原处罚决定。",
    )
    for name, facts, kind, number, result, note in REMEDIES:
        pc = file(name, item, facts)
        services.penalty_act_record(
            penalty_case=pc, kind="inspection", at=now, place="白沙镇正街", officers=inv, actor=o1
        )
        services.penalty_notice(
            penalty_case=pc,
            actor=o1,
            types=["fine"],
            fine=300,
            facts=pc.facts,
            reasons="违反市容管理规定",
            basis=item.legal_basis,
            served_on=today,
        )
        services.penalty_statement_record(penalty_case=pc, actor=o1, waived=True)
        services.penalty_decide(penalty_case=pc, actor=leader, types=["fine"], fine=300)
        services.penalty_serve(penalty_case=pc, actor=o1, mode="direct", sent_on=today)
        services.penalty_remedy_record(
            penalty_case=pc,
            actor=legal,
            kind=kind,
            number=number,
            received_on=today,
            decided_on=today if result else None,
            result=result,
            note=note,
        )


def _inspection(town: Jurisdiction, enf_dept: Any, safety_dept: Any, leader: User, users: list[User]) -> None:
    if enf_dept is None:
        return
    item1 = inspection.inspection_item_create(
        jurisdiction=town,
        department=enf_dept,
        code="SJ-ZF-001",
        name="户外广告设置情况检查",
        actor=leader,
        domain=Domain.CITY,
    )
    items = [item1]
    departments = [enf_dept]
    if safety_dept is not None and safety_dept != enf_dept:
        items.append(
            inspection.inspection_item_create(
                jurisdiction=town,
                department=safety_dept,
                code="SJ-AQ-001",
                name="安全生产主体责任落实情况检查",
                actor=leader,
                domain=Domain.WORK_SAFETY,
            )
        )
        departments.append(safety_dept)
    names = ["白沙镇好再来餐馆", "江津区白沙五金店", "白沙镇兴旺建材经营部", "白沙镇鑫源食品厂", "白沙镇顺达汽修厂"]
    for n in range(40):
        inspection.inspection_target_add(
            jurisdiction=town,
            uscc=_uscc(100 + n),
            name=names[n % len(names)] + (f"（{n // len(names) + 1}号店）" if n >= len(names) else ""),
            actor=leader,
            credit_class="ABBBCCD"[n % 7],
            kind="individual_business",
        )
    plan = inspection.inspection_plan_create(
        jurisdiction=town,
        name="2026年第四季度联合双随机抽查",
        departments=departments,
        items=items,
        period_start=timezone.localdate(),
        period_end=timezone.localdate() + dt.timedelta(days=60),
        ratios={"A": 0.05, "B": 0.1, "C": 0.2, "D": 0.5},
        actor=leader,
    )
    if Officer.objects.filter(jurisdiction=town, department__in=departments).count() >= 2:
        inspection.inspection_plan_draw(plan=plan, actor=leader, seed="baisha-demo-2026q4")
