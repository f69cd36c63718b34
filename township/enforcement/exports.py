"""Exports of the enforcement lists, registered with the 下载中心 (township.downloads discovers this module): 案源管理
as the clue list's filter shows it; a person's name and ID number masked unless the user may read personal data."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.cases.models import Warning
from township.core.identifiers import mask_name, mask_resident_id
from township.downloads.registry import Column, choice, explicit_reveal, register_export, text
from township.enforcement import selectors
from township.enforcement.models import Clue
from township.enforcement.models.core import PartyKind
from township.org.scoping import reach
from township.org.units import UnitChoice, unit_for

WARNING_LABELS = {w.value: w.label for w in Warning if w not in (Warning.NONE, Warning.PAUSED)}


def clue_filters(params: Any) -> dict[str, Any]:
    """The clue list's filter: 处理结果 (the tab; default 待处理, "all" for every one), 来源, 关键字."""
    decision = str(params.get("decision") or "pending").strip()
    if decision != "all":
        decision = choice({"decision": decision}, "decision", Clue.Decision.values, _("处理结果"))
    f = {
        "decision": decision,
        "source": choice(params, "source", Clue.Source.values, _("来源")),
        "q": text(params, "q", 100),
        "unit": text(params, "unit", 12),
    }
    return {k: v for k, v in f.items() if v}


def clue_queryset(user: Any, f: dict[str, Any], unit: UnitChoice | None = None) -> QuerySet[Clue]:
    """The clues the list shows under ``f`` (cleaned by ``clue_filters``), newest first, in the user's reach;
    ``unit`` (else ``f["unit"]`` resolved for ``user``) narrows to the unit tree's choice."""
    decision = f.get("decision", "pending")
    qs = selectors.clue_list(actor=user, decision="" if decision == "all" else decision, source=f.get("source", ""))
    unit = unit if unit is not None else unit_for(user, f.get("unit"))
    if unit:
        qs = qs.filter(unit.q("jurisdiction", "village"))
    if f.get("q"):
        qs = qs.filter(Q(summary__contains=f["q"]) | Q(party_name__contains=f["q"]) | Q(source_ref=f["q"]))
    return qs


def _warning(c: Clue) -> str:
    from township.enforcement.services import clue_warning

    return str(WARNING_LABELS.get(clue_warning(c), ""))


def _person(c: Clue) -> bool:
    return c.party_kind != PartyKind.ORGANISATION


register_export(
    "enforcement-clues",
    _("案源"),
    clue_queryset,
    [
        Column("warning", _("预警"), _warning),
        Column("source", _("来源"), lambda c: c.get_source_display()),
        Column("source_ref", _("来源编号"), lambda c: c.source_ref),
        Column("summary", _("案源摘要"), lambda c: c.summary),
        Column("village", _("村社区"), lambda c: c.village.name if c.village_id else ""),
        Column("party_kind", _("当事人类型"), lambda c: c.get_party_kind_display()),
        Column(
            "party_name",
            _("当事人"),
            lambda c: c.party_name,
            mask=lambda c: mask_name(c.party_name) if _person(c) else c.party_name,
        ),
        Column(
            "party_id_number",
            _("证件号码/统一社会信用代码"),
            lambda c: c.party_id_number,
            mask=lambda c: mask_resident_id(c.party_id_number) if _person(c) else c.party_id_number,
        ),
        Column("received_at", _("接收时间"), lambda c: timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M")),
        Column("decide_by", _("核查期限"), lambda c: c.decide_by.isoformat() if c.decide_by else ""),
        Column("decision", _("处理结果"), lambda c: c.get_decision_display()),
    ],
    masked_columns=["party_name", "party_id_number"],
    reveal=explicit_reveal,
    clean=clue_filters,
    allowed=lambda user: bool(reach(user, selectors.STAFF_ROLES).codes or reach(user, selectors.STAFF_ROLES).villages),
)
