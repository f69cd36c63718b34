"""Demo data of 社情民意: about forty items in 白沙镇 collected by village agents over the last months, across
categories and villages; some answered, some archived, the rest waiting. ``finish`` forwards a few to a grid event,
and to 12345 / 信访 / 调解 when those case types are registered with an intake (their apps seed after this one).

Idempotent: the items are seeded once (by the demo agents' accounts); an item is forwarded only while it is open.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

TOWN = "500116108"
DEMO_VILLAGE = "500116108201"  # 黑石山村
AGENT_PREFIX = "opinions_agent_"
CENTER = "opinions_center"

# (category, kind, title, content)
ITEMS: list[tuple[str, str, str, str]] = [
    ("livelihood", "report", "路灯损坏", "村道路灯坏了一个多月，晚上老人孩子出行不便，希望尽快修复。"),
    ("livelihood", "report", "自来水水压低", "高处几户人家早晚用水高峰时自来水上不去，影响做饭洗衣。"),
    ("livelihood", "complaint", "垃圾清运不及时", "垃圾收集点三四天才清运一次，天热有异味，蚊蝇多。"),
    ("livelihood", "report", "公交班次少", "到镇上的公交一天只有四班，赶集和看病很不方便，建议加密班次。"),
    ("suggestion", "suggestion", "建议增设健身器材", "村广场空地较大，建议安装一些健身器材，方便群众锻炼。"),
    ("suggestion", "suggestion", "建议开设老年食堂", "村里留守老人多，建议依托便民服务中心开设老年助餐点。"),
    ("suggestion", "suggestion", "建议延长便民服务中心开放时间", "外出务工人员周末才回来，建议周六上午开放窗口。"),
    ("dispute", "report", "宅基地边界纠纷", "两户村民因宅基地边界发生争执，多次口角，需要村里出面调解。"),
    ("dispute", "report", "土地流转租金纠纷", "合作社拖欠部分农户土地流转租金，农户意见较大。"),
    ("dispute", "report", "邻里排水纠纷", "一户新建房屋的排水沟把雨水引到邻居院坝，双方发生矛盾。"),
    ("policy", "report", "咨询医保缴费政策", "群众询问今年城乡居民医保缴费标准和缴费截止时间。"),
    ("policy", "report", "咨询高龄津贴申领", "八十岁以上老人高龄津贴如何申请，需要哪些材料。"),
    ("policy", "report", "咨询农房改造补助", "危旧房改造补助的申请条件和补助标准是什么。"),
    ("safety", "report", "河堤护栏松动", "河边步道护栏有一段松动，小孩在附近玩耍存在安全隐患。"),
    ("safety", "report", "废弃房屋有倒塌风险", "村里一处无人居住的土坯房墙体开裂，雨季可能倒塌。"),
    ("safety", "report", "山坡有滑坡迹象", "公路边山坡近期出现裂缝和小面积垮塌，过往车辆有危险。"),
    ("other", "report", "流浪犬较多", "最近村里流浪犬增多，有群众反映夜间被狗追咬。"),
    ("other", "suggestion", "希望组织农技培训", "种植户希望镇农服中心组织一次柑橘病虫害防治培训。"),
]

REPLIES = {
    "livelihood": "已转交相关单位处理，并于本周内完成整改，感谢您的反映。",
    "suggestion": "您的建议已提交镇党委政府研究，将结合年度民生实事项目统筹考虑。",
    "policy": "已由便民服务中心工作人员当面解答并提供办事指南。",
    "other": "已协调相关部门处理，后续将持续关注。",
}


def _accounts() -> tuple[list[Any], Any]:
    """Village agents of five villages and one 研判 desk, created with the demo's helper (usernames prefixed)."""
    from township.org.demo import create_demo_user
    from township.org.models import DataScope, Jurisdiction, Level, Role, RoleGrant, User

    villages = list(Jurisdiction.objects.filter(parent_id=TOWN, level=Level.VILLAGE, active=True).order_by("-code"))
    # 黑石山村 (the demo village, with its mediation committee) first, then four more.
    picked = sorted(villages, key=lambda v: v.code != DEMO_VILLAGE)[:5]
    agents = []
    for n, village in enumerate(picked, start=1):
        username = f"{AGENT_PREFIX}{n}"
        user = User.objects.filter(username=username).first() or create_demo_user(
            username, f"Op-agent{n}-2026x", full_name=f"{village.name[:3]}信息员"
        )
        RoleGrant.objects.get_or_create(
            user=user,
            jurisdiction=village,
            role=Role.VILLAGE_AGENT,
            department=None,
            defaults={"data_scope": DataScope.UNIT},
        )
        agents.append((user, village))
    center = User.objects.filter(username=CENTER).first() or create_demo_user(
        CENTER, "Op-center-2026x", full_name="社情民意研判员"
    )
    for role in (Role.DISPATCHER, Role.HOTLINE_OPERATOR, Role.PETITION_OFFICER, Role.MEDIATOR):
        RoleGrant.objects.get_or_create(
            user=center, jurisdiction_id=TOWN, role=role, department=None, defaults={"data_scope": DataScope.UNIT}
        )
    return agents, center


