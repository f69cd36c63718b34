"""A camera snapshot (天网 / 雪亮) attached to a grid event as evidence (issue 15).

The image goes through the engine's ``case_attach`` (size limit, type sniffed from the bytes, SHA-256), and a
timeline record names the camera, the moment and the hash, so the event's full-process record shows where the
picture came from. Called by ``township.cases``'s callers such as ``township.cameras``; import this module
directly (``township.grid.services.camera_evidence``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from township.cases.models import Attachment
from township.cases.services import case_attach, case_note
from township.core.errors import PermissionRefused
from township.grid.models import Event
from township.grid.services._common import REPORTER_ROLES
from township.org.models import Role, User
from township.org.scoping import has_role

# Who may add a camera snapshot to an event: the reporters (grid roles, dispatcher), the leaders, the handlers.
SNAPSHOT_ROLES = (*REPORTER_ROLES, Role.LEADER, Role.HANDLER)


@transaction.atomic
def event_camera_snapshot_attach(
    *,
    event: Event,
    actor: User,
    image: Any,
    camera_name: str,
    device_id: str,
    taken_at: datetime,
    lon: float | None = None,
    lat: float | None = None,
) -> Attachment:
    """Attach ``image`` (an uploaded file) to ``event``'s case as camera evidence and note it on the timeline.

    Errors: permission_denied (403), case_closed, attachment_too_large, attachment_empty, attachment_type (422).
    """
    if not has_role(actor, event.jurisdiction_id, SNAPSHOT_ROLES):
        raise PermissionRefused("permission_denied", _("您在该单位没有执行此操作的权限"))
    attachment = case_attach(case=event.case, actor=actor, uploaded_file=image, purpose="grid.camera")
    case_note(
        case=event.case,
        actor=actor,
        name="camera_snapshot",
        label=_("视频抓拍取证"),
        data={
            "attachment": attachment.pk,
            "sha256": attachment.sha256,
            "device_id": device_id,
            "camera": camera_name,
            "taken_at": taken_at.isoformat(),
            "lon": lon,
            "lat": lat,
        },
    )
    return attachment
