"""Grids, grid staff, event classes, events (on the case engine), patrols, escalations, handovers.

Business rows carry the tenant key ``jurisdiction`` (the owning town, or the county for first-level
county grids). Event classes and Open311 keys are small shared reference tables.
Geometry is GeoJSON text (WGS-84 lon/lat) plus a bounding box; shapely does the geometry in Python,
so SQLite and PostgreSQL behave the same (no PostGIS).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.cases.models import ClockUnit
from township.core.fields import EncryptedCharField
from township.core.tenancy import JurisdictionScoped
from township.org.models import Role


class GridLevel(models.IntegerChoices):
    FIRST = 1, _("一级网格")
    SECOND = 2, _("二级网格")
    THIRD = 3, _("三级网格")


class CodeScheme(models.TextChoices):
    """How a grid code is built (DOMAIN §1.3)."""

    NATIONAL_14 = "national-14", _("国标14位（区划12位+2位序号）")
    LOCAL_15 = "local-15", _("地方15位（区划12位+3位序号）")
    COMMUNITY_20 = "community-20", _("专业网格20位（6位对象码+12位区划+2位序号）")
    CUSTOM = "custom", _("自定义（以区划代码开头）")


class Grid(JurisdictionScoped):
    """A unit grid (单元网格) with its polygon."""

    code = models.CharField(_("网格编码"), max_length=32)
    scheme = models.CharField(_("编码规则"), max_length=16, choices=CodeScheme.choices, default=CodeScheme.NATIONAL_14)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("层级"), choices=GridLevel.choices)
    # A county's level-1 grid is the parent of a town's level-2 grid: rows of two jurisdictions, so no database
    # constraint (Citus cannot check it across shards); grid_bulk_save checks the parent exists.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        db_constraint=False,
    )
    # The town or village whose division code prefixes the grid code.
    division = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    geometry = models.TextField(_("边界（GeoJSON）"))
    min_lon = models.FloatField(_("最小经度"))
    min_lat = models.FloatField(_("最小纬度"))
    max_lon = models.FloatField(_("最大经度"))
    max_lat = models.FloatField(_("最大纬度"))
    center_lon = models.FloatField(_("中心经度"))
    center_lat = models.FloatField(_("中心纬度"))
    area_km2 = models.FloatField(_("面积（平方公里）"), default=0)
    land_use = models.CharField(_("用地类别"), max_length=32, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["jurisdiction_id", "level", "code"]
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "code"], name="grid_grid_unique_code")]
        indexes = [
            models.Index(fields=["jurisdiction", "level", "code"], name="grid_grid_level"),
            models.Index(fields=["parent"], name="grid_grid_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class GridIndexVersion(models.Model):
    """Bumped whenever grids of a jurisdiction change; the in-process spatial index checks it.

    ``key`` is a jurisdiction code, or ``*`` for the version of all grids together.
    """

    key = models.CharField(max_length=12, primary_key=True)
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}@{self.version}"


GRID_STAFF_ROLES = [
    (Role.GRID_PATROLLER.value, Role.GRID_PATROLLER.label),
    (Role.GRID_HEAD.value, Role.GRID_HEAD.label),
    (Role.GRID_SUPERVISOR.value, Role.GRID_SUPERVISOR.label),
    (Role.GRID_POLICE.value, Role.GRID_POLICE.label),
    (Role.GRID_VOLUNTEER.value, Role.GRID_VOLUNTEER.label),
]


class GridStaff(JurisdictionScoped):
    """A named person responsible in a grid, in one of the five grid roles (人在格中走)."""

    grid = models.ForeignKey(Grid, verbose_name=_("网格"), on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("网格角色"), max_length=32, choices=GRID_STAFF_ROLES)
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)  # SM4 at rest
    since = models.DateField(_("任职日期"), null=True, blank=True)

    class Meta:
        ordering = ["grid_id", "role", "id"]
        verbose_name = _("网格力量")
        verbose_name_plural = _("网格力量")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "grid", "user", "role"], name="grid_staff_unique")
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.user} {self.get_role_display()}"


class ClassKind(models.TextChoices):
    COMPONENT = "component", _("部件")
    EVENT = "event", _("事件")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class EventClass(models.Model):
    """A component or event class (DOMAIN §1.4), shared reference data, editable by administrators.

    ``code`` is six digits: kind (1 部件 / 2 事件) + ``0`` + major (2) + minor (2), the Beijing
    numbering ``10xxyy`` / ``20xxyy``. Local extension codes (部件 07+, 事件 21 …) are allowed.
    """

    code = models.CharField(_("类别编码"), max_length=8, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=ClassKind.choices)
    major_code = models.CharField(_("大类编码"), max_length=2)
    major_name = models.CharField(_("大类名称"), max_length=32)
    minor_code = models.CharField(_("小类编码"), max_length=2)
    name = models.CharField(_("小类名称"), max_length=64)
    register_standard = models.TextField(_("立案标准"), blank=True)
    close_standard = models.TextField(_("结案标准"), blank=True)
    department_name = models.CharField(_("责任单位"), max_length=64, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    register_limit = models.PositiveIntegerField(_("立案时限"), default=1)
    register_unit = models.CharField(
        _("立案时限单位"), max_length=20, choices=ClockUnit.choices, default=ClockUnit.WORKING_HOURS
    )
    dispatch_limit = models.PositiveIntegerField(_("派遣时限"), default=1)
    dispatch_unit = models.CharField(
        _("派遣时限单位"), max_length=20, choices=ClockUnit.choices, default=ClockUnit.WORKING_HOURS
    )
    handle_limit = models.PositiveIntegerField(_("处置时限"), default=1)
    handle_unit = models.CharField(
        _("处置时限单位"), max_length=20, choices=ClockUnit.choices, default=ClockUnit.WORKING_DAYS
    )
    verify_limit = models.PositiveIntegerField(_("核查时限"), default=2)
    verify_unit = models.CharField(
        _("核查时限单位"), max_length=20, choices=ClockUnit.choices, default=ClockUnit.WORKING_HOURS
    )
    is_local = models.BooleanField(_("地方扩展"), default=False)
    public = models.BooleanField(_("群众可上报"), default=True)
    active = models.BooleanField(_("有效"), default=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["code"]
        verbose_name = _("部件事件类别")
        verbose_name_plural = _("部件事件类别")

    def __str__(self) -> str:
        return f"{self.code} {self.major_name}/{self.name}"

    def limit(self, step: str) -> tuple[str, int]:
        """(unit, amount) of a step: register / dispatch / handle / verify."""
        return getattr(self, f"{step}_unit"), getattr(self, f"{step}_limit")


class Source(models.TextChoices):
    PATROL = "patrol", _("网格员巡查")
    PUBLIC = "public", _("群众上报")
    OPEN311 = "open311", _("Open311接口")
    API = "api", _("系统接口")
    CAMERA = "camera", _("视频发现")
    HOTLINE = "hotline", _("热线转办")


class Event(JurisdictionScoped):
    """A grid event (事件/部件问题). Its state lives on the Case; the columns below are domain facts.

    The ``*_at`` / ``*_on_time`` / counts are facts written by the services at each step, so the
    evaluation (DOMAIN §1.7) is a set-based aggregate over this table alone.
    """

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="grid_event"
    )
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    event_class = models.ForeignKey(EventClass, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    description = models.TextField(_("问题描述"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lon = models.FloatField(_("经度（WGS-84）"))
    lat = models.FloatField(_("纬度（WGS-84）"))
    input_crs = models.CharField(_("原始坐标系"), max_length=8, default="wgs84")
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)  # SM4 at rest
    contact_email = models.CharField(_("电子邮箱"), max_length=128, blank=True)
    # The town's code, "-", 8 random characters (core.citus.public_code): unique per town is unique everywhere.
    ticket = models.CharField(_("查询码"), max_length=24)
    public = models.BooleanField(_("可公开"), default=True)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("处置部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处置人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("重复于"), null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    reported_at = models.DateTimeField(_("上报时间"))
    registered_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    handled_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    handled_on_time = models.BooleanField(_("按期处置"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("按期结案"), null=True, blank=True)
    not_registered = models.BooleanField(_("不予立案"), default=False)
    cancelled = models.BooleanField(_("作废"), default=False)
    postponed = models.BooleanField(_("延期中"), default=False)
    postpone_days = models.PositiveSmallIntegerField(_("申请延期工作日数"), default=0)
    postponed_until = models.DateTimeField(_("延期至"), null=True, blank=True)
    postpone_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    return_count = models.PositiveSmallIntegerField(_("回退次数"), default=0)
    rating = models.PositiveSmallIntegerField(_("评价"), null=True, blank=True)
    status_notes = models.CharField(_("处理说明"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "ticket"], name="grid_event_unique_ticket")]
        ordering = ["-id"]
        verbose_name = _("网格事件")
        verbose_name_plural = _("网格事件")
        indexes = [
            models.Index(fields=["jurisdiction", "grid", "id"], name="grid_event_grid"),
            models.Index(fields=["jurisdiction", "reported_at"], name="grid_event_reported"),
            models.Index(fields=["jurisdiction", "event_class", "reported_at"], name="grid_event_class"),
            models.Index(fields=["jurisdiction", "department", "id"], name="grid_event_dept"),
            # 综合评价: the open registered events, counted live against the evaluation's end (docs/grid.md)
            models.Index(
                fields=["jurisdiction", "reported_at"],
                name="grid_event_open_reg",
                condition=models.Q(closed_at__isnull=True, registered_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.event_class_id}"


class EventPhoto(JurisdictionScoped):
    """A photo of an event: on report (上报), on feedback (处置后) or on verification (核查)."""

    class Stage(models.TextChoices):
        REPORT = "report", _("上报照片")
        FEEDBACK = "feedback", _("处置照片")
        VERIFY = "verify", _("核查照片")

    event = models.ForeignKey(Event, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="photos")
    attachment = models.ForeignKey(
        "cases.Attachment", verbose_name=_("附件"), on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(_("环节"), max_length=16, choices=Stage.choices)

    class Meta:
        ordering = ["event_id", "id"]
        verbose_name = _("事件照片")
        verbose_name_plural = _("事件照片")

    def __str__(self) -> str:
        return f"{self.event_id} {self.stage}"


class Escalation(JurisdictionScoped):
    """An overdue step escalated: level 1 warns the grid supervisor, level 2 goes to the next level."""

    event = models.ForeignKey(Event, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="escalations")
    case = models.ForeignKey("cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("升级层级"))
    state = models.CharField(_("超期环节"), max_length=40)
    step_started_at = models.DateTimeField(_("环节开始"))
    due_at = models.DateTimeField(_("期限"))
    to_role = models.CharField(_("通知角色"), max_length=32)
    to_jurisdiction = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("通知单位"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("升级时间"))
    # 督办: the addressee's instruction, also written on the case timeline
    supervised_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    supervised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    instruction = models.TextField(_("督办意见"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("超期升级")
        verbose_name_plural = _("超期升级")
        indexes = [models.Index(fields=["to_jurisdiction", "to_role", "-id"], name="grid_escalation_inbox")]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "case", "step_started_at", "level"], name="grid_escalation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} L{self.level}"


class Handover(JurisdictionScoped):
    """An event turned into an enforcement clue (案源)."""

    event = models.ForeignKey(Event, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="handovers")
    reason = models.TextField(_("移交理由"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("移交人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("移交时间"))
    delivered = models.BooleanField(_("已送达执法"), default=False)
    clue_ref = models.CharField(_("案源编号"), max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("移交执法")
        verbose_name_plural = _("移交执法")

    def __str__(self) -> str:
        return f"{self.event_id} → {self.clue_ref or '-'}"


class Patrol(JurisdictionScoped):
    """A patrol (巡查日志) by a grid worker, with its GPS track."""

    grid = models.ForeignKey(
        Grid, verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    patroller = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("巡查人"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    distance_m = models.FloatField(_("里程（米）"), default=0)
    point_count = models.PositiveIntegerField(_("轨迹点数"), default=0)
    note = models.TextField(_("巡查记录"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("巡查日志")
        verbose_name_plural = _("巡查日志")
        indexes = [models.Index(fields=["jurisdiction", "patroller", "started_at"], name="grid_patrol_user")]

    def __str__(self) -> str:
        return f"{self.patroller_id} {self.started_at:%Y-%m-%d %H:%M}"


class TrackPoint(JurisdictionScoped):
    patrol = models.ForeignKey(Patrol, verbose_name=_("巡查"), on_delete=models.CASCADE, related_name="points")
    at = models.DateTimeField(_("时间"))
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    accuracy_m = models.FloatField(_("精度（米）"), null=True, blank=True)

    class Meta:
        ordering = ["patrol_id", "at", "id"]
        verbose_name = _("轨迹点")
        verbose_name_plural = _("轨迹点")

    def __str__(self) -> str:
        return f"{self.patrol_id} {self.at:%H:%M:%S}"


class Open311Key(models.Model):
    """An api_key for POST /open311/v2/requests (stored as SHA-256)."""

    name = models.CharField(_("调用方"), max_length=64)
    key_sha256 = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("Open311密钥")
        verbose_name_plural = _("Open311密钥")

    def __str__(self) -> str:
        return self.name


class EventDayCount(JurisdictionScoped):
    """综合评价's counts of the events reported on one day (Beijing time) in one grid, per village, department,
    reporter and handler — the figures of DOMAIN §1.7 that do not depend on the evaluation's end (the open events
    past their deadline are counted live, from the open ones only). Kept current by ``township.grid.counts``: a
    step of an event recounts its (town, grid, day) bucket; ``manage.py recount_grid_events`` rebuilds all."""

    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("网格"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("处置部门"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处置人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("上报日期"))
    reported = models.PositiveIntegerField(_("上报数"), default=0)
    valid = models.PositiveIntegerField(_("有效上报数"), default=0)
    registered = models.PositiveIntegerField(_("立案数"), default=0)
    to_handle = models.PositiveIntegerField(_("应处置数"), default=0)
    handled = models.PositiveIntegerField(_("处置数"), default=0)
    handled_on_time = models.PositiveIntegerField(_("按期处置数"), default=0)
    reworked = models.PositiveIntegerField(_("返工数"), default=0)
    postponed = models.PositiveIntegerField(_("延期数"), default=0)
    # 应结案 among the closed (registered, live, not postponed now, closed) and of those 按期结案
    closed = models.PositiveIntegerField(_("结案数"), default=0)
    closed_on_time = models.PositiveIntegerField(_("按期结案数"), default=0)

    class Meta:
        ordering = ["jurisdiction_id", "day", "grid_id"]
        verbose_name = _("事件日统计")
        verbose_name_plural = _("事件日统计")
        indexes = [
            models.Index(fields=["jurisdiction", "day"], name="grid_daycount_day"),
            models.Index(fields=["jurisdiction", "grid", "day"], name="grid_daycount_bucket"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.grid_id} {self.day}"


class EventPoint(JurisdictionScoped):
    """The map's summary of the open events (地图点位): one row per event whose case is open, with what the map shows
    and what the event scope filters on, so the map reads one table by the town's key and newest first — a few
    thousand rows whatever the volume — instead of joining every open event to its case and sorting them. Kept
    current by ``township.grid.points`` from the engine's timeline (every step of an event writes one), after
    commit; ``manage.py recount_grid_events`` rebuilds it (docs/grid.md, map)."""

    # indexed alone too: a county's map walks its points newest first across its towns and stops at its limit
    event = models.ForeignKey(Event, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # the columns the event scope reads (selectors.event_scope_q), without their own indexes: a town's open events
    village = models.ForeignKey(
        "org.Jurisdiction",
        verbose_name=_("村社区"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("网格"), null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("处置部门"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处置人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    event_class = models.ForeignKey(
        EventClass, verbose_name=_("类别"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    lon = models.FloatField(_("经度（WGS-84）"))
    lat = models.FloatField(_("纬度（WGS-84）"))
    state = models.CharField(_("状态"), max_length=40)
    number = models.CharField(_("案件编号"), max_length=64)
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    reported_at = models.DateTimeField(_("上报时间"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "event"], name="grid_point_once")]
        # the event lists filtered by open states (selectors._event_page): a town's events in those states, by id
        indexes = [models.Index(fields=["jurisdiction", "state", "event"], name="grid_point_state")]
        ordering = ["-event_id"]
        verbose_name = _("地图点位")
        verbose_name_plural = _("地图点位")

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.event_id}"


class MapVersion(JurisdictionScoped):
    """How many times a town's open points changed (``township.grid.points``: one more with every refresh, in its
    transaction): the map's ETag and per-process cache read the sum over the towns a user reaches — one indexed
    aggregate over a few rows — to know whether its answer changed (docs/grid.md, map)."""

    version = models.BigIntegerField(_("版本"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction"], name="grid_mapversion_once")]
        verbose_name = _("地图点位版本")
        verbose_name_plural = _("地图点位版本")

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.version}"


class FeatureKind(models.TextChoices):
    ROAD = "road", _("道路")
    RIVER = "river", _("河流")


class MapFeature(JurisdictionScoped):
    """A road or river of the town's own map (issue 15): drawn under the grid polygons, so a map without a basemap
    (no tile service configured or reachable) stays readable. GeoJSON LineString / MultiLineString, WGS-84,
    imported from a FeatureCollection (网格管理 → 道路河流, ``import_map_features``); ``generated`` marks lines the
    demo drew between village centres (not surveyed)."""

    kind = models.CharField(_("类型"), max_length=8, choices=FeatureKind.choices, default=FeatureKind.ROAD)
    name = models.CharField(_("名称"), max_length=64)
    geometry = models.JSONField(_("线形（GeoJSON）"))
    min_lon = models.FloatField(_("最小经度"))
    min_lat = models.FloatField(_("最小纬度"))
    max_lon = models.FloatField(_("最大经度"))
    max_lat = models.FloatField(_("最大纬度"))
    length_km = models.FloatField(_("长度（公里）"), default=0)
    generated = models.BooleanField(_("演示生成（非实测）"), default=False)
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        ordering = ["jurisdiction_id", "kind", "name", "id"]
        verbose_name = _("道路河流")
        verbose_name_plural = _("道路河流")
        indexes = [models.Index(fields=["jurisdiction", "kind"], name="grid_feature_kind")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


def _connect_counts() -> None:
    from township.grid import classes, counts

    counts.connect()  # the engine's timeline marks the evaluation buckets to recount (township/grid/counts.py)
    classes.connect()  # a class saved or deleted: the processes' kept copies are read again (township/grid/classes.py)


_connect_counts()
