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
}

FIELDS = {
    "supervise_due_invalid": "due_at",
    "supervise_instruction_required": "instruction",
    "supervise_answer_required": "answer",
    "evaluation_month_invalid": "month",
}


class CommandError(DomainError):
    status = 400

    def __init__(self, code: str) -> None:
        super().__init__(code, str(MESSAGES[code]), FIELDS.get(code))


class CommandForbidden(CommandError):
    status = 403


class CommandConflict(CommandError):
    status = 409
