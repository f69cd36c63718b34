"""Approval services: the rules of 一窗受理 · 一网通办 · 一章审批 around the one case engine.

Every state change goes through ``township.cases.services.case_transition`` (guards in ``rules.py``).
Services are keyword-only, take ``actor`` and raise ``DomainError`` / ``TransitionRefused`` with a
stable code and a Chinese message. Web views and API endpoints call these and nothing else.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from township.approval import rules
from township.approval.errors import Code, denied, error
from township.approval.machine import APPLICATION, BUNDLE, S
from township.approval.models import (
    AcceptMode,
    Application,
    ApplicationMaterial,
    Channel,
    Decision,
    Grade,
    Kind,
    MaterialSource,
    QueueTicket,
    Rating,
    RectificationTask,
    SupplementNotice,
    TicketStatus,
    VerificationMethod,
    VerificationOutcome,
    VerificationStatus,
    VerificationTask,
)
from township.approval.notify import notify
from township.cases.errors import TransitionRefused
from township.cases.models import Case, EventKind
from township.cases.services import case_assign, case_attach, case_extend, case_note, case_open
from township.cases.types import case_type_for
from township.core.errors import DomainError, NotFound
from township.org.models import Department, Jurisdiction, Level, Role, User
from township.org.scoping import has_role
from township.subjects.models import Subject

log = logging.getLogger(__name__)

CLERK_ROLES = (Role.WINDOW_CLERK, Role.APPROVER, Role.APPROVAL_HEAD)
VERIFY_ROLES = (Role.ENFORCEMENT_OFFICER, Role.APPROVER, Role.APPROVAL_HEAD)


# ---- helpers -------------------------------------------------------------------------------------------


def _clock_spec(app: Application) -> dict[str, Any] | None:
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


def user_for_subject(subject: Subject) -> User | None:
    """The applicant account of a subject (by USCC for organisations, resident ID for persons)."""
    users = get_user_model().objects
    if subject.kind == "org":
        return users.filter(uscc=subject.uscc, is_active=True).order_by("id").first()
    return users.filter(resident_id=subject.resident_id, uscc="", is_active=True).order_by("id").first()


def _notify_applicant(app: Application, title: str, body: str = "") -> None:
    if app.applicant_user_id:
        notify(user=app.applicant_user, title=title, body=body, application=app)


def issuer_department(app: Application) -> Department:
    """一章审批: the town's approval bureau (kind ``approval`` with a USCC) signs; else the item's department."""
    from township.core.identifiers import is_valid_uscc

    for dept in Department.objects.filter(jurisdiction_id=app.jurisdiction_id, kind="approval", active=True):
        if dept.uscc and is_valid_uscc(dept.uscc):
            return dept
    item_dept = app.item.department if app.item_id and app.item.department_id else None
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
    """Merged material list of one or more item versions (one row per material type; essential if any)."""
    merged: dict[str, dict[str, Any]] = {}
    for snap in snapshots:
        for m in snap.get("materials", []):
            code = m["material_type_code"]
            row = merged.setdefault(
                code, {"code": code, "name": m.get("material_type_name") or m["name"], "essential": False}
            )
            row["essential"] = row["essential"] or bool(m["essential"])
    return list(merged.values())


def _record_materials(
    app: Application,
    required: list[dict[str, Any]],
    *,
    actor: User | None,
    uploads: dict[str, Any] | None,
    paper: Iterable[str],
    use_library: bool,
) -> list[Any]:
    """Fill ApplicationMaterial rows: uploads, then library offers (一库共享), then paper originals."""
    from township.certificates.selectors import library_offer

    uploads = uploads or {}
    paper = set(paper or ())
    offers = {}
    if use_library:
        offers = {li.material_type_code: li for li in library_offer(app.applicant, [r["code"] for r in required])}
    reused = []
    existing = {m.material_type_code: m for m in ApplicationMaterial.objects.filter(application=app)}
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
            ApplicationMaterial.objects.create(
                jurisdiction_id=app.jurisdiction_id,
                application=app,
                material_type_code=code,
                name=row["name"],
                essential=row["essential"],
                source=source,
                attachment=attachment,
                library_item=library_item,
            )
        elif not mat.provided and source != MaterialSource.MISSING:
            mat.source, mat.attachment, mat.library_item = source, attachment, library_item
            mat.save(update_fields=["source", "attachment", "library_item", "updated_at"])
    return reused


def _record_reuse(app: Application, actor: User | None, items: list[Any]) -> None:
    if not items:
        return
    from township.certificates.services import library_record_reuse

    library_record_reuse(case=app.case, actor=actor, items=items)


def application_materials(app: Application) -> list[ApplicationMaterial]:
    from township.approval.selectors import application_materials as read

    return read(app)


# ---- submission ----------------------------------------------------------------------------------------


def _check_channel(
    *, actor: User | None, jurisdiction_id: str, applicant: Subject, channel: str, village: Jurisdiction | None
) -> tuple[User | None, User | None]:
    """Who may file through which channel. Returns (applicant account, agent)."""
    from township.subjects.selectors import subject_for_user

    if actor is None or not actor.is_authenticated:
        raise denied(Code.LOGIN_REQUIRED)
    if channel == Channel.ONLINE:
        own = subject_for_user(actor, create=True)
        if own is None or own.pk != applicant.pk:
            raise denied(Code.NOT_APPLICANT)
        return actor, None
    if channel == Channel.WINDOW:
        if not has_role(actor, jurisdiction_id, CLERK_ROLES):
            raise denied(Code.PERMISSION_DENIED, variant="window")
        return user_for_subject(applicant), actor
    if channel == Channel.VILLAGE_AGENT:
        if village is None or not has_role(actor, jurisdiction_id, [Role.VILLAGE_AGENT], village.code):
            raise denied(Code.PERMISSION_DENIED, variant="agent")
        if applicant.village_id and applicant.village_id != village.code:
            raise error(Code.NOT_VILLAGE_RESIDENT, field="applicant")
        return user_for_subject(applicant), actor
    raise error(Code.BAD_CHANNEL, field="channel")


def _channel_offered(snap: dict[str, Any], channel: str) -> bool:
    channels = snap.get("channels") or []
    if channel == Channel.ONLINE:
        return "online" in channels or "no_visit" in channels
    if channel == Channel.VILLAGE_AGENT:
        return "village_agent" in channels
    return True


def _pin(item: Any) -> Any:
    from township.catalog.selectors import item_version_current

    version = item_version_current(item)
    if version is None:
        raise error(Code.ITEM_NOT_PUBLISHED, field="item", name=item.name)
    return version


def _village_of(actor: User | None, channel: str, village: Jurisdiction | str | None) -> Jurisdiction | None:
    if isinstance(village, str):
        village = Jurisdiction.objects.filter(pk=village, level=Level.VILLAGE).first()
    if village is None and channel == Channel.VILLAGE_AGENT and actor is not None:
        from township.org.models import RoleGrant

        grant = (
            RoleGrant.objects.filter(user=actor, role=Role.VILLAGE_AGENT, jurisdiction__level=Level.VILLAGE)
            .select_related("jurisdiction")
            .first()
        )
        village = grant.jurisdiction if grant else None
    return village


@transaction.atomic
def application_submit(
    *,
    actor: User | None,
    item: Any,
    applicant: Subject,
    channel: str,
    uploads: dict[str, Any] | None = None,
    paper: Iterable[str] = (),
    use_library: bool = True,
    village: Jurisdiction | str | None = None,
) -> Application:
    """File one application for a catalog item; pins the item's current version.

    Errors: item_not_published, channel_not_offered, not_applicant, permission_denied,
    not_village_resident, bad_channel, login_required, attachment_* (uploads).
    """
    version = _pin(item)
    snap = version.snapshot
    if not _channel_offered(snap, channel):
        raise error(Code.CHANNEL_NOT_OFFERED, field="channel")
    village = _village_of(actor, channel, village)
    applicant_user, agent = _check_channel(
        actor=actor, jurisdiction_id=item.jurisdiction_id, applicant=applicant, channel=channel, village=village
    )
    village = village or applicant.village if applicant.village_id else village
    return _open_application(
        actor=actor,
        kind=Kind.SINGLE,
        jurisdiction_id=item.jurisdiction_id,
        title=snap["name"],
        applicant=applicant,
        applicant_user=applicant_user,
        agent=agent,
        channel=channel,
        village=village,
        item=item,
        version=version,
        uploads=uploads,
        paper=paper,
        use_library=use_library,
    )


def _open_application(
    *,
    actor: User | None,
    kind: str,
    jurisdiction_id: str,
    title: str,
    applicant: Subject,
    applicant_user: User | None,
    agent: User | None,
    channel: str,
    village: Jurisdiction | None,
    item: Any = None,
    version: Any = None,
    theme: Any = None,
    parent: Application | None = None,
    uploads: dict[str, Any] | None = None,
    paper: Iterable[str] = (),
    use_library: bool = True,
    required: list[dict[str, Any]] | None = None,
) -> Application:
    now = timezone.now()
    case = case_open(
        case_type=BUNDLE if kind == Kind.BUNDLE else APPLICATION,
        jurisdiction=jurisdiction_id,
        actor=actor,
        title=f"{applicant.name} · {title}",
        village=village,
        owner=applicant_user,
        parent=parent.case if parent else None,
        data={
            "channel": channel,
            "agent": agent.pk if agent else None,
            "agent_name": agent.display_name if agent else "",
            "item_version": version.pk if version else None,
            "applicant": applicant.pk,
        },
        opened_at=now,
    )
    app = Application.objects.create(
        jurisdiction_id=jurisdiction_id,
        case=case,
        village=village,
        kind=kind,
        parent=parent,
        applicant=applicant,
        applicant_user=applicant_user,
        channel=channel,
        agent=agent,
        item=item,
        item_version=version,
        theme=theme,
        title=title[:200],
        received_at=now,
    )
    if kind != Kind.CHILD:
        required = required if required is not None else _required_materials([version.snapshot])
        reused = _record_materials(app, required, actor=actor, uploads=uploads, paper=paper, use_library=use_library)
        _record_reuse(app, actor, reused)
    if item is not None and getattr(item, "responsible_user_id", None):
        case_assign(case=case, actor=actor, assignee=item.responsible_user, comment=_("按事项责任人分派"))
    _notify_applicant(app, _("您的申请已提交：%(title)s") % {"title": title}, _("办件编号 %(n)s") % {"n": case.number})
    return app


@transaction.atomic
def application_bundle_submit(
    *,
    actor: User | None,
    items: list[Any],
    applicant: Subject,
    channel: str,
    theme: Any = None,
    title: str = "",
    uploads: dict[str, Any] | None = None,
    paper: Iterable[str] = (),
    use_library: bool = True,
    village: Jurisdiction | str | None = None,
) -> Application:
    """一件事: one submission, one parent case and one child case per item (own approver and clock),
    one shared set of materials. Errors: as ``application_submit``, plus bundle_empty, bundle_mixed."""
    if theme is not None and not items:
        from township.catalog.selectors import theme_items

        items = theme_items(theme)
    items = list(dict.fromkeys(items))
    if len(items) < 1:
        raise error(Code.BUNDLE_EMPTY, field="items")
    jurisdictions = {i.jurisdiction_id for i in items}
    if len(jurisdictions) != 1:
        raise error(Code.BUNDLE_MIXED, field="items")
    jurisdiction_id = jurisdictions.pop()
    versions = [_pin(i) for i in items]
    for v in versions:
        if not _channel_offered(v.snapshot, channel):
            raise error(Code.CHANNEL_NOT_OFFERED, variant="named", n=v.snapshot["name"])
    village = _village_of(actor, channel, village)
    applicant_user, agent = _check_channel(
        actor=actor, jurisdiction_id=jurisdiction_id, applicant=applicant, channel=channel, village=village
    )
    names = "、".join(v.snapshot["name"] for v in versions)
    parent = _open_application(
        actor=actor,
        kind=Kind.BUNDLE,
        jurisdiction_id=jurisdiction_id,
        title=(title or (theme.name if theme is not None else "")) or names,
        applicant=applicant,
        applicant_user=applicant_user,
        agent=agent,
        channel=channel,
        village=village,
        theme=theme,
        uploads=uploads,
        paper=paper,
        use_library=use_library,
        required=_required_materials(v.snapshot for v in versions),
    )
    reused = [m.library_item for m in parent.materials.all() if m.source == MaterialSource.LIBRARY]
    for item, version in zip(items, versions, strict=True):
        child = _open_application(
            actor=actor,
            kind=Kind.CHILD,
            jurisdiction_id=jurisdiction_id,
            title=version.snapshot["name"],
            applicant=applicant,
            applicant_user=applicant_user,
            agent=agent,
            channel=channel,
            village=village,
            item=item,
            version=version,
            parent=parent,
        )
        wanted = {m["material_type_code"] for m in version.snapshot.get("materials", [])}
        _record_reuse(child, actor, [li for li in reused if li.material_type_code in wanted])
    return parent


# ---- acceptance ----------------------------------------------------------------------------------------


def _targets(app: Application) -> list[Application]:
    """A bundle parent acts on its children still awaiting acceptance; any other application on itself."""
    if app.kind == Kind.BUNDLE:
        return list(
            Application.objects.filter(parent=app, case__state=S.SUBMITTED)
            .select_related("case", "item_version", "applicant", "applicant_user", "item")
            .order_by("id")
        )
    return [app]


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


@transaction.atomic
def application_accept(*, application: Application, actor: User | None, comment: str = "") -> Application:
    """受理 (Art 32). A bundle parent accepts all its waiting children. Errors: materials_incomplete,
    transition_not_allowed, role_required, concurrent_transition, calendar_not_covered."""
    if application.kind == Kind.BUNDLE:
        # All-or-nothing over the children, so every precondition is checked before any child moves.
        for child in _targets(application):
            application_accept(application=child, actor=actor, comment=comment)
        return application
    now = timezone.now()
    case_type_for(APPLICATION).fire(
        application.case, "accept", actor, {"clock": _clock_spec(application) or {}}, comment=comment
    )
    application.accepted_at = now
    application.accept_mode = AcceptMode.NORMAL
    application.save(update_fields=["accepted_at", "accept_mode"])
    _store_verified_uploads(application, actor)
    _notify_applicant(
        application,
        _("您的申请已受理：%(t)s") % {"t": application.title},
        _("承诺办结期限：%(d)s") % {"d": _due_text(application.case)},
    )
    return application


def _due_text(case: Case) -> str:
    return timezone.localtime(case.due_at).strftime("%Y-%m-%d") if case.due_at else "—"


@transaction.atomic
def application_accept_gap(
    *, application: Application, actor: User | None, missing: list[str], pledge: str
) -> Application:
    """容缺受理: non-essential listed materials missing; deadline and consequence recorded with the pledge.
    Errors: gap_control_item, gap_not_allowed, gap_blacklisted, gap_material_not_allowed,
    gap_pledge_required, gap_nothing_missing, materials_incomplete."""
    if application.kind == Kind.BUNDLE:
        raise error(Code.GAP_PER_ITEM)
    from township.core.calendar import add_working_days

    now = timezone.now()
    rule = application.snapshot.get("gap_rule") or {}
    days = int(rule.get("deadline") or 5)
    deadline = add_working_days(timezone.localdate(now), days)
    consequence = _("逾期未补齐的，视为撤回申请")
    data = {
        "missing": list(missing),
        "pledge": pledge,
        "deadline": deadline.isoformat(),
        "consequence": consequence,
        "clock": _clock_spec(application) or {},
    }
    case_type_for(APPLICATION).fire(application.case, "accept_gap", actor, data)
    application.accepted_at = now
    application.accept_mode = AcceptMode.GAP
    application.gap_missing = list(missing)
    application.gap_deadline = deadline
    application.gap_pledge = pledge
    application.save(update_fields=["accepted_at", "accept_mode", "gap_missing", "gap_deadline", "gap_pledge"])
    ApplicationMaterial.objects.filter(
        application_id=application.material_owner_id, material_type_code__in=missing, source=MaterialSource.MISSING
    ).update(source=MaterialSource.GAP)
    _store_verified_uploads(application, actor)
    _notify_applicant(
        application,
        _("您的申请已容缺受理：%(t)s") % {"t": application.title},
        _("请于%(d)s前补齐：%(m)s；%(c)s")
        % {"d": deadline.isoformat(), "m": "、".join(_material_names(application, missing)), "c": consequence},
    )
    return application


@transaction.atomic
def application_gap_supply(
    *, application: Application, actor: User | None, uploads: dict[str, Any] | None = None, paper: Iterable[str] = ()
) -> Application:
    """容缺材料补齐. Errors: gap_not_open, gap_still_missing."""
    if application.accept_mode != AcceptMode.GAP or application.gap_supplied_at is not None:
        raise error(Code.GAP_NOT_OPEN)
    _require_case_actor(application, actor, (*CLERK_ROLES, Role.VILLAGE_AGENT))
    required = [
        {"code": m.material_type_code, "name": m.name, "essential": m.essential}
        for m in ApplicationMaterial.objects.filter(
            application_id=application.material_owner_id, source=MaterialSource.GAP
        )
    ]
    ApplicationMaterial.objects.filter(application_id=application.material_owner_id, source=MaterialSource.GAP).update(
        source=MaterialSource.MISSING
    )
    _record_materials(application, required, actor=actor, uploads=uploads, paper=paper, use_library=True)
    still = list(
        ApplicationMaterial.objects.filter(
            application_id=application.material_owner_id,
            material_type_code__in=application.gap_missing,
            source=MaterialSource.MISSING,
        ).values_list("name", flat=True)
    )
    if still:
        raise error(Code.GAP_STILL_MISSING, field="materials", m="、".join(still))
    application.gap_supplied_at = timezone.now()
    application.save(update_fields=["gap_supplied_at"])
    case_note(case=application.case, actor=actor, name="gap_supplied", label=_("容缺材料已补齐"))
    return application


def _require_case_actor(app: Application, actor: User | None, roles: Iterable[str]) -> None:
    if actor is None:
        return
    if app.applicant_user_id == actor.pk:
        return
    if not has_role(actor, app.jurisdiction_id, roles, app.village_id):
        raise denied(Code.PERMISSION_DENIED)


@transaction.atomic
def application_approve_on_commitment(
    *,
    application: Application,
    actor: User | None,
    applicant_chose: bool,
    pledge: str,
    method: str = VerificationMethod.DOCUMENT,
) -> Application:
    """告知承诺: the applicant chose it and signed the pledge; decided on the spot; certificate issued; a
    post-approval verification task is created. Errors: commitment_not_allowed, commitment_not_chosen,
    commitment_false_record, commitment_pledge_required, bad_method."""
    if method not in VerificationMethod.values:
        raise error(Code.BAD_METHOD, field="method")
    from township.core.calendar import add_natural_days

    now = timezone.now()
    rule = application.snapshot.get("commitment_rule") or {}
    case_type_for(APPLICATION).fire(
        application.case,
        "approve_on_commitment",
        actor,
        {"applicant_chose": applicant_chose, "pledge": pledge, "rule_text": rule.get("text", "")},
    )
    application.accepted_at = now
    application.accept_mode = AcceptMode.COMMITMENT
    application.commitment_text = pledge
    application.commitment_signed_at = now
    application.decision = Decision.APPROVED
    application.decided_at = now
    application.decided_by = actor
    application.save()
    days = int(rule.get("check_days") or getattr(settings, "TOWNSHIP_COMMITMENT_CHECK_DAYS", 30))
    VerificationTask.objects.create(
        jurisdiction_id=application.jurisdiction_id,
        application=application,
        village=application.village,
        subject=application.applicant,
        method=method,
        due_date=add_natural_days(timezone.localdate(now), days),
    )
    application_issue(application=application, actor=actor)
    return application


@transaction.atomic
def application_refuse(*, application: Application, actor: User | None, reason: str, remedy: str) -> Application:
    """不予受理 with reasons and remedies. Errors: reason_required, remedy_required."""
    for app in _targets(application):
        case_type_for(APPLICATION).fire(app.case, "refuse", actor, {"reason": reason, "remedy": remedy})
        app.refusal_reason, app.refusal_remedy = reason, remedy
        app.save(update_fields=["refusal_reason", "refusal_remedy"])
        _notify_applicant(app, _("您的申请不予受理：%(t)s") % {"t": app.title}, f"{reason}\n{remedy}")
        _after_terminal(app)
    return application


@transaction.atomic
def application_request_supplement(
    *, application: Application, actor: User | None, material_codes: list[str], note: str = ""
) -> SupplementNotice:
    """一次性告知补正: one notice listing every missing material; the clock pauses; a deadline is set.
    Errors: supplement_empty, supplement_unknown_material."""
    from township.core.calendar import add_working_days

    owner_id = application.material_owner_id
    mats = {
        m.material_type_code: m
        for m in ApplicationMaterial.objects.filter(application_id=owner_id, material_type_code__in=material_codes)
    }
    unknown = [c for c in material_codes if c not in mats]
    if unknown:
        raise error(Code.SUPPLEMENT_UNKNOWN_MATERIAL, c="、".join(unknown))
    now = timezone.now()
    deadline = add_working_days(timezone.localdate(now), rules.supplement_deadline_days())
    items = [{"code": c, "name": mats[c].name} for c in material_codes]
    first_notice = None
    for app in _targets(application):
        case_type_for(APPLICATION).fire(
            app.case,
            "request_supplement",
            actor,
            {"materials": items, "deadline": deadline.isoformat(), "pause_note": _("一次性告知补正")},
            comment=note,
        )
        notice = SupplementNotice.objects.create(
            jurisdiction_id=app.jurisdiction_id,
            application=app,
            items=items,
            note=note,
            issued_at=now,
            issued_by=actor,
            deadline=deadline,
        )
        first_notice = first_notice or notice
        _notify_applicant(
            app,
            _("补正告知：%(t)s") % {"t": app.title},
            _("请于%(d)s前一次性补齐：%(m)s。逾期未补正的，视为撤回申请。")
            % {"d": deadline.isoformat(), "m": "、".join(i["name"] for i in items)},
        )
    ApplicationMaterial.objects.filter(application_id=owner_id, material_type_code__in=material_codes).update(
        source=MaterialSource.MISSING, attachment=None, library_item=None
    )
    if first_notice is None:
        raise error(Code.NOTHING_TO_NOTICE)
    return first_notice


@transaction.atomic
def application_supply(
    *,
    application: Application,
    actor: User | None,
    uploads: dict[str, Any] | None = None,
    paper: Iterable[str] = (),
) -> Application:
    """补正材料提交: back to 待受理 (received again now). Errors: supplement_still_missing."""
    targets = (
        list(Application.objects.filter(parent=application, case__state=S.AWAITING_SUPPLEMENT).select_related("case"))
        if application.kind == Kind.BUNDLE
        else [application]
    )
    owner = Application.objects.get(pk=application.material_owner_id)
    notices = SupplementNotice.objects.filter(application__in=targets, supplied_at__isnull=True)
    codes = {i["code"] for n in notices for i in n.items}
    required = [
        {"code": m.material_type_code, "name": m.name, "essential": m.essential}
        for m in ApplicationMaterial.objects.filter(application=owner, material_type_code__in=codes)
    ]
    _record_materials(owner, required, actor=actor, uploads=uploads, paper=paper, use_library=True)
    still = list(
        ApplicationMaterial.objects.filter(
            application=owner, material_type_code__in=codes, source=MaterialSource.MISSING
        ).values_list("name", flat=True)
    )
    if still:
        raise error(Code.SUPPLEMENT_STILL_MISSING, field="materials", m="、".join(still))
    now = timezone.now()
    for app in targets:
        case_type_for(APPLICATION).fire(app.case, "supply", actor)
        app.received_at = now
        app.save(update_fields=["received_at"])
    notices.update(supplied_at=now)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor: User | None, reason: str = "") -> Application:
    """申请人撤回 (the applicant or their village agent). Errors: role_required, transition_not_allowed."""
    if application.kind == Kind.BUNDLE:
        for child in Application.objects.filter(parent=application, case__closed_at__isnull=True).select_related(
            "case"
        ):
            application_withdraw(application=child, actor=actor, reason=reason)
        return application
    case_type_for(APPLICATION).fire(application.case, "withdraw", actor, {"reason": reason}, comment=reason)
    _after_terminal(application)
    return application


# ---- review and decision -------------------------------------------------------------------------------


@transaction.atomic
def application_special_start(*, application: Application, actor: User | None, reason: str, note: str = "") -> None:
    """听证/检验检测/鉴定/专家评审: the time is not counted (Art 45) and is told to the applicant."""
    case_type_for(APPLICATION).fire(
        application.case, "start_special", actor, {"pause_reason": reason, "pause_note": note}, comment=note
    )
    from township.cases.models import ClockPause

    label = dict(ClockPause.Reason.choices).get(reason, reason)
    _notify_applicant(
        application,
        _("特别程序告知：%(t)s") % {"t": application.title},
        _("因%(r)s，所需时间不计入办理期限。%(n)s") % {"r": label, "n": note},
    )


@transaction.atomic
def application_special_end(*, application: Application, actor: User | None, note: str = "") -> None:
    case_type_for(APPLICATION).fire(application.case, "end_special", actor, comment=note)


@transaction.atomic
def application_extend(*, application: Application, actor: User | None, days: int, reason: str) -> Application:
    """Art 42: extend by at most 10 working days in total, approved by the head, told to the applicant.
    Errors: extension_head_required, extension_too_long, extension_reason_required, extension_state."""
    if actor is None or not has_role(actor, application.jurisdiction_id, [Role.APPROVAL_HEAD]):
        raise denied(Code.EXTENSION_HEAD_REQUIRED)
    if not reason.strip():
        raise error(Code.EXTENSION_REASON_REQUIRED, field="reason")
    case = application.case
    if case.state not in (S.UNDER_REVIEW, S.SPECIAL_PROCEDURE) or case.due_at is None:
        raise error(Code.EXTENSION_STATE)
    if case.clock_unit != "working_days":
        raise error(Code.EXTENSION_STATE, variant="unit")
    used = sum(int(e.data.get("amount") or 0) for e in case.events.filter(kind=EventKind.EXTEND).only("data"))
    if days <= 0 or used + days > rules.MAX_EXTENSION_WORKING_DAYS:
        raise error(Code.EXTENSION_TOO_LONG, field="days", n=rules.MAX_EXTENSION_WORKING_DAYS, u=used)
    case_extend(case=case, actor=actor, amount=days, reason=reason, approved_by=actor)
    _notify_applicant(
        application,
        _("办理期限延长告知：%(t)s") % {"t": application.title},
        _("经审批负责人批准，办理期限延长%(d)s个工作日，新期限为%(due)s。理由：%(r)s")
        % {"d": days, "due": _due_text(case), "r": reason},
    )
    return application


@transaction.atomic
def application_approve(
    *, application: Application, actor: User | None, comment: str = "", issue: bool = True
) -> Application:
    """准予许可, then (by default) the certificate is issued and the application closed.
    Errors: gap_outstanding, role_required, transition_not_allowed, issuer_missing."""
    now = timezone.now()
    case_type_for(APPLICATION).fire(application.case, "approve", actor, {"opinion": comment}, comment=comment)
    application.decision = Decision.APPROVED
    application.decision_reason = comment
    application.decided_at = now
    application.decided_by = actor
    application.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by"])
    _notify_applicant(application, _("准予许可：%(t)s") % {"t": application.title})
    if issue:
        application_issue(application=application, actor=actor)
    return application


@transaction.atomic
def application_deny(
    *, application: Application, actor: User | None, reason: str, rights: str | None = None
) -> Application:
    """不予许可 with reasons and the 复议/诉讼 rights (Art 38). Errors: reason_required, rights_required."""
    if rights is None:
        rights = rules.default_rights_text(application.jurisdiction.name)
    now = timezone.now()
    case_type_for(APPLICATION).fire(
        application.case, "deny", actor, {"reason": reason, "rights": rights}, comment=reason
    )
    application.decision = Decision.DENIED
    application.decision_reason = reason
    application.decided_at = now
    application.decided_by = actor
    application.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by"])
    _notify_applicant(application, _("不予许可：%(t)s") % {"t": application.title}, f"{reason}\n{rights}")
    _after_terminal(application)
    return application


def _certificate_type(app: Application, issuer: Department) -> tuple[str, str, str]:
    """(type code, name, material type code) of the item's result (审批结果)."""
    from township.catalog.models import MaterialType

    snap = app.snapshot
    name = snap.get("result_name") or snap.get("name") or app.title
    # "营业执照（个体工商户）" satisfies the material type "营业执照"
    base = re.sub(r"[（(][^（()）]*[)）]$", "", name).strip()
    mt = MaterialType.objects.filter(name=name).first() or MaterialType.objects.filter(name=base).first()
    material_code = mt.code if mt else f"item{app.item_id}"
    seq = (mt.pk if mt else (app.item_id or 0)) % 1000
    return f"{issuer.uscc.upper()}{seq:03d}", name, material_code


