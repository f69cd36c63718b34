"""Error codes of the command center, with their Chinese messages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from township.core.errors import DomainError

MESSAGES = {
    "command_role_required": _("只有领导、指挥中心调度员或网格督导员可以查看预警中心"),
    "supervise_role_required": _("只有领导、指挥中心调度员或网格督导员可以督办"),
    "supervise_case_closed": _("案件已办结，无需督办"),
    "supervise_due_invalid": _("答复期限须晚于现在，且不超过 30 天"),
    "supervise_instruction_required": _("请填写督办要求"),
    "supervise_not_responsible": _("您不是该督办的责任人，不能答复"),
    "supervise_answered": _("该督办已答复"),
    "supervise_answer_required": _("请填写答复内容"),
    "evaluation_role_required": _("只有本单位的领导、指挥中心调度员或网格督导员可以计算或发布考核"),
    "evaluation_unit_invalid": _("考核以乡镇（街道）为单位"),
    "evaluation_month_invalid": _("考核月份格式应为 YYYY-MM，且不能晚于本月"),
    "evaluation_published": _("该月考核已发布，结果已冻结，不能重新计算"),
    "evaluation_month_open": _("本月尚未结束，不能发布考核结果"),
    "review_role_required": _("只有领导、指挥中心或法制审核人员可以组织案卷评查"),
    "review_case_type_invalid": _("请选择要评查的业务类型"),
    "review_params_invalid": _("评查参数有误：办结日期范围、抽取数（1–200）或每卷评查人数（1–3）"),
    "review_pool_empty": _("该日期范围内没有已办结的案卷"),
    "review_reviewers_insufficient": _("可回避后的评查人员不足，请减少每卷评查人数或增加评查人员"),
    "review_not_reviewer": _("您不是该案卷的评查人"),
    "review_already_scored": _("该案卷已评查"),
    "review_score_invalid": _("各评查项得分须在 0 至该项分值之间"),
    "review_findings_required": _("需要整改的案卷须写明评查意见"),
    "review_nothing_to_rectify": _("该案卷无需整改或已整改"),
    "review_note_required": _("请填写整改情况"),
}

FIELDS = {
    "supervise_due_invalid": "due_at",
    "supervise_instruction_required": "instruction",
    "supervise_answer_required": "answer",
    "evaluation_month_invalid": "month",
    "review_findings_required": "findings",
    "review_note_required": "note",
    "review_params_invalid": "count",
}


class CommandError(DomainError):
    status = 400

    def __init__(self, code: str) -> None:
        super().__init__(code, str(MESSAGES[code]), FIELDS.get(code))


class CommandForbidden(CommandError):
    status = 403


class CommandConflict(CommandError):
    status = 409
