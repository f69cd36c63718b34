"""Helpers shared by the approval services: roles, the clock, notices to the applicant, the seal, materials."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.approval import rules
from township.approval.errors import Code, denied, error
from township.approval.models import (
    Application,
    ApplicationMaterial,
    Kind,
    MaterialSource,
)
from township.approval.notify import notify
from township.cases.errors import TransitionRefused
from township.cases.models import Case
from township.cases.services import case_attach
from township.cases.types import case_type_for
from township.core.errors import DomainError
from township.core.frozen import FrozenQuery
from township.org.models import Department, Role, User
from township.org.scoping import has_role
from township.subjects.models import Subject

log = logging.getLogger("township.approval.services")

CLERK_ROLES = (Role.WINDOW_CLERK, Role.APPROVER, Role.APPROVAL_HEAD)
VERIFY_ROLES = (Role.ENFORCEMENT_OFFICER, Role.APPROVER, Role.APPROVAL_HEAD)


# ---- helpers -------------------------------------------------------------------------------------------


def _clock_spec(app: Application) -> dict[str, Any] | None:
    """The acceptance clock: the item's promised (else statutory) limit, shortened by the 绿色通道 for a grade-A
    applicant in working days (``credit_effects.green_lane_limit``; the statutory default of Art 42 is never shortened
    below the floor either)."""
    spec = _item_clock_spec(app)
    if spec is None or spec["unit"] != "working_days":
        return spec
    from township.approval.credit_effects import credit_standing, green_lane_limit

    standing = credit_standing(app.applicant, with_reason=False)
    limit = green_lane_limit(
        spec["limit"],
        grade=standing["grade"],
        listed=standing["listed"] or standing["blacklisted"],
        legal_min=app.snapshot.get("legal_min_limit"),
    )
    return {**spec, "limit": limit} if limit != spec["limit"] else spec


def green_lane_note(app: Application, actor: User | None) -> None:
    """Record the 绿色通道 on the timeline when the acceptance clock was shortened (shown to the clerk with its rule)."""
    from township.approval.credit_effects import GREEN_LANE_RULE
    from township.cases.services import case_note

    item = _item_clock_spec(app)
    used = _clock_spec(app)
    if item is None or used is None or used["limit"] == item["limit"]:
        return
    case_note(
        case=app.case,
        actor=actor,
        name="green_lane",
        label=_("绿色通道：信用等级A，承诺时限缩短"),
        data={"from": item["limit"], "to": used["limit"], "unit": used["unit"], "rule": GREEN_LANE_RULE},
        comment=_("承诺时限由%(a)s个工作日缩短为%(b)s个工作日（%(r)s）")
        % {"a": item["limit"], "b": used["limit"], "r": GREEN_LANE_RULE},
    )


def _item_clock_spec(app: Application) -> dict[str, Any] | None:
    snap = app.snapshot
    limit = snap.get("promised_limit")
    unit = snap.get("promised_unit") or "working_days"
    if limit is None:
        limit = snap.get("statutory_limit")
        unit = snap.get("statutory_unit") or "working_days"
    if limit is None:
        if snap.get("item_type") == "01":  # 行政许可法第42条: 20 working days unless a law says otherwise
            return {"unit": "working_days", "limit": rules.LICENSING_DEFAULT_WORKING_DAYS}
        return None
    return {"unit": unit, "limit": int(limit)}


# the applicant's account, read on every application: compiled once per thread (township.core.frozen)
_org_account: FrozenQuery[User] = FrozenQuery(
    lambda uscc: get_user_model().objects.filter(uscc=uscc, is_active=True).order_by("id")
)
_person_account: FrozenQuery[User] = FrozenQuery(
    lambda index: get_user_model().objects.filter(resident_id_index=index, uscc="", is_active=True).order_by("id")
)


def user_for_subject(subject: Subject) -> User | None:
    """The applicant account of a subject (by USCC for organisations, resident ID for persons)."""
    if subject.kind == "org":
        return _org_account.first(subject.uscc)
    if not subject.resident_id_index:
        return None
    return _person_account.first(subject.resident_id_index)


def _notify_applicant(app: Application, title: str, body: str = "") -> None:
    if app.applicant_user_id:
        notify(user=app.applicant_user, title=title, body=body, application=app)


def issuer_department(app: Application) -> Department:
    """一章审批: the town's approval bureau (kind ``approval`` with a USCC) signs; else the item's department."""
    from township.core.identifiers import is_valid_uscc

    for dept in Department.objects.filter(jurisdiction_id=app.jurisdiction_id, kind="approval", active=True):
        if dept.uscc and is_valid_uscc(dept.uscc):
            return dept
    item = app.item
    item_dept = item.department if item is not None and item.department_id else None
    if item_dept is not None and item_dept.uscc and is_valid_uscc(item_dept.uscc):
        return item_dept
    raise error(Code.ISSUER_MISSING)


def document_seal(app: Application, kind: str, content: dict[str, Any]) -> Any:
    """Seal a letter of the application with the approval bureau's SM2 key (一章审批); the same text keeps its code.
    Errors: issuer_missing, issuer_uscc_missing."""
    from township.certificates.services import document_seal as seal

    return seal(
        department=issuer_department(app),
        kind=f"approval.{kind}",
        title=str(content["title"]),
        number=content["number"],
        addressee=content["addressee"],
        issued_on=content["date"],
        paragraphs=[str(p) for p in content["paragraphs"]],
        source_case=app.case,
    )


def document_seal_if_possible(app: Application, kind: str, content: dict[str, Any]) -> Any:
    """:func:`document_seal`, or ``None`` when the bureau has no seal key yet (no department with a valid USCC): the
    letter is then printed with the drawn seal only, and that is logged."""
    try:
        return document_seal(app, kind, content)
    except DomainError as exc:
        log.warning("letter %s of application %s printed unsealed: %s", kind, app.pk, exc.code)
        return None


# ---- materials -----------------------------------------------------------------------------------------


def _material_names(app: Application, codes: Iterable[str]) -> list[str]:
    from township.approval.selectors import material_names

    return material_names(app, codes)


def _required_materials(snapshots: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merged material list of one or more item versions, less what the bundle produces itself."""
    from township.approval.selectors import bundle_materials

    return bundle_materials(snapshots)


