"""Applications, grid events and penalty cases of the year (``seed_demo --volume``)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.utils import timezone

from township.command.volume.base import TOWN, Life, World, _name, _phone, _quietly, _resident_id
from township.org.models import User

# --------------------------------------------------------------------------------------------- applications


def _applicants(world: World, n: int) -> list[Any]:
    """Residents of the villages (a third with an applicant account, so they can rate 好差评)."""
    from township.subjects.services import subject_get_or_create_person

    out = []
    for k in range(n):
        village = world.villages[k % len(world.villages)]
        rid = _resident_id(k, world.rng)
        name = _name(world.rng)
        subject = subject_get_or_create_person(
            resident_id=rid,
            name=name,
            phone=_phone(world.rng),
            address=f"白沙镇{village.name}{world.rng.randint(1, 9)}组",
            registered_in=world.town,
            village=village,
        )
        if k % 3 == 0 and not User.objects.filter(username=f"vol_resident_{k:03d}").exists():
            user = User(username=f"vol_resident_{k:03d}", full_name=name, resident_id=rid)
            user.set_unusable_password()  # demo residents sign in by nothing; they only rate through the services
            user.save()
        out.append(subject)
    return out


def _items(world: World) -> list[tuple[Any, list[str]]]:
    """The town's hall items that take window filings, with their material codes."""
    from township.catalog.selectors import item_public_list, item_version_current

    items = []
    for item in item_public_list(jurisdiction=TOWN).order_by("implementation_code")[:80]:
        version = item_version_current(item)
        if version is None:
            continue
        items.append((item, [m["material_type_code"] for m in version.snapshot.get("materials", [])]))
    return items


RATING_TEXT = {4: "等候时间较长，材料要求没有一次说清", 5: "跑了三次才办好，希望改进"}


def seed_applications(world: World, n: int, tally: Counter[str]) -> None:
    from township.approval import services as svc

    items = _items(world)
    if not items:
        tally["applications: no items"] += 1
        return
    rng = world.rng
    people = _applicants(world, 40)
    clerk, approver = world.user("clerk"), world.user("approver")
    weights = [1 / (i + 3) for i in range(len(items))]  # a few items carry most of the work
    for _k in range(n):
        item, materials = rng.choices(items, weights=weights)[0]
        applicant = rng.choice(people)
        life = Life(world.clock, world.start(), "applications")
        roll = rng.random()

        def live(
            item: Any = item,
            materials: list[str] = materials,
            applicant: Any = applicant,
            roll: float = roll,
            life: Life = life,
        ) -> None:
            world.clock.at(life.t)
            app = svc.application_submit(actor=clerk, item=item, applicant=applicant, channel="window", paper=materials)
            tally["applications"] += 1
            if roll < 0.04:
                life.step(
                    timedelta(minutes=20),
                    lambda: svc.application_refuse(
                        application=app, actor=clerk, reason="不属于本机关职权范围", remedy="请向江津区相关部门申请"
                    ),
                )
                return
            if not life.step(
                timedelta(minutes=rng.randint(10, 60)), lambda: svc.application_accept(application=app, actor=clerk)
            ):
                return
            app.case.refresh_from_db(fields=["due_at"])
            due = app.case.due_at or life.t + timedelta(days=5)
            late = roll > 0.93
            decided = (
                due + timedelta(hours=rng.randint(20, 96)) if late else life.t + (due - life.t) * rng.uniform(0.1, 0.9)
            )
            if roll < 0.07:
                life.step(
                    decided,
                    lambda: svc.application_deny(application=app, actor=approver, reason="申请材料与实际情况不符"),
                )
            else:
                life.step(
                    decided,
                    lambda: svc.application_approve(application=app, actor=approver, comment="符合条件，准予许可"),
                )
            if not life.alive or app.applicant_user_id is None or rng.random() > 0.7:
                return
            grade = rng.choices((1, 2, 3, 4, 5), weights=(70, 18, 6, 4, 2))[0]
            rater = User.objects.get(pk=app.applicant_user_id)
            life.step(
                timedelta(hours=rng.randint(1, 48)),
                lambda: svc.application_rate(
                    application=app, actor=rater, grade=grade, text=RATING_TEXT.get(grade, "")
                ),
            )

        _quietly(tally, "applications", live)


