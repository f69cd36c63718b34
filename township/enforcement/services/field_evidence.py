"""Evidence taken in the field with the phone app (issue 15): a photo or short video attached to a penalty case with
its full-process record (Art 47: who, when, where — device position and accuracy — and the SHA-256 of the file),
stored through the engine's ``case_attach`` and noted on the case's timeline. Import this module directly
(``township.enforcement.services.field_evidence``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from township.cases.services import case_attach, case_note
from township.core.errors import DomainError
from township.enforcement.models import Evidence, PenaltyCase
from township.enforcement.services.base import OFFICER_ROLES, beijing, require_role
from township.org.models import User

EVIDENCE_HASH_MISMATCH = "evidence_hash_mismatch"


def _place(place: str, lon: float | None, lat: float | None, accuracy: float | None) -> str:
    where = (place or "").strip()
    if lon is not None and lat is not None:
        gps = f"{lat:.6f},{lon:.6f}"
        if accuracy is not None:
            gps += _("（精度约%(m)d米）") % {"m": round(accuracy)}
        where = f"{where} {gps}".strip() if where else gps
    return where[:200]


@transaction.atomic
def penalty_field_evidence_attach(
    *,
    penalty_case: PenaltyCase,
    actor: User,
    file: Any,
    taken_at: datetime,
    lon: float | None = None,
    lat: float | None = None,
    accuracy: float | None = None,
    place: str = "",
    client_sha256: str = "",
) -> Evidence:
    """Store ``file`` as evidence of ``penalty_case`` by one of its officers, with a timeline record. When the device
    sends the SHA-256 it computed at capture, the server's must match (the file was not altered on the way).

    Errors: permission_denied (403), evidence_hash_mismatch, case_closed, attachment_too_large, attachment_empty,
    attachment_type (422)."""
    require_role(actor, penalty_case.jurisdiction_id, OFFICER_ROLES)
    taken_at = beijing(taken_at)
    attachment = case_attach(case=penalty_case.case, actor=actor, uploaded_file=file, purpose="evidence")
    if client_sha256 and client_sha256.strip().lower() != attachment.sha256:
        raise DomainError(
            EVIDENCE_HASH_MISMATCH, _("文件摘要与现场拍摄时不一致，文件可能在传输中损坏，请重新上传"), field="sha256"
        )
    where = _place(place, lon, lat, accuracy)
    evidence = Evidence.objects.create(
        jurisdiction_id=penalty_case.jurisdiction_id,
        penalty_case=penalty_case,
        attachment=attachment,
        name=_("现场取证：%(name)s") % {"name": attachment.name},
        sha256=attachment.sha256,
        collected_by=actor,
        collected_at=taken_at,
        place=where,
    )
    case_note(
        case=penalty_case.case,
        actor=actor,
        name="field_evidence",
        label=_("移动端现场取证"),
        data={
            "evidence": evidence.pk,
            "attachment": attachment.pk,
            "name": attachment.name,
            "content_type": attachment.content_type,
            "sha256": attachment.sha256,
            "taken_at": taken_at.isoformat(),
            "lon": lon,
            "lat": lat,
            "accuracy": accuracy,
            "place": where,
        },
    )
    return evidence
