"""12345 orders, 社情民意, 信访 and mediation cases of the year (``seed_demo --volume``)."""

from __future__ import annotations

import importlib
from collections import Counter
from datetime import timedelta
from typing import Any

from django.utils import timezone

from township.command.volume.base import MARKER, TOWN, Life, World, _name, _phone, _quietly
from township.org.models import Role, RoleGrant, User

# --------------------------------------------------------------------------------------------- 12345, 社情民意, 信访, 调解

ORDER_TOPICS = [
    ("环境卫生", "complaint", "反映{v}垃圾清运不及时，有异味", "综合行政执法局"),
    ("道路交通", "report", "反映{v}村道路面破损坑洼", "规划建设管理局"),
    ("城乡建设", "complaint", "反映{v}有人违规建房", "规划建设管理局"),
    ("农业农村", "consult", "咨询{v}耕地地力保护补贴发放时间", "农业农村服务局"),
    ("社会救助", "consult", "咨询{v}低保申请条件", "社会事务局"),
]
SATISFACTION = ("satisfied", "satisfied", "satisfied", "basic", "satisfied", "unsatisfied")


def seed_orders(world: World, n: int, tally: Counter[str]) -> None:
    from township.hotline import services as hs
    from township.hotline.selectors import duty_level

    rng = world.rng
    operator = world.user("hotline")
    staff = {
        "综合行政执法局": User.objects.filter(username="hotline_enforce").first(),
        "规划建设管理局": User.objects.filter(username="handler").first(),
        "农业农村服务局": User.objects.filter(username="hotline_agri").first(),
        "社会事务局": User.objects.filter(username="hotline_social").first(),
    }
    for k in range(n):
        matter, kind, text, dept_name = rng.choice(ORDER_TOPICS)
        village = world.village()
        life = Life(world.clock, world.start(hours=(7.5, 21.0)), "orders")
        dept, unit_user = world.depts.get(dept_name), staff.get(dept_name)

        def live(
            k: int = k,
            matter: str = matter,
            kind: str = kind,
            text: str = text,
            village: Any = village,
            life: Life = life,
            dept: Any = dept,
            unit_user: Any = unit_user,
        ) -> None:
            world.clock.at(life.t)
            order = hs.order_create(
                jurisdiction=TOWN,
                actor=operator,
                content=text.format(v=village.name),
                kind=kind,
                matter=matter,
                called_at=life.t,
                caller_name=_name(rng),
                caller_phone=_phone(rng),
                village=village,
                address=f"白沙镇{village.name}",
                external_no=f"{MARKER}{k:06d}",
            )
            tally["12345 orders"] += 1
            if kind == "consult" and rng.random() < 0.6:
                life.step(
                    timedelta(minutes=8),
                    lambda: hs.order_answer(order=order, actor=operator, reply="已根据知识库当场答复来电人。"),
                )
                return
            if duty_level(TOWN, matter) == "county" or dept is None or unit_user is None:
                life.step(
                    timedelta(minutes=30),
                    lambda: hs.order_to_center(
                        order=order, actor=operator, reason=f"“{matter}”属县级部门职责，退回热线中心另行派单"
                    ),
                )
                return
            life.step(
                timedelta(minutes=rng.randint(20, 90)),
                lambda: hs.order_dispatch(order=order, actor=operator, department=dept),
            )
            life.step(timedelta(hours=rng.choice((1, 1, 2, 5))), lambda: hs.order_sign(order=order, actor=unit_user))
            life.step(
                timedelta(days=rng.uniform(0.5, 4)),
                lambda: hs.order_finish(order=order, actor=unit_user, reply="已到现场处理，并电话告知来电人处理结果。"),
            )
            satisfaction = rng.choice(SATISFACTION)
            life.step(
                timedelta(days=1),
                lambda: hs.order_callback(
                    order=order,
                    actor=operator,
                    satisfaction=satisfaction,
                    resolved=satisfaction != "unsatisfied",
                    note="电话回访",
                ),
            )
            life.step(timedelta(hours=2), lambda: hs.order_close(order=order, actor=operator))

        _quietly(tally, "orders", live)


