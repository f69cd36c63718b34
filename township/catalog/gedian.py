"""葛店镇 (湖北省鄂州市华容区, 420703101): its 342 approval and 1,002 enforcement powers (issue 13 item 9).

The real lists of 葛店's powers are not available. The powers are therefore **generated in the proportions of the
real item catalogue** in ``data/guangan-service-items.csv`` (1,135 real service items of 广安区, GB/T 39046 item
types): the 342 approval powers are a stratified sample of the real items keeping their item-type shares
(许可 47 %, 公共服务 31 %, 其他 16 %, 确认 4 %, …); the 1,002 enforcement powers are derived from the real licensing
items (对未经许可…的行政处罚, 对被许可人违反许可条件的行政处罚, 监督检查, 查封扣押) in the usual shares of a town's
综合执法 list (处罚 90 %, 检查 6 %, 强制 4 %). The risk class follows the item (控制类: dangerous goods, explosives,
special trades, drugs, radiation, gas, mining; 慎审类: other licences, confirmations and every enforcement power;
鼓励类: public services, benefits, awards, other). The seed says so in its output.

Idempotent: items are keyed by implementation code ("420703101-SP-0001" / "420703101-ZF-0001").
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

from township.catalog.models import ExerciseLevel, HandlingKind, Item, RiskClass
from township.catalog.pinyin import initials
from township.catalog.services import department_for, do_publish_many

GEDIAN = "420703101"
HUARONG = "420703"
APPROVAL_POWERS = 342
ENFORCEMENT_POWERS = 1002
CSV_PATH = Path(__file__).resolve().parent / "data" / "guangan-service-items.csv"
TYPE_CODES = {"1": "01", "20": "20", "10": "10", "7": "07", "5": "05", "9": "09", "8": "08"}
CONTROL_WORDS = ("危险", "爆", "烟花", "易制毒", "特种", "放射", "剧毒", "燃气", "矿", "枪", "民用爆炸", "药品", "高危")
ENFORCEMENT_SHARES = (("02", 0.90), ("06", 0.06), ("03", 0.04))


def _real_items() -> list[dict[str, str]]:
    with CSV_PATH.open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["task_type"] in TYPE_CODES]


def _shares(total: int, counts: dict[str, int]) -> dict[str, int]:
    """Largest-remainder apportionment of ``total`` over ``counts``."""
    whole = sum(counts.values())
    exact = {k: total * v / whole for k, v in counts.items()}
    out = {k: int(x) for k, x in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - out[k], reverse=True)[: total - sum(out.values())]:
        out[k] += 1
    return out


def risk_class_for(item_type: str, name: str) -> str:
    if item_type == "01" and any(w in name for w in CONTROL_WORDS):
        return RiskClass.CONTROL
    if item_type in ("01", "07", "02", "03", "06"):
        return RiskClass.CAREFUL
    return RiskClass.ENCOURAGED


def _strip(name: str) -> str:
    for suffix in ("（县级）", "（市级）", "（市级/县级）", "核发", "审批", "许可"):
        name = name.removesuffix(suffix)
    return name


def approval_rows() -> list[tuple[str, str]]:
    """(item type, name) × 342: a stratified sample of the real items by item type (every k-th item of each type)."""
    rows = _real_items()
    by_type: dict[str, list[str]] = {}
    for r in rows:
        by_type.setdefault(TYPE_CODES[r["task_type"]], []).append(r["name"])
    quota = _shares(APPROVAL_POWERS, {t: len(v) for t, v in by_type.items()})
    out: list[tuple[str, str]] = []
    for t in sorted(by_type):
        names = list(dict.fromkeys(by_type[t]))
        step = max(1, len(names) // max(1, quota[t]))
        out += [(t, n) for n in names[::step][: quota[t]]]
    return out


def enforcement_rows() -> list[tuple[str, str]]:
    """(item type, name) × 1,002 derived from the real licensing items, in the shares of ``ENFORCEMENT_SHARES``."""
    licences = list(dict.fromkeys(_strip(r["name"]) for r in _real_items() if r["task_type"] == "1"))
    quota = _shares(ENFORCEMENT_POWERS, {t: int(s * 1000) for t, s in ENFORCEMENT_SHARES})
    penalties = [f"对未经许可擅自从事{n}相关活动的行政处罚" for n in licences]
    penalties += [f"对{n}被许可人违反许可条件的行政处罚" for n in licences]
    inspections = [f"对{n}被许可人的监督检查" for n in licences]
    coercions = [f"查封、扣押与{n}相关违法活动的物品" for n in licences]
    pools = {"02": penalties, "06": inspections, "03": coercions}
    out: list[tuple[str, str]] = []
    for t, _share in ENFORCEMENT_SHARES:
        names = list(dict.fromkeys(pools[t]))
        if len(names) < quota[t]:
            raise ValueError(f"too few names for {t}")
        out += [(t, n) for n in names[: quota[t]]]
    return out


def _bulk(prefix: str, rows: list[tuple[str, str]], department: str, level: str) -> list[Item]:
    have = set(
        Item.objects.filter(jurisdiction_id=GEDIAN, implementation_code__startswith=prefix).values_list(
            "implementation_code", flat=True
        )
    )
    dept = department_for(GEDIAN, department)
    new = []
    for n, (item_type, name) in enumerate(rows, start=1):
        code = f"{prefix}{n:04d}"
        if code in have:
            continue
        new.append(
            Item(
                jurisdiction_id=GEDIAN,
                name=name[:200],
                name_initials=initials(name)[:64],
                implementation_code=code,
                item_type=item_type,
                exercise_level=level,
                department=dept,
                department_name=department,
                handling_kind=HandlingKind.PROMISED if item_type == "01" else HandlingKind.IMMEDIATE,
                statutory_limit=20 if item_type == "01" else None,
                promised_limit=5 if item_type == "01" else (1 if item_type == "20" else None),
                risk_class=risk_class_for(item_type, name),
                channel_one_visit=item_type in ("01", "20", "07", "05"),
                channel_online=item_type in ("20", "05"),
                source="demo",
            )
        )
    Item.objects.bulk_create(new, batch_size=200)
    return list(Item.objects.filter(jurisdiction_id=GEDIAN, implementation_code__startswith=prefix))


def seed_gedian(stdout: Any) -> dict[str, Any]:
    """Create (once) 葛店's powers and publish them; report the counts and the risk-class shares."""
    approvals = _bulk(f"{GEDIAN}-SP-", approval_rows(), "行政审批局", ExerciseLevel.TOWN)
    enforcement = _bulk(f"{GEDIAN}-ZF-", enforcement_rows(), "综合行政执法局", ExerciseLevel.COUNTY)
    drafts = [i for i in [*approvals, *enforcement] if i.current_version_id is None]
    do_publish_many(drafts, approver=None, reason="演示数据：葛店镇权力清单（按真实事项目录比例生成）")
    risk = Counter(i.risk_class for i in approvals)
    labels = dict(RiskClass.choices)
    summary = {
        "approval": len(approvals),
        "enforcement": len(enforcement),
        "risk": {str(labels[k]): v for k, v in sorted(risk.items())},
    }
    stdout.write(
        f"catalog: 葛店镇 {summary['approval']} 项审批权力 + {summary['enforcement']} 项执法权力；"
        f"审批事项风险分级 {summary['risk']}。葛店的真实清单不可得：按真实事项目录"
        f"（广安区 1,135 项政务服务事项，data/guangan-service-items.csv）的事项类型比例生成。"
    )
    return summary
