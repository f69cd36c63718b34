"""案卷评查 (#12 item 6, Jiangyin's "随机抽查执法人员和执法案卷"): closed case files and their reviewers are drawn
with the 双随机 engine (``township.enforcement.draw``: pure, seeded, re-runnable from the stored snapshot), scored
against a checklist, and the files that fail are tracked until rectified."""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from township.cases.models import Assignment, Case, CaseEvent
from township.cases.types import find_case_type
from township.command.errors import CommandConflict, CommandError, CommandForbidden
from township.command.models import FileReviewItem, FileReviewPlan
from township.command.services import LEADING_ROLES
from township.core.errors import NotFound
from township.enforcement import draw as engine
from township.org.models import Jurisdiction, Role, RoleGrant, User
from township.org.scoping import has_role, reach

# The checklist (评查标准) and its points; 100 in all.
CHECKLIST: list[tuple[str, Any, int]] = [
    ("subject", gettext_lazy("执法主体合法，执法人员具备执法资格"), 10),
    ("facts", gettext_lazy("事实清楚，证据确凿充分"), 25),
    ("law", gettext_lazy("适用法律、法规、规章正确"), 20),
    ("procedure", gettext_lazy("程序合法（告知、听证、法制审核、送达）"), 25),
    ("discretion", gettext_lazy("裁量适当，符合裁量基准"), 10),
    ("documents", gettext_lazy("文书规范，卷宗完整"), 10),
]
PASS_MARK = 75  # below: 不合格, rectification required
EXCELLENT = 90
REVIEWER_ROLES: tuple[str, ...] = (Role.LEGAL_REVIEWER, Role.ENFORCEMENT_OFFICER, Role.APPROVAL_HEAD)
MAX_FILES = 200


