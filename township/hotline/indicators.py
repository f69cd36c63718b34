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

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from township.cases.indicators import record_rate
from township.hotline.machine import S
from township.hotline.models import Callback, Order, Satisfaction


def _dispatched(jurisdiction_ids: Sequence[str], start: datetime, end: datetime) -> QuerySet[Order]:
    return Order.objects.filter(
        jurisdiction_id__in=list(jurisdiction_ids), first_dispatched_at__gte=start, first_dispatched_at__lt=end
    )


def _finished(jurisdiction_ids: Sequence[str], start: datetime, end: datetime) -> QuerySet[Order]:
    return Order.objects.filter(
        jurisdiction_id__in=list(jurisdiction_ids),
        case__state__in=[S.ANSWERED, S.CLOSED],
        case__closed_at__gte=start,
        case__closed_at__lt=end,
    )


def _callbacks(jurisdiction_ids: Sequence[str], start: datetime, end: datetime) -> QuerySet[Callback]:
    return Callback.objects.filter(jurisdiction_id__in=list(jurisdiction_ids), at__gte=start, at__lt=end)


# Grouped by town, by the order's 承办 department / person (the case's lead assignment) like every case indicator.
INDICATORS = (
    record_rate(
        key="hotline_response_rate",
        label=_("12345响应率"),
        base=_dispatched,
        success=Q(signed_in_time=True),
        case_ref="case_id",
        formula=_("按时签收的工单数 / 期间内首次派单的工单数"),
    ),
    record_rate(
        key="hotline_resolution_rate",
        label=_("12345解决率"),
        base=_finished,
        success=Q(resolved=True),
        case_ref="case_id",
        formula=_("已解决的工单数（即时答复或回访确认已解决） / 期间内办结（即时答复、结案）的工单数"),
    ),
    record_rate(
        key="hotline_satisfaction_rate",
        label=_("12345满意率"),
        base=_callbacks,
        success=Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC]),
        case_ref="order__case_id",
        formula=_("回访满意、基本满意的次数 / 期间内回访次数"),
    ),
)
response_rate, resolution_rate, satisfaction_rate = (i.compute for i in INDICATORS)
