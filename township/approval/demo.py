"""Demo applications in 白沙镇 (500116108): Ms Luo's story in several states, a villager's application
filed by the village agent, a supplement notice, and a queue with tickets.

Needs the core, subjects, catalog and certificates demo data (accounts ``clerk``, ``approver``,
``approval_head``, ``agent``, ``applicant``; Ms Luo's subject; the three items of her story).
Idempotent: does nothing when Ms Luo already has applications.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from township.core.errors import DomainError

BAISHA = "500116108"
DEMO_VILLAGE = "500116108201"
LUO_RESIDENT_ID = "500116198803150266"
VILLAGER = ("50011619650506001X", "何建华", "13983000009", "白沙镇黑石山村5组")  # made up, valid check char


def _pdf(name: str) -> SimpleUploadedFile:
    from township.certificates.pdf import render_document

    body = render_document(
        title=name, unit_name="白沙镇行政审批局", paragraphs=[f"{name}（演示材料）"], seal_label="演示"
    )
    return SimpleUploadedFile(f"{name}.pdf", body, content_type="application/pdf")


def _item(code: str) -> Any:
    from township.catalog.models import Item

    return Item.objects.filter(jurisdiction_id=BAISHA, implementation_code=code).first()


def _codes_of(item: Any) -> dict[str, str]:
    from township.catalog.selectors import item_version_current

    version = item_version_current(item)
    return {m["material_type_name"]: m["material_type_code"] for m in version.snapshot["materials"]} if version else {}


def seed(stdout: Any) -> None:
    try:
        _seed(stdout)
    except DomainError as exc:  # e.g. the holiday table does not cover today's year
        stdout.write(f"approval: skipped ({exc.code}: {exc.message})")


@transaction.atomic
def _seed(stdout: Any) -> None:
    from township.approval import services as svc
    from township.approval.models import Application, QueueTicket
    from township.org.models import User
    from township.subjects.selectors import subject_find
    from township.subjects.services import subject_get_or_create_person

    users = {
        u.username: u
        for u in User.objects.filter(username__in=["clerk", "approver", "approval_head", "agent", "applicant"])
    }
    luo = subject_find(LUO_RESIDENT_ID)
    licence, food, social = (_item(c) for c in ("500116108-GTGSH-0001", "500116108-SPJY-0001", "500116108-SBDJ-0001"))
    if luo is None or None in (licence, food, social) or len(users) < 5:
        stdout.write("approval: demo accounts, Ms Luo or her catalog items missing, skipped")
        return
    if Application.objects.filter(applicant=luo, jurisdiction_id=BAISHA).exists():
        stdout.write("approval: already seeded")
        return
    clerk, approver, agent, luo_user = users["clerk"], users["approver"], users["agent"], users["applicant"]

    # 1. Online: 个体工商户登记, accepted and approved the same day (ID card reused from the library).
    lic_codes = _codes_of(licence)
    uploads = {code: _pdf(name) for name, code in lic_codes.items() if name != "居民身份证"}
    waiting: list[str] = []

    def step(label: str, run: Any) -> None:
        """One step of the story. Late in December a period may end in a year whose holidays are not entered yet:
        a step that needs it waits (the application stays where it is), the rest of the demo goes on."""
        try:
            with transaction.atomic():
                run()
        except DomainError as exc:
            if exc.code != "calendar_not_covered":
                raise
            waiting.append(f"{label} ({exc.message})")

    app = svc.application_submit(actor=luo_user, item=licence, applicant=luo, channel="online", uploads=uploads)

    def licence_decided() -> None:
        svc.application_accept(application=app, actor=approver)
        svc.application_approve(application=app, actor=approver, comment="符合条件，准予登记")
        svc.application_rate(application=app, actor=luo_user, grade=1, text="不到20分钟就办好了")

    step("个体工商户登记", licence_decided)

    # 2. Comprehensive window: 食品经营许可 + 社会保险登记 as one application; one decided, one in review.
    bundle = svc.application_bundle_submit(actor=clerk, items=[food, social], applicant=luo, channel="window")

    def bundle_accepted() -> None:
        svc.application_accept(application=bundle, actor=clerk)
        children = list(Application.objects.filter(parent=bundle).order_by("id"))
        social_child = next(c for c in children if c.item_id == social.pk)
        svc.application_approve(application=social_child, actor=approver)

    step("一件事", bundle_accepted)

    # 3. A villager's application filed by the village agent; the notice of missing materials is out.
    from township.org.models import Jurisdiction

    village = Jurisdiction.objects.get(pk=DEMO_VILLAGE)
    villager = subject_get_or_create_person(
        resident_id=VILLAGER[0],
        name=VILLAGER[1],
        phone=VILLAGER[2],
        address=VILLAGER[3],
        registered_in=village.parent,
        village=village,
    )
    by_agent = svc.application_submit(actor=agent, item=licence, applicant=villager, channel="village_agent")
    codes = list(_codes_of(licence).values())
    # the 补正 period is the applicant's: never guessed past the holiday table, so this step may wait
    step(
        "代办补正告知",
        lambda: svc.application_request_supplement(
            application=by_agent, actor=agent, material_codes=codes, note="请补齐后交代办员"
        ),
    )

    # 4. Waiting at the window: a plain submission.
    chen = subject_find("500116197607120313")
    if chen is not None:
        svc.application_submit(
            actor=clerk, item=food, applicant=chen, channel="window", paper=list(_codes_of(food).values())
        )

    # 5. The hall queue: tickets taken, two called.
    if not QueueTicket.objects.filter(jurisdiction_id=BAISHA).exists():
        for category in "ABABCAD":
            svc.ticket_take(jurisdiction=BAISHA, category=category)
        svc.ticket_call_next(actor=clerk, jurisdiction=BAISHA, window=3)
        svc.ticket_call_next(actor=clerk, jurisdiction=BAISHA, window=5)
    stdout.write("approval: 罗晓梅 licence (closed, rated), 一件事 (1 of 2 decided); agent filing with 补正; queue")
    for label in waiting:
        stdout.write(f"approval: {label} waits for next year's holiday arrangement (manage.py holidays_import)")


# 葛店's story (issue 13 item 9): its own accounts, created here with org's helper (usernames prefixed by the app).
GEDIAN_ACCOUNTS = (
    ("approval_gd_clerk", "Gd-clerk-2026!", "葛店窗口", "window_clerk"),
    ("approval_gd_approver", "Gd-approver-2026!", "葛店审批", "approver"),
    ("approval_gd_head", "Gd-head-2026!", "葛店审批局长", "approval_head"),
    ("approval_gd_officer", "Gd-officer-2026!", "葛店执法", "enforcement_officer"),
    ("approval_gd_credit", "Gd-credit-2026!", "葛店信用", "credit_officer"),
)


def finish(stdout: Any) -> None:
    """葛店: its story played live (today), after every app's demo data exists. Idempotent."""
    try:
        _gedian(stdout)
    except DomainError as exc:
        stdout.write(f"approval: 葛店 story stopped ({exc.code}: {exc.message})")