# --------------------------------------------------------------------------------------------- grid events

EVENT_REPORTS = [
    ("200110", "垃圾桶旁暴露垃圾约2平方米", 6),
    ("200112", "路面泥土污染", 3),
    ("200101", "沿河新增彩钢棚，疑似违建", 1),
    ("200506", "占道经营水果摊", 4),
    ("200509", "机动车乱停放", 3),
    ("100102", "污水井盖缺失", 2),
    ("100118", "路灯不亮", 3),
    ("200201", "电杆上张贴非法小广告", 3),
    ("200302", "工地扬尘明显", 2),
    ("200513", "露天烧烤油烟扰民", 2),
    ("202101", "田间焚烧秸秆", 1),
    ("200114", "绿地杂草丛生、有垃圾", 2),
]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _photo(name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG, content_type="image/png")


def seed_events(world: World, n: int, tally: Counter[str]) -> None:
    from township.grid import services as gs
    from township.grid.selectors import grid_public_list

    rng = world.rng
    grids = list(grid_public_list(jurisdiction=TOWN, level=3).order_by("code"))
    if not grids:
        tally["events: no grids"] += 1
        return
    dispatcher, patroller = world.user("dispatcher"), world.user("patroller")
    leader, fallback = world.user("leader"), world.user("baisha_handler")
    weights = [w for _c, _t, w in EVENT_REPORTS]
    for _k in range(n):
        code, text, _w = rng.choices(EVENT_REPORTS, weights=weights)[0]
        g = rng.choice(grids)
        lon, lat = rng.uniform(g.min_lon, g.max_lon), rng.uniform(g.min_lat, g.max_lat)
        life = Life(world.clock, world.start(hours=(7.0, 19.0)))
        roll = rng.random()
        public = roll > 0.85

        def live(
            code: str = code,
            text: str = text,
            g: Any = g,
            lon: float = lon,
            lat: float = lat,
            life: Life = life,
            roll: float = roll,
            public: bool = public,
        ) -> None:
            world.clock.at(life.t)
            event = gs.event_report(
                actor=None if public else patroller,
                event_class=code,
                lon=lon,
                lat=lat,
                description=text,
                address=f"{g.name}附近",
                source="public" if public else "patrol",
                photos=[_photo("现场.png")],
                contact_phone="138****0000" if public else "",
                jurisdiction=TOWN,
            )
            tally["events"] += 1
            if public and not life.step(
                timedelta(minutes=rng.randint(20, 120)),
                lambda: gs.event_verify(event=event, actor=patroller, genuine=True, reason="现场核实属实"),
            ):
                return
            if roll < 0.03:
                life.step(
                    timedelta(minutes=30),
                    lambda: gs.event_reject(event=event, actor=dispatcher, reason="不属于网格事件受理范围"),
                )
                return
            if not life.step(
                timedelta(minutes=rng.randint(5, 90)), lambda: gs.event_register(event=event, actor=dispatcher)
            ):
                return
            dept = gs.department_suggest(event=event) or world.depts.get("环卫所")
            handler = world.handlers.get(dept.pk) if dept else None
            if handler is None:
                dept, handler = world.depts.get("环卫所"), fallback
            if not life.step(
                timedelta(minutes=rng.randint(5, 60)),
                lambda: gs.event_dispatch(event=event, actor=dispatcher, department=dept, handler=handler),
            ):
                return
            if not life.step(
                timedelta(minutes=rng.randint(10, 180)), lambda: gs.event_accept(event=event, actor=handler)
            ):
                return
            event.case.refresh_from_db(fields=["due_at"])
            due = event.case.due_at or life.t + timedelta(days=2)
            late = roll > 0.92
            if 0.80 < roll < 0.83:
                life.step(
                    timedelta(minutes=30),
                    lambda: gs.event_postpone_request(
                        event=event, actor=handler, reason="需协调产权单位，申请延期3个工作日", days=3
                    ),
                )
                life.step(
                    timedelta(hours=2), lambda: gs.event_postpone_approve(event=event, actor=leader, comment="同意")
                )
                event.case.refresh_from_db(fields=["due_at"])
                due = event.case.due_at or due
                life.step(timedelta(days=3), lambda: gs.event_postpone_end(event=event, actor=dispatcher))
            done = (
                due + timedelta(hours=rng.randint(4, 60))
                if late
                else life.t + max(due - life.t, timedelta(hours=1)) * rng.uniform(0.2, 0.9)
            )
            if not life.step(
                done,
                lambda: gs.event_feedback(event=event, actor=handler, photos=[_photo("处置后.png")], note="已处置完毕"),
            ):
                return
            if 0.5 < roll < 0.56:
                life.step(
                    timedelta(hours=rng.randint(1, 6)),
                    lambda: gs.event_check(event=event, actor=patroller, ok=False, reason="现场仍有残留，请返工"),
                )
                life.step(
                    timedelta(hours=rng.randint(3, 20)),
                    lambda: gs.event_feedback(
                        event=event, actor=handler, photos=[_photo("返工后.png")], note="已返工处置"
                    ),
                )
            life.step(
                timedelta(hours=rng.randint(1, 8)),
                lambda: gs.event_check(event=event, actor=patroller, ok=True, reason="核查通过"),
            )
            life.step(timedelta(minutes=rng.randint(10, 120)), lambda: gs.event_close(event=event, actor=dispatcher))
            if rng.random() < 0.9:  # most are rated (结案待评价 still counts as in hand)
                life.step(
                    timedelta(hours=rng.randint(1, 30)),
                    lambda: gs.event_evaluate(
                        event=event, actor=dispatcher, rating=rng.choices((3, 4, 5), weights=(1, 3, 6))[0]
                    ),
                )

        _quietly(tally, "events", live)