OPINION_TOPICS = [
    ("livelihood", "report", "路灯损坏", "村道路灯坏了一个多月，晚上出行不便，希望尽快修复。"),
    ("livelihood", "complaint", "垃圾清运不及时", "垃圾收集点三四天才清运一次，天热有异味。"),
    ("suggestion", "suggestion", "建议增设健身器材", "村广场空地较大，建议安装健身器材。"),
    ("policy", "report", "咨询医保缴费政策", "群众询问城乡居民医保缴费标准和截止时间。"),
    ("other", "suggestion", "希望组织农技培训", "种植户希望组织一次柑橘病虫害防治培训。"),
]
OPINION_REPLIES = {
    "livelihood": "已转交相关单位处理，并于本周内完成整改，感谢您的反映。",
    "suggestion": "您的建议已提交镇党委政府研究，将结合年度民生实事项目统筹考虑。",
    "policy": "已由便民服务中心工作人员当面解答并提供办事指南。",
    "other": "已协调相关部门处理，后续将持续关注。",
}


def seed_opinions(world: World, n: int, tally: Counter[str]) -> None:
    # 社情民意 sits above the command center in the layers (it forwards to every regime): loaded by name, like
    # seed_demo loads the demo modules, until .importlinter lists this one demo-only import (see the report)
    ops = importlib.import_module("township.opinions.services")

    rng = world.rng
    center = world.user("opinions_center")
    agents = [
        (g.user, g.jurisdiction)
        for g in RoleGrant.objects.filter(role=Role.VILLAGE_AGENT, jurisdiction__parent=world.town)
        .select_related("user", "jurisdiction")
        .order_by("user__username")
    ]
    if not agents:
        tally["opinions: no village agents"] += 1
        return
    for _k in range(n):
        category, kind, title, content = rng.choice(OPINION_TOPICS)
        agent, village = rng.choice(agents)
        life = Life(world.clock, world.start(), "opinions")

        def live(
            category: str = category,
            kind: str = kind,
            title: str = title,
            content: str = content,
            agent: User = agent,
            village: Any = village,
            life: Life = life,
        ) -> None:
            world.clock.at(life.t)
            o = ops.opinion_collect(
                actor=agent,
                village=village,
                channel="village_agent",
                kind=kind,
                title=title,
                content=content,
                location=f"{village.name}{rng.randint(1, 9)}组",
                reporter_name=_name(rng),
                reporter_phone=_phone(rng),
                anonymous=rng.random() < 0.1,
            )
            tally["社情民意"] += 1
            life.step(
                timedelta(days=rng.uniform(0.2, 2)),
                lambda: ops.opinion_classify(opinion=o, actor=center, category=category),
            )
            life.step(
                timedelta(days=rng.uniform(2, 18)),
                lambda: ops.opinion_answer(
                    opinion=o, actor=center, reply=OPINION_REPLIES.get(category, OPINION_REPLIES["other"])
                ),
            )

        _quietly(tally, "opinions", live)


PETITION_TOPICS = [
    ("claim", "宅基地边界纠纷", "请求组织重新核定宅基地边界", "邻居建房占用宅基地，协商未果。", "规划建设管理局"),
    ("claim", "农民工工资拖欠", "请求督促施工方支付拖欠工资", "施工方拖欠三个月工资。", "社会事务局"),
    ("claim", "土地流转租金拖欠", "请求督促合作社支付流转租金", "合作社拖欠部分农户土地流转租金。", "农业农村服务局"),
    ("suggestion", "建议增设公交班次", "建议早晚各增设一班公交", "村民赶场、学生上学出行不便。", ""),
]


