"""Scoped reads of 社情民意: lists (filters, search), one item, statistics, and the public tracking view."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext

from township.cases.models import CaseLink, LinkKind
from township.cases.selectors import case_visible_q
from township.cases.types import find_case_type
from township.core.errors import NotFound
from township.opinions.machine import CASE_TYPE, S
from township.opinions.models import Category, Channel, Notice, Opinion, Outcome
from township.org.models import User

if TYPE_CHECKING:
    from township.org.units import UnitChoice


def opinion_queryset(*, actor: User | None) -> QuerySet[Opinion]:
    """The items the actor may see (fail-closed: the engine's tenant reach and case visibility)."""
    if actor is None or not actor.is_authenticated:
        return Opinion.objects.none()
    from township.cases.models import Case

    cases = Case.objects.filter(case_type=CASE_TYPE).filter(case_visible_q(actor)).values("pk")
    return Opinion.objects.filter(case_id__in=cases).select_related("case", "village", "collector")


@dataclass
class OpinionFilter:
    state: str = ""
    category: str = ""
    channel: str = ""
    village: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    unit: UnitChoice | None = None  # the unit tree's choice (narrows inside the scope)


def opinion_list(*, actor: User | None, f: OpinionFilter) -> QuerySet[Opinion]:
    qs = opinion_queryset(actor=actor)
    if f.unit:
        qs = qs.filter(f.unit.q("jurisdiction", "village"))
    if f.state:
        qs = qs.filter(case__state=f.state)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.village:
        qs = qs.filter(village_id=f.village)
    if f.date_from:
        qs = qs.filter(collected_at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(collected_at__date__lte=f.date_to)
    if f.q:
        q = f.q.strip()
        qs = qs.filter(Q(title__icontains=q) | Q(content__icontains=q) | Q(case__number__icontains=q))
    return qs.order_by("-collected_at", "-id")


def opinion_get(*, actor: User | None, pk: int) -> Opinion:
    row = opinion_queryset(actor=actor).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def opinion_by_case(*, actor: User | None, case_id: int) -> Opinion:
    row = opinion_queryset(actor=actor).filter(case_id=case_id).first()
    if row is None:
        raise NotFound()
    return row


def opinion_villages(*, actor: User | None) -> list[tuple[str, str]]:
    rows = opinion_queryset(actor=actor).values_list("village_id", "village__name").distinct()
    return sorted({(v, n) for v, n in rows if v}, key=lambda x: x[0])


@dataclass
class Stats:
    total: int = 0
    forwarded: int = 0
    answered: int = 0
    archived: int = 0
    open: int = 0
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_village: list[tuple[str, int]] = field(default_factory=list)
    by_month: list[tuple[str, int]] = field(default_factory=list)
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    forwarded_by_type: list[tuple[str, int]] = field(default_factory=list)

    @property
    def forwarded_share(self) -> float | None:
        return round(100.0 * self.forwarded / self.total, 1) if self.total else None


def opinion_stats(*, actor: User | None, f: OpinionFilter | None = None) -> Stats:
    # no ordering: a grouped count under the list's ORDER BY would group by each row
    qs = opinion_list(actor=actor, f=f or OpinionFilter()).order_by()
    cat = dict(Category.choices)
    chan = dict(Channel.choices)
    st = Stats(total=qs.count())
    outcomes = Counter(dict(qs.values_list("outcome").annotate(n=Count("id")).values_list("outcome", "n")))
    st.forwarded, st.answered, st.archived = (
        outcomes.get(Outcome.FORWARDED, 0),
        outcomes.get(Outcome.ANSWERED, 0),
        outcomes.get(Outcome.ARCHIVED, 0),
    )
    st.open = qs.filter(case__state__in=(S.COLLECTED, S.ASSESSED)).count()
    st.by_category = [
        (str(cat.get(k, k)) if k else gettext("未分类"), n)
        for k, n in qs.values_list("category").annotate(n=Count("id")).order_by("-n").values_list("category", "n")
    ]
    st.by_village = list(
        qs.values_list("village__name").annotate(n=Count("id")).order_by("-n").values_list("village__name", "n")
    )
    st.by_channel = [
        (str(chan.get(k, k)), n)
        for k, n in qs.values_list("channel").annotate(n=Count("id")).order_by("-n").values_list("channel", "n")
    ]
    months = qs.annotate(m=TruncMonth("collected_at")).values_list("m").annotate(n=Count("id")).order_by("m")
    st.by_month = [(m.strftime("%Y-%m") if isinstance(m, (date, datetime)) else str(m), n) for m, n in months]
    types = qs.exclude(forwarded_type="").values_list("forwarded_type").annotate(n=Count("id")).order_by("-n")
    st.forwarded_by_type = [(_type_label(k), n) for k, n in types]
    return st


def _type_label(key: str) -> str:
    ct = find_case_type(key)
    return str(ct.label) if ct is not None else key


# --- the public tracking view (no sign-in: only what the reporter may read) -------------------------------------


@dataclass
class ForwardedStatus:
    type_label: str
    number: str
    state_label: str
    closed: bool
    reply: str = ""  # the reply the receiving case type owes the public (CaseType.public_reply), once given


@dataclass
class TrackView:
    number: str
    title: str
    kind_label: str
    category_label: str
    village_name: str
    state_label: str
    collected_at: datetime
    closed: bool
    reply: str
    notices: list[Notice]
    forwarded: list[ForwardedStatus]


def _state_label(case: Any) -> str:
    try:
        return str(case.state_label)
    except LookupError:
        return str(case.state)


def _public_reply(case: Any) -> str:
    from township.cases.types import find_case_type

    ct = find_case_type(case.case_type)
    return ct.reply_for(case) if ct is not None else ""


def opinions_of_resident(*, actor: User | None) -> list[TrackView]:
    """The signed-in resident's own portal submissions, as the tracking page shows them (public facts only)."""
    if actor is None or not actor.is_authenticated:
        return []
    codes = Opinion.objects.filter(resident_id=actor.pk).order_by("-collected_at").values_list("track_code", flat=True)
    return [opinion_track(code=c) for c in codes[:50]]


def opinion_track(*, code: str) -> TrackView:
    """What the follow-up code shows: status, public reply and notices, and the forwarded item's public status.
    Never the reporter's data, the internal note, the collector or the timeline. Unknown code → NotFound."""
    from township.opinions.services import normalise_track_code

    code = normalise_track_code(code)
    if len(code) < 12:
        raise NotFound("查询码不存在")
    o = Opinion.objects.select_related("case", "village").filter(track_code=code).first()
    if o is None:
        raise NotFound("查询码不存在")
    links = CaseLink.objects.filter(
        jurisdiction_id=o.jurisdiction_id, source_id=o.case_id, kind=LinkKind.FORWARDED
    ).prefetch_related("target")  # forwarded to another unit's case: read by id, not joined (Citus)
    forwarded = [
        ForwardedStatus(
            type_label=_type_label(link.target.case_type),
            number=link.target.number,
            state_label=_state_label(link.target),
            closed=link.target.closed_at is not None,
            reply=_public_reply(link.target),
        )
        for link in links
    ]
    return TrackView(
        number=o.case.number,
        title=o.title,
        kind_label=o.get_kind_display(),
        category_label=o.get_category_display() if o.category else "",
        village_name=o.village.name if o.village else "",
        state_label=_state_label(o.case),
        collected_at=o.collected_at,
        closed=o.case.closed_at is not None,
        reply=o.public_reply,
        notices=list(o.notices.all()),
        forwarded=forwarded,
    )
