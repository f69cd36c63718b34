"""Shared ground of the enforcement services: roles, the timeline labels, dates, the unit and its config, the locked penalty-case record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from township.cases.models import Case
from township.cases.services import case_note
from township.core.errors import BadInput, DomainError, PermissionRefused
from township.core.frozen import FrozenQuery
from township.enforcement.errors import Code
from township.enforcement.models import (
    Disclosure,
    EnforcementConfig,
    PartyKind,
    PenaltyCase,
)
from township.org.models import Jurisdiction, Level, Role
from township.org.scoping import has_role

MANAGER_ROLES = (Role.LEADER, Role.ADMINISTRATOR)
# Chinese labels of the facts this app writes on the timeline (the case page shows the label, not the name).
NOTE_LABELS = {
    "investigative_act": _lazy("调查取证"),
    "preservation_decided": _lazy("保存物品处理决定"),
    "statement": _lazy("陈述申辩"),
    "review_grounds": _lazy("法制审核情形"),
    "collective_discussion": _lazy("集体讨论"),
    "extend": _lazy("延长办案期限"),
    "instalment": _lazy("批准暂缓或分期缴纳"),
    "payment_due_set": _lazy("确定缴款期限"),
    "demand": _lazy("催告"),
    "cash_hand_over": _lazy("罚款交至行政机关"),
    "disclosure_publish": _lazy("执法公示"),
    "disclosure_withdraw": _lazy("撤下公示"),
    "remedy": _lazy("行政复议、行政诉讼"),
}


def timeline_note(*, case: Case, actor: Any, name: str, **kwargs: Any) -> Any:
    """``case_note`` with the fact's Chinese label."""
    return case_note(case=case, actor=actor, name=name, label=str(NOTE_LABELS[name]), **kwargs)


OFFICER_ROLES = (Role.ENFORCEMENT_OFFICER,)
HEAD_ROLES = (Role.LEADER,)
CASE_ROLES = (Role.ENFORCEMENT_OFFICER, Role.LEADER, Role.LEGAL_REVIEWER)


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def _code(jurisdiction: Jurisdiction | str) -> str:
    return str(getattr(jurisdiction, "pk", jurisdiction))


def require_role(actor: Any, code: str, roles: Iterable[str], village: str | None = None) -> None:
    if not has_role(actor, code, roles, village):
        raise PermissionRefused(Code.PERMISSION_DENIED, _("您在该单位没有执行此操作的权限"))


def _local_date(moment: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(beijing(moment) if moment is not None else timezone.now())


def beijing(moment: dt.datetime) -> dt.datetime:
    """A moment as given, or — without a timezone — read as Beijing time (``settings.TIME_ZONE``, Asia/Shanghai)."""
    if timezone.is_naive(moment):
        import zoneinfo

        from django.conf import settings

        return timezone.make_aware(moment, zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return moment


# read on every clue, case and deadline: compiled once per thread (township.core.frozen)
_config_of: FrozenQuery[EnforcementConfig] = FrozenQuery(
    lambda code: EnforcementConfig.objects.filter(jurisdiction_id=code).order_by("pk")
)
_unit_of: FrozenQuery[Jurisdiction] = FrozenQuery(lambda code: Jurisdiction.objects.filter(pk=code).order_by())


def config_for(jurisdiction: Jurisdiction | str) -> EnforcementConfig:
    code = _code(jurisdiction)
    return _config_of.first(code) or EnforcementConfig(jurisdiction_id=code)


def _jurisdiction(code: Jurisdiction | str, field: str) -> Jurisdiction:
    """The jurisdiction an input names; an empty or unknown code is bad input naming the field (400)."""
    if isinstance(code, Jurisdiction):
        return code
    jur = _unit_of.first(str(code)) if code else None
    if jur is None:
        raise BadInput(
            Code.JURISDICTION_INVALID,
            _("请填写有效的行政区划代码（“%(code)s”不存在）") % {"code": code} if code else _("请选择所属单位"),
            field=field,
        )
    return jur


def validate_party_id(party_kind: str, number: str) -> str:
    """An entered party ID checked with its check digit, compact: a person's resident ID, an organisation's USCC;
    with no kind given, either. Empty stays empty."""
    from township.core.identifiers import validate_identifier, validate_resident_id, validate_uscc

    number = (number or "").strip()
    if not number:
        return ""
    if party_kind == PartyKind.PERSON:
        return validate_resident_id(number, field="party_id_number")
    if party_kind:
        return validate_uscc(number, field="party_id_number")
    return validate_identifier(number, field="party_id_number")


def _town(jurisdiction: Jurisdiction | str) -> Jurisdiction:
    jur = _jurisdiction(jurisdiction, "jurisdiction")
    if jur.level == Level.VILLAGE:
        raise DomainError(
            Code.JURISDICTION_LEVEL, _("执法业务归属乡镇（街道）或区县，不能归属村社区"), field="jurisdiction"
        )
    return jur


def _village(town: Jurisdiction, village: Jurisdiction | str | None) -> Jurisdiction | None:
    if village in (None, ""):
        return None
    v = _jurisdiction(village, "village")
    if v.parent_id != town.pk:
        raise DomainError(Code.VILLAGE_OUTSIDE, _("村社区不属于该乡镇"), field="village")
    return v


def _pc_locked(pc: PenaltyCase) -> PenaltyCase:
    """The case's record, locked; its case carries it, so the guards' facts are read from what the step writes."""
    locked: PenaltyCase = (
        PenaltyCase.objects.select_for_update().select_related("case").get(jurisdiction_id=pc.jurisdiction_id, pk=pc.pk)
    )
    locked.case._case_type_record = locked  # type: ignore[attr-defined]
    return locked


def disclosure_for(pc: PenaltyCase) -> Disclosure | None:
    return Disclosure.objects.filter(jurisdiction_id=pc.jurisdiction_id, penalty_case=pc).first()