@transaction.atomic
def _gedian(stdout: Any) -> None:
    from township.approval import gedian
    from township.approval.models import Application
    from township.org.demo import create_demo_user
    from township.org.models import DataScope, Department, Role, RoleGrant, User

    town = gedian.ensure_town()
    if Application.objects.filter(jurisdiction_id=gedian.GEDIAN, applicant__uscc=gedian.RESTAURANT_USCC).exists():
        stdout.write("approval: 葛店 story already played")
        return
    users: dict[str, Any] = {}
    for username, password, name, role in GEDIAN_ACCOUNTS:
        user = User.objects.filter(username=username).first() or create_demo_user(username, password, full_name=name)
        dept_name = "综合行政执法局" if role == "enforcement_officer" else "行政审批局"
        dept = Department.objects.filter(jurisdiction=town, name=dept_name).first()
        roles = [role, Role.LEADER] if role == "credit_officer" else [role]
        for r in roles:
            RoleGrant.objects.get_or_create(
                user=user,
                jurisdiction=town,
                role=r,
                defaults={"data_scope": DataScope.UNIT, "department": dept if r != Role.LEADER else None},
            )
        users[role] = user
    cast = gedian.Cast(
        clerk=users["window_clerk"],
        approver=users["approver"],
        head=users["approval_head"],
        officer=users["enforcement_officer"],
        credit=users["credit_officer"],
    )
    story = gedian.run(cast)
    for line in story.lines:
        stdout.write(f"approval: 葛店 {line}")
    if story.facts.get("repair_refused"):
        stdout.write(
            "approval: 葛店 信用修复须待最短公示期（严重失信1年）届满后方可准予；"
            "修复后恢复绿色通道的一段由 tests/e2e/test_gedian_story.py 在时间推移后演示"
        )
    stdout.write("approval: 葛店 accounts: " + ", ".join(f"{u} / {p}" for u, p, _n, _r in GEDIAN_ACCOUNTS))
