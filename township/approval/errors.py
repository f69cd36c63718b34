"""The error codes of approval, each with its Chinese message (issue 10).

Services and guards raise with a member: ``raise refused(Code.MATERIALS_INCOMPLETE, field="materials", names=…)``.
A member is a ``StrEnum``: it equals its code string, so ``exc.code == "materials_incomplete"`` holds and the API
renders ``{"code", "message", "field"}`` unchanged. A few codes are used in more than one situation; their message
then depends on ``variant`` (all the texts are here, none inline in the services).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from township.cases.errors import TransitionRefused
from township.core.errors import DomainError, PermissionRefused


class Code(StrEnum):
    # submission and accounts
    APPLICANT_NOT_FOUND = "applicant_not_found"
    BAD_CHANNEL = "bad_channel"
    BUNDLE_EMPTY = "bundle_empty"
    BUNDLE_MIXED = "bundle_mixed"
    CHANNEL_NOT_OFFERED = "channel_not_offered"
    IDENTIFIER_TAKEN = "identifier_taken"
    INVALID_IDENTIFIER = "invalid_identifier"
    ITEM_NOT_PUBLISHED = "item_not_published"
    ITEMS_REQUIRED = "items_required"
    LOGIN_REQUIRED = "login_required"
    NAME_REQUIRED = "name_required"
    NOT_APPLICANT = "not_applicant"
    NOT_VILLAGE_RESIDENT = "not_village_resident"
    PASSWORD_WEAK = "password_weak"  # noqa: S105 (an error code, not a password)
    PERMISSION_DENIED = "permission_denied"
    USERNAME_TAKEN = "username_taken"
    # acceptance (行政许可法第32条; 容缺受理; 告知承诺)
    MATERIALS_INCOMPLETE = "materials_incomplete"
    GAP_CONTROL_ITEM = "gap_control_item"
    GAP_NOT_ALLOWED = "gap_not_allowed"
    GAP_BLACKLISTED = "gap_blacklisted"
    GAP_CREDIT_D = "gap_credit_d"
    GAP_NOTHING_MISSING = "gap_nothing_missing"
    GAP_MATERIAL_NOT_ALLOWED = "gap_material_not_allowed"
    GAP_PLEDGE_REQUIRED = "gap_pledge_required"
    GAP_PER_ITEM = "gap_per_item"
    GAP_NOT_OPEN = "gap_not_open"
    GAP_STILL_MISSING = "gap_still_missing"
    GAP_OUTSTANDING = "gap_outstanding"
    GAP_NOT_DUE = "gap_not_due"
    COMMITMENT_NOT_ALLOWED = "commitment_not_allowed"
    COMMITMENT_NOT_CHOSEN = "commitment_not_chosen"
    COMMITMENT_BLACKLISTED = "commitment_blacklisted"
    COMMITMENT_FALSE_RECORD = "commitment_false_record"
    COMMITMENT_CREDIT_D = "commitment_credit_d"
    COMMITMENT_PLEDGE_REQUIRED = "commitment_pledge_required"
    BAD_METHOD = "bad_method"
    REASON_REQUIRED = "reason_required"
    REMEDY_REQUIRED = "remedy_required"
    NOTHING_TO_ACCEPT = "nothing_to_accept"
    # supplement (一次性告知补正)
    SUPPLEMENT_EMPTY = "supplement_empty"
    SUPPLEMENT_UNKNOWN_MATERIAL = "supplement_unknown_material"
    SUPPLEMENT_NOT_ONE_TIME = "supplement_not_one_time"
    SUPPLEMENT_INCOMPLETE = "supplement_incomplete"
    SUPPLEMENT_STILL_MISSING = "supplement_still_missing"
    SUPPLEMENT_NOT_DUE = "supplement_not_due"
    NOTICE_WINDOW_PASSED = "notice_window_passed"
    NOTICE_WINDOW_OPEN = "notice_window_open"
    NOTHING_TO_NOTICE = "nothing_to_notice"
    # withdrawal
    WITHDRAW_NOT_APPLICANT = "withdraw_not_applicant"
    WITHDRAW_REASON_REQUIRED = "withdraw_reason_required"
    WITHDRAW_REQUEST_REQUIRED = "withdraw_request_required"
    NOTHING_TO_WITHDRAW = "nothing_to_withdraw"
    # review and decision
    SPECIAL_REASON = "special_reason"
    EXTENSION_HEAD_REQUIRED = "extension_head_required"
    EXTENSION_REASON_REQUIRED = "extension_reason_required"
    EXTENSION_STATE = "extension_state"
    EXTENSION_TOO_LONG = "extension_too_long"
    RIGHTS_REQUIRED = "rights_required"
    ISSUER_MISSING = "issuer_missing"
    CHILDREN_OPEN = "children_open"
    # 告知承诺 verification, 好差评, queue
    VERIFICATION_DONE = "verification_done"
    OUTCOME_PURPOSE = "outcome_purpose"
    OUTCOME_REQUIRED = "outcome_required"
    OUTCOME_ORDER = "outcome_order"
    NOTE_REQUIRED = "note_required"
    RECTIFY_DAYS = "rectify_days"
    RATING_NOT_OWNER = "rating_not_owner"
    RATING_NOT_FINISHED = "rating_not_finished"
    RATING_EXISTS = "rating_exists"
    BAD_GRADE = "bad_grade"
    RATING_TEXT_REQUIRED = "rating_text_required"
    BAD_CATEGORY = "bad_category"
    TICKET_BUSY = "ticket_busy"


Message = Promise | dict[str, Promise]

MESSAGES: dict[Code, Message] = {
    Code.APPLICANT_NOT_FOUND: _("未找到该申请人，请先登记"),
    Code.BAD_CHANNEL: _("申请渠道无效"),
    Code.BUNDLE_EMPTY: _("请至少选择一个事项"),
    Code.BUNDLE_MIXED: _("一件事中的事项须属于同一单位"),
    Code.CHANNEL_NOT_OFFERED: {"": _("该事项不支持此申请渠道"), "named": _("事项“%(n)s”不支持此申请渠道")},
    Code.IDENTIFIER_TAKEN: {"person": _("该身份证号已注册"), "org": _("该统一社会信用代码已注册")},
    Code.INVALID_IDENTIFIER: _("身份证号或统一社会信用代码校验不通过"),
    Code.ITEM_NOT_PUBLISHED: _("事项“%(name)s”未发布或已暂停"),
    Code.ITEMS_REQUIRED: _("请勾选办理事项"),
    Code.LOGIN_REQUIRED: _("请先登录"),
    Code.NAME_REQUIRED: _("请填写姓名或单位名称"),
    Code.NOT_APPLICANT: _("网上申请只能以本人（本单位）名义提交"),
    Code.NOT_VILLAGE_RESIDENT: _("代办员只能为本村（社区）居民代办"),
    Code.PASSWORD_WEAK: _("密码不符合要求：%(why)s"),
    Code.PERMISSION_DENIED: {
        "": _("无权办理该申请"),
        "window": _("您不是本镇综合窗口人员"),
        "agent": _("您不是该村（社区）的代办员"),
        "hall": _("您不是本中心窗口人员"),
    },
    Code.USERNAME_TAKEN: _("用户名已被注册"),
    Code.MATERIALS_INCOMPLETE: _("必备材料不齐：%(names)s。请一次性告知补正，或按规定容缺受理"),
    Code.GAP_CONTROL_ITEM: _("控制类事项不适用容缺受理"),
    Code.GAP_NOT_ALLOWED: _("该事项未列入容缺受理清单"),
    Code.GAP_BLACKLISTED: _(
        "申请人被列入严重失信主体名单（未完成信用修复），不适用容缺受理（河南省社会信用条例第三十二条第一项）"
    ),
    Code.GAP_CREDIT_D: _("申请人信用等级为D（未完成信用修复），不适用容缺受理（河南省社会信用条例第三十二条第一项）"),
    Code.GAP_NOTHING_MISSING: _("没有缺少的材料，请正常受理"),
    Code.GAP_MATERIAL_NOT_ALLOWED: _("以下材料不可容缺（必备材料须齐全）：%(codes)s"),
    Code.GAP_PLEDGE_REQUIRED: _("容缺受理须由申请人签署书面承诺"),
    Code.GAP_PER_ITEM: _("容缺受理须逐项办理"),
    Code.GAP_NOT_OPEN: _("该申请没有待补齐的容缺材料"),
    Code.GAP_STILL_MISSING: _("仍缺少：%(m)s"),
    Code.GAP_OUTSTANDING: _("容缺材料尚未补齐，不能作出许可决定"),
    Code.GAP_NOT_DUE: {"": _("容缺补齐期限未届满"), "not_gap": _("不是容缺受理或材料已补齐")},
    Code.COMMITMENT_NOT_ALLOWED: _("该事项不适用告知承诺制"),
    Code.COMMITMENT_NOT_CHOSEN: _("告知承诺须由申请人自愿选择，不得强制"),
    Code.COMMITMENT_BLACKLISTED: _("申请人被列入严重失信主体名单（未完成信用修复），不适用告知承诺制"),
    Code.COMMITMENT_FALSE_RECORD: _("申请人有虚假承诺记录（未完成信用修复），不适用告知承诺制"),
    Code.COMMITMENT_CREDIT_D: _(
        "申请人信用等级为D（未完成信用修复），不适用告知承诺制（深圳经济特区社会信用条例第五十九条）"
    ),
    Code.COMMITMENT_PLEDGE_REQUIRED: _("请由申请人签署承诺书"),
    Code.BAD_METHOD: _("核查方式无效"),
    Code.REASON_REQUIRED: {"refuse": _("不予受理须写明理由"), "deny": _("不予许可须说明理由")},
    Code.REMEDY_REQUIRED: _("不予受理须告知救济途径或有权机关"),
    Code.NOTHING_TO_ACCEPT: _("一件事中没有待受理的子件"),
    Code.SUPPLEMENT_EMPTY: _("请勾选需要补正的全部材料"),
    Code.SUPPLEMENT_UNKNOWN_MATERIAL: _("不是本事项的申请材料：%(c)s"),
    Code.SUPPLEMENT_NOT_ONE_TIME: _(
        "补正须一次性告知：%(m)s不在首次告知之列，不能再次要求（优化营商环境条例第三十六条）"
    ),
    Code.SUPPLEMENT_INCOMPLETE: _(
        "一次性告知须列明全部缺少的必备材料，本告知遗漏：%(m)s（行政许可法第三十二条；优化营商环境条例第三十六条）"
    ),
    Code.SUPPLEMENT_STILL_MISSING: _("仍缺少：%(m)s"),
    Code.SUPPLEMENT_NOT_DUE: _("补正期限未届满"),
    Code.NOTICE_WINDOW_PASSED: _(
        "收件已超过5个工作日（%(d)s），依法自收件之日起即为受理，不能再告知补正（行政许可法第三十二条）"
    ),
    Code.NOTICE_WINDOW_OPEN: _("收件后5个工作日内，尚可告知补正"),
    Code.NOTHING_TO_NOTICE: _("没有待受理的申请"),
    Code.WITHDRAW_NOT_APPLICANT: _("只有申请人本人或为其代办的代办员可以撤回申请"),
    Code.WITHDRAW_REASON_REQUIRED: _("代办撤回须写明申请人的撤回意愿"),
    Code.WITHDRAW_REQUEST_REQUIRED: _("窗口代为撤回须依申请人的书面申请，请写明申请及其日期"),
    Code.NOTHING_TO_WITHDRAW: _("一件事中没有可撤回的子件"),
    Code.SPECIAL_REASON: _(
        "特别程序限于听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审（行政许可法第四十五条）；现场核查计入审查期限"
    ),
    Code.EXTENSION_HEAD_REQUIRED: _("延长审批期限须经审批负责人批准"),
    Code.EXTENSION_REASON_REQUIRED: _("请写明延期理由"),
    Code.EXTENSION_STATE: {
        "": _("只有审查中的申请可以延期"),
        "unit": _("该事项时限不以工作日计，不能按本条延期"),
    },
    Code.EXTENSION_TOO_LONG: _("延长期限累计不得超过%(n)s个工作日（已延长%(u)s个）"),
    Code.RIGHTS_REQUIRED: _("不予许可须告知申请行政复议或提起行政诉讼的权利"),
    Code.ISSUER_MISSING: _("未配置有统一社会信用代码的审批局（签章单位）"),
    Code.CHILDREN_OPEN: _("尚有子件未办结"),
    Code.VERIFICATION_DONE: _("该核查任务已完成"),
    Code.OUTCOME_PURPOSE: _("“虚假承诺”仅适用于告知承诺或容缺受理的核查"),
    Code.OUTCOME_REQUIRED: _("请选择核查结论：符合、限期整改、虚假承诺或整改后仍不符合"),
    Code.OUTCOME_ORDER: {
        "": _("须先责令限期整改，逾期未整改或整改后仍不符合的才撤销许可"),
        "again": _("已责令整改：请复查并作出结论"),
    },
    Code.NOTE_REQUIRED: {"verification": _("核查不通过须写明事实"), "callback": _("请填写回访记录")},
    Code.RECTIFY_DAYS: _("请填写整改期限（1至60个工作日）"),
    Code.RATING_NOT_OWNER: _("只有申请人本人可以评价"),
    Code.RATING_NOT_FINISHED: _("办结后才能评价"),
    Code.RATING_EXISTS: _("该办件已评价"),
    Code.BAD_GRADE: _("评价等级无效"),
    Code.RATING_TEXT_REQUIRED: _("差评请写明原因，以便整改"),
    Code.BAD_CATEGORY: _("业务类别无效"),
    Code.TICKET_BUSY: _("取号繁忙，请重试"),
}


def message(code: Code, variant: str = "", **params: Any) -> str:
    """The Chinese message of ``code`` (its ``variant`` when it has several), with ``params`` filled in."""
    text = MESSAGES[code]
    if isinstance(text, dict):
        text = text[variant] if variant in text else next(iter(text.values()))
    out = str(text)
    return out % params if params else out


def error(code: Code, *, field: str | None = None, variant: str = "", **params: Any) -> DomainError:
    """A refused input or precondition (422)."""
    return DomainError(code, message(code, variant, **params), field=field)


def refused(code: Code, *, field: str | None = None, variant: str = "", **params: Any) -> TransitionRefused:
    """A step refused by a rule of the law (409): what the guards raise."""
    return TransitionRefused(code, message(code, variant, **params), field=field)


def denied(code: Code, *, field: str | None = None, variant: str = "", **params: Any) -> PermissionRefused:
    """The actor may not do this (403)."""
    return PermissionRefused(code, message(code, variant, **params), field=field)
