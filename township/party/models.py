"""Party-building overlay on the grid (党建引领网格化, issue 15; DOMAIN2 §7).

Minimal by design (DOMAIN2 §7.2): party organisations with their grid, village and secretary; the links of people
to an organisation in a grid role (党员中心户, 联户党员 …) that point at the people already known to the platform
(a staff account or a subject of the 主体库) — **no second 党员 register**: no join date, status, dues or other
political detail, only the membership flag implied by the link, the household address and grid; yearly 星级 /
红旗 ratings, corrected by a new row that replaces the old one (history kept, nothing deleted).
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township.core.tenancy import JurisdictionScoped


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    JOINT_BRANCH = "joint_branch", _("联合党支部")
    GRID_BRANCH = "grid_branch", _("网格党支部")
    GROUP = "group", _("党小组")


class PartyOrg(JurisdictionScoped):
    """A party organisation of the town: 镇党委, 村党支部, 非公企业党支部 …"""

    code = models.CharField(_("组织编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    non_public = models.BooleanField(_("非公企业党组织"), default=False)
    enterprise = models.CharField(_("所在企业"), max_length=100, blank=True)
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "grid.Grid", verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lon = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)
    lat = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("书记"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    secretary_name = models.CharField(_("书记姓名"), max_length=32, blank=True)
    term_start = models.DateField(_("本届任期开始"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(_("任期（年）"), default=5)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # The reason of the last correction (编辑): saved with the change, so the operation log (township.audit, which
    # captures this model) holds the values before and after and the reason in one row.
    correction_reason = models.CharField(_("更正理由"), max_length=200, blank=True)

    class Meta:
        ordering = ["jurisdiction_id", "code"]
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "code"], name="party_org_unique_code")]
        indexes = [models.Index(fields=["jurisdiction", "village"], name="party_org_village")]

    def __str__(self) -> str:
        return self.name

    @property
    def secretary_display(self) -> str:
        return self.secretary.display_name if self.secretary_id else self.secretary_name


class MemberRole(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    COMMITTEE = "committee", _("委员")
    GROUP_LEADER = "group_leader", _("党小组长")
    CENTRAL_HOUSEHOLD = "central_household", _("党员中心户")
    LINKED = "linked", _("联户党员")
    REPORTED = "reported", _("在职党员（报到）")
    MOBILE = "mobile", _("流动党员")


class MemberLink(JurisdictionScoped):
    """A person's link to a party organisation in a grid role (e.g. 党员中心户 volunteering in a grid).

    The person is one already known to the platform: a staff account (``user``, e.g. the grid volunteer) or a
    subject of the 主体库 (``subject``); ``name`` only when neither exists yet. No political detail is stored.
    """

    org = models.ForeignKey(PartyOrg, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name=_("主体"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=32, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=MemberRole.choices)
    grid = models.ForeignKey(
        "grid.Grid", verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household_address = models.CharField(_("户址"), max_length=200, blank=True)
    households = models.PositiveSmallIntegerField(_("联系户数"), default=0)
    active_from = models.DateField(_("起始日期"))
    active_to = models.DateField(_("终止日期"), null=True, blank=True)

    class Meta:
        ordering = ["org_id", "role", "id"]
        verbose_name = _("党员联系户")
        verbose_name_plural = _("党员联系户")
        indexes = [
            models.Index(fields=["jurisdiction", "org"], name="party_link_org"),
            models.Index(fields=["jurisdiction", "grid"], name="party_link_grid"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(subject__isnull=False) | ~Q(name=""), name="party_link_has_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.get_role_display()}"

    @property
    def person_name(self) -> str:
        if self.user_id:
            return self.user.display_name
        if self.subject_id:
            return str(getattr(self.subject, "name", "") or "")
        return self.name


class Rating(JurisdictionScoped):
    """A yearly rating of an organisation: stars (星级, 1–5) and the 红旗党支部 title, with the scheme and score.

    One current rating per organisation and year; a correction adds a new row that ``replaces`` the old one, which
    stays (``current`` false) with the reason — history, not deletion.
    """

    org = models.ForeignKey(PartyOrg, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="ratings")
    year = models.PositiveSmallIntegerField(_("年度"))
    scheme = models.CharField(_("评定办法"), max_length=64, default="五星支部")
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    stars = models.PositiveSmallIntegerField(_("星级"))
    red_flag = models.BooleanField(_("红旗党支部"), default=False)
    reviewed_by = models.CharField(_("评定单位"), max_length=64, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    current = models.BooleanField(_("现行"), default=True)
    replaces = models.ForeignKey(
        "self", verbose_name=_("更正前记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    correction_reason = models.CharField(_("更正理由"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["org_id", "-year", "-id"]
        verbose_name = _("星级评定")
        verbose_name_plural = _("星级评定")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "org", "year"], condition=Q(current=True), name="party_rating_one_current"
            ),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="party_rating_stars_range"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year} {self.stars}★"


class RevealChannel(models.TextChoices):
    WEB = "web", _("网页")
    API = "api", _("接口")


class RevealScope(models.TextChoices):
    DETAIL = "detail", _("党组织详情（党员联系户）")
    LIST = "list", _("党组织列表（书记姓名）")
    LAYER = "layer", _("党建图层（党员中心户）")
    EXPORT = "export", _("导出")


class RevealLog(JurisdictionScoped):
    """One showing of party data unmasked (member names, the secretary): who, when, through which channel, which
    organisation (or which list / map layer) and how many member names — one row per page view or API call, never
    per member (DOMAIN2 §7.2: party membership is sensitive). Append-only; read by the town's auditor on the
    个人信息查看记录 page (township.audit.reveals)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    channel = models.CharField(_("途径"), max_length=8, choices=RevealChannel.choices, default=RevealChannel.WEB)
    scope = models.CharField(_("查看内容"), max_length=8, choices=RevealScope.choices)
    org = models.ForeignKey(
        PartyOrg, verbose_name=_("党组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    orgs = models.PositiveIntegerField(_("组织数"), default=0)
    members = models.PositiveIntegerField(_("党员人数"), default=0)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("党建数据查看记录")
        verbose_name_plural = _("党建数据查看记录")
        indexes = [models.Index(fields=["jurisdiction", "at"], name="party_reveal_at")]
        triggers = [pgtrigger.Protect(name="party_reveal_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.scope} {self.org_id or ''} {self.at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> str:
        """What was seen, for the auditor: the organisation's name, or the list / layer and how many."""
        if self.org is not None:
            return self.org.name
        return str(_("%(n)d 个党组织") % {"n": self.orgs})
