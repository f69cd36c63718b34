"""The catalog (权责清单 · 服务清单): items, materials, delegations, themes, published versions.

Code tables follow GB/T 39046-2020 Appendix A (DOMAIN.md §3.2). Codes are stored as opaque strings
(DOMAIN.md §3.3). Every business table carries the tenant key ``jurisdiction`` (the county or town that
owns the item); ``MaterialType`` is a small shared reference table.

Applications pin an ``ItemVersion``: its ``snapshot`` is immutable (see ``ItemVersion.save``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.core.tenancy import JurisdictionScoped, ScopedQuerySet


class ItemType(models.TextChoices):
    """A.1 事项类型代码."""

    POWER = "00", _("行政权力")
    LICENSING = "01", _("行政许可")
    PENALTY = "02", _("行政处罚")
    COERCION = "03", _("行政强制")
    LEVY = "04", _("行政征收")
    BENEFIT = "05", _("行政给付")
    INSPECTION = "06", _("行政检查")
    CONFIRMATION = "07", _("行政确认")
    REWARD = "08", _("行政奖励")
    ADJUDICATION = "09", _("行政裁决")
    OTHER = "10", _("其他行政权力")
    PUBLIC_SERVICE = "20", _("公共服务")


# Item types that the enforcement side acts on (处罚/强制/征收/检查).
PUNITIVE_TYPES = (ItemType.PENALTY, ItemType.COERCION, ItemType.LEVY, ItemType.INSPECTION)

# Short labels used in statistics (“536 许可”).
ITEM_TYPE_SHORT = {
    "00": _("权力"),
    "01": _("许可"),
    "02": _("处罚"),
    "03": _("强制"),
    "04": _("征收"),
    "05": _("给付"),
    "06": _("检查"),
    "07": _("确认"),
    "08": _("奖励"),
    "09": _("裁决"),
    "10": _("其他"),
    "20": _("公共服务"),
}


class ExerciseLevel(models.TextChoices):
    """A.2 行使层级."""

    NATIONAL = "1", _("国家级")
    PROVINCE = "2", _("省级")
    CITY = "3", _("市级")
    COUNTY = "4", _("县级")
    TOWN = "5", _("镇（乡、街道）级")
    VILLAGE = "6", _("村（社区）级")
    GRADED = "7", _("分级管理")


class BodyNature(models.TextChoices):
    """A.3 实施主体性质."""

    STATUTORY = "1", _("法定机关")
    AUTHORISED = "2", _("授权组织")
    ENTRUSTED = "3", _("受委托组织")
    OTHER = "9", _("其他")


class ServiceObject(models.TextChoices):
    """A.4 服务对象."""

    PERSON = "1", _("自然人")
    ENTERPRISE = "2", _("企业法人")
    INSTITUTION = "3", _("事业法人")
    SOCIAL_ORG = "4", _("社会组织法人")
    AUTHORITY = "5", _("行政机关")
    OTHER = "6", _("其他组织")


class HandlingForm(models.TextChoices):
    """A.5 办理形式."""

    WINDOW = "1", _("窗口办理")
    ONLINE_PC = "2", _("电脑端网上办理")
    MOBILE = "3", _("移动端网上申请")
    POST = "4", _("快递申请")
    OTHER = "9", _("其他")


class HandlingKind(models.TextChoices):
    """A.6 办件类型."""

    IMMEDIATE = "1", _("即办件")
    PROMISED = "2", _("承诺件")
    OTHER = "9", _("其他")


class LimitUnit(models.TextChoices):
    """Same strings as ``township.cases.models.ClockUnit`` (the approval clock reads them as is)."""

    WORKING_DAYS = "working_days", _("工作日")
    NATURAL_DAYS = "natural_days", _("自然日")
    WORKING_HOURS = "working_hours", _("工作小时")


class RiskClass(models.TextChoices):
    CONTROL = "control", _("控制类")
    CAREFUL = "careful", _("慎审类")
    ENCOURAGED = "encouraged", _("鼓励类")


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUSPENDED = "suspended", _("已暂停")
    RETIRED = "retired", _("已废止")


class Channel(models.TextChoices):
    ONLINE = "online", _("全程网办")
    NO_VISIT = "no_visit", _("不见面审批")
    ONE_VISIT = "one_visit", _("最多跑一次")
    VILLAGE_AGENT = "village_agent", _("村级代办")


CHANNEL_FIELDS = {
    Channel.ONLINE: "channel_online",
    Channel.NO_VISIT: "channel_no_visit",
    Channel.ONE_VISIT: "channel_one_visit",
    Channel.VILLAGE_AGENT: "channel_village_agent",
}


class MaterialType(models.Model):
    """A kind of material shared across items and jurisdictions (reference table): “营业执照” is one type."""

    code = models.CharField(_("类型编码"), max_length=40, unique=True)
    name = models.CharField(_("材料类型名称"), max_length=100, unique=True)
    certificate_satisfies = models.BooleanField(
        _("可用证照库证照"), default=False, help_text=_("证照库中已有的证照可直接满足此材料")
    )
    issuer = models.CharField(_("常见出具单位"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("材料类型")
        verbose_name_plural = _("材料类型")

    def __str__(self) -> str:
        return self.name


class Item(JurisdictionScoped):
    """A catalog item (政务服务事项 / 权力事项): the editable draft. Published copies are ``ItemVersion`` rows."""

    # Identity and classification
    name = models.CharField(_("事项名称"), max_length=200)
    name_initials = models.CharField(_("名称拼音首字母"), max_length=200, blank=True, db_index=True)
    main_item = models.CharField(_("主项名称"), max_length=200, blank=True)
    basic_code = models.CharField(_("基本编码"), max_length=64, blank=True)
    implementation_code = models.CharField(_("实施编码"), max_length=64, blank=True)
    item_type = models.CharField(_("事项类型"), max_length=2, choices=ItemType.choices)
    exercise_level = models.CharField(_("行使层级"), max_length=1, choices=ExerciseLevel.choices, blank=True)
    # Implementing body and department
    implementing_body = models.CharField(_("实施主体"), max_length=200, blank=True)
    implementing_body_code = models.CharField(_("实施主体编码"), max_length=24, blank=True)
    body_nature = models.CharField(
        _("实施主体性质"), max_length=1, choices=BodyNature.choices, default=BodyNature.STATUTORY
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department_name = models.CharField(_("部门名称"), max_length=100, blank=True)
    # Guide
    legal_basis = models.TextField(_("设定依据"), blank=True)
    service_objects = models.JSONField(_("服务对象"), default=list, blank=True)
    handling_forms = models.JSONField(_("办理形式"), default=list, blank=True)
    handling_kind = models.CharField(
        _("办件类型"), max_length=1, choices=HandlingKind.choices, default=HandlingKind.PROMISED
    )
    statutory_limit = models.PositiveIntegerField(_("法定办结时限"), null=True, blank=True)
    statutory_unit = models.CharField(
        _("法定时限单位"), max_length=20, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    statutory_note = models.CharField(_("法定时限说明"), max_length=200, blank=True)
    promised_limit = models.PositiveIntegerField(_("承诺办结时限"), null=True, blank=True)
    promised_unit = models.CharField(
        _("承诺时限单位"), max_length=20, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    promised_note = models.CharField(_("承诺时限说明"), max_length=200, blank=True)
    conditions = models.TextField(_("受理条件"), blank=True)
    process = models.TextField(_("办理流程"), blank=True)
    result_name = models.CharField(_("审批结果名称"), max_length=200, blank=True)
    fee_charged = models.BooleanField(_("是否收费"), default=False)
    fee_basis = models.TextField(_("收费标准及依据"), blank=True)
    place = models.CharField(_("办理地点"), max_length=200, blank=True)
    hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    phone_consult = models.CharField(_("咨询电话"), max_length=100, blank=True)
    phone_supervise = models.CharField(_("监督电话"), max_length=100, blank=True)
    faq = models.TextField(_("常见问题"), blank=True)
    # Risk class, 容缺 and 告知承诺
    risk_class = models.CharField(_("风险等级"), max_length=16, choices=RiskClass.choices, default=RiskClass.CAREFUL)
    gap_allowed = models.BooleanField(_("允许容缺受理"), default=False)
    gap_deadline_days = models.PositiveSmallIntegerField(_("容缺补齐期限（工作日）"), null=True, blank=True)
    commitment_allowed = models.BooleanField(_("允许告知承诺"), default=False)
    commitment_text = models.TextField(_("承诺书内容"), blank=True)
    commitment_check_days = models.PositiveSmallIntegerField(_("承诺事后核查期限（自然日）"), null=True, blank=True)
    # Channels
    channel_online = models.BooleanField(_("全程网办"), default=False)
    channel_no_visit = models.BooleanField(_("不见面审批"), default=False)
    channel_one_visit = models.BooleanField(_("最多跑一次"), default=False)
    channel_village_agent = models.BooleanField(_("村级代办"), default=False)
    # Responsibility list (责任清单)
    responsible_department = models.ForeignKey(
        "org.Department", verbose_name=_("责任部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible_section = models.CharField(_("责任科室"), max_length=100, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Visibility and life cycle
    visible_to_towns = models.BooleanField(
        _("对下辖乡镇可见"), default=False, help_text=_("县级事项是否在下辖乡镇的清单中展示（只读）")
    )
    status = models.CharField(_("状态"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    dirty = models.BooleanField(_("有未发布的修改"), default=True)
    current_version = models.ForeignKey(
        "catalog.ItemVersion",
        verbose_name=_("当前版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("来源"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["jurisdiction_id", "item_type", "id"]
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "implementation_code"],
                condition=~models.Q(implementation_code=""),
                name="catalog_item_unique_impl_code",
            )
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "item_type", "id"], name="catalog_item_type"),
            models.Index(fields=["jurisdiction", "status", "id"], name="catalog_item_status"),
            models.Index(fields=["jurisdiction", "department_name", "id"], name="catalog_item_dept"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        from township.catalog.pinyin import initials

        self.name_initials = initials(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_initials"}
        super().save(*args, **kwargs)

    @property
    def channels(self) -> list[str]:
        return [str(c) for c, f in CHANNEL_FIELDS.items() if getattr(self, f)]

    @property
    def type_short(self) -> str:
        return str(ITEM_TYPE_SHORT.get(self.item_type, self.item_type))


class Material(JurisdictionScoped):
    """A material an applicant submits for one item (part of the item's draft)."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="materials")
    material_type = models.ForeignKey(
        MaterialType, verbose_name=_("材料类型"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("材料名称"), max_length=200, blank=True, help_text=_("留空则使用材料类型名称"))
    issuer = models.CharField(_("出具单位"), max_length=100, blank=True)
    originals = models.PositiveSmallIntegerField(_("原件份数"), default=1)
    copies = models.PositiveSmallIntegerField(_("复印件份数"), default=0)
    essential = models.BooleanField(_("必备材料"), default=True)
    may_be_missing = models.BooleanField(_("可容缺"), default=False, help_text=_("非必备材料在容缺受理时可后补"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["item_id", "sort", "id"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        indexes = [models.Index(fields=["jurisdiction", "item"], name="catalog_material_item")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.material_type.name


class DelegationMode(models.TextChoices):
    AUTHORISE = "authorise", _("授权")
    ENTRUST = "entrust", _("委托")


class DelegationStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    SUSPENDED = "suspended", _("暂停")
    REVOKED = "revoked", _("已收回")


def delegation_document_path(instance: Delegation, filename: str) -> str:
    return f"catalog/{instance.jurisdiction_id}/delegations/{filename}"


class Delegation(JurisdictionScoped):
    """放权: a county department hands an item's power to a town. Tenant key = the receiving town."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="delegations")
    from_jurisdiction = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("下放单位区划"), on_delete=models.PROTECT, related_name="+"
    )
    from_department = models.ForeignKey(
        "org.Department", verbose_name=_("下放部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_department_name = models.CharField(_("下放部门名称"), max_length=100)
    mode = models.CharField(_("下放方式"), max_length=16, choices=DelegationMode.choices)
    document_number = models.CharField(_("授权文件文号"), max_length=100, blank=True)
    document_date = models.DateField(_("发文日期"), null=True, blank=True)
    document_file = models.FileField(_("授权文件"), upload_to=delegation_document_path, max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=DelegationStatus.choices, default=DelegationStatus.ACTIVE
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["jurisdiction_id", "-id"]
        verbose_name = _("放权记录")
        verbose_name_plural = _("放权记录")
        indexes = [models.Index(fields=["jurisdiction", "status"], name="catalog_delegation_status")]

    def __str__(self) -> str:
        return f"{self.from_department_name} → {self.item}"


class Theme(JurisdictionScoped):
    """A life-event bundle (“一件事”), e.g. 开办小餐饮店."""

    name = models.CharField(_("主题名称"), max_length=100)
    code = models.SlugField(_("主题编码"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    audience = models.CharField(
        _("服务对象"), max_length=1, choices=ServiceObject.choices, default=ServiceObject.PERSON
    )
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["jurisdiction_id", "id"]
        verbose_name = _("一件事主题")
        verbose_name_plural = _("一件事主题")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "code"], name="catalog_theme_unique_code")]

    def __str__(self) -> str:
        return self.name


class ThemeItem(JurisdictionScoped):
    theme = models.ForeignKey(Theme, verbose_name=_("主题"), on_delete=models.CASCADE, related_name="theme_items")
    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["theme_id", "sort", "id"]
        verbose_name = _("主题事项")
        verbose_name_plural = _("主题事项")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "theme", "item"], name="catalog_themeitem_unique")
        ]


class ImmutableVersion(TypeError):
    pass


class VersionQuerySet(ScopedQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableVersion("a published item version never changes")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableVersion("a published item version never changes")


class ItemVersion(JurisdictionScoped):
    """A published, immutable copy of an item (fields + materials) that applications pin."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField(_("快照"))
    reason = models.CharField(_("发布理由"), max_length=500)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核发布人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"))

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["item_id", "-number"]
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "item", "number"], name="catalog_itemversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.snapshot.get('name', '')} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not self._state.adding:
            raise ImmutableVersion("a published item version never changes")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableVersion("a published item version never changes")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("处理中")
    INVALID = "invalid", _("有错误")
    VALID = "valid", _("校验通过")
    COMMITTED = "committed", _("已导入")
    FAILED = "failed", _("失败")


def import_file_path(instance: ImportJob, filename: str) -> str:
    return f"catalog/{instance.jurisdiction_id}/imports/{filename}"


class ImportJob(JurisdictionScoped):
    """One catalog import (dry run or commit) with its progress and every bad row."""

    file = models.FileField(_("文件"), upload_to=import_file_path, max_length=200, blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    dry_run = models.BooleanField(_("仅校验"), default=True)
    status = models.CharField(_("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    summary = models.JSONField(_("按类型统计"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["jurisdiction_id", "-id"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in (ImportStatus.COMMITTED, ImportStatus.VALID) else 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))
