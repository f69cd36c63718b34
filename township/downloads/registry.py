"""The export registry: every list that offers 导出 registers its kind here (from ``<app>/exports.py``, which the
downloads app discovers when Django starts, or from the app's ``AppConfig.ready``).

A kind declares how to read the rows for a user and a filter (``queryset_fn``), its columns, and which columns hold
personal data (``masked_columns``): those are masked unless ``reveal(user)`` says the user may see them in full.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import QuerySet

from township.core.errors import BadInput


class Pager(Protocol):
    """Rows read page by page with the list's own keyset cursor: ``fetch(cursor, limit) -> (rows, next_cursor)``."""

    def fetch(self, cursor: str | None, limit: int) -> tuple[list[Any], str | None]: ...


@dataclass(frozen=True)
class Column:
    """One column: its Chinese header, how to read the cell from a row, and (for personal data) how to read it
    masked from the row (default: ``default_mask`` of the value)."""

    key: str
    label: Any
    value: Callable[[Any], Any]
    mask: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class ExportKind:
    kind: str
    label: Any
    queryset_fn: Callable[[Any, dict[str, Any]], QuerySet[Any] | Pager]
    columns: tuple[Column, ...]
    masked_columns: frozenset[str] = field(default_factory=frozenset)
    reveal: Callable[[Any], bool] | None = None
    clean: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    allowed: Callable[[Any], bool] | None = None

    def may_reveal(self, user: Any) -> bool:
        return bool(self.reveal is not None and self.masked_columns and self.reveal(user))

    def header(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def cells(self, row: Any, *, unmasked: bool) -> list[Any]:
        out = []
        for c in self.columns:
            if c.key in self.masked_columns and not unmasked:
                value = c.mask(row) if c.mask is not None else default_mask(c.value(row))
            else:
                value = c.value(row)
            out.append(_plain(value))
        return out


_KINDS: dict[str, ExportKind] = {}


def register_export(
    kind: str,
    label: Any,
    queryset_fn: Callable[[Any, dict[str, Any]], QuerySet[Any] | Pager],
    columns: Iterable[Column],
    masked_columns: Iterable[str] = (),
    *,
    reveal: Callable[[Any], bool] | None = None,
    clean: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    allowed: Callable[[Any], bool] | None = None,
) -> ExportKind:
    """Declare an export. ``clean(params)`` validates the filter (raise ``BadInput`` with the field) and returns the
    normalised params; ``allowed(user)`` says whether the user may use this export at all (else 404)."""
    cols = tuple(columns)
    keys = {c.key for c in cols}
    masked = frozenset(masked_columns)
    if not masked <= keys:
        raise ValueError(f"export {kind!r}: masked columns {sorted(masked - keys)} are not columns")
    existing = _KINDS.get(kind)
    if existing is not None and existing.queryset_fn is not queryset_fn:
        raise ValueError(f"export {kind!r} is already registered")
    _KINDS[kind] = ExportKind(kind, label, queryset_fn, cols, masked, reveal, clean, allowed)
    return _KINDS[kind]


def export_kind(kind: str) -> ExportKind:
    from django.utils.translation import gettext as _

    try:
        return _KINDS[kind]
    except KeyError:
        raise BadInput("unknown_kind", _("不支持的导出类型"), field="kind") from None


def export_kinds() -> list[ExportKind]:
    return [_KINDS[k] for k in sorted(_KINDS)]


def default_mask(value: Any) -> str:
    """Keep the first 3 and the last 4 characters of long values, else stars."""
    text = str(value or "")
    if len(text) >= 8:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    return "*" * len(text)


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        from django.utils.translation import gettext as _

        return _("是") if value else _("否")
    if isinstance(value, (int, float)):
        return value
    return str(value)


def choice(params: dict[str, Any], key: str, allowed: Sequence[str], label: Any) -> str:
    """A filter value that must be one of ``allowed`` (or empty): else a 400 naming the field."""
    from django.utils.translation import gettext as _

    value = str(params.get(key) or "").strip()
    if value and value not in allowed:
        raise BadInput("invalid_filter", _("筛选条件“%(f)s”的值无效") % {"f": label}, field=key)
    return value


def text(params: dict[str, Any], key: str, max_length: int = 100) -> str:
    return str(params.get(key) or "").strip()[:max_length]


def integer(params: dict[str, Any], key: str, label: Any) -> int | None:
    from django.utils.translation import gettext as _

    value = str(params.get(key) or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise BadInput("invalid_filter", _("筛选条件“%(f)s”的值无效") % {"f": label}, field=key)
    return int(value)


def explicit_reveal(user: Any) -> bool:
    """Whether ``user`` holds the explicit permission to read personal data in full (``subjects.reveal_personal_data``,
    granted to the user or a group; never implied for a superuser: 三员分立). The default for masked columns."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return (
        Permission.objects.filter(content_type__app_label="subjects", codename="reveal_personal_data")
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )
