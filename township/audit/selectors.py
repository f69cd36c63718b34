"""Reads of the operation log: only for the auditor (审计管理员), scoped to the units the auditor reaches.

A row belongs to the unit of its object (or, for objects without one — users, holidays — to the acting user's
unit). Rows with no unit (changes made by the system, e.g. ``seed_demo``) are shown to auditors at county level
or above. Newest first, keyset-paginated by id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from township.audit.capture import AUDITED_MODELS
from township.audit.models import Action, OperationLog
from township.core.errors import DomainError, PermissionRefused
from township.org.models import Role, User
from township.org.scoping import reach

AUDIT_ROLES = (Role.AUDITOR,)
MAX_LIMIT = 200


@dataclass(frozen=True)
class OperationFilter:
    actor: str = ""
    object_type: str = ""  # "app_label.model", e.g. "org.user"
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""


@dataclass
class LogPage:
    items: list[Any]  # OperationLog rows (or subjects' RevealLog rows for 个人信息查看记录)
    next_cursor: str | None


def object_type_choices() -> list[tuple[str, str]]:
    """(key, label) of every audited model, for the filter."""
    out = []
    for label in AUDITED_MODELS:
        meta = apps.get_model(label)._meta
        out.append((f"{meta.app_label}.{meta.model_name}", str(meta.verbose_name)))
    return out


EARLIEST, LATEST = dt.date(1970, 1, 1), dt.date(9998, 12, 31)
MAX_ID = 2**63 - 1


def _date(raw: Any, field: str) -> dt.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.date):
        day = raw
    else:
        try:
            day = dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise DomainError("invalid", _("日期格式应为 YYYY-MM-DD"), field) from None
    if not EARLIEST <= day <= LATEST:
        raise DomainError("invalid", _("日期超出范围（1970-01-01 至 9998-12-31）"), field)
    return day


def _text(raw: Mapping[str, Any], key: str, field: str, max_length: int) -> str:
    value = str(raw.get(key) or "").strip()
    if "\x00" in value:
        raise DomainError("invalid", _("不能包含空字符"), field)
    return value[:max_length]


def operation_filter(raw: Mapping[str, Any]) -> OperationFilter:
    """Check the filters of a search (query string or API); bad input is a DomainError naming the field."""
    object_type = str(raw.get("object_type") or "").strip().lower()
    if object_type and object_type not in dict(object_type_choices()):
        raise DomainError("invalid", _("未知的对象类型：%(t)s") % {"t": object_type[:64]}, "object_type")
    action = str(raw.get("action") or "").strip()
    if action and action not in Action.values:
        raise DomainError("invalid", _("未知的操作：%(a)s") % {"a": action[:16]}, "action")
    date_from, date_to = _date(raw.get("date_from"), "date_from"), _date(raw.get("date_to"), "date_to")
    if date_from and date_to and date_to < date_from:
        raise DomainError("invalid", _("结束日期不能早于开始日期"), "date_to")
    return OperationFilter(
        actor=_text(raw, "actor", "actor", 150),
        object_type=object_type,
        action=action,
        date_from=date_from,
        date_to=date_to,
        text=_text(raw, "q", "q", 100),
    )


def require_auditor(actor: User | None) -> None:
    r = reach(actor, AUDIT_ROLES)
    if not r.codes:
        raise PermissionRefused("forbidden", _("只有审计管理员可以查看操作日志"))


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def operation_log_qs(*, actor: User | None, f: OperationFilter) -> QuerySet[OperationLog]:
    """The rows the auditor may read that match ``f`` (PermissionRefused for anyone else)."""
    require_auditor(actor)
    codes = reach(actor, AUDIT_ROLES).codes
    scope = Q(jurisdiction_code__in=sorted(codes))
    if any(len(code) <= 6 for code in codes):
        scope |= Q(jurisdiction_code="")
    qs = OperationLog.objects.filter(scope)
    if f.actor:
        qs = qs.filter(Q(actor_username__icontains=f.actor) | Q(actor_name__icontains=f.actor))
    if f.object_type:
        app_label, model = f.object_type.split(".", 1)
        qs = qs.filter(content_type=ContentType.objects.get_for_model(apps.get_model(app_label, model)))
    if f.action:
        qs = qs.filter(action=f.action)
    if f.date_from:
        qs = qs.filter(at__gte=local_midnight(f.date_from))
    if f.date_to:
        qs = qs.filter(at__lt=local_midnight(f.date_to + dt.timedelta(days=1)))
    if f.text:
        qs = qs.filter(Q(object_repr__icontains=f.text) | Q(object_id=f.text) | Q(changes__icontains=f.text))
    return qs.select_related("content_type")


def operation_log_list(
    *, actor: User | None, f: OperationFilter, cursor: str | None = None, limit: int = 50
) -> LogPage:
    """One page of 操作日志, newest first; ``cursor`` is the last id of the previous page."""
    return keyset_page(operation_log_qs(actor=actor, f=f), cursor=cursor, limit=limit)


def keyset_page(qs: QuerySet[Any], *, cursor: str | None, limit: int) -> LogPage:
    """One page of ``qs`` newest first by id; ``cursor`` is the last id of the previous page (422 if damaged)."""
    last = int(cursor) if cursor and cursor.isascii() and cursor.isdigit() and int(cursor) <= MAX_ID else None
    if cursor and last is None:
        raise DomainError("invalid", _("分页参数无效"), "cursor")
    if last is not None:
        qs = qs.filter(pk__lt=last)
    limit = max(1, min(limit, MAX_LIMIT))
    rows = list(qs.order_by("-id")[: limit + 1])
    items = rows[:limit]
    return LogPage(items=items, next_cursor=str(items[-1].pk) if len(rows) > limit and items else None)


def object_type_label(row: OperationLog) -> str:
    model = row.content_type.model_class()
    return str(model._meta.verbose_name) if model is not None else row.content_type.model


def change_lines(row: OperationLog) -> list[tuple[str, Any, Any]]:
    return change_lines_for([row])[0]


def change_lines_for(rows: list[OperationLog]) -> list[list[tuple[str, Any, Any]]]:
    """(field label, before, after) of each row for people: the model's field names, choice labels (角色: 综合窗口),
    the names of related rows (单位: 白沙镇, not 500116108; one query per related model for the whole page) and
    times in local time; the stored values where the model no longer has the field or the related row is gone."""
    plan: list[list[tuple[str, Any, Any, Any]]] = []  # (label, before, after, field)
    wanted: dict[type[Any], set[str]] = {}
    for row in rows:
        model = row.content_type.model_class()
        lines = []
        for name, pair in (row.changes or {}).items():
            field = None
            if model is not None:
                try:
                    field = model._meta.get_field(name)
                except Exception:  # a removed field, or a reverse m2m accessor
                    field = None
            before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            if field is not None and field.many_to_one and field.related_model is not None:
                wanted.setdefault(field.related_model, set()).update(
                    str(v) for v in (before, after) if v not in (None, "")
                )
            lines.append((str(getattr(field, "verbose_name", name)), before, after, field))
        plan.append(lines)
    names: dict[tuple[type[Any], str], str] = {}
    for related, pks in wanted.items():
        for obj in related._default_manager.filter(pk__in=sorted(pks)):
            names[(related, str(obj.pk))] = str(obj)
    return [
        [(label, _shown(field, before, names), _shown(field, after, names)) for label, before, after, field in lines]
        for lines in plan
    ]


def _shown(field: Any, value: Any, names: Mapping[tuple[type[Any], str], str]) -> Any:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field is None or value in (None, ""):
        return value
    if field.many_to_one and field.related_model is not None:
        return names.get((field.related_model, str(value)), value)
    choices = {str(k): str(v) for k, v in (getattr(field, "flatchoices", None) or [])}
    if str(value) in choices:
        return choices[str(value)]
    if isinstance(value, str) and field.get_internal_type() == "DateTimeField":
        try:
            return timezone.localtime(dt.datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            return value
    return value
