"""好差评 analysis (#12 item 8): the ratings of a town's applications by item, channel, staff and month, the bad
ratings with what was said, and the rectification and call-back of each bad rating; and the two indicators the
evaluation reads (好差评满意率, 差评整改率)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.approval.models import Grade, QueueTicket, Rating, RectificationTask
from township.cases.indicators import record_rate
from township.core import params
from township.org.models import Role

VIEWER_ROLES = (Role.APPROVAL_HEAD, Role.LEADER)  # who reads the analysis of their units
SATISFIED = Q(grade__lte=Grade.BASIC)  # 非常满意, 满意, 基本满意 (GB/T 39046 A.8)
BAD = Q(grade__gte=Grade.DISSATISFIED)


def _ratings(units: Sequence[str], start: datetime, end: datetime) -> QuerySet[Rating]:
    return Rating.objects.filter(jurisdiction_id__in=list(units), created_at__gte=start, created_at__lt=end)


def _bad(units: Sequence[str], start: datetime, end: datetime) -> QuerySet[Rating]:
    return _ratings(units, start, end).filter(BAD)


def _tickets_called(units: Sequence[str], start: datetime, end: datetime) -> QuerySet[QueueTicket]:
    return QueueTicket.objects.filter(
        jurisdiction_id__in=list(units), called_at__gte=start, called_at__lt=end, window__isnull=False
    )


def _called_in_time() -> Q:
    minutes = params.integer("TOWNSHIP_QUEUE_WAIT_MINUTES", 20)  # 参数设置 in the app, else the setting
    return Q(called_at__lte=F("taken_at") + timedelta(minutes=minutes))


# Grouped by town, by the application's 承办 department and person (its case's lead assignment); the queue's
# indicator by 窗口号 and by the clerk who called the ticket (the window evaluated, #12 item 5).
INDICATORS = (
    record_rate(
        key="rating_satisfaction",
        label=_("好差评满意率"),
        base=_ratings,
        success=SATISFIED,
        case_ref="application__case_id",
        formula=_("非常满意、满意、基本满意的评价数 / 期间内评价数"),
    ),
    record_rate(
        key="rating_rectified",
        label=_("差评整改率"),
        base=_bad,
        success=Q(rectification__closed_at__isnull=False),
        case_ref="application__case_id",
        formula=_("期间内差评中已整改完成（含回访）的件数 / 期间内差评件数"),
    ),
    record_rate(
        key="queue_called_in_time",
        label=_("窗口及时叫号率"),
        base=_tickets_called,
        success=_called_in_time(),
        case_ref=None,
        extra_groups={"window": "window", "person": "clerk_id"},
        group_names=lambda group, keys: {k: _("{n}号窗口").format(n=k) for k in keys if k is not None},
        formula=_("取号后在等候时限（默认20分钟）内叫号的人次 / 期间内叫号人次"),
    ),
)
_satisfaction, _rectified, _queue_in_time = (i.compute for i in INDICATORS)


def _rows(qs: QuerySet[Rating], key: str, label: Any) -> list[dict[str, Any]]:
    rows = (
        qs.values(key)
        .annotate(n=Count("id"), good=Count("id", filter=SATISFIED), bad=Count("id", filter=BAD))
        .order_by("-bad", "-n")[:20]
    )
    return [
        {
            "name": r[key] or str(label),
            "n": r["n"],
            "bad": r["bad"],
            "rate": round(100 * r["good"] / r["n"], 1) if r["n"] else None,
        }
        for r in rows
    ]


def rating_analysis(*, units: Sequence[str], start: datetime, end: datetime) -> dict[str, Any]:
    """Everything the 好差评 analysis page shows for ``units`` in [start, end)."""
    from township.approval.models import Channel

    qs = _ratings(units, start, end)
    totals = qs.aggregate(n=Count("id"), good=Count("id", filter=SATISFIED), bad=Count("id", filter=BAD))
    by_grade = dict(qs.values_list("grade").annotate(n=Count("id")).order_by())
    channels = dict(Channel.choices)
    by_channel = _rows(qs, "application__channel", _("（未知渠道）"))
    for r in by_channel:
        r["name"] = str(channels.get(r["name"], r["name"]))
    today = timezone.localdate()
    tasks = RectificationTask.objects.filter(rating__in=qs.filter(BAD))
    return {
        "totals": {**totals, "rate": round(100 * totals["good"] / totals["n"], 1) if totals["n"] else None},
        "by_grade": [(str(label), by_grade.get(value, 0)) for value, label in Grade.choices],
        "by_item": _rows(qs, "application__item__name", _("（无事项）")),
        "by_channel": by_channel,
        "by_approver": _rows(qs, "application__decided_by__full_name", _("（未记录）")),
        "by_acceptor": _rows(qs, "application__case__created_by__full_name", _("（网上申请）")),
        "trend": [
            {"month": r["m"].strftime("%Y-%m"), "n": r["n"], "bad": r["bad"]}
            for r in qs.annotate(m=TruncMonth("created_at", tzinfo=timezone.get_current_timezone()))
            .values("m")
            .annotate(n=Count("id"), bad=Count("id", filter=BAD))
            .order_by("m")
        ],
        "bad": list(qs.filter(BAD).select_related("application", "rectification").order_by("-created_at")[:50]),
        "rectification": tasks.aggregate(
            total=Count("id"),
            open=Count("id", filter=Q(closed_at__isnull=True)),
            overdue=Count("id", filter=Q(closed_at__isnull=True, due_date__lt=today)),
            closed=Count("id", filter=Q(closed_at__isnull=False)),
            called_back=Count("id", filter=Q(callback_at__isnull=False)),
        ),
    }