# --------------------------------------------------------------------------------------------- penalty cases

ORDINARY = [
    ("500116-CG-001", "在公共场地堆放建筑材料约{a}平方米，经责令未改正", (100, 500)),
    ("500116-CG-001", "在城市道路两侧堆放杂物约{a}平方米", (100, 500)),
    ("500116-GH-002", "未经批准搭建临时彩钢棚约{a}平方米", (1000, 8000)),
    ("500116-AQ-003", "未按规定开展从业人员安全生产教育和培训", (10000, 30000)),
]
SUMMARY = [
    ("占道经营水果摊", 50),
    ("店外占道堆放货物", 100),
    ("乱倒建筑垃圾约1平方米", 200),
    ("张贴非法小广告", 50),
]


def seed_penalties(world: World, n_ordinary: int, n_summary: int, tally: Counter[str]) -> None:
    from township.enforcement import services as es
    from township.enforcement.selectors import penalty_item_list

    rng = world.rng
    leader = world.user("leader")
    items = {i.code: i for i in penalty_item_list(actor=leader).filter(jurisdiction_id=TOWN)}
    if len(world.officer_ids) < 2 or not items:
        tally["penalties: no officers or items"] += 1
        return
    for _k in range(n_ordinary):
        code, facts, (low, high) = rng.choice(ORDINARY)
        item = items.get(code)
        if item is None:
            continue
        pair = rng.sample(world.officer_ids[:6], 2)
        o1 = world.officers[pair[0]]
        village = world.village()
        life = Life(world.clock, world.start(days=330), "penalties")
        roll = rng.random()
        name = _name(rng)[0] + "某"
        text = facts.format(a=rng.randint(6, 40))
        fine = rng.randrange(low, high + 1, 50)

        def live(
            item: Any = item,
            pair: list[int] = pair,
            o1: User = o1,
            village: Any = village,
            life: Life = life,
            roll: float = roll,
            name: str = name,
            text: str = text,
            fine: int = fine,
        ) -> None:
            world.clock.at(life.t)
            today = timezone.localdate()
            pc = es.penalty_case_file(
                jurisdiction=world.town,
                actor=o1,
                approved_by=leader,
                party_kind="person",
                party_name=name,
                act_date=today - timedelta(days=rng.randint(1, 10)),
                domain=item.domain,
                item=item,
                investigators=pair,
                village=village,
                facts=f"{name}{text}。",
                party_address=f"白沙镇{village.name}",
            )
            tally["penalties"] += 1
            if roll < 0.04:
                life.step(
                    timedelta(days=rng.randint(3, 10)),
                    lambda: es.penalty_drop(penalty_case=pc, actor=leader, reason="经调查，违法事实不能成立"),
                )
                return
            life.step(
                timedelta(days=rng.randint(1, 5)),
                lambda: es.penalty_act_record(
                    penalty_case=pc,
                    kind="inspection",
                    at=timezone.now(),
                    place=f"白沙镇{village.name}",
                    officers=pair,
                    actor=o1,
                    summary="现场检查并拍照取证。",
                ),
            )
            life.step(
                timedelta(days=rng.randint(5, 20)),
                lambda: es.penalty_notice(
                    penalty_case=pc,
                    actor=o1,
                    types=["fine"],
                    fine=fine,
                    facts=pc.facts,
                    reasons="违反相关管理规定",
                    basis=item.legal_basis,
                    served_on=timezone.localdate(),
                ),
            )
            life.step(
                timedelta(days=rng.randint(1, 5)),
                lambda: es.penalty_statement_record(penalty_case=pc, actor=o1, waived=True),
            )
            late = roll > 0.9
            life.step(
                timedelta(days=rng.randint(30, 80) if late else rng.randint(1, 10)),
                lambda: es.penalty_decide(penalty_case=pc, actor=leader, types=["fine"], fine=fine),
            )
            life.step(
                timedelta(days=rng.randint(1, 3)),
                lambda: es.penalty_serve(penalty_case=pc, actor=o1, mode="direct", sent_on=timezone.localdate()),
            )
            life.step(
                timedelta(days=rng.randint(3, 14)),
                lambda: es.penalty_pay(penalty_case=pc, actor=o1, paid_on=timezone.localdate(), amount=fine),
            )
            life.step(
                timedelta(days=rng.randint(1, 5)),
                lambda: es.penalty_close(
                    penalty_case=pc, actor=leader, report="当事人已履行处罚决定，罚款已缴入指定银行。"
                ),
            )

        _quietly(tally, "penalties", live)
    for _k in range(n_summary):
        text, fine = rng.choice(SUMMARY)
        pair = rng.sample(world.officer_ids, 2)
        o1 = world.officers[pair[0]]
        village = world.village()
        life = Life(world.clock, world.start(hours=(8.0, 20.0)), "summary")
        name = _name(rng)[0] + "某"

        def live_summary(
            text: str = text,
            fine: int = fine,
            pair: list[int] = pair,
            o1: User = o1,
            village: Any = village,
            life: Life = life,
            name: str = name,
        ) -> None:
            world.clock.at(life.t)
            item = items.get("500116-CG-001")
            pc = es.summary_case_create(
                jurisdiction=world.town,
                actor=o1,
                party_kind="person",
                party_name=name,
                types=["fine"],
                fine=fine,
                facts=f"{name}在{village.name}{text}",
                basis=item.legal_basis if item else "《城市市容和环境卫生管理条例》",
                place=f"白沙镇{village.name}",
                officers=pair,
                evidence_names=["现场照片2张"],
                domain="city",
                village=village,
                rights_told=True,
                statement="当事人表示认可，不再陈述申辩",
                item=item,
            )
            tally["summary penalties"] += 1
            if fine <= 100:  # 当场收缴 only up to 100 yuan (行政处罚法第68条); else paid at the bank
                life.step(
                    timedelta(minutes=10),
                    lambda: es.summary_collect_on_spot(
                        penalty_case=pc, actor=o1, receipt_number=f"渝财罚No.{rng.randint(1000000, 9999999)}"
                    ),
                )
                life.step(
                    timedelta(days=1),
                    lambda: es.summary_cash_hand_over(penalty_case=pc, actor=o1, handed_over_on=timezone.localdate()),
                )
            else:
                life.step(
                    timedelta(days=rng.randint(1, 10)),
                    lambda: es.summary_pay(penalty_case=pc, actor=o1, paid_on=timezone.localdate(), amount=fine),
                )
            life.step(timedelta(days=rng.randint(1, 3)), lambda: es.summary_record(penalty_case=pc, actor=o1))

        _quietly(tally, "summary", live_summary)