@transaction.atomic
def application_issue(*, application: Application, actor: User | None) -> Application:
    """制发证照 (Art 44): sealed, signed certificate into the holder's library; the application closes."""
    from township.certificates.services import certificate_issue

    issuer = issuer_department(application)
    type_code, type_name, material_code = _certificate_type(application, issuer)
    cert = certificate_issue(
        holder=application.applicant,
        type_code=type_code,
        type_name=type_name,
        department=issuer,
        actor=actor,
        data={
            "item": application.snapshot.get("name", application.title),
            "item_code": application.snapshot.get("implementation_code", ""),
            "case_number": application.case.number,
            "holder_address": application.applicant.address,
        },
        material_type_code=material_code,
        source_case=application.case,
        source_app="approval",
    )
    application.certificate = cert
    application.save(update_fields=["certificate"])
    case_type_for(APPLICATION).fire(application.case, "issue", actor, {"certificate": cert.identifier})
    case_type_for(APPLICATION).fire(application.case, "close", actor)
    _notify_applicant(
        application,
        _("证照已签发：%(n)s") % {"n": type_name},
        _("证照标识 %(i)s，已存入您的证照库") % {"i": cert.identifier},
    )
    _after_terminal(application)
    return application


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


# ---- timed work (the worker) ---------------------------------------------------------------------------


