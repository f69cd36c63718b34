"""Error codes of the case engine, each with its Chinese message."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from township.core.errors import DomainError

MESSAGES = {
    "transition_unknown": _("该案件类型没有此操作"),
    "transition_service_only": _(
        "“{transition}”须在该业务的办理页面或接口中办理（它同时生成决定、文书或证照），不能直接流转"
    ),
    "transition_system_only": _("“{transition}”由系统按期限自动执行，不能手工操作"),
    "action_unknown": _("该案件没有此操作"),
    "action_not_offered": _("案件当前状态为“{state}”，不能执行“{action}”"),
    "action_role_required": _("您在该单位没有执行“{action}”所需的角色"),
    "invalid_input": _("输入有误：{detail}"),
    "transition_not_allowed": _("案件当前状态为“{state}”，不能执行“{transition}”"),
    "role_required": _("您在该单位没有执行“{transition}”所需的角色"),
    "concurrent_transition": _("该案件已被他人处理，请刷新后重试"),
    "case_closed": _("案件已办结，不能再修改"),
    "attachment_too_large": _("附件超过大小限制（{limit}）"),
    "attachment_type": _("不支持此类文件，可上传：{allowed}"),
    "attachment_empty": _("附件为空"),
    "clock_not_paused": _("计时未暂停，无法恢复"),
    "clock_already_paused": _("计时已暂停"),
    "extension_invalid": _("延长期限须为正数，并写明理由和批准人"),
    "link_self": _("案件不能与自身关联"),
    "link_cross_unit": _("只能关联本单位（同一乡镇）的案件"),
    "link_exists": _("这两个案件已有该关联"),
    "forward_unsupported": _("“{case_type}”不接受转办"),
}


# What an allowed upload type is called on a page (the MIME type itself is a code, not a word a clerk reads).
FILE_KINDS = {
    "application/pdf": _("PDF"),
    "image/jpeg": _("JPG 图片"),
    "image/png": _("PNG 图片"),
    "image/webp": _("WebP 图片"),
    "video/mp4": _("MP4 视频"),
    "video/quicktime": _("MOV 视频"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _("Word 文档"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _("Excel 表格"),
}


def allowed_kinds(types: list[str]) -> str:
    """The allowed upload types as a clerk reads them: “PDF、JPG 图片、…”."""
    return str(_("、")).join(str(FILE_KINDS.get(t, t)) for t in types)


class TransitionRefused(DomainError):
    """A transition refused by state, role or a guard. Guards pass their own code and message."""

    status = 409
    # Refusals that are about the uploaded file, not the case's state: their HTTP statuses (RFC 9110 §15.5.14, 16).
    FILE_STATUSES = {"attachment_too_large": 413, "attachment_type": 415}

    def __init__(self, code: str, message: Any = None, field: str | None = None, **params: Any) -> None:
        if message is None:
            message = str(MESSAGES.get(code, code)).format(**params)
        super().__init__(code, message, field, **params)
        if code in self.FILE_STATUSES:
            self.status = self.FILE_STATUSES[code]


class ConcurrentTransition(TransitionRefused):
    def __init__(self) -> None:
        super().__init__("concurrent_transition")
