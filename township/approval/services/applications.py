"""Applications: submission (single, 一件事, every channel), acceptance (受理, 容缺, 告知承诺, 不予受理), 一次性告知补正, supply and withdrawal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
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
    Kind,
    MaterialSource,
    SupplementNotice,
    VerificationMethod,
)
from township.approval.services.common import (
    CLERK_ROLES,
    _after_terminal,
    _clock_spec,
    _due_text,
    _material_names,
    _notify_applicant,
    _record_materials,
    _record_reuse,
    _require_case_actor,
    _required_materials,
    _store_verified_uploads,
    green_lane_note,
    library_offers,
    user_for_subject,
)
from township.approval.services.decisions import application_issue
from township.cases import numbering
from township.cases.models import Case
from township.cases.services import case_assign, case_note, case_open
from township.cases.types import case_type_for
from township.core.inserts import draw_ids_ahead, insert_together
from township.org.models import Jurisdiction, Level, Role, User
from township.org.scoping import has_role
from township.subjects.models import PresenceSource, Subject, SubjectPresence

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
@numbering.numbers_last()  # the town's case counter locked only for the submission's last statements
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
    if village is None and applicant.village_id:
        village = applicant.village_id  # the code is enough: no read of the village
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
    village: Jurisdiction | str | None,
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
    village_code = village if isinstance(village, str) or village is None else village.pk
    unit = item.jurisdiction if item is not None and item.jurisdiction_id == jurisdiction_id else jurisdiction_id
    offers: dict[str, Any] = {}
    if kind != Kind.CHILD:  # a bundle's children share their parent's town, village, applicant and materials
        required = required if required is not None else _required_materials([version.snapshot])
        if use_library:  # read before case_open: the town's case counter it takes stays locked until the commit
            offers = library_offers(applicant, required)
    draw_ids_ahead(Case, Application)  # the case's id and the application's: one statement (PostgreSQL)
    case = case_open(
        case_type=BUNDLE if kind == Kind.BUNDLE else APPLICATION,
        jurisdiction=unit,
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
    app = Application(
        jurisdiction_id=jurisdiction_id,
        case=case,
        village_id=village_code,
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
    # the application, the subject's presence in the town and the materials: one statement on PostgreSQL
    presence: list[SubjectPresence] = []
    materials: list[ApplicationMaterial] = []
    reused: list[Any] = []
    if kind != Kind.CHILD:  # a bundle's children share their parent's town, village, applicant and materials
        presence.append(_presence(applicant, case.jurisdiction, village_code))
        reused = _record_materials(
            app,
            required or [],
            actor=actor,
            uploads=uploads,
            paper=paper,
            use_library=use_library,
            batch=materials,
            offers=offers,
        )
    insert_together([app], presence, materials, ignore_conflicts=[SubjectPresence], ids_of=[app])
    _record_reuse(app, actor, reused)
    if item is not None and getattr(item, "responsible_user_id", None):
        case_assign(case=case, actor=actor, assignee=item.responsible_user, comment=_("按事项责任人分派"))
    numbering.when_numbered(  # the case takes its number at the end of the submission (numbers_last)
        lambda: _notify_applicant(
            app, _("您的申请已提交：%(title)s") % {"title": title}, _("办件编号 %(n)s") % {"n": case.number}
        )
    )
    return app


def _presence(applicant: Subject, unit: Jurisdiction, village_code: str | None) -> SubjectPresence:
    """``subjects.subject_mark_present``'s row, written with the application: the case's unit is already loaded (no
    re-read of its row), and the row goes in with ``ON CONFLICT DO NOTHING`` (the model's two unique constraints make
    it idempotent) instead of a savepoint around get_or_create's SELECT and INSERT."""
    town = unit.pk
    if unit.level == Level.VILLAGE and unit.parent_id:
        town, village_code = str(unit.parent_id), village_code or unit.pk
    return SubjectPresence(
        jurisdiction_id=town, subject=applicant, village_id=village_code, source=PresenceSource.APPLICATION
    )


@transaction.atomic
@numbering.numbers_last()  # the town's case counter locked only for the submission's last statements
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


@transaction.atomic
def application_accept(*, application: Application, actor: User | None, comment: str = "") -> Application:
    """受理 (Art 32). A bundle parent accepts all its waiting children. Errors: materials_incomplete,
    transition_not_allowed, role_required, concurrent_transition, calendar_not_covered."""
    if application.kind == Kind.BUNDLE:
        # All-or-nothing over the children, so every precondition is checked before any child moves.
        children = _targets(application)
        if not children:
            raise error(Code.NOTHING_TO_ACCEPT)
        for child in children:
            application_accept(application=child, actor=actor, comment=comment)
        return application
    now = timezone.now()
    case_type_for(APPLICATION).fire(
        application.case, "accept", actor, {"clock": _clock_spec(application) or {}}, comment=comment
    )
    application.accepted_at = now
    application.accept_mode = AcceptMode.NORMAL
    application.save(update_fields=["accepted_at", "accept_mode"])
    green_lane_note(application, actor)
    _store_verified_uploads(application, actor)
    _notify_applicant(
        application,
        _("您的申请已受理：%(t)s") % {"t": application.title},
        _("承诺办结期限：%(d)s") % {"d": _due_text(application.case)},
    )
    return application


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
    green_lane_note(application, actor)
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
    # 一线贯通: the post-approval check (the item's check period; provisional past the holiday table).
    from township.approval.services.supervision import supervision_task_create

    supervision_task_create(application, method=method)
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
        children = list(
            Application.objects.filter(parent=application, case__closed_at__isnull=True).select_related("case")
        )
        if not children:
            raise error(Code.NOTHING_TO_WITHDRAW)
        for child in children:
            application_withdraw(application=child, actor=actor, reason=reason)
        return application
    case_type_for(APPLICATION).fire(application.case, "withdraw", actor, {"reason": reason}, comment=reason)
    _after_terminal(application)
    return application
