"""What the grid services share: the role sets, the public sources and the settings lookup."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from township.grid.models import Source
from township.org.models import GRID_ROLES, Role

GRID_ADMIN_ROLES = (Role.ADMINISTRATOR, Role.DISPATCHER)
REPORTER_ROLES = (*GRID_ROLES, Role.DISPATCHER)
PUBLIC_SOURCES = (Source.PUBLIC, Source.OPEN311)
HANDOVER_ROLES = (Role.DISPATCHER, Role.LEADER, Role.GRID_HEAD, Role.GRID_SUPERVISOR)


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)
