"""How the command center shows cases: the filter from a query, one row per case, named breakdown rows (shared
by the pages and the API)."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.urls import reverse
from django.utils.translation import gettext as _

from township.cases.clock import remaining_text
from township.cases.models import Case, Warning
from township.cases.registry import machine_for
from township.cases.types import find_case_type
from township.command.selectors import LATE, LEVELS, WarningFilter
from township.org.models import User

LEVEL_LABELS = {w.value: w.label for w in Warning}


def user_of(request: Any) -> User:
    """The signed-in user (the pages are behind ``login_required``, the API behind its authentication)."""
    return cast(User, request.user)


def case_page(case: Case) -> str:
    ct = find_case_type(case.case_type)
    return (ct.url_for(case) if ct is not None else None) or reverse("case-detail", args=[case.pk])


def _int(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_filter(params: Any) -> tuple[WarningFilter, dict[str, str]]:
    """The filter from a query dict; a malformed value is dropped (and shown as not applied), never a 500."""
    raw = {
        k: str(params.get(k, "")).strip()[:64]
        for k in ("case_type", "level", "unit", "department", "person", "q", "opened_from", "opened_to")
    }
    level = raw["level"] if raw["level"] in (*LEVELS, LATE) else ""
    unit = raw["unit"] if raw["unit"].isascii() and raw["unit"].isdigit() else ""
    town, village = (unit, "") if len(unit) <= 9 else (unit[:9], unit)
    f = WarningFilter(
        case_type=raw["case_type"] if find_case_type(raw["case_type"]) else "",
        level=level,
        jurisdiction=town,
        village=village,
        department=_int(raw["department"]),
        person=_int(raw["person"]),
        q=raw["q"][:100],
        opened_from=_day(raw["opened_from"]),
        opened_to=_day(raw["opened_to"]),
    )
    return f, {k: v for k, v in raw.items() if v}


def row(case: Case, now: Any) -> dict[str, Any]:
    level = "late" if case.finished_late and case.closed_at else case.warning(now)
    return {
        "case": case,
        "url": case_page(case),
        "type_label": type_label(case.case_type),
        "state_label": machine_for(case.case_type).state_label(case.state)
        if find_case_type(case.case_type)
        else case.state,
        "warning": level,
        "warning_label": LEVEL_LABELS.get(level, ""),
        "remaining": remaining_text(case, now),
    }


def type_label(key: str) -> str:
    ct = find_case_type(key)
    return str(ct.label) if ct is not None else key


def named(rows: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        if by == "case_type":
            name, params = type_label(r["case_type"]), {"case_type": r["case_type"]}
        elif by == "unit":
            name = r["village__name"] or r["jurisdiction__name"]
            params = {"unit": r["village_id"] or r["jurisdiction_id"]}
        elif by == "department":
            name = r["department__name"] or _("（未指定部门）")
            params = {"department": r["department_id"] or ""}
        else:
            name = r["assignee__full_name"] or r["assignee__username"] or _("（未指定人员）")
            params = {"person": r["assignee_id"] or ""}
        out.append({**r, "name": name, "params": {k: v for k, v in params.items() if v}})
    return out