def grade_of(total: int | None) -> str:
    if total is None:
        return _("待评查")
    if total >= EXCELLENT:
        return _("优秀")
    return _("合格") if total >= PASS_MARK else _("不合格")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _snapshot(
    *, jurisdiction: Jurisdiction, case_type: str, closed_from: date, closed_to: date, count: int, per_file: int
) -> engine.Snapshot:
    cases = list(
        Case.objects.filter(
            jurisdiction=jurisdiction,
            case_type=case_type,
            closed_at__gte=_day_start(closed_from),
            closed_at__lt=_day_start(closed_to) + timedelta(days=1),
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    reviewers = sorted(
        set(
            RoleGrant.objects.filter(
                jurisdiction=jurisdiction, role__in=REVIEWER_ROLES, user__is_active=True
            ).values_list("user_id", flat=True)
        )
    )
    # Nobody reviews a file they worked on: everyone on its timeline or assigned to it.
    acted = set(
        CaseEvent.objects.filter(
            jurisdiction_id=jurisdiction.code, case_id__in=cases, actor_id__in=reviewers
        ).values_list("actor_id", "case_id")
    )
    acted |= set(
        Assignment.objects.filter(
            jurisdiction_id=jurisdiction.code, case_id__in=cases, assignee_id__in=reviewers
        ).values_list("assignee_id", "case_id")
    )
    return engine.Snapshot(
        targets=[(c, "B") for c in cases],
        inspectors={"review": reviewers},
        conflicts=sorted(acted),
        params={
            "departments": ["review"],
            "ratios": {},
            "min_count": count,
            "inspectors_per_check": per_file,
            "items": {},
        },
    )


@transaction.atomic
def review_plan_create(
    *,
    actor: User,
    jurisdiction: Jurisdiction,
    title: str,
    case_type: str,
    closed_from: date,
    closed_to: date,
    count: int,
    reviewers_per_file: int = 1,
    seed: str = "",
) -> FileReviewPlan:
    if not has_role(actor, jurisdiction.code, LEADING_ROLES + (Role.LEGAL_REVIEWER,)):
        raise CommandForbidden("review_role_required")
    if find_case_type(case_type) is None:
        raise CommandError("review_case_type_invalid")
    if closed_to < closed_from or not 1 <= count <= MAX_FILES or not 1 <= reviewers_per_file <= 3:
        raise CommandError("review_params_invalid")
    snap = _snapshot(
        jurisdiction=jurisdiction,
        case_type=case_type,
        closed_from=closed_from,
        closed_to=closed_to,
        count=count,
        per_file=reviewers_per_file,
    )
    if not snap.targets:
        raise CommandError("review_pool_empty")
    seed = (seed or "").strip()[:64] or secrets.token_hex(16)
    try:
        result = engine.draw(snap, seed)
    except engine.DrawError:
        raise CommandConflict("review_reviewers_insufficient") from None
    plan = FileReviewPlan.objects.create(
        jurisdiction=jurisdiction,
        title=(title or "").strip()[:100] or _("案卷评查"),
        case_type=case_type,
        closed_from=closed_from,
        closed_to=closed_to,
        count=count,
        reviewers_per_file=reviewers_per_file,
        seed=seed,
        pool=json.loads(engine.snapshot_json(snap)),
        pool_hash=snap.hash,
        result_hash=engine.result_hash(result),
        created_by=actor,
        created_at=timezone.now(),
    )
    for visit in result["visits"]:
        item = FileReviewItem.objects.create(jurisdiction=jurisdiction, plan=plan, case_id=visit["target"])
        item.reviewers.set(visit["inspectors"])
    return plan


def review_verify(plan: FileReviewPlan) -> tuple[bool, list[str]]:
    """Re-run the stored draw from its snapshot and seed; compare with the stored hashes and the drawn files."""
    ok, problems = engine.verify(
        engine.canonical(plan.pool).decode("utf-8"), plan.seed, plan.pool_hash, _stored_result(plan)
    )
    return ok, problems


def _stored_result(plan: FileReviewPlan) -> dict[str, Any]:
    visits = []
    for item in plan.items.order_by("case_id").prefetch_related("reviewers"):
        visits.append(
            {
                "target": item.case_id,
                "departments": ["review"],
                "inspectors": sorted(u.pk for u in item.reviewers.all()),
                "items": [],
            }
        )
    return {"visits": visits}


@transaction.atomic
def review_score(
    *, item: FileReviewItem, actor: User, scores: dict[str, Any], findings: str, rectify: bool = False
) -> FileReviewItem:
    locked: FileReviewItem = FileReviewItem.objects.select_for_update().get(
        pk=item.pk, jurisdiction_id=item.jurisdiction_id
    )
    if not locked.reviewers.filter(pk=actor.pk).exists():
        raise CommandForbidden("review_not_reviewer")
    if locked.reviewed_at is not None:
        raise CommandConflict("review_already_scored")
    clean: dict[str, int] = {}
    for key, _label, points in CHECKLIST:
        try:
            value = int(scores.get(key, -1))
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= points:
            raise CommandError("review_score_invalid")
        clean[key] = value
    total = sum(clean.values())
    locked.scores, locked.total, locked.findings = clean, total, (findings or "").strip()[:4000]
    locked.rectification_required = rectify or total < PASS_MARK
    if locked.rectification_required and not locked.findings:
        raise CommandError("review_findings_required")
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    locked.save()
    return locked


@transaction.atomic
def review_rectified(*, item: FileReviewItem, actor: User, note: str) -> FileReviewItem:
    locked: FileReviewItem = FileReviewItem.objects.select_for_update().get(
        pk=item.pk, jurisdiction_id=item.jurisdiction_id
    )
    if not locked.rectification_required or locked.rectified_at is not None:
        raise CommandConflict("review_nothing_to_rectify")
    if not has_role(actor, locked.jurisdiction_id, LEADING_ROLES + (Role.LEGAL_REVIEWER, Role.ENFORCEMENT_OFFICER)):
        raise CommandForbidden("review_role_required")
    if not (note or "").strip():
        raise CommandError("review_note_required")
    locked.rectified_at, locked.rectification_note = timezone.now(), note.strip()[:4000]
    locked.save(update_fields=["rectified_at", "rectification_note"])
    return locked


def plans_visible(actor: User | None) -> QuerySet[FileReviewPlan]:
    codes = reach(actor, LEADING_ROLES + REVIEWER_ROLES).codes
    return FileReviewPlan.objects.filter(jurisdiction_id__in=sorted(codes))


def plan_get(*, actor: User | None, pk: int) -> FileReviewPlan:
    plan = plans_visible(actor).filter(pk=pk).first()
    if plan is None:
        raise NotFound()
    return plan


def item_get(*, actor: User | None, pk: int) -> FileReviewItem:
    item: FileReviewItem | None = FileReviewItem.objects.filter(
        jurisdiction_id__in=sorted(reach(actor, LEADING_ROLES + REVIEWER_ROLES).codes), pk=pk
    ).first()
    if item is None:
        raise NotFound()
    return item
