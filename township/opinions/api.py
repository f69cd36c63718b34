"""API of 社情民意 (mounted at /api/v1/opinions/). The steps (研判分类, 答复, 转办, 存档) are the engine's
``/api/v1/cases/{id}/actions/{name}``; links are at ``/api/v1/cases/{id}/links``. Thin: parse, call, render."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from township.opinions import selectors, services, throttle
from township.opinions.machine import S
from township.opinions.models import Category, Channel, Opinion

router = Router(tags=["opinions"])


class OpinionOut(Schema):
    id: int
    case_id: int
    number: str
    title: str
    content: str
    kind: str
    category: str
    channel: str
    village: str | None
    village_name: str
    location: str
    anonymous: bool
    reporter: str
    reporter_phone: str  # masked
    collected_at: datetime
    state: str
    state_label: str
    outcome: str
    public_reply: str
    forwarded_type: str


def _out(o: Opinion) -> dict[str, Any]:
    return {
        "id": o.pk,
        "case_id": o.case_id,
        "number": o.case.number,
        "title": o.title,
        "content": o.content,
        "kind": o.kind,
        "category": o.category,
        "channel": o.channel,
        "village": o.village_id,
        "village_name": o.village.name if o.village else "",
        "location": o.location,
        "anonymous": o.anonymous,
        "reporter": o.reporter_masked,
        "reporter_phone": o.phone_masked,
        "collected_at": o.collected_at,
        "state": o.case.state,
        "state_label": o.case.state_label,
        "outcome": o.outcome,
        "public_reply": o.public_reply,
        "forwarded_type": o.forwarded_type,
    }


class OpinionPage(Schema):
    count: int
    page: int
    items: list[OpinionOut]


@router.get("/items", response=OpinionPage)
def items(
    request: HttpRequest,
    state: str = "",
    category: str = "",
    channel: str = "",
    village: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    page: int = 1,
    limit: int = 50,
) -> Any:
    f = selectors.OpinionFilter(
        state=state if state in S.values else "",
        category=category if category in Category.values else "",
        channel=channel if channel in Channel.values else "",
        village=village[:12],
        date_from=date_from,
        date_to=date_to,
        q=q[:100],
    )
    qs = selectors.opinion_list(actor=request.user, f=f)  # type: ignore[arg-type]
    limit = max(1, min(limit, 200))
    page = max(1, page)
    rows = list(qs[(page - 1) * limit : page * limit])
    return {"count": qs.count(), "page": page, "items": [_out(o) for o in rows]}


@router.get("/items/{item_id}", response=OpinionOut)
def item(request: HttpRequest, item_id: int) -> Any:
    return _out(selectors.opinion_get(actor=request.user, pk=item_id))  # type: ignore[arg-type]


class CollectIn(Schema):
    village: str
    channel: str
    content: str
    title: str = ""
    kind: str = "report"
    category: str = ""
    location: str = ""
    anonymous: bool = False
    reporter_name: str = ""
    reporter_phone: str = ""


@router.post("/items", response={201: OpinionOut})
def collect(request: HttpRequest, payload: CollectIn) -> Any:
    o = services.opinion_collect(actor=request.user, **payload.dict())  # type: ignore[arg-type]
    return Status(201, _out(o))


# --- public (no sign-in) ---------------------------------------------------------------------------------------


class PublicIn(Schema):
    village: str
    content: str
    title: str = ""
    kind: str = "suggestion"
    anonymous: bool = False
    reporter_name: str = ""
    reporter_phone: str = ""


class PublicOut(Schema):
    number: str
    track_code: str


class OpinionNoticeOut(Schema):
    title: str
    body: str
    created_at: datetime


class ForwardedOut(Schema):
    type_label: str
    number: str
    state_label: str
    closed: bool


class TrackOut(Schema):
    number: str
    title: str
    kind: str
    category: str
    village: str
    state: str
    collected_at: datetime
    closed: bool
    reply: str
    notices: list[OpinionNoticeOut]
    forwarded: list[ForwardedOut]


class TrackIn(Schema):
    code: str


@router.post("/public/submit", response={201: PublicOut}, auth=None)
def public_submit(request: HttpRequest, payload: PublicIn) -> Any:
    throttle.check(request, throttle.SUBMIT)
    user = request.user if request.user.is_authenticated else None
    o = services.opinion_submit_public(actor=user, **payload.dict())
    return Status(201, {"number": o.case.number, "track_code": o.track_code})


@router.post("/public/track", response=TrackOut, auth=None)
def public_track(request: HttpRequest, payload: TrackIn) -> Any:
    """The code travels in the body (not the URL), so it stays out of access logs."""
    throttle.check(request, throttle.TRACK)
    v = selectors.opinion_track(code=payload.code)
    return {
        "number": v.number,
        "title": v.title,
        "kind": v.kind_label,
        "category": v.category_label,
        "village": v.village_name,
        "state": v.state_label,
        "collected_at": v.collected_at,
        "closed": v.closed,
        "reply": v.reply,
        "notices": [{"title": n.title, "body": n.body, "created_at": n.created_at} for n in v.notices],
        "forwarded": [vars(f) for f in v.forwarded],
    }
