"""The event classes, kept per process: about a hundred reference rows that every report reads (the active ones, by
code) and every map answer names (all of them, retired too, by id).

Kept like the spatial index (``township.grid.spatial``): under a ``GridIndexVersion`` key of their own
(``classes``), bumped by every save or delete of a class (the signals below: the administrators' page, the CSV
import, the admin). The process that bumps drops its copy at once; the others read the version at most every
``GRID_INDEX_CHECK_SECONDS`` (default 5). A code the copy lacks reads the version at once before it is refused, so a
class added in another process is found at the first report of it. A class retired in another process may still be
offered for those few seconds, as the grids are.

The kept instances are shared by the process's threads: read them, never change them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F

from township.grid import spatial

if TYPE_CHECKING:
    from township.grid.models import EventClass

KEY = "classes"  # jurisdiction codes are digits and ``*`` is all grids: no clash


@dataclass
class _Kept:
    version: int
    checked_at: float
    by_code: dict[str, EventClass] = field(default_factory=dict)  # the active classes
    names: dict[int, str] = field(default_factory=dict)  # every class's name, retired ones too


_state: dict[str, _Kept] = {}
_lock = threading.Lock()


def _current(max_age: float | None) -> _Kept:
    kept = _state.get(KEY)
    now = time.monotonic()
    age = spatial.check_seconds() if max_age is None else max_age
    if kept is not None and age and now - kept.checked_at < age:
        return kept
    version = spatial.current_version(KEY)
    if kept is not None and kept.version == version:
        kept.checked_at = now
        return kept
    from township.grid.models import EventClass  # noqa: F811 - the model at run time

    with _lock:
        every = list(EventClass.objects.order_by("pk"))
        kept = _Kept(version, now, {c.code: c for c in every if c.active}, {c.pk: c.name for c in every})
        _state[KEY] = kept
    return kept


def active(code: str) -> EventClass | None:
    """The active event class of this code, or None (unknown or retired)."""
    found = _current(None).by_code.get(code)
    if found is None:
        found = _current(0).by_code.get(code)  # added meanwhile in another process?
    return found


def names(ids: Iterable[int]) -> dict[int, str]:
    """The names of the classes of these ids (retired ones too); an id the copy lacks (a class added in another
    process) reads the version at once. An id of no class has no entry."""
    kept = _current(None)
    if any(i not in kept.names for i in ids):
        kept = _current(0)
    return kept.names


def forget() -> None:
    _state.clear()


def bump(**_kwargs: Any) -> None:
    """A class was saved or deleted: a new version for the other processes, this process's copy dropped now and
    again at the commit (a copy read in between from the uncommitted rows must not outlive them)."""
    from township.grid.models import GridIndexVersion

    with transaction.atomic():
        if not GridIndexVersion.objects.filter(key=KEY).update(version=F("version") + 1):
            GridIndexVersion.objects.get_or_create(key=KEY, defaults={"version": 1})
        transaction.on_commit(forget)
    forget()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(bump, sender="grid.EventClass", dispatch_uid="grid.classes.saved")
    post_delete.connect(bump, sender="grid.EventClass", dispatch_uid="grid.classes.deleted")
