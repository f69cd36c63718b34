"""Field writes (issue 15): a report or a piece of evidence sent from a device's offline queue, created exactly once
per client-generated key. The rules of the event and of the evidence stay in grid's and enforcement's services;
this module only adds the idempotency (a ``Submission`` row per (unit, key), written in the same transaction)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.core.errors import BadInput, DomainError
from township.field.errors import Code
from township.field.models import Submission
from township.grid import selectors as grid_selectors
from township.grid import services as grid_services
from township.org.models import User

PATROL_SOURCE = "patrol"  # grid's Source.PATROL: a grid worker's own report (网格员巡查)
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# A device may stay offline for a while; a report older than this is refused rather than back-dated further.
MAX_QUEUE_AGE = timedelta(days=7)
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class Submitted:
    object: Any
    created: bool


def _key(key: str) -> str:
    key = (key or "").strip()
    if not KEY_RE.match(key):
        raise BadInput(Code.KEY_INVALID, _("提交缺少有效的幂等键（8–64位字母、数字、- 或 _）"), "key")
    return key


def device_time(value: datetime | str | None, now: datetime | None = None) -> datetime:
    """The device's time of the report (ISO 8601), or now; refused when in the future or older than a week."""
    now = now or timezone.now()
    if value in (None, ""):
        return now
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise BadInput(Code.DEVICE_TIME_INVALID, _("设备时间格式错误"), "at") from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + FUTURE_TOLERANCE or value < now - MAX_QUEUE_AGE:
        raise DomainError(Code.DEVICE_TIME_INVALID, _("设备时间超出允许范围（请校准手机时间）"), field="at")
    return value


def _existing(actor: User, key: str, kind: str) -> Submission | None:
    return Submission.objects.filter(user_id=actor.pk, key=key, kind=kind).first()


def _conflict() -> DomainError:
    return DomainError(Code.KEY_CONFLICT, _("该幂等键已被其他提交使用，请重新生成"), field="key")


def report_submit(
    *,
    actor: User,
    key: str,
    event_class: str,
    lon: float,
    lat: float,
    description: str,
    address: str = "",
    photos: Iterable[Any] = (),
    at: datetime | str | None = None,
) -> Submitted:
    """A grid worker's report from the field app: one event per ``key`` however often the device sends it.

    Error codes: submission_key_invalid, submission_key_conflict, device_time_invalid, photo_required, and those of
    ``grid.services.event_report`` (event_class_unknown, description_required, location_invalid,
    location_outside_grids, report_out_of_scope, attachment_type, attachment_too_large)."""
    key = _key(key)
    done = _existing(actor, key, Submission.Kind.REPORT)
    if done is not None:
        return Submitted(grid_selectors.event_get(actor=actor, pk=done.object_id), False)
    when = device_time(at)
    photos = list(photos or ())
    if not photos:
        raise DomainError(Code.PHOTO_REQUIRED, _("请至少拍摄一张现场照片"), field="photos")
    try:
        with transaction.atomic():
            event = grid_services.event_report(
                actor=actor,
                event_class=event_class,
                lon=lon,
                lat=lat,
                description=description,
                address=address,
                source=PATROL_SOURCE,
                photos=photos,
                at=when,
            )
            Submission.objects.create(
                jurisdiction_id=event.jurisdiction_id,
                key=key,
                kind=Submission.Kind.REPORT,
                user=actor,
                object_id=event.pk,
                device_time=when,
            )
    except IntegrityError:
        # The same key arrived twice at once: the other request won; answer with its event.
        done = _existing(actor, key, Submission.Kind.REPORT)
        if done is None:
            raise _conflict() from None
        return Submitted(grid_selectors.event_get(actor=actor, pk=done.object_id), False)
    return Submitted(event, True)


def evidence_submit(
    *,
    actor: User,
    key: str,
    case_id: int,
    file: Any,
    lon: float | None,
    lat: float | None,
    accuracy: float | None = None,
    place: str = "",
    at: datetime | str | None = None,
    sha256: str = "",
) -> Submitted:
    """An officer's photo or short video from the field, attached to the penalty case as evidence with its full-process
    record; one evidence per ``key``. Error codes: submission_key_invalid, device_time_invalid, evidence_hash_mismatch,
    not_found, permission_denied, case_closed, attachment_type, attachment_too_large."""
    from township.enforcement import selectors as enf_selectors
    from township.enforcement.services.field_evidence import penalty_field_evidence_attach

    key = _key(key)
    done = _existing(actor, key, Submission.Kind.EVIDENCE)
    if done is not None:
        return Submitted(done, False)
    when = device_time(at)
    pc = enf_selectors.penalty_case_by_case(actor=actor, case_id=case_id)
    try:
        with transaction.atomic():
            evidence = penalty_field_evidence_attach(
                penalty_case=pc,
                actor=actor,
                file=file,
                taken_at=when,
                lon=lon,
                lat=lat,
                accuracy=accuracy,
                place=place,
                client_sha256=sha256,
            )
            sub = Submission.objects.create(
                jurisdiction_id=pc.jurisdiction_id,
                key=key,
                kind=Submission.Kind.EVIDENCE,
                user=actor,
                object_id=evidence.pk,
                device_time=when,
            )
    except IntegrityError:
        done = _existing(actor, key, Submission.Kind.EVIDENCE)
        if done is None:
            raise _conflict() from None
        return Submitted(done, False)
    return Submitted(sub, True)
