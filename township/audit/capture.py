"""Capture: signal receivers that write an ``OperationLog`` row for every create, change and delete of an audited
model (pre_save reads the stored row, post_save compares; pre/post_delete; m2m_changed for many-to-many fields).

Only system and configuration models are audited (``AUDITED_MODELS``); business records of case types have their
own hash-chained timelines. Rows are written in the same transaction as the change: no change without its row, and
a failing log write fails the change. ``QuerySet.update()`` and ``bulk_create`` send no signals: services must
save audited rows one by one (they do today).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _

from township.audit import context
from township.audit.masking import loggable, scrub_text
from township.audit.models import Action, OperationLog, Source

# app_label.ModelName of every audited model: users, grants, units, tokens, officers and their credentials,
# discretion bands and hearing thresholds, the catalog, the holiday table, settings, seal keys, grids.
AUDITED_MODELS: tuple[str, ...] = (
    "auth.Group",
    "org.Jurisdiction",
    "org.Department",
    "org.User",
    "org.RoleGrant",
    "org.ApiToken",
    "core.CalendarYear",
    "core.Holiday",
    "enforcement.Team",
    "enforcement.TeamZone",
    "enforcement.Officer",
    "enforcement.Credential",
    "enforcement.LegalReviewer",
    "enforcement.PenaltyItem",
    "enforcement.DiscretionBand",
    "enforcement.HearingThreshold",
    "enforcement.EnforcementConfig",
    "enforcement.InspectionItem",
    "catalog.MaterialType",
    "catalog.Item",
    "catalog.Material",
    "catalog.Delegation",
    "catalog.Theme",
    "catalog.ThemeItem",
    "certificates.SealKey",
    "grid.Grid",
    "grid.GridStaff",
    "grid.EventClass",
    "grid.Open311Key",
    "system.Post",
    "system.UserProfile",
    "system.DictType",
    "system.DictItem",
    "system.Parameter",
    "system.Notice",
    "party.PartyOrg",
)

# Bookkeeping fields that change on every use, not by anyone's decision (auto_now fields are skipped as well).
SKIPPED_FIELDS: dict[str, frozenset[str]] = {
    "org.User": frozenset({"last_login"}),
    "org.ApiToken": frozenset({"last_used_at"}),
}

# Fields shown in every "update" row of their model beside the changed ones, even when unchanged: the reason of a
# correction (a second correction with the same reason still names it).
WITH_EVERY_UPDATE: dict[str, tuple[str, ...]] = {
    "party.PartyOrg": ("correction_reason",),
}

_BEFORE = "_audit_before"
_DELETING = "_audit_deleting"
_M2M_BEFORE = "_audit_m2m_before"


def audited_models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label in AUDITED_MODELS]


def _label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}"


def _fields(model: type[models.Model], update_fields: Any = None) -> list[models.Field[Any, Any]]:
    skipped = SKIPPED_FIELDS.get(_label(model), frozenset())
    chosen = []
    for f in model._meta.concrete_fields:
        if f.name in skipped or getattr(f, "auto_now", False):
            continue
        if f.primary_key and isinstance(f, models.AutoField):
            continue
        if update_fields is not None and f.name not in update_fields and f.attname not in update_fields:
            continue
        chosen.append(f)
    return chosen


def _normal(field: models.Field[Any, Any], value: Any) -> Any:
    try:
        return field.to_python(value)
    except Exception:  # an unconvertible in-memory value: compare it as it is
        return value


def _town(code: str) -> str:
    """The tenant (town) code for a unit code: a village's 12-digit code starts with its town's 9 digits."""
    return code[:9] if len(code) == 12 else code


def _object_tenant(instance: models.Model) -> str:
    if _label(type(instance)) == "org.Jurisdiction":
        return _town(str(instance.pk))
    code = getattr(instance, "jurisdiction_id", None)
    return _town(str(code)) if code else ""


def _repr(instance: models.Model) -> str:
    try:
        text = str(instance)
    except Exception:  # a related row already gone (cascades): fall back to the type and key
        text = f"{instance._meta.verbose_name} #{instance.pk}"
    return scrub_text(text)[:200]


def _actor(tenant: str) -> dict[str, Any]:
    """The acting user and their unit (the grant in the object's unit if they hold one, else their first)."""
    from township.org.scoping import grants_of

    ctx = context.current()
    if ctx is None:
        return {"actor_username": "system", "actor_name": _("系统"), "source": Source.SYSTEM}
    out: dict[str, Any] = {"ip": ctx.ip, "source": ctx.source}
    user = getattr(ctx.request, "user", None)
    if user is None or not user.is_authenticated:
        return {**out, "actor_username": "anonymous", "actor_name": _("未登录用户")}
    out.update(actor_id=user.pk, actor_username=user.get_username(), actor_name=str(user)[:64])
    grants = grants_of(user)
    grant = next((g for g in grants if _town(g.jurisdiction_id) == tenant), grants[0] if grants else None)
    if grant is not None:
        unit = grant.jurisdiction.name
        if grant.department is not None:
            unit += " · " + grant.department.name
        out.update(actor_unit=unit[:160], actor_tenant=_town(grant.jurisdiction_id))
    return out


def _write(instance: models.Model, action: str, changes: dict[str, Any], using: str, **saved: Any) -> None:
    tenant = saved.get("tenant") or _object_tenant(instance)
    who = _actor(tenant)
    actor_tenant = who.pop("actor_tenant", "")
    OperationLog.objects.using(using).create(
        at=timezone.now(),
        jurisdiction_code=tenant or actor_tenant,
        action=action,
        content_type=ContentType.objects.db_manager(using).get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=saved.get("repr") or _repr(instance),
        changes=changes,
        **who,
    )


def _on_pre_save(sender: type[models.Model], instance: models.Model, using: str, **kwargs: Any) -> None:
    fields = _fields(sender, kwargs.get("update_fields"))
    if not fields or instance.pk is None:
        instance.__dict__[_BEFORE] = None
        return
    stored = sender._base_manager.using(using).filter(pk=instance.pk).values(*[f.attname for f in fields]).first()
    instance.__dict__[_BEFORE] = stored


def _on_post_save(sender: type[models.Model], instance: models.Model, created: bool, using: str, **kwargs: Any) -> None:
    before = instance.__dict__.pop(_BEFORE, None)
    fields = _fields(sender, kwargs.get("update_fields"))
    if not fields:
        return
    changes: dict[str, Any] = {}
    if created or before is None:
        for f in fields:
            value = getattr(instance, f.attname)
            if value not in (None, "", [], {}):
                changes[f.name] = [None, loggable(f.name, value)]
        _write(instance, Action.CREATE, changes, using)
        return
    for f in fields:
        old, new = before[f.attname], getattr(instance, f.attname)
        if _normal(f, old) != _normal(f, new):
            changes[f.name] = [loggable(f.name, old), loggable(f.name, new)]
    if changes:
        for name in WITH_EVERY_UPDATE.get(_label(sender), ()):
            if name not in changes and name in before:
                value = loggable(name, getattr(instance, name))
                changes[name] = [value, value]
        _write(instance, Action.UPDATE, changes, using)


def _on_pre_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    # Read the name and unit while related rows still exist (a cascade deletes them next).
    instance.__dict__[_DELETING] = {"repr": _repr(instance), "tenant": _object_tenant(instance)}


def _on_post_delete(sender: type[models.Model], instance: models.Model, using: str, **kwargs: Any) -> None:
    saved = instance.__dict__.pop(_DELETING, {})
    changes = {}
    for f in _fields(sender):
        value = getattr(instance, f.attname)
        if value not in (None, "", [], {}):
            changes[f.name] = [loggable(f.name, value), None]
    _write(instance, Action.DELETE, changes, using, **saved)


def _m2m_accessor(instance: models.Model, through: type[models.Model], reverse: bool) -> str | None:
    if not reverse:
        for f in instance._meta.many_to_many:
            if f.remote_field.through is through:
                return f.name
        return None
    for rel in instance._meta.related_objects:
        if rel.many_to_many and getattr(rel, "through", None) is through:
            return rel.get_accessor_name()
    return None


def _on_m2m_changed(sender: type[models.Model], instance: models.Model, action: str, **kwargs: Any) -> None:
    name = _m2m_accessor(instance, sender, kwargs.get("reverse", False))
    if name is None or action not in ("pre_add", "pre_remove", "pre_clear", "post_add", "post_remove", "post_clear"):
        return
    current = sorted(getattr(instance, name).values_list("pk", flat=True))
    remembered = instance.__dict__.setdefault(_M2M_BEFORE, {})
    if action.startswith("pre_"):
        remembered[name] = current
        return
    before = remembered.pop(name, None)
    if before is not None and before != current:
        _write(instance, Action.UPDATE, {name: [before, current]}, kwargs.get("using") or "default")


def connect() -> None:
    """Connect the receivers to every audited model (called once from AuditConfig.ready)."""
    for model in audited_models():
        uid = f"audit:{_label(model)}"
        pre_save.connect(_on_pre_save, sender=model, dispatch_uid=uid)
        post_save.connect(_on_post_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(_on_pre_delete, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_post_delete, sender=model, dispatch_uid=uid)
        for f in model._meta.many_to_many:
            through = f.remote_field.through
            if through is not None:
                m2m_changed.connect(_on_m2m_changed, sender=through, dispatch_uid=f"audit:{through._meta.label}")