def _run_one(
    app: Application,
    name: str,
    *,
    at: datetime.datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> bool:
    """Fire a timed edge of one application with the case type's authority; the guards decide from its facts."""
    try:
        with transaction.atomic():
            case = Case.objects.get(pk=app.case_id)
            app.case = case
            case_type_for(case.case_type).fire(case, name, None, extra, at=at)
            return True
    except TransitionRefused:  # includes ConcurrentTransition: another worker won, or no longer due
        return False
    except DomainError as exc:
        # e.g. CalendarNotCovered: this application's period runs into a year whose holidays are not entered.
        # Skip it (it is tried again on the next run) so that one application never stops the others' timed work.
        log.warning("timed %s skipped for application %s: %s", name, app.pk, exc.code)
        return False


def approval_run_timed_work(now: datetime.datetime | None = None) -> dict[str, int]:
    """Timed transitions, idempotent and safe with two workers: deem accepted (Art 32), deem withdrawn
    (补正 deadline, 容缺 deadline). Returns counts per kind."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"deemed_accepted": 0, "supplement_expired": 0, "gap_expired": 0}
    base = Application.objects.select_related("item_version", "applicant", "applicant_user", "item")
    horizon = now - datetime.timedelta(days=rules.NOTICE_WORKING_DAYS)
    for app in base.filter(case__state=S.SUBMITTED, kind__in=[Kind.SINGLE, Kind.CHILD], received_at__lt=horizon):
        spec = _clock_spec(app) or {}
        if _run_one(app, "deem_accept", at=app.received_at, extra={"clock": spec, "deemed_on": now.isoformat()}):
            Application.objects.filter(pk=app.pk).update(accepted_at=app.received_at, accept_mode=AcceptMode.DEEMED)
            _notify_applicant(
                app,
                _("您的申请已视为受理：%(t)s") % {"t": app.title},
                _("收件后5个工作日内未告知补正，自收件之日起视为受理。"),
            )
            counts["deemed_accepted"] += 1
    due_notices = SupplementNotice.objects.filter(supplied_at__isnull=True, deadline__lt=today).values("application_id")
    for app in base.filter(case__state=S.AWAITING_SUPPLEMENT, pk__in=due_notices):
        if _run_one(app, "expire_supplement"):
            _notify_applicant(app, _("申请视为撤回：%(t)s") % {"t": app.title}, _("补正期限届满未补正。"))
            _after_terminal(app)
            counts["supplement_expired"] += 1
    for app in base.filter(
        case__state__in=[S.UNDER_REVIEW, S.SPECIAL_PROCEDURE],
        accept_mode=AcceptMode.GAP,
        gap_supplied_at__isnull=True,
        gap_deadline__lt=today,
    ):
        if _run_one(app, "expire_gap"):
            _notify_applicant(app, _("申请视为撤回：%(t)s") % {"t": app.title}, _("容缺材料逾期未补齐。"))
            _after_terminal(app)
            counts["gap_expired"] += 1
    return counts


# ---- 告知承诺 post-approval verification (interface for enforcement) ---------------------------------


def verification_tasks_open(*, actor: User | None, jurisdiction: str | Jurisdiction) -> Any:
    """Open verification tasks of a jurisdiction the actor may work on (enforcement, approvers), by due date."""
    code = getattr(jurisdiction, "pk", jurisdiction)
    return (
        VerificationTask.objects.for_actor(actor, VERIFY_ROLES)
        .filter(jurisdiction_id=code, status__in=[VerificationStatus.OPEN, VerificationStatus.RECTIFYING])
        .select_related("application__case", "subject", "application__certificate")
        .order_by("due_date", "id")
    )


@transaction.atomic
def verification_task_complete(
    *,
    task: VerificationTask,
    actor: User | None,
    note: str,
    passed: bool | None = None,
    outcome: str = "",
    rectify_days: int = 0,
) -> VerificationTask:
    """Record a 告知承诺 check (安阳条例 Art 57; 国办发〔2020〕42号) with its ``outcome``:

    - ``met``: done (``passed=True`` means the same);
    - ``rectify``: the conditions are not met — the applicant is ordered to rectify within ``rectify_days`` working
      days and the task stays open for the re-check; nothing is revoked and nothing goes into the credit file;
    - ``not_rectified`` (only after ``rectify``): the licence is revoked and the case reaches enforcement as a clue;
    - ``false``: a false pledge — the licence is revoked, a false-commitment credit record is written (which bars
      告知承诺 until repaired) and enforcement gets a clue.

    Errors: permission_denied, verification_done, note_required, outcome_required, rectify_days, outcome_order."""
    if actor is not None and not has_role(actor, task.jurisdiction_id, VERIFY_ROLES, task.village_id):
        raise NotFound()
    task = VerificationTask.objects.select_for_update().get(pk=task.pk)
    if task.status not in (VerificationStatus.OPEN, VerificationStatus.RECTIFYING):
        raise error(Code.VERIFICATION_DONE)
    if passed and not outcome:
        outcome = VerificationOutcome.MET
    if outcome not in VerificationOutcome.values:
        raise error(Code.OUTCOME_REQUIRED, field="outcome")
    if outcome != VerificationOutcome.MET and not (note or "").strip():
        raise error(Code.NOTE_REQUIRED, field="note", variant="verification")
    if outcome == VerificationOutcome.NOT_RECTIFIED and task.status != VerificationStatus.RECTIFYING:
        raise error(Code.OUTCOME_ORDER, field="outcome")
    if outcome == VerificationOutcome.RECTIFY and task.status == VerificationStatus.RECTIFYING:
        raise error(Code.OUTCOME_ORDER, field="outcome", variant="again")
    now = timezone.now()
    app = Application.objects.select_related("case", "certificate", "applicant").get(pk=task.application_id)
    task.outcome = outcome
    task.note = note
    if outcome == VerificationOutcome.RECTIFY:
        from township.core.calendar import add_working_days

        if not 1 <= int(rectify_days or 0) <= 60:
            raise error(Code.RECTIFY_DAYS, field="rectify_days")
        task.status = VerificationStatus.RECTIFYING
        task.rectify_by = add_working_days(timezone.localdate(now), int(rectify_days))
        task.save(update_fields=["status", "outcome", "note", "rectify_by"])
        _verification_note(app, actor, task, note)
        _notify_applicant(
            app,
            _("承诺核查：请限期整改：%(t)s") % {"t": app.title},
            _("核查发现：%(n)s。请于%(d)s前整改到位，逾期未整改或整改后仍不符合条件的，依法撤销许可。")
            % {"n": note, "d": task.rectify_by.isoformat()},
        )
        return task
    task.status = VerificationStatus.PASSED if outcome == VerificationOutcome.MET else VerificationStatus.FAILED
    task.completed_at = now
    task.completed_by = actor
    task.save(update_fields=["status", "outcome", "note", "completed_at", "completed_by"])
    _verification_note(app, actor, task, note)
    if outcome in (VerificationOutcome.FALSE, VerificationOutcome.NOT_RECTIFIED):
        from township.certificates.services import certificate_revoke

        reason = _("告知承诺事后核查不通过：%(n)s") % {"n": note}
        if app.certificate_id and app.certificate.status != "revoked":
            certificate_revoke(certificate=app.certificate, actor=actor, reason=reason, source_case=app.case)
        if outcome == VerificationOutcome.FALSE:
            from township.credit.models import CreditKind
            from township.credit.services import credit_record_create

            credit_record_create(
                subject=app.applicant,
                kind=CreditKind.FALSE_COMMITMENT,
                reason=reason,
                actor=actor,
                jurisdiction=app.jurisdiction_id,
                source_case=app.case,
                source_app="approval",
            )
        # 审管联动: the failed check reaches the enforcement team as a clue (案源).
        from township.enforcement.services import clue_create_from_verification

        clue_create_from_verification(
            jurisdiction=app.jurisdiction_id, source_case=app.case, subject=app.applicant, actor=None, summary=reason
        )
        _notify_applicant(app, _("承诺核查不通过，证照已撤销：%(t)s") % {"t": app.title}, note)
    return task


def _verification_note(app: Application, actor: User | None, task: VerificationTask, note: str) -> None:
    if app.case.closed_at is None:
        case_note(
            case=app.case,
            actor=actor,
            name="commitment_verified",
            label=_("承诺核查"),
            data={"outcome": task.outcome, "method": task.method, "rectify_by": str(task.rectify_by or "")},
            comment=note,
        )


# ---- 好差评 --------------------------------------------------------------------------------------------


@transaction.atomic
def application_rate(*, application: Application, actor: User | None, grade: int, text: str = "") -> Rating:
    """好差评 after completion, by the applicant. 不满意/非常不满意 opens a rectification task.
    Errors: rating_not_owner, rating_not_finished, rating_exists, bad_grade, rating_text_required."""
    from township.core.calendar import add_working_days

    if actor is None or application.applicant_user_id != actor.pk:
        raise denied(Code.RATING_NOT_OWNER)
    if application.case.closed_at is None:
        raise error(Code.RATING_NOT_FINISHED)
    if grade not in Grade.values:
        raise error(Code.BAD_GRADE, field="grade")
    if grade >= Grade.DISSATISFIED and not text.strip():
        raise error(Code.RATING_TEXT_REQUIRED, field="text")
    now = timezone.now()
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                jurisdiction_id=application.jurisdiction_id,
                application=application,
                grade=grade,
                text=text,
                rater=actor,
                created_at=now,
            )
    except IntegrityError:
        raise error(Code.RATING_EXISTS) from None
    if rating.is_bad:
        RectificationTask.objects.create(
            jurisdiction_id=application.jurisdiction_id,
            rating=rating,
            due_date=add_working_days(timezone.localdate(now), rules.rectification_days()),
            callback_due=add_working_days(timezone.localdate(now), rules.callback_days()),
        )
    return rating


@transaction.atomic
def rectification_callback(*, task: RectificationTask, actor: User, note: str, result: str = "") -> RectificationTask:
    """回访核实 (and, with a result, close the rectification). Errors: permission_denied, note_required."""
    if not has_role(actor, task.jurisdiction_id, [Role.APPROVAL_HEAD, Role.WINDOW_CLERK, Role.APPROVER]):
        raise NotFound()
    if not note.strip():
        raise error(Code.NOTE_REQUIRED, field="note", variant="callback")
    task.callback_at = timezone.now()
    task.callback_by = actor
    task.callback_note = note
    fields = ["callback_at", "callback_by", "callback_note"]
    if result.strip():
        task.result = result
        task.status = "done"
        task.closed_at = timezone.now()
        fields += ["result", "status", "closed_at"]
    task.save(update_fields=fields)
    return task


# ---- queue tickets (取号 / 叫号) -----------------------------------------------------------------------


def ticket_take(*, jurisdiction: str, category: str, phone: str = "") -> QueueTicket:
    """Take a number in the hall (no login). Errors: bad_category."""
    from township.approval.models import QueueCategory

    if category not in QueueCategory.values:
        raise error(Code.BAD_CATEGORY, field="category")
    now = timezone.now()
    day = timezone.localdate(now)
    for _attempt in range(10):
        last = (
            QueueTicket.objects.filter(jurisdiction_id=jurisdiction, day=day, category=category).aggregate(
                m=Max("seq")
            )["m"]
            or 0
        )
        try:
            with transaction.atomic():
                return QueueTicket.objects.create(
                    jurisdiction_id=jurisdiction, day=day, category=category, seq=last + 1, taken_at=now, phone=phone
                )
        except IntegrityError:
            continue
    raise error(Code.TICKET_BUSY)


@transaction.atomic
def ticket_call_next(
    *, actor: User, jurisdiction: str, window: int, categories: Iterable[str] = ()
) -> QueueTicket | None:
    """Call the longest-waiting ticket to window N (any clerk, any category: 综合窗口)."""
    if not has_role(actor, jurisdiction, CLERK_ROLES):
        raise denied(Code.PERMISSION_DENIED, variant="hall")
    now = timezone.now()
    QueueTicket.objects.filter(jurisdiction_id=jurisdiction, window=window, status=TicketStatus.CALLED).update(
        status=TicketStatus.DONE, done_at=now
    )
    qs = QueueTicket.objects.filter(
        jurisdiction_id=jurisdiction, day=timezone.localdate(now), status=TicketStatus.WAITING
    )
    cats = list(categories)
    if cats:
        qs = qs.filter(category__in=cats)
    for ticket in qs.order_by("taken_at", "id")[:5]:
        moved = QueueTicket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).update(
            status=TicketStatus.CALLED, called_at=now, window=window, clerk=actor
        )
        if moved:
            ticket.refresh_from_db()
            return ticket
    return None


def ticket_finish(*, ticket: QueueTicket, actor: User, skipped: bool = False) -> QueueTicket:
    if not has_role(actor, ticket.jurisdiction_id, CLERK_ROLES):
        raise NotFound()
    ticket.status = TicketStatus.SKIPPED if skipped else TicketStatus.DONE
    ticket.done_at = timezone.now()
    ticket.save(update_fields=["status", "done_at"])
    return ticket


# ---- applicant accounts --------------------------------------------------------------------------------


@transaction.atomic
def applicant_register(*, username: str, password: str, full_name: str, identifier: str, phone: str = "") -> User:
    """Register an applicant account by resident ID (person) or USCC (organisation), validated.
    Errors: invalid_identifier, username_taken, identifier_taken, name_required, password_*."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from township.core.identifiers import is_valid_resident_id, is_valid_uscc, validate_resident_id, validate_uscc
    from township.subjects.services import subject_get_or_create_org, subject_get_or_create_person

    identifier = (identifier or "").strip().upper()
    full_name = (full_name or "").strip()
    if not full_name:
        raise error(Code.NAME_REQUIRED, field="full_name")
    users = get_user_model().objects
    if users.filter(username=username).exists():
        raise error(Code.USERNAME_TAKEN, field="username")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise error(Code.PASSWORD_WEAK, field="password", why="；".join(exc.messages)) from None
    if is_valid_resident_id(identifier):
        rid = validate_resident_id(identifier)
        if users.filter(resident_id=rid, uscc="").exists():
            raise error(Code.IDENTIFIER_TAKEN, field="identifier", variant="person")
        subject_get_or_create_person(resident_id=rid, name=full_name, phone=phone)
        return users.create_user(
            username=username, password=password, full_name=full_name, resident_id=rid, phone=phone
        )
    if is_valid_uscc(identifier):
        uscc = validate_uscc(identifier)
        if users.filter(uscc=uscc).exists():
            raise error(Code.IDENTIFIER_TAKEN, field="identifier", variant="org")
        subject_get_or_create_org(uscc=uscc, name=full_name, phone=phone)
        return users.create_user(username=username, password=password, full_name=full_name, uscc=uscc, phone=phone)
    raise error(Code.INVALID_IDENTIFIER, field="identifier")


def notifications_mark_read(*, actor: User) -> int:
    from township.approval.models import Notification

    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
