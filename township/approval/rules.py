"""Guards of the application machine: pure checks citing the law (DOMAIN.md §3.5–3.6).

Each guard is ``guard(case, actor, data) -> None`` and raises ``TransitionRefused(code, message)``.
Statutory numbers live here; per-item numbers come from the catalog ItemVersion pinned on the
application (its snapshot).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused

# 行政许可法 Art 32: notice of missing materials within 5 (working) days, else accepted on receipt.
NOTICE_WORKING_DAYS = 5
# 行政许可法 Art 42: a licence is decided within 20 working days of acceptance (unless a law or regulation says
# otherwise); the head may extend by 10 working days.
LICENSING_DEFAULT_WORKING_DAYS = 20
MAX_EXTENSION_WORKING_DAYS = 10
# 行政许可法 Art 45: only these take time outside the limit (听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审).
# A site visit (现场核查) is part of the review itself and is counted.
SPECIAL_REASONS = {
    "hearing": "听证",
    "tender": "招标",
    "auction": "拍卖",
    "inspection": "检验",
    "testing": "检测",
    "quarantine": "检疫",
    "appraisal": "鉴定",
    "expert_review": "专家评审",
}


def supplement_deadline_days() -> int:
    return int(getattr(settings, "TOWNSHIP_SUPPLEMENT_DEADLINE_DAYS", 10))


def rectification_days() -> int:
    return int(getattr(settings, "TOWNSHIP_RECTIFICATION_DAYS", 5))


def callback_days() -> int:
    """A named bad rating is called back within this many working days (安阳条例 Art 52: 1; DOMAIN §3.7)."""
    return int(getattr(settings, "TOWNSHIP_CALLBACK_DAYS", 1))


def _app(case: Any) -> Any:
    from township.approval.models import Application

    app = getattr(case, "_approval_app", None)
    if app is None:
        app = Application.objects.select_related("item_version", "applicant").get(case_id=case.pk)
        case._approval_app = app
    return app


def _today(data: dict[str, Any]) -> datetime.date:
    now = data.get("_now")
    if isinstance(now, str):
        now = datetime.datetime.fromisoformat(now)
    if isinstance(now, datetime.datetime):
        return timezone.localdate(now)
    return timezone.localdate()


def missing_essential(app: Any) -> list[str]:
    """Names of essential materials not provided (bundle children read the parent's shared set)."""
    from township.approval.models import ApplicationMaterial

    provided = set(
        ApplicationMaterial.objects.filter(
            jurisdiction_id=app.jurisdiction_id,
            application_id=app.material_owner_id,
            source__in=("upload", "library", "paper"),
        ).values_list("material_type_code", flat=True)
    )
    return [
        m["name"]
        for m in app.snapshot.get("materials", [])
        if m["essential"] and m["material_type_code"] not in provided
    ]


def essential_materials_complete(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Art 32: an application is accepted only with every essential material (else 补正 or 容缺)."""
    missing = missing_essential(_app(case))
    if missing:
        raise TransitionRefused(
            "materials_incomplete",
            _("必备材料不齐：%(names)s。请一次性告知补正，或按规定容缺受理") % {"names": "、".join(missing)},
            field="materials",
        )


def gap_acceptance_allowed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """容缺受理 (安阳条例 Art 24): item allows it, not 控制类, applicant not blacklisted, only listed
    non-essential materials missing, deadline and consequence told, pledge signed."""
    from township.credit.selectors import credit_is_blacklisted

    app = _app(case)
    snap = app.snapshot
    rule = snap.get("gap_rule") or {}
    if snap.get("risk_class") == "control":
        raise TransitionRefused("gap_control_item", _("控制类事项不适用容缺受理"))
    if not rule.get("allowed"):
        raise TransitionRefused("gap_not_allowed", _("该事项未列入容缺受理清单"))
    if credit_is_blacklisted(app.applicant):
        raise TransitionRefused("gap_blacklisted", _("申请人被列入严重失信主体名单，不适用容缺受理"))
    missing = list(data.get("missing") or [])
    if not missing:
        raise TransitionRefused("gap_nothing_missing", _("没有缺少的材料，请正常受理"), field="missing")
    allowed = set(rule.get("material_type_codes") or [])
    bad = [code for code in missing if code not in allowed]
    if bad:
        raise TransitionRefused(
            "gap_material_not_allowed",
            _("以下材料不可容缺（必备材料须齐全）：%(codes)s") % {"codes": "、".join(bad)},
            field="missing",
        )
    essential_materials_complete(case, actor, data)
    if not str(data.get("pledge") or "").strip():
        raise TransitionRefused("gap_pledge_required", _("容缺受理须由申请人签署书面承诺"), field="pledge")


def commitment_allowed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """告知承诺 (国办发〔2020〕42号): item allows it, the applicant chose it, no false-commitment record and not on the
    list of seriously untrustworthy subjects (until credit repair)."""
    from township.credit.selectors import credit_has_false_commitment, credit_is_blacklisted

    app = _app(case)
    rule = app.snapshot.get("commitment_rule") or {}
    if not rule.get("allowed"):
        raise TransitionRefused("commitment_not_allowed", _("该事项不适用告知承诺制"))
    if data.get("applicant_chose") is not True:
        raise TransitionRefused(
            "commitment_not_chosen", _("告知承诺须由申请人自愿选择，不得强制"), field="applicant_chose"
        )
    if credit_is_blacklisted(app.applicant):
        raise TransitionRefused(
            "commitment_blacklisted", _("申请人被列入严重失信主体名单（未完成信用修复），不适用告知承诺制")
        )
    if credit_has_false_commitment(app.applicant):
        raise TransitionRefused(
            "commitment_false_record", _("申请人有虚假承诺记录（未完成信用修复），不适用告知承诺制")
        )
    if not str(data.get("pledge") or "").strip():
        raise TransitionRefused("commitment_pledge_required", _("请由申请人签署承诺书"), field="pledge")


def withdrawal_by_the_applicant(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Only the applicant withdraws an application: in person (their own account), through the village agent who
    filed it for them, or at the window on their written request (recorded as the reason)."""
    app = _app(case)
    if actor is None or (app.applicant_user_id is not None and actor.pk == app.applicant_user_id):
        return
    if app.channel == "village_agent" and app.agent_id is not None and actor.pk == app.agent_id:
        if not str(data.get("reason") or "").strip():
            raise TransitionRefused("withdraw_reason_required", _("代办撤回须写明申请人的撤回意愿"), field="reason")
        return
    from township.org.models import Role
    from township.org.scoping import has_role

    if has_role(actor, app.jurisdiction_id, [Role.WINDOW_CLERK]):
        if not str(data.get("reason") or "").strip():
            raise TransitionRefused(
                "withdraw_request_required", _("窗口代为撤回须依申请人的书面申请，请写明申请及其日期"), field="reason"
            )
        return
    raise TransitionRefused("withdraw_not_applicant", _("只有申请人本人或为其代办的代办员可以撤回申请"))


def refusal_states_reasons(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Art 32/38: a refusal gives reasons and tells the applicant the remedy (the right agency, 复议/诉讼)."""
    if not str(data.get("reason") or "").strip():
        raise TransitionRefused("reason_required", _("不予受理须写明理由"), field="reason")
    if not str(data.get("remedy") or "").strip():
        raise TransitionRefused("remedy_required", _("不予受理须告知救济途径或有权机关"), field="remedy")


def supplement_lists_materials(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """一次性告知 (行政许可法 Art 32; 优化营商环境条例 Art 36): within 5 working days of receipt, one notice naming
    everything to supplement — after the 5 days the application counts as accepted from receipt and no notice can be
    given. A later notice may only ask again for items of the first one that are still not right."""
    from township.approval.models import SupplementNotice
    from township.core.calendar import add_working_days

    if not data.get("materials"):
        raise TransitionRefused("supplement_empty", _("请勾选需要补正的全部材料"), field="materials")
    app = _app(case)
    earlier = SupplementNotice.objects.filter(application_id=app.pk).order_by("issued_at").first()
    if earlier is None:
        last_day = add_working_days(timezone.localdate(app.received_at), NOTICE_WORKING_DAYS)
        if _today(data) > last_day:
            raise TransitionRefused(
                "notice_window_passed",
                _("收件已超过5个工作日（%(d)s），依法自收件之日起即为受理，不能再告知补正（行政许可法第三十二条）")
                % {"d": last_day.isoformat()},
                field="materials",
            )
    else:
        first = {i["code"] for i in earlier.items}
        new = [i["name"] for i in data["materials"] if i["code"] not in first]
        if new:
            raise TransitionRefused(
                "supplement_not_one_time",
                _("补正须一次性告知：%(m)s不在首次告知之列，不能再次要求（优化营商环境条例第三十六条）")
                % {"m": "、".join(new)},
                field="materials",
            )


def supplement_deadline_passed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    from township.approval.models import SupplementNotice

    notice = (
        SupplementNotice.objects.filter(application__case_id=case.pk, supplied_at__isnull=True)
        .order_by("-issued_at")
        .first()
    )
    if notice is None or notice.deadline >= _today(data):
        raise TransitionRefused("supplement_not_due", _("补正期限未届满"))


def notice_window_passed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Art 32: 5 working days after receipt without a notice → accepted from the day of receipt."""
    from township.core.calendar import add_working_days

    app = _app(case)
    last_day = add_working_days(timezone.localdate(app.received_at), NOTICE_WORKING_DAYS)
    if _today(data) <= last_day:
        raise TransitionRefused("notice_window_open", _("收件后5个工作日内，尚可告知补正"))


def gap_deadline_passed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    app = _app(case)
    if app.accept_mode != "gap" or app.gap_supplied_at is not None or app.gap_deadline is None:
        raise TransitionRefused("gap_not_due", _("不是容缺受理或材料已补齐"))
    if app.gap_deadline >= _today(data):
        raise TransitionRefused("gap_not_due", _("容缺补齐期限未届满"))


def gap_materials_supplied(case: Any, actor: Any, data: dict[str, Any]) -> None:
    app = _app(case)
    if app.accept_mode == "gap" and app.gap_supplied_at is None:
        raise TransitionRefused("gap_outstanding", _("容缺材料尚未补齐，不能作出许可决定"))


def special_procedure_reason(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if data.get("pause_reason") not in SPECIAL_REASONS:
        raise TransitionRefused(
            "special_reason",
            _(
                "特别程序限于听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审（行政许可法第四十五条）；现场核查计入审查期限"
            ),
        )


def denial_states_reasons_and_rights(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Art 38: a denial gives reasons and states the right to 行政复议 or 行政诉讼."""
    if not str(data.get("reason") or "").strip():
        raise TransitionRefused("reason_required", _("不予许可须说明理由"), field="reason")
    if not str(data.get("rights") or "").strip():
        raise TransitionRefused("rights_required", _("不予许可须告知申请行政复议或提起行政诉讼的权利"), field="rights")


def all_children_closed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    from township.cases.models import Case

    if Case.objects.filter(parent_id=case.pk, closed_at__isnull=True).exists():
        raise TransitionRefused("children_open", _("尚有子件未办结"))


def default_rights_text(jurisdiction_name: str) -> str:
    return _(
        "如不服本决定，可以自收到本决定之日起六十日内依法申请行政复议，"
        "或者自收到本决定之日起六个月内依法向人民法院提起行政诉讼。"
    )