def seed_petitions(world: World, n: int, tally: Counter[str]) -> None:
    from township.petitions import services as ps

    rng = world.rng
    officer = world.user("petition")
    for _k in range(n):
        category, title, request, description, dept_name = rng.choice(PETITION_TOPICS)
        village = world.village()
        life = Life(world.clock, world.start(days=300), "petitions")
        dept = world.depts.get(dept_name)

        def live(
            category: str = category,
            title: str = title,
            request: str = request,
            description: str = description,
            village: Any = village,
            life: Life = life,
            dept: Any = dept,
        ) -> None:
            world.clock.at(life.t)
            name = _name(rng)
            p = ps.petition_register(
                actor=officer,
                jurisdiction=TOWN,
                village=village.code,
                channel=rng.choice(("letter", "visit", "online")),
                source="direct",
                sender_body="",
                category=category,
                title=f"{village.name}{title}",
                request=request,
                description=description,
                anonymous=False,
                accused_name="",
                accused_department=None,
                petitioners=[
                    {"name": name, "phone": _phone(rng), "resident_id": "", "address": f"白沙镇{village.name}"}
                ],
                received_at=life.t,
            )
            tally["信访"] += 1
            if not life.step(timedelta(days=rng.randint(1, 10)), lambda: ps.petition_accept(petition=p, actor=officer)):
                return
            if dept is not None:
                life.step(
                    timedelta(days=1),
                    lambda: ps.petition_assign(
                        petition=p, actor=officer, department=dept.pk, comment="请核实并提出处理意见"
                    ),
                )
            life.step(
                timedelta(days=rng.randint(15, 50)),
                lambda: ps.petition_opinion(
                    petition=p,
                    actor=officer,
                    outcome="support" if rng.random() < 0.6 else "reject",
                    facts="经调查核实，情况基本属实。",
                    decision="责成相关单位依法依规处理。",
                    basis="《信访工作条例》第三十二条",
                ),
            )
            life.step(
                timedelta(days=2),
                lambda: ps.petition_deliver(
                    petition=p, actor=officer, delivered_on=timezone.localdate(), method="直接送达"
                ),
            )
            life.step(timedelta(days=1), lambda: ps.petition_conclude(petition=p, actor=officer))

        _quietly(tally, "petitions", live)


DISPUTES = [
    ("neighbour", "邻里之间因排水沟走向发生争执。", "邻居改道排水沟，恢复原状"),
    ("contract", "农资赊购款纠纷。", "分期支付赊购款"),
    ("marriage_family", "子女对老人赡养费分担有争议。", "子女按月分担赡养费"),
    ("neighbour", "邻居家狗咬伤鸡只引发争执。", "赔偿鸡只损失并拴养家犬"),
]


def seed_mediations(world: World, n: int, tally: Counter[str]) -> None:
    from township.mediation import services as ms
    from township.mediation.selectors import committee_for_village, member_ids

    rng = world.rng
    committees = []
    for v in world.villages:
        c = committee_for_village(jurisdiction=TOWN, village=v.code)
        ids = member_ids(c.pk) if c is not None else []
        if c is not None and ids:
            committees.append((c, User.objects.get(pk=ids[0]), v))
    if not committees:
        tally["mediations: no committees"] += 1
        return
    for _k in range(n):
        committee, mediator, village = rng.choice(committees)
        kind, summary, content = rng.choice(DISPUTES)
        life = Life(world.clock, world.start(days=330), "mediations")

        def live(
            committee: Any = committee,
            mediator: User = mediator,
            village: Any = village,
            kind: str = kind,
            summary: str = summary,
            content: str = content,
            life: Life = life,
        ) -> None:
            world.clock.at(life.t)
            m = ms.mediation_register(
                actor=mediator,
                committee=committee,
                dispute_type=kind,
                summary=summary,
                claims="",
                source="application",
                court_name="",
                received_on=timezone.localdate(),
                parties=[
                    {"side": side, "name": _name(rng), "phone": _phone(rng), "address": f"白沙镇{village.name}"}
                    for side in ("applicant", "respondent")
                ],
            )
            tally["调解"] += 1

            def accept() -> None:
                for p in m.parties.all():
                    ms.consent_record(mediation=m, actor=mediator, party_id=p.pk, agreed=True, on=timezone.localdate())
                ms.mediator_appoint(mediation=m, actor=mediator, mediator=mediator)
                ms.mediation_accept(mediation=m, actor=mediator)

            life.step(timedelta(days=rng.randint(0, 2), hours=2), accept)
            life.step(
                timedelta(days=rng.randint(2, 20)),
                lambda: ms.agreement_oral(
                    mediation=m,
                    actor=mediator,
                    content=content,
                    performance="当场履行",
                    reached_on=timezone.localdate(),
                ),
            )
            life.step(timedelta(days=rng.randint(1, 5)), lambda: ms.mediation_archive(mediation=m, actor=mediator))

        _quietly(tally, "mediations", live)
