"""Merging duplicate subjects by a recorded correction (重复主体合并更正).

The same person or organisation registered twice (two records, e.g. one under a mistyped but valid number) is
merged into the *survivor*: in one transaction every row that points at the merged record — found through
Django's related objects, so rows of apps added later move too — is moved to the survivor; the merged record is
kept as a tombstone (``merged_into``), never deleted, and a ``SubjectCorrection`` records who merged what, when,
why and how many rows moved. Lookups of the merged identifier answer with the survivor.

Not moved: append-only logs that record what happened to the merged record itself (``RevealLog``, corrections),
and presences, which are copied (the tombstone stays visible where it was, so its correction can be read there).
A row that would duplicate one the survivor already holds (a unique constraint refuses it) stays on the
tombstone and is listed in the correction's ``kept``: nothing is lost.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.core.errors import DomainError, NotFound, PermissionRefused
from township.org.models import Role
from township.subjects.models import RevealLog, Subject, SubjectCorrection, SubjectPresence

MERGE_ROLES: tuple[str, ...] = (Role.CREDIT_OFFICER, Role.APPROVAL_HEAD)

# Rows that stay with the merged record: history of the record itself (see the module docstring).
_NOT_MOVED: tuple[type[models.Model], ...] = (RevealLog, SubjectCorrection, SubjectPresence)


def merge_towns(*, actor: Any, survivor: Subject, merged: Subject) -> list[str]:
    """Towns where ``actor`` holds a merge role and both subjects are present (the correction's tenant)."""
    from township.subjects.selectors import presences_in_reach

    mine = presences_in_reach(actor, MERGE_ROLES)
    a = set(mine.filter(subject=survivor).values_list("jurisdiction_id", flat=True))
    b = set(mine.filter(subject=merged).values_list("jurisdiction_id", flat=True))
    return sorted(a & b)


def may_merge(actor: Any, subject: Subject) -> bool:
    from township.subjects.selectors import presences_in_reach

    return presences_in_reach(actor, MERGE_ROLES).filter(subject=subject).exists()


def _pointers() -> list[Any]:
    """Every foreign key (and one-to-one) to Subject, hidden reverse relations included."""
    fields = []
    for rel in Subject._meta.get_fields(include_hidden=True):
        if not (rel.one_to_many or rel.one_to_one) or not rel.auto_created or rel.concrete:
            continue
        field = rel.field  # type: ignore[union-attr]
        if issubclass(rel.related_model, _NOT_MOVED):  # type: ignore[arg-type]
            continue
        fields.append(field)
    return fields


def _move(field: Any, merged: Subject, survivor: Subject) -> tuple[int, list[str]]:
    """Point every row of ``field`` at the survivor; rows refused by a unique constraint stay (listed)."""
    model = field.model
    qs = model._base_manager.filter(**{field.name: merged})
    if field.model is Subject and field.name == "merged_into":
        qs = qs.exclude(pk=survivor.pk)
    try:
        with transaction.atomic():
            return qs.update(**{field.name: survivor}), []
    except IntegrityError:  # a row collides with one of the survivor's: move them one by one, keep the colliding
        return _move_one_by_one(qs, field, survivor)


def _move_one_by_one(qs: Any, field: Any, survivor: Subject) -> tuple[int, list[str]]:
    model = field.model
    moved, kept = 0, []
    for pk in list(qs.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                moved += model._base_manager.filter(pk=pk).update(**{field.name: survivor})
        except IntegrityError:
            kept.append(f"{model._meta.label}#{pk}")
    return moved, kept


def subject_merge(*, survivor: Subject, merged: Subject, reason: str, actor: Any) -> SubjectCorrection:
    """Merge the duplicate ``merged`` into ``survivor`` (see the module docstring); returns the correction.

    Errors: ``not_found`` (either subject outside the actor's scope), ``merge_not_permitted`` (403: no 信用管理员 /
    审批负责人 role in a town where both are present), ``merge_same_subject``, ``merge_kind_mismatch`` (a person and an
    organisation), ``subject_already_merged``, ``reason_required``.
    """
    from township.subjects.selectors import subject_is_visible_to

    for subject in (survivor, merged):
        if not subject_is_visible_to(actor=actor, subject=subject):
            raise NotFound()
    if survivor.pk == merged.pk:
        raise DomainError("merge_same_subject", _("不能将主体与其自身合并"), field="merged")
    if survivor.kind != merged.kind:
        raise DomainError("merge_kind_mismatch", _("自然人与组织不能合并"), field="merged")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("请填写合并理由（更正依据）"), field="reason")
    towns = merge_towns(actor=actor, survivor=survivor, merged=merged)
    if not towns:
        raise PermissionRefused(
            "merge_not_permitted", _("只有两个主体所在乡镇的信用管理员或审批负责人可以合并主体"), field="merged"
        )
    with transaction.atomic():
        locked = {s.pk: s for s in Subject.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])}
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        if merged.merged_into_id is not None or survivor.merged_into_id is not None:
            raise DomainError("subject_already_merged", _("该主体已被合并，不能再次合并"), field="merged")
        moved: dict[str, int] = {}
        kept: list[str] = []
        for field in _pointers():
            count, left = _move(field, merged, survivor)
            if count:
                key = f"{field.model._meta.label}.{field.name}"
                moved[key] = moved.get(key, 0) + count
            kept.extend(left)
        for presence in SubjectPresence.objects.filter(subject=merged):
            SubjectPresence.objects.get_or_create(
                jurisdiction_id=presence.jurisdiction_id,
                subject=survivor,
                village_id=presence.village_id,
                defaults={"source": presence.source},
            )
        blanks = [
            name
            for name in ("phone", "address", "legal_representative", "village", "registered_in", "credit_class")
            if not getattr(survivor, name) and getattr(merged, name)
        ]
        for name in blanks:
            setattr(survivor, name, getattr(merged, name))
        survivor.save(update_fields=[*blanks, "updated_at"])
        merged.merged_into = survivor
        merged.merged_at = timezone.now()
        merged.save(update_fields=["merged_into", "merged_at", "updated_at"])
        correction = SubjectCorrection.objects.create(
            jurisdiction_id=towns[0],
            survivor=survivor,
            merged=merged,
            reason=reason,
            actor=actor,
            moved=moved,
            kept=kept,
        )
        from township.subjects.signals import subject_merged

        transaction.on_commit(
            lambda: subject_merged.send(sender=Subject, survivor=survivor, merged=merged, correction=correction)
        )
        return correction
