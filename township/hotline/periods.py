"""Per-locality periods of 12345 orders (DOMAIN2 §2.3): the most specific ``PeriodSetting`` row of the town for
(诉求类型, 紧急程度) wins — exact, then type only, then urgency only, then the town's general row — and without
any row the defaults below apply. "Longer statutory periods prevail" (潍坊 Art 20; 济南 Art 24): a statutory
period longer than the 办结 period replaces it."""

from __future__ import annotations

from dataclasses import dataclass

from township.hotline.models import ClockUnit, Kind, PeriodSetting, Urgency


@dataclass(frozen=True)
class Periods:
    instant_answer: bool = True
    dispatch_hours: int = 2  # 派单: within 2 working hours of intake
    sign_hours: int = 2  # 签收: within 2 working hours of dispatch (the clock starts at dispatch)
    return_hours: int = 16  # 退回 window: 2 working days (8 h each) from dispatch (山东 2020)
    handle_amount: int = 5  # 办结: 5 working days (潍坊 Art 20; 济南 Art 24)
    handle_unit: str = ClockUnit.WORKING_DAYS
    statutory_days: int | None = None
    extension_max_days: int = 10  # once, ≤ 10 working days (山东 2020)
    extension_max_count: int = 1
    callback_days: int = 1  # 回访 the next working day after 办结
    max_rework: int = 2

    @property
    def handle(self) -> tuple[str, int]:
        """The 办结 period as (unit, amount), a longer statutory period prevailing."""
        longer = (
            self.statutory_days
            and self.handle_unit == ClockUnit.WORKING_DAYS
            and self.statutory_days > self.handle_amount
        )
        if longer:
            return ClockUnit.WORKING_DAYS, int(self.statutory_days or 0)
        return self.handle_unit, self.handle_amount


# DOMAIN2 §2.3 typical values by 诉求类型 / 紧急程度 (a town overrides any of them in 办理时限设置).
DEFAULTS: dict[tuple[str, str], Periods] = {
    ("", ""): Periods(),
    (Kind.CONSULT, ""): Periods(handle_amount=3),
    (Kind.COMPLAINT, ""): Periods(handle_amount=13, instant_answer=False),
    (Kind.REPORT, ""): Periods(handle_amount=13, instant_answer=False),
    ("", Urgency.URGENT): Periods(
        dispatch_hours=1, sign_hours=1, return_hours=2, handle_amount=24, handle_unit=ClockUnit.NATURAL_HOURS
    ),
}

FIELDS = (
    "instant_answer",
    "dispatch_hours",
    "sign_hours",
    "return_hours",
    "handle_amount",
    "handle_unit",
    "statutory_days",
    "extension_max_days",
    "extension_max_count",
    "callback_days",
    "max_rework",
)


def _candidates(kind: str, urgency: str) -> list[tuple[str, str]]:
    return [(kind, urgency), ("", urgency), (kind, ""), ("", "")]


def default_for(kind: str, urgency: str) -> Periods:
    for key in _candidates(kind, urgency):
        if key in DEFAULTS:
            return DEFAULTS[key]
    return Periods()


def periods_for(jurisdiction_id: str, kind: str, urgency: str) -> Periods:
    """The periods that apply to an order of ``kind`` and ``urgency`` in the town ``jurisdiction_id``."""
    rows = {
        (r.kind, r.urgency): r
        for r in PeriodSetting.objects.filter(
            jurisdiction_id=jurisdiction_id, kind__in=[kind, ""], urgency__in=[urgency, ""]
        )
    }
    for key in _candidates(kind, urgency):
        row = rows.get(key)
        if row is not None:
            return Periods(**{f: getattr(row, f) for f in FIELDS})
    return default_for(kind, urgency)
