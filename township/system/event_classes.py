"""事件分类导入 in 系统管理: the grid's component and event classes (``grid.EventClass``) read and imported from CSV or
Excel, with a preview of what would be added and changed before the import is confirmed.

The checks and the writing are the grid's (``township.grid.services.event_class_rows`` / ``event_class_import_csv``);
this module adds the file reading, the preview and the 系统管理 duties: the classes are a dictionary shared by every
town, so the administrators who manage 字典 read them and only a system administrator at county level or above
imports (``duties.require_global``). Each row is saved on its own, so the operation log records it; nothing is
deleted: classes missing from the file stay as they are.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from township.core.errors import DomainError
from township.grid.models import EventClass
from township.org.models import User
from township.system.duties import SYS, require, require_global

MAX_BYTES = 2 * 1024 * 1024
PREVIEW_ERRORS = 50


def class_list(*, actor: User, search: str = "", kind: str = "") -> QuerySet[EventClass]:
    require(actor, SYS)
    qs = EventClass.objects.order_by("code")
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(name__icontains=search) | Q(major_name__icontains=search))
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def read_upload(raw: bytes, filename: str) -> str:
    """An uploaded .csv (UTF-8 or GBK) or .xlsx (first sheet) as CSV text for the grid's reader."""
    from township.catalog.importer import read_table

    if len(raw) > MAX_BYTES:
        raise DomainError("too_large", _("文件不能超过2MB"), "file")
    header, body = read_table(raw, filename)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue()


@dataclass
class Change:
    code: str
    name: str
    fields: list[tuple[str, Any, Any]]  # (label, before, after)


@dataclass
class ClassPlan:
    """What an import would do (the preview), or did."""

    rows: int = 0
    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _shown(model_field: Any, value: Any) -> Any:
    if getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value


def compare(rows: list[dict[str, Any]], stored: dict[str, EventClass]) -> ClassPlan:
    """Pure: the rows (as the grid's reader returns them) against the stored classes by code."""
    plan = ClassPlan(rows=len(rows))
    for row in rows:
        current = stored.get(row["code"])
        if current is None:
            plan.added.append(row)
            continue
        diffs = []
        for name, value in row.items():
            if name == "code":
                continue
            f = EventClass._meta.get_field(name)
            before = getattr(current, name)
            after = f.to_python(value)  # type: ignore[union-attr]
            if before != after:
                diffs.append((str(f.verbose_name), _shown(f, before), _shown(f, after)))  # type: ignore[union-attr]
        if diffs:
            plan.changed.append(Change(code=row["code"], name=str(row.get("name", "")), fields=diffs))
        else:
            plan.unchanged += 1
    return plan


def import_plan(*, actor: User, text: str) -> ClassPlan:
    """The preview: rows checked (all errors listed, at most 50 shown), then compared with the stored classes."""
    from township.grid.services import event_class_rows

    require_global(actor)
    if not (text or "").strip():
        raise DomainError("required", _("请选择要导入的文件"), "file")
    rows, errors = event_class_rows(text)
    if errors:
        return ClassPlan(errors=errors[:PREVIEW_ERRORS])
    stored = {c.code: c for c in EventClass.objects.filter(code__in=[r["code"] for r in rows])}
    return compare(rows, stored)


def import_apply(*, actor: User, text: str) -> ClassPlan:
    """Confirm: the preview again (the file may have been changed), refused with any row error, then the grid's
    import (all rows in one transaction)."""
    from township.grid.services import event_class_import_csv

    plan = import_plan(actor=actor, text=text)
    if plan.errors:
        raise DomainError("invalid_rows", "；".join(plan.errors[:5]), "file", errors=plan.errors)
    _saved, errors = event_class_import_csv(text=text, actor=actor)
    if errors:  # pragma: no cover - checked by the preview just above
        raise DomainError("invalid_rows", "；".join(errors[:5]), "file", errors=errors)
    return plan
