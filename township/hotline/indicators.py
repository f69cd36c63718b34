"""Evaluation indicators of 12345 work orders (北京接诉即办条例 Art 32: 响应率、解决率、满意率), registered on the
case type so the command center's evaluation reads them like every other (``township.cases.types.all_indicators``).

Each ``compute(jurisdiction_ids, start, end)`` returns ``(numerator, denominator)`` over the orders of those towns in
the half-open period [start, end):

- 响应率 = orders first dispatched in the period and signed within their 签收 period / orders first dispatched in the
  period;
- 解决率 = orders finished in the period (即时答复 or 结案) that were resolved (即时答复, or 回访 「问题已解决」)
  / orders finished in the period;
- 满意率 = 回访 in the period rated 满意 or 基本满意 / 回访 in the period (every 回访 counts, including those before
  a 重办).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from township.cases.types import Indicator
from township.hotline.machine import S
from township.hotline.models import Callback, Order, Satisfaction


def response_rate(jurisdiction_ids: Sequence[str], start: datetime, end: datetime) -> tuple[int, int]:
    qs = Order.objects.filter(
        jurisdiction_id__in=list(jurisdiction_ids), first_dispatched_at__gte=start, first_dispatched_at__lt=end
    )
    return qs.filter(signed_in_time=True).count(), qs.count()


def resolution_rate(jurisdiction_ids: Sequence[str], start: datetime, end: datetime) -> tuple[int, int]:
    qs = Order.objects.filter(
        jurisdiction_id__in=list(jurisdiction_ids),
        case__state__in=[S.ANSWERED, S.CLOSED],
        case__closed_at__gte=start,
        case__closed_at__lt=end,
    )
    return qs.filter(resolved=True).count(), qs.count()


def satisfaction_rate(jurisdiction_ids: Sequence[str], start: datetime, end: datetime) -> tuple[int, int]:
    qs = Callback.objects.filter(jurisdiction_id__in=list(jurisdiction_ids), at__gte=start, at__lt=end)
    good = qs.filter(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC]).count()
    return good, qs.count()


INDICATORS = (
    Indicator(
        "hotline_response_rate",
        _("12345响应率"),
        response_rate,
        formula=_("按时签收的工单数 / 期间内首次派单的工单数"),
    ),
    Indicator(
        "hotline_resolution_rate",
        _("12345解决率"),
        resolution_rate,
        formula=_("已解决的工单数（即时答复或回访确认已解决） / 期间内办结（即时答复、结案）的工单数"),
    ),
    Indicator(
        "hotline_satisfaction_rate",
        _("12345满意率"),
        satisfaction_rate,
        formula=_("回访满意、基本满意的次数 / 期间内回访次数"),
    ),
)
