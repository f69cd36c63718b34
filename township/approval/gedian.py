"""葛店's story (issue 13 item 9): credit that is applied, and every approval flowing on to supervision.

A grade-A restaurant of 葛店镇 gets the 绿色通道 (shorter promised time); its licence goes on to the enforcement
bureau as a supervision task (一线贯通); a later 告知承诺 licence is checked, the pledge is found false, the licence
is revoked in the library, a serious false-commitment record is written, a clue reaches enforcement, the subject is
listed (严重失信主体名单, the credit core's case type), the next 告知承诺 is refused and the green lane is lost; a
credit repair after the minimum publication period restores it.

Everything goes through the services. Used by the demo (``approval.demo.finish``: live, today — the repair is then
refused before the minimum period, which the output says) and by ``tests/e2e/test_gedian_story.py`` (time moved on
past the minimum period, so the repair is granted and the green lane comes back).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

from township.approval.testing import uscc

GEDIAN = "420703101"
BUREAU_USCC = uscc("11420703MB0000017")
RESTAURANT_USCC = uscc("92420703MA4GDL7X1")
RESTAURANT = "葛店镇好味道餐馆"
STORY_ITEM_CODE = f"{GEDIAN}-GD-SPJY"


@dataclass
class Cast:
    clerk: Any
    approver: Any
    head: Any
    officer: Any
    credit: Any  # 信用管理员 (also LEADER: decides listings and repairs)


@dataclass
class Story:
    lines: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def say(self, text: str) -> None:
        self.lines.append(text)


def ensure_town() -> Any:
    """葛店镇 and its two bureaus (the approval bureau seals with its USCC). The division row comes from the org
    seed (GB/T 2260 codes, ``org/data/divisions.csv``); it is created here if missing, under 华容区."""
    from township.org.models import Department, Jurisdiction, Level

    town = Jurisdiction.objects.filter(code=GEDIAN).first()
    if town is None:
        from township.org.demo import seed_jurisdictions

        seed_jurisdictions()
        town = Jurisdiction.objects.filter(code=GEDIAN).first()
    if town is None:  # pragma: no cover - the divisions table always has it
        county = Jurisdiction.objects.get_or_create(
            code="420703", defaults={"name": "华容区", "level": Level.COUNTY, "parent": None}
        )[0]
        town = Jurisdiction.objects.create(code=GEDIAN, name="葛店镇", level=Level.TOWN, parent=county)
    bureau, _made = Department.objects.get_or_create(
        jurisdiction=town, name="行政审批局", defaults={"kind": "approval", "uscc": BUREAU_USCC, "short_name": "审批局"}
    )
    if not bureau.uscc or bureau.kind != "approval":  # created bare by the catalog seed (its powers' department)
        bureau.uscc, bureau.kind = bureau.uscc or BUREAU_USCC, "approval"
        bureau.save(update_fields=["uscc", "kind"])
    Department.objects.update_or_create(jurisdiction=town, name="综合行政执法局", defaults={"kind": "enforcement"})
    return town


def ensure_item(head: Any) -> Any:
    """食品经营许可 of 葛店 (慎审类; 容缺 and 告知承诺 allowed; promised 10 working days; check within 30 days)."""
    from township.catalog import services as cat
    from township.catalog.models import Item

    item = Item.objects.filter(jurisdiction_id=GEDIAN, implementation_code=STORY_ITEM_CODE).first()
    if item is not None and item.current_version_id:
        return item
    licence_mt = cat.material_type_for("营业执照", certificate_satisfies=True, code="yyzz")
    plan_mt = cat.material_type_for("经营场所平面布局图")
    data = {
        "name": "食品经营许可（葛店）",
        "item_type": "01",
        "implementation_code": STORY_ITEM_CODE,
        "department_name": "行政审批局",
        "statutory_limit": 20,
        "promised_limit": 10,
        "result_name": "食品经营许可证",
        "handling_kind": "2",
        "risk_class": "careful",
        "gap_allowed": True,
        "gap_deadline_days": 5,
        "commitment_allowed": True,
        "commitment_text": "本单位承诺经营场所、设备设施和管理制度符合食品安全要求，所报材料真实；如有虚假，愿承担撤销许可等法律责任。",
        "commitment_check_days": 30,
        "channel_village_agent": False,
        "legal_basis": "《中华人民共和国食品安全法》第三十五条",
    }
    item = cat.item_create(actor=head, jurisdiction=GEDIAN, data=data)
    cat.item_set_materials(
        actor=head,
        item=item,
        materials=[
            {"material_type": licence_mt, "essential": True},
            {"material_type": plan_mt, "essential": False, "may_be_missing": True},
        ],
    )
    item.refresh_from_db()
    cat.item_publish(item=item, actor=head, reason="葛店故事：首次发布")
    item.refresh_from_db()
    return item


def _pdf(name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + name.encode()
    return SimpleUploadedFile(f"{zlib.crc32(name.encode())}.pdf", body, content_type="application/pdf")


def _uploads(item: Any) -> dict[str, Any]:
    snap = item.current_version.snapshot
    return {m["material_type_code"]: _pdf(m["material_type_name"]) for m in snap["materials"]}


def _grade(subject: Any) -> str:
    from township.credit.selectors import credit_grade

    return credit_grade(subject)


def run(cast: Cast, *, repair: bool = True, after_minimum: Any = None, credit_flow: Any = None) -> Story:
    """Play the story. ``after_minimum``: a callable that moves time past the minimum publication period (the e2e
    test's clock); without it the repair is attempted today and its refusal is reported. ``credit_flow``: what
    provides the credit core's list and repair steps (``listing_propose`` … ``repair_decide``); by default its
    services, when they expose them (the capability contract: services and selectors only)."""
    from township.approval import services as svc
    from township.approval.models import Channel, VerificationTask
    from township.cases.errors import TransitionRefused
    from township.credit.models import CreditKind
    from township.credit.services import credit_record_create
    from township.enforcement.selectors import clue_list
    from township.subjects.services import subject_get_or_create_org

    story = Story()
    story.facts["credit_flow"] = credit_flow if credit_flow is not None else _credit_workflows()
    town = ensure_town()
    item = ensure_item(cast.head)
    shop = subject_get_or_create_org(
        uscc=RESTAURANT_USCC, name=RESTAURANT, legal_representative="刘建国", registered_in=town
    )
    story.facts["subject"] = shop
    credit_record_create(
        subject=shop,
        kind=CreditKind.POSITIVE,
        reason="连续三年纳税信用A级、无违法记录（守信激励）",
        actor=cast.credit,
        jurisdiction=town,
        source_app="credit",
    )
    story.facts["grade_before"] = _grade(shop)
    story.say(f"1. {RESTAURANT}：守信记录，信用等级 {story.facts['grade_before']}")

    # 2. 绿色通道 and 一线贯通 on an ordinary licence
    first = svc.application_submit(
        actor=cast.clerk, item=item, applicant=shop, channel=Channel.WINDOW, uploads=_uploads(item)
    )
    svc.application_accept(application=first, actor=cast.clerk)
    first.case.refresh_from_db()
    story.facts["green_lane_limit"] = first.case.clock_limit
    story.say(f"2. 受理食品经营许可：绿色通道，承诺时限 10 → {first.case.clock_limit} 个工作日")
    svc.application_approve(application=first, actor=cast.approver)
    task = VerificationTask.objects.get(application=first)
    story.say(
        f"3. 准予许可，推送执法局：{task.get_purpose_display()}，{task.get_level_display()}，期限 {task.due_date}"
    )
    svc.verification_task_complete(task=task, actor=cast.officer, outcome="met", note="现场核查符合许可条件")

    # 3. a 告知承诺 licence, the pledge found false at the check
    second = svc.application_submit(
        actor=cast.clerk, item=item, applicant=shop, channel=Channel.WINDOW, uploads=_uploads(item)
    )
    svc.application_approve_on_commitment(
        application=second, actor=cast.clerk, applicant_chose=True, pledge=item.commitment_text, method="on_site"
    )
    second.refresh_from_db()
    cert = second.certificate
    assert cert is not None  # issued on the spot
    check = VerificationTask.objects.get(application=second)
    story.say(f"4. 告知承诺当场准予许可（证照 {cert.identifier}），核查任务：{check.get_level_display()}")
    svc.verification_task_complete(
        task=check, actor=cast.officer, outcome="false", note="实地核查：无独立粗加工间，承诺内容虚假"
    )
    cert.refresh_from_db()
    false_record = shop.credit_records.filter(kind=CreditKind.FALSE_COMMITMENT).latest("id")
    story.facts.update(
        revoked=cert.status,
        false_record=false_record,
        clue=clue_list(actor=cast.officer, source="verification").filter(source_case=second.case).first(),
        grade_after_false=_grade(shop),
    )
    story.say(
        f"5. 虚假承诺：证照已撤销（{cert.get_status_display()}），记入信用记录"
        f"（{false_record.get_severity_display()}），转执法案源，信用等级 {story.facts['grade_after_false']}"
    )

    # 4. listed on the 严重失信主体名单 (the credit core's case type)
    story.facts["listed"] = _list(cast, shop, false_record, town, story)

    # 5. the next 告知承诺 refused, no 绿色通道
    third = svc.application_submit(
        actor=cast.clerk, item=item, applicant=shop, channel=Channel.WINDOW, uploads=_uploads(item)
    )
    try:
        svc.application_approve_on_commitment(
            application=third, actor=cast.clerk, applicant_chose=True, pledge=item.commitment_text
        )
        story.facts["commitment_refused"] = ""
    except TransitionRefused as exc:
        story.facts["commitment_refused"] = exc.code
        story.say(f"7. 再次申请告知承诺被拒绝：{exc.message}")
    svc.application_accept(application=third, actor=cast.clerk)
    third.case.refresh_from_db()
    story.facts["limit_after"] = third.case.clock_limit
    story.say(f"8. 绿色通道取消：承诺时限 {third.case.clock_limit} 个工作日（信用等级 {_grade(shop)}）")
    story.facts["third"] = third

    if repair:
        _repair(cast, shop, town, item, story, after_minimum)
    return story


def _credit_workflows() -> Any:
    """The credit core's list and repair case types, reached through its services (the capability contract)."""
    from township.credit import services

    names: tuple[str, ...] = ("listing_propose", "listing_notify", "listing_statement", "listing_decide")
    names += ("repair_apply", "repair_accept", "repair_review", "repair_decide")
    return services if all(hasattr(services, n) for n in names) else None


def _list(cast: Cast, shop: Any, record: Any, town: Any, story: Story) -> bool:
    from township.credit.selectors import credit_is_listed

    workflows = story.facts["credit_flow"]
    if workflows is None:
        story.say("6. 严重失信主体名单：信用核心的服务层尚未提供列入流程（listing_propose …），本步未执行")
        return False
    listing = workflows.listing_propose(
        subject=shop,
        facts="食品经营许可告知承诺经核查虚假，许可已撤销",
        basis="《信用修复管理办法》；深圳经济特区社会信用条例第五十九条",
        actor=cast.credit,
        jurisdiction=town,
        basis_record=record,
    )
    workflows.listing_notify(listing=listing, actor=cast.credit, note="书面告知拟列入事实、依据及陈述申辩权利")
    workflows.listing_statement(listing=listing, actor=cast.credit, statement="当事人表示无异议")
    workflows.listing_decide(listing=listing, actor=cast.credit, list_it=True, reason="虚假承诺，情节严重")
    listed = credit_is_listed(shop)
    story.facts["grade_listed"] = _grade(shop)
    story.say(
        f"6. 列入严重失信主体名单（{listing.case.number}）：{'是' if listed else '否'}，"
        f"信用等级 {story.facts['grade_listed']}"
    )
    return listed


def _repair(cast: Cast, shop: Any, town: Any, item: Any, story: Story, after_minimum: Any) -> None:
    from township.approval import services as svc
    from township.approval.models import Channel
    from township.core.errors import DomainError
    from township.credit.models import CreditRecord

    workflows = story.facts["credit_flow"]
    if workflows is None:
        story.say("9. 信用修复：信用核心的服务层尚未提供修复流程（repair_apply …），本步未执行")
        return
    if after_minimum is not None:
        after_minimum()
    negatives = list(CreditRecord.objects.filter(subject=shop, positive=False, repaired_at__isnull=True).order_by("id"))
    granted = 0
    for record in negatives:
        try:
            rep = workflows.repair_apply(
                record=record,
                actor=cast.credit,
                performance="已整改到位：增设独立粗加工间，经复查符合要求；已履行行政决定",
                pledge="本单位公开承诺所报材料真实，今后依法诚信经营",
            )
            workflows.repair_accept(repair=rep, actor=cast.credit)
            workflows.repair_review(
                repair=rep,
                actor=cast.credit,
                opinion="整改到位，承诺已公示",
                performance_proven=True,
                pledge_public=True,
            )
            workflows.repair_decide(repair=rep, actor=cast.credit, grant=True, reason="符合信用修复条件")
            granted += 1
        except DomainError as exc:
            story.say(f"9. 信用修复未准予（{record.get_kind_display()}）：{exc.message}")
            story.facts["repair_refused"] = exc.code
            return
    story.facts["repaired"] = granted
    story.facts["grade_repaired"] = _grade(shop)
    fourth = svc.application_submit(
        actor=cast.clerk, item=item, applicant=shop, channel=Channel.WINDOW, uploads=_uploads(item)
    )
    svc.application_accept(application=fourth, actor=cast.clerk)
    fourth.case.refresh_from_db()
    story.facts["limit_repaired"] = fourth.case.clock_limit
    story.say(
        f"9. 最短公示期满后信用修复 {granted} 条：信用等级 {story.facts['grade_repaired']}，"
        f"绿色通道恢复，承诺时限 {fourth.case.clock_limit} 个工作日"
    )
