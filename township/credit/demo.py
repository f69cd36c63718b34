"""Demo credit entries: a blacklisted building-materials company, a false commitment, a positive record."""

from __future__ import annotations

import datetime
from typing import Any

from township.credit.models import CreditKind, CreditRecord
from township.credit.services import credit_record_create
from township.subjects.selectors import subject_find

BAISHA = "500116108"

ENTRIES = [
    (
        "91500116MA5YQ7N61J",
        CreditKind.PENALTY,
        "未经许可擅自生产建筑材料，罚款并没收违法所得",
        "江白执罚〔2026〕3号",
        3 * 365,
    ),
    (
        "91500116MA5YQ7N61J",
        CreditKind.BLACKLIST,
        "拒不履行行政处罚决定，列入严重违法失信名单",
        "江白执罚〔2026〕3号",
        3 * 365,
    ),
    (
        "92500116MA5U7G8H24",
        CreditKind.FALSE_COMMITMENT,
        "告知承诺核查发现经营场所证明与承诺不符",
        "白审核〔2026〕7号",
        365,
    ),
    ("91500116MA60LWJ12B", CreditKind.POSITIVE, "2025年度诚信经营示范企业", "白府发〔2026〕2号", 365),
]


def seed(stdout: Any) -> None:
    made = 0
    start = datetime.date(2026, 3, 1)
    for identifier, kind, reason, number, days in ENTRIES:
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
            valid_until=start + datetime.timedelta(days=days),
        )
        made += 1
    stdout.write(f"credit: {made} entries")