def seed(stdout: Any) -> None:
    from township.opinions import services
    from township.opinions.models import Opinion
    from township.org.models import Jurisdiction

    if not Jurisdiction.objects.filter(pk=TOWN).exists():
        return
    agents, center = _accounts()
    if (
        not agents
        or Opinion.objects.filter(jurisdiction_id=TOWN, collector__username__startswith=AGENT_PREFIX).exists()
    ):
        return
    rng = random.Random(14)
    now = timezone.now()
    made = answered = archived = 0
    with transaction.atomic():
        for n in range(40):
            category, kind, title, content = ITEMS[n % len(ITEMS)]
            agent, village = agents[n % len(agents)]
            at = now - timedelta(days=150 - n * 3.6, hours=rng.randint(0, 8))
            o = services.opinion_collect(
                actor=agent,
                village=village,
                channel="village_agent",
                kind=kind,
                title=title,
                content=content,
                location=f"{village.name[:3]}{rng.randint(1, 9)}组",
                reporter_name=rng.choice(["张明", "李秀英", "王建国", "刘芳", "陈志强", "杨丽"]),
                reporter_phone=f"138{rng.randint(10000000, 99999999)}",
                anonymous=n % 9 == 4,
                at=at,
            )
            made += 1
            if n >= 34:
                continue  # the newest wait for 研判
            services.opinion_classify(opinion=o, actor=center, category=category, at=at + timedelta(days=1))
            if category in ("dispute", "safety"):
                continue  # forwarded by ``finish``
            closed_at = at + timedelta(days=rng.randint(3, 20))
            if n % 5 == 3:
                services.opinion_archive(
                    opinion=o, actor=center, outcome="已汇总纳入月度社情民意分析报告，报镇党委参阅。", at=closed_at
                )
                archived += 1
            else:
                services.opinion_answer(
                    opinion=o, actor=center, reply=REPLIES.get(category, REPLIES["other"]), at=closed_at
                )
                answered += 1
    stdout.write(f"社情民意：登记 {made} 件，答复 {answered} 件，存档 {archived} 件\n")


# Which categories go where (when the receiving type is registered with an intake).
ROUTES = {"safety": "grid_event", "dispute": "mediation_case"}
# 矛盾纠纷 in turn to 调解 / 信访 / 12345; when one cannot take it (no committee in the village …), the next.
DISPUTE_ROUTES = ("mediation_case", "petition", "hotline_order")


def finish(stdout: Any) -> None:
    """Forward the open classified items: 安全隐患 → 网格事件, 矛盾纠纷 → 调解案件 (or 信访 / 12345 for a few),
    each through the receiving type's intake and a typed link. Skips a type that is absent or takes no matters."""
    from township.core.errors import DomainError
    from township.opinions import services
    from township.opinions.models import Opinion
    from township.org.models import User

    center = User.objects.filter(username=CENTER).first()
    if center is None:
        return
    mine = Opinion.objects.filter(jurisdiction_id=TOWN, collector__username__startswith=AGENT_PREFIX)
    disputes = list(mine.filter(category="dispute").order_by("collected_at", "id").values_list("pk", flat=True))
    open_items = list(mine.filter(case__state="assessed", category__in=tuple(ROUTES)).order_by("collected_at", "id"))
    done: dict[str, int] = {}
    skipped: dict[str, str] = {}
    for o in open_items:
        if o.category == "dispute":  # by its place among all the demo's disputes, so a second run picks the same
            first = DISPUTE_ROUTES[disputes.index(o.pk) % len(DISPUTE_ROUTES)]
            chain = [first, *[t for t in DISPUTE_ROUTES if t != first]]
        else:
            chain = [ROUTES[o.category]]
        extra = {"event_class": "100211" if "护栏" in o.title else "200401"}  # 交通护栏 / 路面塌陷
        for target in chain:
            reason = services.forward_unavailable(target)
            if reason:
                skipped[target] = reason
                continue
            try:
                services.opinion_forward(
                    opinion=o,
                    actor=center,
                    target=target,
                    note="社情民意研判转办",
                    extra=extra if target == "grid_event" else {},
                )
            except DomainError as exc:
                skipped[target] = exc.message
                continue
            done[target] = done.get(target, 0) + 1
            break
    if done or skipped:
        parts = [f"{k} {v} 件" for k, v in done.items()] + [f"{k} 未转（{v}）" for k, v in skipped.items()]
        stdout.write("社情民意转办：" + "；".join(parts) + "\n")
