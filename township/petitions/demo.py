"""Demo 信访 items for 白沙镇, through the services: several channels over the last months — concluded with a
delivered 意见书, one extended by the head, one with a 复查 request, one 不予受理, one objected back to the county,
one anonymous suggestion, one 检举揭发 item against 规划建设管理局 (hidden from its staff) and one item from above still
waiting for its notice. Idempotent: an item already present (same title in 白沙镇) is not created again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

BAISHA = "500116108"
VILLAGE = "500116108201"
ISSUER_USCC_BODY = "11500116MB0345672"  # demo 信访办公室 (信访文书的出具单位)


def _rid(body17: str) -> str:
    from township.core.identifiers import resident_id_check_char

    return body17 + resident_id_check_char(body17)


def _issuer() -> None:
    from township.core.identifiers import uscc_check_char
    from township.org.models import Department

    Department.objects.get_or_create(
        jurisdiction_id=BAISHA,
        name="信访办公室",
        defaults={
            "short_name": "信访办",
            "kind": "petition",
            "sort": 35,
            "uscc": ISSUER_USCC_BODY + uscc_check_char(ISSUER_USCC_BODY),
        },
    )


def _ago(days: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _opinion(p: Any, actor: Any, outcome: str, facts: str, decision: str, basis: str) -> None:
    from township.petitions import services

    services.petition_opinion(petition=p, actor=actor, outcome=outcome, facts=facts, decision=decision, basis=basis)
    services.petition_deliver(petition=p, actor=actor, delivered_on=timezone.localdate(), method="直接送达")


ITEMS: list[dict[str, Any]] = [
    {
        "title": "石门村宅基地边界纠纷",
        "channel": "letter",
        "category": "claim",
        "request": "请求镇政府组织重新核定宅基地边界",
        "description": "邻居周某建房时占用我家宅基地约三平方米，协商未果。",
        "people": [("张大山", "13812345678", "50011619700101123", "黑石山村3组12号")],
        "days": 48,
        "flow": "concluded",
    },
    {
        "title": "农民工工资拖欠",
        "channel": "online",
        "category": "claim",
        "request": "请求督促施工方支付拖欠的工资2.6万元",
        "description": "本人在白沙镇某安置房项目务工，施工方拖欠2026年7月至9月工资。",
        "people": [("赵建国", "13700001111", "50011619780512334", "白沙镇滨江路8号")],
        "days": 40,
        "flow": "extended",
    },
    {
        "title": "低保资格被取消",
        "channel": "visit",
        "category": "claim",
        "request": "请求恢复最低生活保障待遇",
        "description": "家中无新增收入，低保资格于今年被取消，对认定结果有异议。",
        "people": [("罗晓梅", "13900002222", "50011619880315204", "黑石山村1组5号")],
        "days": 62,
        "flow": "review",
        "account": "applicant",
    },
    {
        "title": "要求撤销法院民事判决",
        "channel": "phone",
        "category": "other",
        "request": "请求镇政府撤销区法院的民事判决",
        "description": "对区人民法院房屋买卖合同纠纷判决不服。",
        "people": [("钱有福", "13600003333", "", "白沙镇正街21号")],
        "days": 20,
        "flow": "refused",
    },
    {
        "title": "检举规建局工作人员违规收取建房审批费用",
        "channel": "mailbox",
        "category": "accusation",
        "request": "请求查处违规收费行为",
        "description": "村民建房申请农村宅基地审批时，被要求另行缴纳“加急费”。",
        "people": [("孙明", "13500004444", "", "黑石山村2组")],
        "accused": "规划建设管理局",
        "days": 15,
        "flow": "accepted",
    },
    {
        "title": "区属企业排污影响农田灌溉",
        "channel": "from_above",
        "source": "transferred",
        "sender": "江津区信访办公室",
        "category": "claim",
        "request": "请求停止排污并赔偿损失",
        "description": "区属企业排污口位于长江干流，监管职责在区生态环境局。",
        "people": [("李春兰", "13400005555", "", "白沙镇东海村")],
        "days": 2,
        "flow": "objected",
    },
    {
        "title": "场镇农贸市场周边占道经营",
        "channel": "from_above",
        "source": "assigned",
        "sender": "江津区信访办公室",
        "category": "claim",
        "request": "请求整治占道经营",
        "description": "农贸市场周边早晚占道经营，影响通行。",
        "people": [("周平", "13300006666", "", "白沙镇朝阳街3号")],
        "days": 3,
        "flow": "registered",
    },
    {
        "title": "建议增设场镇至黑石山村公交班次",
        "channel": "letter",
        "category": "suggestion",
        "request": "建议早晚各增设一班公交",
        "description": "村民赶场、学生上学出行不便。",
        "people": [],
        "days": 25,
        "flow": "accepted",
    },
]


def _item(spec: dict[str, Any], officer: Any, head: Any) -> None:
    from township.org.models import Department, User
    from township.petitions import services
    from township.petitions.models import Petition

    if Petition.objects.filter(jurisdiction_id=BAISHA, title=spec["title"]).exists():
        return
    people = [
        {"name": n, "phone": ph, "resident_id": _rid(rid) if rid else "", "address": addr}
        for n, ph, rid, addr in spec["people"]
    ]
    accused = Department.objects.filter(jurisdiction_id=BAISHA, name=spec.get("accused", "")).first()
    account = User.objects.filter(username=spec["account"]).first() if spec.get("account") else None
    p = services.petition_register(
        actor=officer,
        jurisdiction=BAISHA,
        village=VILLAGE if "黑石山村" in spec["description"] + str(spec["people"]) else None,
        channel=spec["channel"],
        source=spec.get("source", "direct"),
        sender_body=spec.get("sender", ""),
        category=spec["category"],
        title=spec["title"],
        request=spec["request"],
        description=spec["description"],
        petitioners=people,
        anonymous=not people,
        accused_name=spec.get("accused", ""),
        accused_department=accused.pk if accused else None,
        received_at=_ago(spec["days"]),
        petitioner_user=account,
    )
    flow = spec["flow"]
    if flow == "registered":
        return
    if flow == "refused":
        services.petition_refuse(
            petition=p,
            actor=officer,
            reason="该事项已经人民法院判决，应当依照诉讼程序提出上诉或申请再审（信访工作条例第31条）",
        )
        return
    if flow == "objected":
        services.petition_object(
            petition=p,
            actor=officer,
            reason="排污企业为区属企业，排污口位于长江干流，监管职责在区生态环境局，不属本镇职责",
        )
        return
    services.petition_accept(petition=p, actor=officer)
    planning = Department.objects.filter(jurisdiction_id=BAISHA, name="规划建设管理局").first()
    if flow == "accepted":
        return
    if flow == "extended":
        social = Department.objects.filter(jurisdiction_id=BAISHA, name="社会事务局").first()
        if social is not None:
            services.petition_assign(petition=p, actor=officer, department=social.pk, comment="核实用工和工资台账")
        services.petition_extend(petition=p, actor=head, days=30, reason="涉及劳务分包多方主体，需调取工程款支付记录")
        return
    if planning is not None and flow == "concluded":
        services.petition_assign(petition=p, actor=officer, department=planning.pk, comment="现场测量并调处")
    _opinion(
        p,
        officer,
        "support" if flow == "concluded" else "reject",
        "经现场测量和查阅确权资料，情况属实。" if flow == "concluded" else "经入户核查，家庭人均收入高于本地低保标准。",
        "责令周某拆除越界部分，恢复原状。" if flow == "concluded" else "维持取消低保资格的决定。",
        "《中华人民共和国民法典》第二百三十六条" if flow == "concluded" else "《社会救助暂行办法》第九条",
    )
    services.petition_conclude(petition=p, actor=officer)
    if flow == "review":
        services.petition_request_review(
            petition=p, actor=officer, asked_on=timezone.localdate(), reason="认为家庭收入计算有误，请求复查"
        )


def seed(stdout: Any) -> None:
    from township.org.models import Jurisdiction, User

    if not Jurisdiction.objects.filter(pk=BAISHA).exists():
        return
    officer = User.objects.filter(username="petition").first()
    head = User.objects.filter(username="leader").first()
    if officer is None or head is None:
        return
    with transaction.atomic():
        _issuer()
        for spec in ITEMS:
            _item(spec, officer, head)
    stdout.write(f"petitions: {len(ITEMS)} 信访 items in 白沙镇")
