"""Publication periods of credit records by severity tier: a pure function (no database).

NDRC Order 36 《信用修复管理办法》 (in force 2026-04-01; DOMAIN2 §5.1, which supersedes DOMAIN §5.3):

- 轻微 (minor): in principle not published; if published, at most 3 months; repairable as soon as the duty is
  performed (minimum 0).
- 一般 (general): minimum 3 months, maximum 1 year.
- 严重 (serious): minimum 1 year, maximum 3 years.

Periods run from the decision date of the judicial/administrative document. At the maximum, publication stops
by itself. A town may set other month counts with ``settings.TOWNSHIP_CREDIT_PERIODS`` (severity → (min, max)).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings

MINOR, GENERAL, SERIOUS = "minor", "general", "serious"
SEVERITIES = (MINOR, GENERAL, SERIOUS)

#: severity → (minimum months, maximum months) of publication (NDRC Order 36, DOMAIN2 §5.1).
DEFAULT_PERIODS: dict[str, tuple[int, int]] = {MINOR: (0, 3), GENERAL: (3, 12), SERIOUS: (12, 36)}

#: the tier a record gets when the writer names none, by kind.
DEFAULT_SEVERITY = {"false_commitment": GENERAL, "blacklist": SERIOUS, "penalty": GENERAL, "positive": ""}

CITE = "《信用修复管理办法》（国家发展改革委令第36号）"


@dataclass(frozen=True)
class Publication:
    severity: str
    start: datetime.date
    min_until: datetime.date
    max_until: datetime.date
    public: bool


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, clamped to the month's last day (2026-01-31 + 1 → 2026-02-28)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def periods() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_PERIODS, **getattr(settings, "TOWNSHIP_CREDIT_PERIODS", {})}


def publication_for(severity: str, decided_on: datetime.date) -> Publication:
    """Start, minimum end and maximum end of publication for a record of ``severity`` decided on ``decided_on``.

    Minor records are not published by default (``public=False``) but still carry their 3-month maximum.
    """
    if severity not in SEVERITIES:
        raise ValueError(severity)
    low, high = periods()[severity]
    return Publication(
        severity=severity,
        start=decided_on,
        min_until=add_months(decided_on, low),
        max_until=add_months(decided_on, high),
        public=severity != MINOR,
    )
