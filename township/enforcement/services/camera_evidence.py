"""A camera snapshot (天网 / 雪亮) attached to a penalty case as evidence (issue 15).

It becomes an ``Evidence`` row with the full-process record the law asks for (Art 47: who, when, where, the SHA-256
of the file), stored through the engine's ``case_attach`` and noted on the case's timeline. Import this module
directly (``township.enforcement.services.camera_evidence``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from township.cases.services import case_attach, case_note
from township.enforcement.models import Evidence, PenaltyCase
from township.enforcement.services.base import CASE_ROLES, beijing, require_role
from township.org.models import User


@transaction.atomic
def penalty_camera_snapshot_attach(
    *,
    penalty_case: PenaltyCase,
    actor: User,
    image: Any,
    camera_name: str,
    device_id: str,
    place: str,
    taken_at: datetime,
) -> Evidence:
    """Store ``image`` as evidence of ``penalty_case`` (name, SHA-256, who, when, where) with a timeline record.

    Errors: permission_denied (403), case_closed, attachment_too_large, attachment_empty, attachment_type (422).
    """
    require_role(actor, penalty_case.jurisdiction_id, CASE_ROLES)
    taken_at = beijing(taken_at)
    attachment = case_attach(case=penalty_case.case, actor=actor, uploaded_file=image, purpose="evidence")
    evidence = Evidence.objects.create(
        jurisdiction_id=penalty_case.jurisdiction_id,
        penalty_case=penalty_case,
        attachment=attachment,
        name=_("视频抓拍：%(camera)s") % {"camera": camera_name},
        sha256=attachment.sha256,
        collected_by=actor,
        collected_at=taken_at,
        place=place[:200],
    )
    case_note(
        case=penalty_case.case,
        actor=actor,
        name="camera_snapshot",
        label=_("视频抓拍取证"),
        data={
            "evidence": evidence.pk,
            "attachment": attachment.pk,
            "sha256": attachment.sha256,
            "device_id": device_id,
            "camera": camera_name,
            "taken_at": taken_at.isoformat(),
            "place": place[:200],
        },
    )
    return evidence