def _record_materials(
    app: Application,
    required: list[dict[str, Any]],
    *,
    actor: User | None,
    uploads: dict[str, Any] | None,
    paper: Iterable[str],
    use_library: bool,
    batch: list[ApplicationMaterial] | None = None,
    offers: dict[str, Any] | None = None,
) -> list[Any]:
    """Fill ApplicationMaterial rows: uploads, then library offers (一库共享), then paper originals.

    ``batch``: the application is new and not written yet (no rows): its rows are added to ``batch``, and the
    caller writes them with it (``core.inserts.insert_together``). ``offers``: the library's offers read already
    (``library_offers``), else read here when ``use_library``."""
    uploads = uploads or {}
    paper = set(paper or ())
    if offers is None:
        offers = library_offers(app.applicant, required) if use_library else {}
    reused = []
    new = batch is not None
    existing = {} if new else {m.material_type_code: m for m in ApplicationMaterial.objects.filter(application=app)}
    created: list[ApplicationMaterial] = batch if batch is not None else []
    for row in required:
        code = row["code"]
        source, attachment, library_item = MaterialSource.MISSING, None, None
        if code in uploads:
            attachment = case_attach(case=app.case, actor=actor, uploaded_file=uploads[code], purpose=code)
            source = MaterialSource.UPLOAD
        elif code in offers:
            library_item = offers[code]
            source = MaterialSource.LIBRARY
            reused.append(library_item)
        elif code in paper:
            source = MaterialSource.PAPER
        mat = existing.get(code)
        if mat is None:
            created.append(
                ApplicationMaterial(
                    jurisdiction_id=app.jurisdiction_id,
                    application=app,
                    material_type_code=code,
                    name=row["name"],
                    essential=row["essential"],
                    source=source,
                    attachment=attachment,
                    library_item=library_item,
                )
            )
        elif not mat.provided and source != MaterialSource.MISSING:
            mat.source, mat.attachment, mat.library_item = source, attachment, library_item
            mat.save(update_fields=["source", "attachment", "library_item", "updated_at"])
    if not new:
        ApplicationMaterial.objects.bulk_create(created)  # not an audited model: no signal is missed
    return reused


def library_offers(applicant: Any, required: list[dict[str, Any]]) -> dict[str, Any]:
    """The library's newest usable item of the applicant for each required material type, by type (一库共享)."""
    from township.certificates.selectors import library_offer

    return {li.material_type_code: li for li in library_offer(applicant, [r["code"] for r in required])}


def _record_reuse(app: Application, actor: User | None, items: list[Any]) -> None:
    if not items:
        return
    from township.certificates.services import library_record_reuse

    library_record_reuse(case=app.case, actor=actor, items=items)


def application_materials(app: Application) -> list[ApplicationMaterial]:
    from township.approval.selectors import application_materials as read

    return read(app)


def _store_verified_uploads(app: Application, actor: User | None) -> None:
    """一库共享: materials the clerk has checked go into the applicant's library (deduplicated)."""
    from township.certificates.services import library_store

    for mat in ApplicationMaterial.objects.filter(
        application_id=app.material_owner_id, source=MaterialSource.UPLOAD, attachment__isnull=False
    ).select_related("attachment"):
        library_store(
            subject=app.applicant,
            material_type_code=mat.material_type_code,
            title=mat.name,
            jurisdiction=app.jurisdiction_id,
            actor=actor,
            attachment=mat.attachment,
            source_case=app.case,
            source_app="approval",
        )


def _due_text(case: Case) -> str:
    return timezone.localtime(case.due_at).strftime("%Y-%m-%d") if case.due_at else "—"


def _require_case_actor(app: Application, actor: User | None, roles: Iterable[str]) -> None:
    if actor is None:
        return
    if app.applicant_user_id == actor.pk:
        return
    if not has_role(actor, app.jurisdiction_id, roles, app.village_id):
        raise denied(Code.PERMISSION_DENIED)


def _after_terminal(app: Application) -> None:
    """A bundle parent closes when its last child closes (SYSTEM transition)."""
    if app.kind != Kind.CHILD or app.parent_id is None:
        return
    parent = Application.objects.select_related("case").get(pk=app.parent_id)
    if parent.case.closed_at is not None:
        return
    try:
        with transaction.atomic():
            case_type_for(parent.case.case_type).fire(parent.case, "close", None)
    except TransitionRefused:
        return
    _notify_applicant(parent, _("一件事已全部办结：%(t)s") % {"t": parent.title})
