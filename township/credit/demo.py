"""Demo credit data in 白沙镇, through the services (idempotent: a second run changes nothing).

- records of every tier (轻微/一般/严重) and a positive record, with their NDRC Order 36 publication periods;
- grades computed from them (A: 白沙老街食品, B: 绿源合作社 with a minor record, C: 顺发五金店, D: 某建材公司);
- one 严重失信主体名单 listing in its 陈述申辩 period (顺发五金店);
- one repair granted (联合社's minor record) and one refused (某建材公司: performance not proven).
"""

from __future__ import annotations

import datetime
from typing import Any

from township.credit.models import CreditKind, CreditRecord, Listing, Repair
from township.credit.services import credit_record_create
from township.subjects.selectors import subject_find

BAISHA = "500116108"

# (identifier, kind, severity, reason, number, decision date, validity days)
ENTRIES = [
    (
        "91500116MA5YQ7N61J",
        CreditKind.PENALTY,
        "serious",
        "未经许可擅自生产建筑材料，罚款并没收违法所得",
        "江白执罚〔2026〕3号",
        datetime.date(2026, 3, 1),
        3 * 365,
    ),
    (
        "91500116MA5YQ7N61J",
        CreditKind.BLACKLIST,
        "serious",
        "拒不履行行政处罚决定，列入严重违法失信名单",
        "江白执罚〔2026〕3号",
        datetime.date(2026, 3, 1),
        3 * 365,
    ),
    (
        "91500116MA5YQ7N61J",
        CreditKind.PENALTY,
        "general",
        "堆放建筑材料占用消防通道，罚款",
        "江白执罚〔2026〕11号",
        datetime.date(2026, 6, 1),
        None,
    ),
    (
        "92500116MA5U7G8H24",
        CreditKind.FALSE_COMMITMENT,
        "general",
        "告知承诺核查发现经营场所证明与承诺不符",
        "白审核〔2026〕7号",
        datetime.date(2026, 3, 1),
        365,
    ),
    (
        "93500116MA61234N57",
        CreditKind.PENALTY,
        "minor",
        "未按规定建立农药经营台账，警告",
        "江白执罚〔2026〕15号",
        datetime.date(2026, 11, 2),
        None,
    ),
    (
        "N2500116MA6ABCDE19",
        CreditKind.PENALTY,
        "minor",
        "未按期公示集体资产年度收支情况，警告",
        "江白执罚〔2026〕16号",
        datetime.date(2026, 10, 9),
        None,
    ),
    (
        "91500116MA60LWJ12B",
        CreditKind.POSITIVE,
        "",
        "2025年度诚信经营示范企业",
        "白府发〔2026〕2号",
        datetime.date(2026, 3, 1),
        365,
    ),
]


def _user(username: str) -> Any:
    from township.org.models import User

    return User.objects.filter(username=username).first()


def _record(identifier: str, number: str) -> CreditRecord | None:
    subject = subject_find(identifier)
    return CreditRecord.objects.filter(subject=subject, source_number=number).first() if subject else None


def seed(stdout: Any) -> None:
    made = 0
    for identifier, kind, severity, reason, number, start, days in ENTRIES:
        subject = subject_find(identifier)
        if subject is None or CreditRecord.objects.filter(subject=subject, kind=kind, source_number=number).exists():
            continue
        credit_record_create(
            subject=subject,
            kind=kind,
            reason=reason,
            actor=None,
            jurisdiction=BAISHA,
            source_app="demo",
            source_number=number,
            valid_from=start,
            valid_until=start + datetime.timedelta(days=days) if days else None,
            severity=severity or None,
        )
        made += 1
    stdout.write(f"credit: {made} entries")
    officer, leader = _user("credit"), _user("leader")
    if officer is None or leader is None:
        stdout.write("credit: demo accounts credit/leader missing, cases skipped")
        return
    cases = _listing(officer) + _repairs(officer, leader)
    stdout.write(f"credit: {cases} listing/repair cases")


def _listing(officer: Any) -> int:
    from township.credit.workflows import listing_notify, listing_propose

    shop = subject_find("92500116MA5U7G8H24")
    if shop is None or Listing.objects.filter(subject=shop).exists():
        return 0
    listing = listing_propose(
        subject=shop,
        facts="告知承诺核查发现经营场所证明与承诺不符，且逾期未整改",
        basis="《信用修复管理办法》；深圳经济特区社会信用条例第59条（虚假承诺）",
        actor=officer,
        jurisdiction=BAISHA,
    )
    listing_notify(listing=listing, actor=officer, note="已送达拟列入告知书")
    return 1


def _repairs(officer: Any, leader: Any) -> int:
    from township.credit.workflows import repair_accept, repair_apply, repair_decide, repair_review

    made = 0
    granted = _record("N2500116MA6ABCDE19", "江白执罚〔2026〕16号")
    if granted is not None and not Repair.objects.filter(record=granted).exists():
        repair = repair_apply(
            record=granted,
            actor=officer,
            performance="已于2026年10月20日在村务公开栏公示集体资产年度收支情况",
            pledge="本单位承诺所提交材料真实有效，今后按期公示，如有不实愿承担相应法律责任。",
        )
        repair_accept(repair=repair, actor=officer)
        repair.case.refresh_from_db()
        repair_review(
            repair=repair,
            actor=officer,
            opinion="现场核实已公示，承诺已在信用中国公开",
            performance_proven=True,
            pledge_public=True,
        )
        repair.case.refresh_from_db()
        repair_decide(repair=repair, actor=leader, grant=True, reason="最短公示期已满，已履行义务并公开信用承诺")
        made += 1
    refused = _record("91500116MA5YQ7N61J", "江白执罚〔2026〕11号")
    if refused is not None and not Repair.objects.filter(record=refused).exists():
        repair = repair_apply(
            record=refused,
            actor=officer,
            performance="称已清理消防通道",
            pledge="本公司承诺所提交材料真实有效。",
        )
        repair_accept(repair=repair, actor=officer)
        repair.case.refresh_from_db()
        repair_review(
            repair=repair,
            actor=officer,
            opinion="现场复查消防通道仍被占用，罚款未缴纳",
            performance_proven=False,
            pledge_public=False,
        )
        repair.case.refresh_from_db()
        repair_decide(repair=repair, actor=leader, grant=False, reason="未履行行政处罚决定，不符合信用修复条件")
        made += 1
    return made
