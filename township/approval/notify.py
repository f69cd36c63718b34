"""Notifications to applicants: always an in-app row; SMS / e-mail through a pluggable backend.

``settings.TOWNSHIP_NOTIFY_BACKEND`` names a class with ``send(user, title, body)``; the default
``LogBackend`` only writes to the log (the demo has no SMS gateway).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger("township.approval.notify")


class LogBackend:
    def send(self, user: Any, title: str, body: str) -> None:
        log.info("notify user=%s phone=%s title=%s", user.pk, getattr(user, "phone", ""), title)


class MemoryBackend:
    """For tests: keeps what was sent."""

    outbox: list[tuple[int, str, str]] = []

    def send(self, user: Any, title: str, body: str) -> None:
        MemoryBackend.outbox.append((user.pk, title, body))


def backend() -> Any:
    path = getattr(settings, "TOWNSHIP_NOTIFY_BACKEND", "township.approval.notify.LogBackend")
    return import_string(path)()


def notify(*, user: Any, title: str, body: str = "", application: Any = None) -> Any:
    """Write the in-app message now; hand it to the external backend after commit."""
    from township.approval.models import Notification

    if user is None:
        return None
    note = Notification.objects.create(
        jurisdiction_id=application.jurisdiction_id if application is not None else None,
        user=user,
        application=application,
        title=str(title)[:200],
        body=str(body),
        created_at=timezone.now(),
    )
    transaction.on_commit(lambda: backend().send(user, str(title), str(body)))
    return note
