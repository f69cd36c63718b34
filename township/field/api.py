"""Field app endpoints (/api/v1/field/, issue 15): reports and evidence from a device's offline queue (idempotent by
the client's key), my 待办, events near me, a penalty case's review opinion on the phone. Patrol tracks go to
/api/v1/grid/patrols/… and /api/v1/command/positions (batches, idempotent by ``client_id``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from township.field import selectors, services

router = Router(tags=["field"])


class FieldReportIn(Schema):
    key: str
    event_class: str
    lon: float
    lat: float
    description: str
    address: str = ""
    at: str | None = None
    accuracy: float | None = None


class FieldReportOut(Schema):
    id: int
    number: str
    ticket: str
    grid: str | None
    key: str
    created: bool
    photos: int
    lon: float
    lat: float
    reported_at: dt.datetime


@router.post("/reports", response={200: FieldReportOut, 201: FieldReportOut})
def report(request: HttpRequest, payload: Form[FieldReportIn], photos: File[list[UploadedFile]] = None) -> Any:  # type: ignore[assignment]
    """A grid worker's report from the phone's queue: photos, device position and time, class, description, and the
    client-generated ``key``. Sent twice, it answers the same event (200, ``created: false``) instead of a second one
    (201). Error codes: submission_key_invalid, submission_key_conflict, device_time_invalid, photo_required,
    event_class_unknown, description_required, location_invalid, location_outside_grids, report_out_of_scope,
    attachment_type, attachment_too_large."""
    done = services.report_submit(
        actor=request.user,
        key=payload.key,
        event_class=payload.event_class,
        lon=payload.lon,
        lat=payload.lat,
        description=payload.description,
        address=payload.address,
        photos=photos or [],
        at=payload.at,
    )
    e = done.object
    out = {
        "id": e.pk,
        "number": e.case.number,
        "ticket": e.ticket,
        "grid": e.grid.code if e.grid_id else None,
        "key": payload.key,
        "created": done.created,
        "photos": e.photos.count(),
        "lon": e.lon,
        "lat": e.lat,
        "reported_at": e.reported_at,
    }
    return Status(201 if done.created else 200, out)


class FieldTaskOut(Schema):
    id: int
    number: str
    title: str
    type_label: str
    state_label: str
    warning: str
    warning_label: str
    remaining: str
    due_at: dt.datetime | None
    url: str


@router.get("/tasks", response=list[FieldTaskOut], summary="我的待办（外勤）")
def tasks(request: HttpRequest, limit: int = 30) -> Any:
    """The cases I may act on, by due time (the workbench's query), for the phone and its offline cache."""
    return selectors.my_tasks(actor=request.user, limit=max(1, min(limit, 100)))


class FieldNearbyOut(Schema):
    id: int
    number: str
    state: str
    lon: float
    lat: float
    distance_m: int
    overdue: bool


@router.get("/events/nearby", response=list[FieldNearbyOut], summary="附近事件")
def nearby(request: HttpRequest, lon: float, lat: float, radius: float = 1000) -> Any:
    """Open events I may see within ``radius`` metres (at most 5 km) of my position (WGS-84), nearest first."""
    return selectors.nearby_events(actor=request.user, lon=lon, lat=lat, radius_m=max(50.0, min(radius, 5000.0)))


class FieldEvidenceIn(Schema):
    key: str
    case_id: int
    lon: float | None = None
    lat: float | None = None
    accuracy: float | None = None
    place: str = ""
    at: str | None = None
    sha256: str = ""


class FieldEvidenceOut(Schema):
    key: str
    created: bool
    evidence_id: int


@router.post("/evidence", response={200: FieldEvidenceOut, 201: FieldEvidenceOut})
def evidence(request: HttpRequest, payload: Form[FieldEvidenceIn], file: File[UploadedFile]) -> Any:
    """An officer's photo from the field as evidence of a penalty case (time, place, SHA-256; full-process record
    on the case's timeline); idempotent by ``key``. Error codes: submission_key_invalid, device_time_invalid,
    evidence_hash_mismatch, not_found, permission_denied, case_closed, attachment_type, attachment_too_large."""
    done = services.evidence_submit(
        actor=request.user,
        key=payload.key,
        case_id=payload.case_id,
        file=file,
        lon=payload.lon,
        lat=payload.lat,
        accuracy=payload.accuracy,
        place=payload.place,
        at=payload.at,
        sha256=payload.sha256,
    )
    return Status(
        201 if done.created else 200,
        {"key": payload.key, "created": done.created, "evidence_id": done.object.object_id},
    )


class FieldEvidenceRow(Schema):
    name: str
    sha256: str
    collected_at: dt.datetime
    place: str


class FieldReviewOut(Schema):
    case_id: int
    number: str
    title: str
    review_opinion: str
    review_passed: bool | None
    reviewed_on: dt.date | None
    reviewer: str | None
    evidence: list[FieldEvidenceRow]


@router.get("/cases/{case_id}/review", response=FieldReviewOut, summary="法制审核意见（外勤）")
def review(request: HttpRequest, case_id: int) -> Any:
    """The legal reviewer's opinion of a penalty case and its evidence, readable on the phone. Error codes:
    not_found."""
    pc = selectors.penalty_case_for_field(actor=request.user, case_id=case_id)
    return {
        "case_id": pc.case_id,
        "number": pc.case.number,
        "title": pc.case.title,
        "review_opinion": pc.review_opinion,
        "review_passed": pc.review_passed,
        "reviewed_on": pc.reviewed_on,
        "reviewer": pc.reviewer.display_name if pc.reviewer_id else None,
        "evidence": [
            {"name": ev.name, "sha256": ev.sha256, "collected_at": ev.collected_at, "place": ev.place}
            for ev in pc.evidence.all()
        ],
    }
