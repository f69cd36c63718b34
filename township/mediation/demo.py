"""Demo data of people's mediation: 黑石山村's 人民调解委员会 (the Shangcun "一村一中心" model, DOMAIN2 §4.5) with a
case that ends in an agreement and a court confirmation, another referred to the court's 诉调对接 centre, and a
handful more across 金盆村, 柿子村 and 复建村. Built through the services; a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from township.core.identifiers import uscc_check_char
from township.org.demo import create_demo_user
from township.org.models import DataScope, Jurisdiction, Role, RoleGrant, User

BAISHA = "500116108"
HEISHISHAN = "500116108201"  # 黑石山村村民委员会
COURT = "重庆市江津区人民法院"
# (village code, committee USCC body (17 chars), mediator accounts: (username, password, full name, title))
COMMITTEES: list[tuple[str, str, list[tuple[str, str, str, str]]]] = [
    (
        HEISHISHAN,
        "Y1500116MA6M10001",
        [
            ("mediator", "", "", "chair"),  # 彭调解, the org demo's mediator account
            ("mediation_luo", "Bs-mediation-luo-2026", "罗素芬", "member"),
            ("mediation_he", "Bs-mediation-he-2026", "何长贵", "hired"),
        ],
    ),
    ("500116108203", "Y1500116MA6M10002", [("mediation_jinpen", "Bs-mediation-jp-2026", "金德明", "chair")]),
    ("500116108204", "Y1500116MA6M10003", [("mediation_shizi", "Bs-mediation-sz-2026", "石玉兰", "chair")]),
    ("500116108205", "Y1500116MA6M10004", [("mediation_fujian", "Bs-mediation-fj-2026", "傅建国", "chair")]),
]


def _user(village: str, username: str, password: str, full_name: str) -> User | None:
    user = User.objects.filter(username=username).first()
    if user is None:
        if not password:
            return None
        user = create_demo_user(username, password, full_name=full_name)
    RoleGrant.objects.get_or_create(
        user=user,
        jurisdiction_id=village,
        role=Role.MEDIATOR,
        department=None,
        defaults={"data_scope": DataScope.UNIT},
    )
    return user


def _committees(stdout: Any) -> dict[str, Any]:
    from township.mediation import services
    from township.mediation.models import Committee

    out: dict[str, Any] = {}
    for village, body, accounts in COMMITTEES:
        users = [(u, title) for name, pw, full, title in accounts if (u := _user(village, name, pw, full)) is not None]
        if not users:
            continue
        committee = Committee.objects.filter(jurisdiction_id=BAISHA, village_id=village).first()
        if committee is None:
            committee = services.committee_create(
                actor=users[0][0],
                village=village,
                uscc=body + uscc_check_char(body),
                term_start=dt.date(2022, 1, 1),
                term_end=dt.date(2026, 12, 31),
            )
            services.committee_set_members(actor=users[0][0], committee=committee, members=users)
        out[village] = (committee, [u for u, _t in users])
    return out


def _register(
    committee: Any,
    actor: Any,
    dispute_type: str,
    summary: str,
    parties: list[tuple[str, str, str, str]],
    received: dt.date,
    source: str = "application",
    court: str = "",
    claims: str = "",
) -> Any:
    from township.mediation import services

    return services.mediation_register(
        actor=actor,
        committee=committee,
        dispute_type=dispute_type,
        summary=summary,
        claims=claims,
        source=source,
        court_name=court,
        received_on=received,
        parties=[{"side": s, "name": n, "phone": ph, "address": addr} for s, n, ph, addr in parties],
    )


def _consent_and_accept(m: Any, actor: Any, mediator: Any, day: dt.date) -> None:
    from township.mediation import services

    for p in m.parties.all():
        services.consent_record(mediation=m, actor=actor, party_id=p.pk, agreed=True, on=day)
    services.mediator_appoint(mediation=m, actor=actor, mediator=mediator)
    services.mediation_accept(mediation=m, actor=actor)


def _written(m: Any, actor: Any, day: dt.date, **agreement: Any) -> None:
    from township.mediation import services

    services.agreement_draft(mediation=m, actor=actor, reached_on=day, **agreement)
    for p in m.parties.all():
        services.agreement_sign(mediation=m, actor=actor, signer=str(p.pk), method="fingerprint", signed_on=day)
    services.agreement_sign(mediation=m, actor=actor, signer="mediator", signed_on=day)
    services.agreement_seal(mediation=m, actor=actor, sealed_on=day)


@transaction.atomic
def seed(stdout: Any) -> None:
    from township.mediation import services
    from township.mediation.models import Mediation

    if not Jurisdiction.objects.filter(code=HEISHISHAN).exists():
        return
    committees = _committees(stdout)
    if HEISHISHAN not in committees or Mediation.objects.filter(jurisdiction_id=BAISHA).exists():
        return
    today = timezone.localdate()
    hss, (peng, luo, *_rest) = committees[HEISHISHAN][0], committees[HEISHISHAN][1]

    # 1. 黑石山村: agreement → effective → joint 司法确认 application → the court rules it valid.
    m1 = _register(
        hss,
        peng,
        "damage",
        "罗家修建猪圈时挖断邻居刘家的灌溉水管，致刘家柑橘园约两亩受旱减产，双方多次争吵。",
        [
            ("applicant", "刘德兵", "13983010001", "白沙镇黑石山村4组"),
            ("respondent", "罗开华", "13983010002", "白沙镇黑石山村4组"),
        ],
        today - dt.timedelta(days=24),
        claims="赔偿减产损失并恢复水管",
    )
    _consent_and_accept(m1, peng, peng, today - dt.timedelta(days=23))
    services.session_record(
        mediation=m1,
        actor=peng,
        held_on=today - dt.timedelta(days=21),
        place="黑石山村矛盾纠纷调解室",
        present="刘德兵、罗开华、调解员彭调解、罗素芬",
        summary="现场查看水管和柑橘园，双方对损失数额分歧较大。",
    )
    services.session_record(
        mediation=m1,
        actor=peng,
        held_on=today - dt.timedelta(days=18),
        place="黑石山村矛盾纠纷调解室",
        present="刘德兵、罗开华、调解员彭调解、村农技员",
        summary="请村农技员估算减产约600斤，双方认可按市价折算。",
    )
    _written(
        m1,
        peng,
        today - dt.timedelta(days=18),
        facts="罗开华修建猪圈时挖断刘德兵的灌溉水管，致刘家柑橘园约两亩受旱减产约600斤。",
        issues="水管恢复及柑橘减产损失的赔偿数额。",
        responsibilities="罗开华施工不慎，对损失承担全部责任。",
        content="罗开华赔偿刘德兵柑橘减产损失人民币1800元，并于七日内自费恢复灌溉水管。",
        performance="赔偿款一次性现金支付，水管恢复后由调解员现场确认。",
        performance_deadline=today - dt.timedelta(days=11),
    )
    services.confirmation_apply(
        mediation=m1, actor=peng, court=COURT, matter="civil", applied_on=today - dt.timedelta(days=12), joint=True
    )
    services.ruling_record(
        mediation=m1,
        actor=peng,
        ruling="valid",
        ruling_number=f"（{today.year}）渝0116民特{217}号",
        ruled_on=today - dt.timedelta(days=5),
        court=COURT,
    )

    # 2. 黑石山村: 土地承包经营 dispute, no agreement → other routes told → referred to the court's 诉调对接 centre.
    m2 = _register(
        hss,
        luo,
        "land",
        "张家与陈家对一块承包地的界址各执一词，均称属于自家承包范围。",
        [
            ("applicant", "张永福", "13983010003", "白沙镇黑石山村2组"),
            ("respondent", "陈光明", "13983010004", "白沙镇黑石山村2组"),
        ],
        today - dt.timedelta(days=20),
    )
    _consent_and_accept(m2, luo, luo, today - dt.timedelta(days=19))
    services.session_record(
        mediation=m2,
        actor=luo,
        held_on=today - dt.timedelta(days=15),
        place="黑石山村2组地头",
        present="张永福、陈光明、调解员罗素芬、组长",
        summary="查看承包合同和地块，双方均不让步。",
    )
    services.mediation_fail(
        mediation=m2,
        actor=luo,
        reason="双方对承包地界址分歧大，均不接受调解方案",
        told_on=today - dt.timedelta(days=14),
    )
    services.mediation_refer_court(
        mediation=m2,
        actor=luo,
        court=f"{COURT}诉调对接中心",
        referred_on=today - dt.timedelta(days=13),
        remark="移送调解登记表、调解记录及承包合同复印件",
    )

    # 3. 黑石山村: a new application, consent still to be asked.
    _register(
        hss,
        peng,
        "neighbour",
        "邻居在公共通道堆放柴火，影响通行。",
        [
            ("applicant", "王秀英", "13983010005", "白沙镇黑石山村1组"),
            ("respondent", "王德才", "13983010006", "白沙镇黑石山村1组"),
        ],
        today,
    )

    others = {k: v for k, v in committees.items() if k != HEISHISHAN}
    if "500116108203" in others:  # 金盆村: a court 委派 (诉前调解) case in mediation
        c, (u, *_x) = others["500116108203"]
        m = _register(
            c,
            u,
            "contract",
            "农资赊购款纠纷，法院立案前委派村调解中心调解。",
            [
                ("applicant", "江津区金丰农资店", "13983020001", "白沙镇金盆村"),
                ("respondent", "黄世友", "13983020002", "白沙镇金盆村5组"),
            ],
            today - dt.timedelta(days=6),
            source="court",
            court=COURT,
            claims="支付赊购化肥款3200元",
        )
        _consent_and_accept(m, u, u, today - dt.timedelta(days=5))
        services.session_record(
            mediation=m,
            actor=u,
            held_on=today - dt.timedelta(days=3),
            place="金盆村便民服务中心",
            present="店主、黄世友、调解员金德明",
            summary="黄世友承认欠款，请求分期支付。",
        )
    if "500116108204" in others:  # 柿子村: an oral agreement, archived
        c, (u, *_x) = others["500116108204"]
        m = _register(
            c,
            u,
            "neighbour",
            "邻居家狗咬伤鸡只引发争执。",
            [
                ("applicant", "石大娘", "13983030001", "白沙镇柿子村3组"),
                ("respondent", "周小军", "13983030002", "白沙镇柿子村3组"),
            ],
            today - dt.timedelta(days=9),
        )
        _consent_and_accept(m, u, u, today - dt.timedelta(days=9))
        services.agreement_oral(
            mediation=m,
            actor=u,
            content="周小军赔偿鸡只损失150元并拴养家犬。",
            performance="当场现金支付",
            reached_on=today - dt.timedelta(days=9),
        )
        services.mediation_archive(mediation=m, actor=u)
    if "500116108205" in others:  # 复建村: a party refuses, no mediation (人民调解法第17条)
        c, (u, *_x) = others["500116108205"]
        m = _register(
            c,
            u,
            "marriage_family",
            "子女对老人赡养费分担有争议。",
            [
                ("applicant", "傅秀珍", "13983040001", "白沙镇复建村1组"),
                ("respondent", "傅明", "13983040002", "重庆市江津区几江街道"),
            ],
            today - dt.timedelta(days=4),
        )
        ps = {p.side: p for p in m.parties.all()}
        services.consent_record(
            mediation=m, actor=u, party_id=ps["applicant"].pk, agreed=True, on=today - dt.timedelta(days=3)
        )
        services.consent_record(
            mediation=m,
            actor=u,
            party_id=ps["respondent"].pk,
            agreed=False,
            on=today - dt.timedelta(days=2),
            remark="表示将直接向法院起诉",
        )
    n = Mediation.objects.filter(jurisdiction_id=BAISHA).count()
    stdout.write(
        f"mediation: {len(committees)} 人民调解委员会 (黑石山村 first), {n} 调解案件; "
        "logins mediator / mediation_luo, mediation_he, mediation_jinpen, mediation_shizi, mediation_fujian "
        "(passwords Bs-mediation-<luo|he|jp|sz|fj>-2026)\n"
    )
