"""The case engine's shared tables: Case, its append-only timeline, pauses, assignments, attachments.

Every table carries the tenant key (``jurisdiction``) itself, including the child tables (SPEC §4).
The state lives only on ``Case``; domain records point at it with a OneToOneField.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.core.tenancy import JurisdictionScoped, ScopedQuerySet

if TYPE_CHECKING:
    from township.cases.machine import Machine


class ClockUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    NATURAL_DAYS = "natural_days", _("自然日")
    WORKING_HOURS = "working_hours", _("工作小时")
    NATURAL_HOURS = "natural_hours", _("小时（全天候）")


class Warning(models.TextChoices):
    NONE = "none", _("未计时")
    NORMAL = "normal", _("正常")
    YELLOW = "yellow", _("黄牌预警")
    RED = "red", _("红牌预警")
    OVERDUE = "overdue", _("已超期")
    PAUSED = "paused", _("暂停计时")
    LATE = "late", _("超期办结")


# What the warnings center and the 大屏 group a case by (and the visibility rule reads): the key of their covering indexes.
_WARNING_COLUMNS = ["jurisdiction", "case_type", "village", "lead_department", "lead_assignee", "owner"]


class Case(JurisdictionScoped):
    case_type = models.CharField(_("案件类型"), max_length=40)
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("编号"), max_length=64)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=40)
    version = models.PositiveIntegerField(_("版本"), default=1)
    parent = models.ForeignKey(
        "self", verbose_name=_("主件"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人/报告人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_cases",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("立案/受理时间"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # The clock
    clock_unit = models.CharField(_("时限单位"), max_length=20, choices=ClockUnit.choices, blank=True)
    clock_limit = models.PositiveIntegerField(_("时限"), null=True, blank=True)
    clock_started_at = models.DateTimeField(_("计时开始"), null=True, blank=True)
    clock_paused_at = models.DateTimeField(_("暂停于"), null=True, blank=True)
    clock_stopped_at = models.DateTimeField(_("计时结束"), null=True, blank=True)
    # Decided/closed after the due time (行政许可法 Art 42; e-monitoring): a fact of the case, kept after it closes.
    finished_late = models.BooleanField(_("超期办结"), default=False)
    # The due time runs past the holiday table: the earliest possible moment, recomputed when the year is entered.
    due_provisional = models.BooleanField(_("期限暂定"), default=False)
    due_at = models.DateTimeField(_("期限"), null=True, blank=True)
    yellow_at = models.DateTimeField(_("黄牌时间"), null=True, blank=True)
    red_at = models.DateTimeField(_("红牌时间"), null=True, blank=True)
    warning_sent = models.CharField(_("已发预警"), max_length=10, blank=True)
    # Head of the hash-chained timeline
    head_seq = models.PositiveIntegerField(_("时间线序号"), default=0)
    head_hash = models.CharField(_("时间线哈希"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # The active 承办 (lead) assignment, kept by ``case_assign``: the warnings center and the 大屏 count open cases by
    # department and person from the case row alone (no join with every assignment). Not indexed on their own: the
    # open/late partial indexes below carry them.
    lead_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("承办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    lead_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "number"], name="cases_case_unique_number"),
        ]
        indexes = [
            # 我的待办: each (type, state) arm walks its open cases in due order and stops at the page (the open
            # cases only: with every case in it, the planner misjudged an arm's open share and read and sorted the
            # whole backlog of a state through another index).
            models.Index(
                fields=["jurisdiction", "case_type", "state", "due_at", "id"],
                name="cases_case_work",
                condition=models.Q(closed_at__isnull=True),
            ),
            models.Index(fields=["jurisdiction", "due_at", "id"], name="cases_case_due"),
            # Lists in receipt order within one state (e.g. the window's 待受理).
            models.Index(fields=["jurisdiction", "case_type", "state", "id"], name="cases_case_state_id"),
            models.Index(fields=["owner", "id"], name="cases_case_owner"),
            # The warnings center and the 大屏: the open cases of a unit by due time (the closed are most rows).
            models.Index(
                fields=["jurisdiction", "due_at", "id"],
                name="cases_case_open_due",
                condition=models.Q(closed_at__isnull=True),
            ),
            # Supervision: the cases finished late, per unit and type.
            models.Index(
                fields=["jurisdiction", "case_type", "id"],
                name="cases_case_late",
                condition=models.Q(finished_late=True),
            ),
            # The warnings center's and the 大屏's grouped reads (command.selectors.warning_summary, command.screen):
            # every column they group, filter or count by, so that they are index-only scans of the open cases (a few
            # % of the rows) and of those finished late, never of the table.
            models.Index(
                fields=[
                    *_WARNING_COLUMNS,
                    *("state", "due_at", "yellow_at", "red_at", "clock_paused_at", "clock_stopped_at", "id"),
                ],
                name="cases_case_open_warn",
                condition=models.Q(closed_at__isnull=True),
            ),
            models.Index(
                fields=["jurisdiction", "closed_at", *_WARNING_COLUMNS[1:], "id"],
                name="cases_case_late_warn",
                condition=models.Q(finished_late=True),
            ),
            # The monthly evaluation (cases.indicators.case_rate): one type's cases of a town closed in a month.
            models.Index(
                fields=["jurisdiction", "case_type", "closed_at"],
                name="cases_case_closed",
                condition=models.Q(closed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def machine(self) -> Machine:
        from township.cases.registry import machine_for

        return machine_for(self.case_type)

    @property
    def state_label(self) -> str:
        return self.machine.state_label(str(self.state))

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def warning(self, now=None) -> str:  # type: ignore[no-untyped-def]
        from township.cases.clock import warning_level

        return warning_level(self, now)


class EventKind(models.TextChoices):
    OPEN = "open", _("创建")
    TRANSITION = "transition", _("流转")
    ASSIGN = "assign", _("指派")
    ATTACH = "attach", _("附件")
    PAUSE = "pause", _("暂停计时")
    RESUME = "resume", _("恢复计时")
    EXTEND = "extend", _("延长期限")
    NOTE = "note", _("备注")
    SYSTEM = "system", _("系统")


class AppendOnlyQuerySet(ScopedQuerySet):
    """Scoped like every business query, and append-only: rows are never updated or deleted."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("the case timeline is append-only")

    def delete(self) -> NoReturn:
        raise TypeError("the case timeline is append-only")


class CaseEvent(JurisdictionScoped):
    """One entry of a case's timeline. Never updated, never deleted; hash-chained per case."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("类别"), max_length=16, choices=EventKind.choices)
    name = models.CharField(_("操作"), max_length=64, blank=True)
    label = models.CharField(_("操作名称"), max_length=64, blank=True)
    from_state = models.CharField(_("原状态"), max_length=40, blank=True)
    to_state = models.CharField(_("新状态"), max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"))
    data = models.JSONField(_("数据"), default=dict, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    prev_hash = models.CharField(_("前序哈希"), max_length=64, blank=True)
    hash = models.CharField(_("哈希"), max_length=64)

    # A narrower manager than JurisdictionScoped's (same for_actor, no update/delete): django-stubs types each
    # as_manager() class separately.
    objects = AppendOnlyQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["case_id", "seq"]
        verbose_name = _("时间线事件")
        verbose_name_plural = _("时间线事件")
        # The key first (Citus: every unique constraint of a business table includes it, docs/scaling.md).
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "case", "seq"], name="cases_event_unique_seq")]
        indexes = [models.Index(fields=["jurisdiction", "at"], name="cases_event_jur_at")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.kind} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("the case timeline is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("the case timeline is append-only")


class ClockPause(JurisdictionScoped):
    class Reason(models.TextChoices):
        SUPPLEMENT = "supplement", _("补正")
        HEARING = "hearing", _("听证")
        TESTING = "testing", _("检验检测")
        APPRAISAL = "appraisal", _("鉴定")
        EXPERT_REVIEW = "expert_review", _("专家评审")
        INSPECTION = "inspection", _("现场核查")
        POSTPONE = "postpone", _("延期")
        OTHER = "other", _("其他")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="pauses")
    reason = models.CharField(_("原因"), max_length=32, choices=Reason.choices)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    started_at = models.DateTimeField(_("开始"))
    ended_at = models.DateTimeField(_("结束"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case_id", "started_at"]
        verbose_name = _("计时暂停")
        verbose_name_plural = _("计时暂停")

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_reason_display()}"


class Assignment(JurisdictionScoped):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="assignments")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("承办部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("职责"), max_length=16, default="lead", help_text=_("lead 承办 / assist 协办"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("指派时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["case_id", "assigned_at"]
        verbose_name = _("指派")
        verbose_name_plural = _("指派")
        indexes = [
            models.Index(fields=["jurisdiction", "assignee", "ended_at"], name="cases_assign_user"),
            # 承办/协办 by department (data scope: a department sees the cases it handles or assists on)
            models.Index(fields=["jurisdiction", "department", "ended_at"], name="cases_assign_dept"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.assignee_id or self.department_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.jurisdiction_id}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(JurisdictionScoped):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=120)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    purpose = models.CharField(_("用途"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name


class LinkKind(models.TextChoices):
    """How two cases are related (a typed link; the origin is kept on both sides)."""

    FORWARDED = "forwarded", _("转办")  # the target was created from the source (社情民意 → 12345 / 信访 / 事件 / 调解)
    REFERRED = "referred", _("移送")  # the source handed its matter to the target (调解不成 → 诉调, 线索 → 立案 …)
    REOPENED = "reopened", _("重办")  # the target reopens the source's matter (不满意 → 重办, 复查, 复核)
    RELATED = "related", _("关联")  # the same matter seen twice (duplicates, 同一事项)


class CaseLink(JurisdictionScoped):
    """A typed link between two cases of the same town, navigable both ways (``links_out`` / ``links_in``).

    Written only by ``township.cases.services.case_link`` (or ``case_forward``), which also notes it on both
    timelines. Both cases carry the same tenant key, so the link stays on one shard.
    """

    source = models.ForeignKey(Case, verbose_name=_("来源案件"), on_delete=models.PROTECT, related_name="links_out")
    target = models.ForeignKey(Case, verbose_name=_("目标案件"), on_delete=models.PROTECT, related_name="links_in")
    kind = models.CharField(_("关系"), max_length=16, choices=LinkKind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("关联时间"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("案件关联")
        verbose_name_plural = _("案件关联")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "source", "target", "kind"], name="cases_link_unique"),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="cases_link_not_self"),
        ]
        indexes = [models.Index(fields=["jurisdiction", "target"], name="cases_link_target")]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} ({self.kind})"


class CaseDayCount(JurisdictionScoped):
    """Per town, village, case type and day (Beijing time): cases opened, closed and closed late — kept current by
    the engine's services (``case_open``, the closing transition), so dashboards and the 大屏 count a month from a
    few rows per type instead of scanning every case. ``manage.py recount_cases`` rebuilds it from the cases."""

    village_code = models.CharField(_("村（社区）"), max_length=12, blank=True, default="")
    case_type = models.CharField(_("案件类型"), max_length=40)
    day = models.DateField(_("日期"))
    opened = models.PositiveIntegerField(_("新增"), default=0)
    closed = models.PositiveIntegerField(_("办结"), default=0)
    closed_late = models.PositiveIntegerField(_("超期办结"), default=0)

    class Meta:
        ordering = ["jurisdiction_id", "day", "case_type"]
        verbose_name = _("案件日统计")
        verbose_name_plural = _("案件日统计")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "village_code", "case_type", "day"], name="cases_daycount_once"
            )
        ]
        indexes = [models.Index(fields=["jurisdiction", "day"], name="cases_daycount_day")]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.case_type} {self.day}"


class CaseCounter(models.Model):
    """Per jurisdiction, prefix and year: the last number handed out (no gaps, no duplicates)."""

    jurisdiction = models.ForeignKey("org.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    case_type = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["jurisdiction_id", "case_type", "year"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "case_type", "year"], name="cases_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}/{self.case_type}/{self.year}: {self.last}"


class CaseSeal(JurisdictionScoped):
    """The sealed head of each case's chain, so that a deleted or truncated case is detected."""

    case_id_sealed = models.BigIntegerField(_("案件ID"))
    seq = models.PositiveIntegerField()
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    class Meta:
        ordering = ["case_id_sealed"]
        # One seal per case; the key first (Citus). A case never changes jurisdiction, so this is as strict.
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "case_id_sealed"], name="cases_seal_one_per_case")
        ]

    def __str__(self) -> str:
        return f"seal {self.case_id_sealed}#{self.seq}"


class Checkpoint(models.Model):
    """A periodic seal over all CaseSeal rows, itself hash-chained."""

    at = models.DateTimeField()
    seal_count = models.PositiveBigIntegerField()
    seals_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"checkpoint {self.pk} at {self.at:%Y-%m-%d %H:%M}"


class JobRun(models.Model):
    """One run of a timed job in one time slot. The unique slot makes two workers run each job once."""

    name = models.CharField(max_length=64)
    slot = models.BigIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="cases_jobrun_unique_slot")]

    def __str__(self) -> str:
        return f"{self.name}@{self.slot}"
