"""Approval reads. Every selector takes ``actor`` and scopes by jurisdiction (and village for agents);
applicants see their own applications. Lists select their relations (no N+1)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Avg, Count, F, Max, Q, QuerySet
from django.utils import timezone

from township.approval.machine import OPEN_STATES, S
from township.approval.models import (
    Application,
    ApplicationMaterial,
    Kind,
    Notification,
    QueueTicket,
    RectificationTask,
    SupplementNotice,
    TicketStatus,
    VerificationTask,
)
from township.core.crypto import blind_index
from township.core.errors import NotFound
from township.org.models import Role, User
from township.org.scoping import reach

STAFF_ROLES = (
    Role.WINDOW_CLERK,
    Role.APPROVER,
    Role.APPROVAL_HEAD,
    Role.VILLAGE_AGENT,
    Role.LEADER,
    Role.ADMINISTRATOR,
    Role.AUDITOR,
)


def visible_q(actor: User | None) -> Q:
    q = reach(actor, STAFF_ROLES).q("jurisdiction", "village")
    if actor is not None and actor.is_authenticated:
        q |= Q(applicant_user_id=actor.pk)
    return q


def _base() -> QuerySet[Application]:
    # the certificate may be kept by the county: read by id, not joined (Citus)
    return Application.objects.select_related(
        "case", "applicant", "item_version", "jurisdiction", "village", "agent"
    ).prefetch_related("certificate")


def application_list(
    *,
    actor: User | None,
    state: str = "",
    q: str = "",
    mine: bool = False,
    include_children: bool = True,
) -> QuerySet[Application]:
    # the certificate may be kept by the county: read by id, not joined (Citus)
    qs = (
        Application.objects.select_related("case", "applicant", "village", "agent")
        .prefetch_related("certificate")
        .filter(visible_q(actor))
    )
    if mine and actor is not None:
        qs = qs.filter(applicant_user_id=actor.pk)
    if not include_children:
        qs = qs.exclude(kind=Kind.CHILD)
    if state:
        qs = qs.filter(case__state=state)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(case__number__icontains=q)
            | Q(title__icontains=q)
            | Q(applicant__name__icontains=q)
            | Q(applicant__resident_id_index=blind_index(q) or "-")
            | Q(applicant__uscc=q.upper())
        )
    return qs.order_by("-id")


def application_get(*, actor: User | None, pk: int | str) -> Application:
    try:
        return _base().get(visible_q(actor), pk=int(pk))
    except (Application.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def application_for_case(*, actor: User | None, case_id: int) -> Application | None:
    """The application (or bundle) of a case, if the actor may see it."""
    return _base().filter(visible_q(actor), case_id=case_id).first()


def _worklist(actor: User | None, roles: tuple[str, ...], states: tuple[str, ...]) -> QuerySet[Application]:
    """Filtered on the Case columns (same tenant key) so the engine's work index
    (jurisdiction, case_type, state, due_at, id) serves the query; bundles are another case type.
    Only the columns a worklist row shows are joined (no snapshot JSON): planning and rows stay small."""
    from township.approval.machine import APPLICATION

    return (
        Application.objects.select_related("case", "applicant")
        .defer("gap_pledge", "commitment_text", "refusal_reason", "refusal_remedy", "decision_reason")
        .filter(
            reach(actor, roles).q("case__jurisdiction", "case__village"),
            case__case_type=APPLICATION,
            case__state__in=states,
        )
        .order_by(F("case__due_at").asc(nulls_last=True), "case__id")
    )


def clerk_worklist(*, actor: User | None, limit: int = 50) -> list[Application]:
    """综合窗口待办: applications waiting for acceptance or supplement, oldest receipt first.

    One short query per state, merged: each walks the index (jurisdiction, case_type, state, id) in
    order and stops after ``limit`` rows (an IN over both states made PostgreSQL walk the primary key
    of every case at 1M rows; docs/performance.md)."""
    rows: list[Application] = []
    for state in (S.SUBMITTED, S.AWAITING_SUPPLEMENT):
        qs = _worklist(actor, (Role.WINDOW_CLERK, Role.VILLAGE_AGENT), (state,)).order_by("case__id")
        rows.extend(qs[:limit])
    rows.sort(key=lambda a: a.case_id)
    return rows[:limit]


def approver_queue(*, actor: User | None) -> QuerySet[Application]:
    """审批待办: under review / special procedure, by due time."""
    return _worklist(actor, (Role.APPROVER, Role.APPROVAL_HEAD), (S.UNDER_REVIEW, S.SPECIAL_PROCEDURE, S.APPROVED))


def warning_list(*, actor: User | None, now: datetime.datetime | None = None) -> list[Application]:
    """Supervisor view: running applications at yellow, red or overdue, most urgent first."""
    now = now or timezone.now()
    qs = (
        _base()
        .filter(
            _supervised_q(actor),
            case__state__in=OPEN_STATES,
            case__due_at__isnull=False,
            case__clock_stopped_at__isnull=True,
            case__yellow_at__lte=now,
        )
        .order_by("case__due_at", "id")
    )
    return list(qs[:500])


def _supervised_q(actor: User | None) -> Q:
    return reach(actor, (Role.APPROVAL_HEAD, Role.LEADER, Role.ADMINISTRATOR)).q("jurisdiction", "village")


def late_list(*, actor: Any, limit: int = 500) -> list[Application]:
    """Supervisor view, 超期办结: applications decided after their due date (``Case.finished_late``, recorded by the
    engine when the clock stops; 行政许可法 Art 42), latest decision first. They stay here once closed.
    ``actor`` is ``request.user`` as it comes (an anonymous user reaches nothing)."""
    qs = _base().filter(_supervised_q(actor), case__finished_late=True).order_by("-case__clock_stopped_at", "-id")
    return list(qs[:limit])


def late_count(*, actor: Any) -> int:
    """How many applications the supervisor's units decided late (超期办结), open or closed."""
    return Application.objects.filter(_supervised_q(actor), case__finished_late=True).count()


def my_applications(*, actor: User) -> QuerySet[Application]:
    return application_list(actor=actor, mine=True).exclude(kind=Kind.CHILD)


def children_of(app: Application) -> list[Application]:
    return list(_base().filter(parent=app).order_by("id"))


def open_notice(app: Application) -> SupplementNotice | None:
    return SupplementNotice.objects.filter(application=app, supplied_at__isnull=True).order_by("-issued_at").first()


def notifications_for(*, actor: User, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(user=actor).select_related("application")[:limit])


def unread_count(*, actor: User) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).count()


def rectification_list(*, actor: User) -> QuerySet[RectificationTask]:
    return (
        RectificationTask.objects.for_actor(actor, (Role.APPROVAL_HEAD, Role.WINDOW_CLERK, Role.APPROVER))
        .select_related("rating__application__case", "rating__rater")
        .order_by("status", "due_date")
    )


# ---- queue -------------------------------------------------------------------------------------------


def queue_board(*, jurisdiction: str, day: datetime.date | None = None) -> dict[str, Any]:
    """The hall display: recently called tickets and how many wait per category (public)."""
    day = day or timezone.localdate()
    tickets = QueueTicket.objects.filter(jurisdiction_id=jurisdiction, day=day)
    called = list(tickets.filter(status=TicketStatus.CALLED).order_by("-called_at")[:8])
    waiting = dict(
        tickets.filter(status=TicketStatus.WAITING).values_list("category").annotate(n=Count("id")).order_by()
    )
    return {"called": called, "waiting": waiting, "day": day}


def queue_stats(*, actor: User, jurisdiction: str, day: datetime.date | None = None) -> list[dict[str, Any]]:
    """Waiting time per category: tickets, served, average and longest wait (minutes)."""
    if jurisdiction not in reach(actor, (Role.WINDOW_CLERK, Role.APPROVAL_HEAD, Role.LEADER)).codes:
        raise NotFound()
    day = day or timezone.localdate()
    rows = (
        QueueTicket.objects.filter(jurisdiction_id=jurisdiction, day=day)
        .values("category")
        .annotate(
            total=Count("id"),
            called=Count("id", filter=Q(called_at__isnull=False)),
            avg_wait=Avg(F("called_at") - F("taken_at"), filter=Q(called_at__isnull=False)),
            max_wait=Max(F("called_at") - F("taken_at"), filter=Q(called_at__isnull=False)),
        )
        .order_by("category")
    )
    out = []
    for r in rows:
        out.append(
            {
                "category": r["category"],
                "total": r["total"],
                "called": r["called"],
                "avg_minutes": round(_minutes(r["avg_wait"]), 1),
                "max_minutes": round(_minutes(r["max_wait"]), 1),
            }
        )
    return out


def _minutes(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, datetime.timedelta):
        return value.total_seconds() / 60
    return float(value) / 60_000_000  # SQLite returns microseconds


# ---- documents (受理通知书, 补正告知书, 不予受理决定书, 准予/不予许可决定书) -------------------------------


def material_names(app: Application, codes: Iterable[str]) -> list[str]:
    """The names of the application's materials ``codes`` (as the applicant knows them), in the given order."""
    names = {}
    for m in app.snapshot.get("materials", []):
        names.setdefault(m["material_type_code"], m.get("material_type_name") or m["name"])
    return [names.get(code, code) for code in codes]


def document_kinds(app: Application) -> list[tuple[str, str]]:
    """The documents this application has, as (kind, title)."""
    from django.utils.translation import gettext as _

    out = []
    if app.accepted_at:
        out.append(("acceptance", _("受理通知书")))
    if SupplementNotice.objects.filter(application=app).exists():
        out.append(("supplement", _("补正材料一次性告知书")))
    if app.refusal_reason:
        out.append(("refusal", _("不予受理决定书")))
    if _last_extension(app) is not None:
        out.append(("extension", _("延长审批期限告知书")))
    if app.decision == "approved":
        out.append(("approval", _("准予行政许可决定书")))
    if app.decision == "denied":
        out.append(("denial", _("不予行政许可决定书")))
    return out


def document_content(app: Application, kind: str) -> dict[str, Any]:
    """Title, number and paragraphs of one document (rendered by ``certificates.pdf.render_document``)."""
    from django.utils.translation import gettext as _

    from township.approval import rules

    titles = dict(document_kinds(app))
    if kind not in titles:
        raise NotFound()
    name = app.applicant.name
    item = app.title
    received = timezone.localtime(app.received_at).strftime("%Y年%m月%d日")
    paras: list[str] = []
    if kind == "acceptance":
        due = timezone.localtime(app.case.due_at).strftime("%Y年%m月%d日") if app.case.due_at else "—"
        paras = [
            _("你（单位）于%(d)s提出的“%(i)s”申请，经审查，申请材料齐全、符合法定形式，决定予以受理。")
            % {"d": received, "i": item},
            _("受理方式：%(m)s。本机关将于%(due)s前作出决定。") % {"m": app.get_accept_mode_display(), "due": due},
        ]
        if app.gap_deadline:
            paras.append(
                _("容缺材料：%(m)s，请于%(d)s前补齐；逾期未补齐的，视为撤回申请。")
                % {"m": "、".join(material_names(app, app.gap_missing)), "d": app.gap_deadline.strftime("%Y年%m月%d日")}
            )
    elif kind == "supplement":
        notice = SupplementNotice.objects.filter(application=app).order_by("-issued_at").first()
        assert notice is not None
        paras = [
            _("你（单位）于%(d)s提出的“%(i)s”申请，申请材料不齐全或者不符合法定形式，现一次性告知需要补正的全部内容：")
            % {"d": received, "i": item},
            *[f"{n}. {row['name']}" for n, row in enumerate(notice.items, start=1)],
            _("请于%(d)s前补正。逾期未补正的，视为撤回申请。") % {"d": notice.deadline.strftime("%Y年%m月%d日")},
        ]
    elif kind == "extension":
        ext = _last_extension(app)
        assert ext is not None
        new_due = (
            timezone.localtime(datetime.datetime.fromisoformat(ext.data["due_at"])).strftime("%Y年%m月%d日")
            if ext.data.get("due_at")
            else "—"
        )
        paras = [
            _("你（单位）于%(d)s提出的“%(i)s”申请，本机关已依法受理。") % {"d": received, "i": item},
            _(
                "因%(r)s，不能在规定期限内作出决定，经本机关负责人批准，根据《中华人民共和国行政许可法》第四十二条第一款的规定，"
                "审查期限延长%(n)s个工作日，本机关将于%(due)s前作出决定。"
            )
            % {"r": ext.comment or "—", "n": ext.data.get("amount"), "due": new_due},
            _("特此告知。"),
        ]
    elif kind == "refusal":
        paras = [
            _("你（单位）于%(d)s提出的“%(i)s”申请，经审查，决定不予受理。") % {"d": received, "i": item},
            _("理由：%(r)s") % {"r": app.refusal_reason},
            app.refusal_remedy,
            rules.default_rights_text(app.jurisdiction.name),
        ]
    elif kind == "approval":
        paras = [
            _(
                "你（单位）于%(d)s提出的“%(i)s”申请，经审查，符合法定条件、标准，根据《中华人民共和国行政许可法》第三十八条第一款的规定，决定准予行政许可。"
            )
            % {"d": received, "i": item},
        ]
        if app.certificate_id:
            paras.append(_("证照标识：%(c)s") % {"c": app.certificate.identifier})
    elif kind == "denial":
        paras = [
            _("你（单位）于%(d)s提出的“%(i)s”申请，经审查，决定不予行政许可。") % {"d": received, "i": item},
            _("理由：%(r)s") % {"r": app.decision_reason},
            rules.default_rights_text(app.jurisdiction.name),
        ]
    return {
        "title": titles[kind],
        "number": app.case.number,
        "addressee": name,
        "paragraphs": paras,
        "date": _document_date(app, kind),
    }


def _document_date(app: Application, kind: str) -> Any:
    """The day the act the document records was done (行政许可法 Art 32: a dated notice), not the day of download."""
    from township.cases.models import CaseEvent

    when = None
    if kind == "acceptance":
        when = app.accepted_at
    elif kind == "supplement":
        when = (
            SupplementNotice.objects.filter(application=app)
            .order_by("-issued_at")
            .values_list("issued_at", flat=True)
            .first()
        )
    elif kind == "refusal":
        when = (
            CaseEvent.objects.filter(case_id=app.case_id, name="refuse").order_by("-id").values_list("at", flat=True)
        ).first()
    elif kind in ("approval", "denial"):
        when = app.decided_at
    elif kind == "extension":
        ext = _last_extension(app)
        when = ext.at if ext is not None else None
    return timezone.localtime(when).date() if when else timezone.localdate()


def _last_extension(app: Application) -> Any:
    """The latest extension (延期) event of the application's case, or None."""
    from township.cases.models import CaseEvent, EventKind

    return CaseEvent.objects.filter(case_id=app.case_id, kind=EventKind.EXTEND).order_by("-id").first()


def application_materials(app: Application) -> list[ApplicationMaterial]:
    """The materials of an application (bundle children: the parent's shared set), essential first."""
    return list(
        ApplicationMaterial.objects.filter(jurisdiction_id=app.jurisdiction_id, application_id=app.material_owner_id)
        .select_related("attachment")
        .prefetch_related("library_item")  # 材料库 items of other towns: read by id, not joined (Citus)
        .order_by("-essential", "id")
    )


def missing_essential(app: Application) -> list[str]:
    """Names of essential materials not provided (bundle children read the parent's shared set)."""
    return [m["name"] for m in missing_essential_materials(app)]


def result_material_type(snapshot: dict[str, Any]) -> Any:
    """The material type an item's result (审批结果) satisfies — "营业执照（个体工商户）" is a "营业执照" — or None."""
    import re

    from township.catalog.models import MaterialType

    name = snapshot.get("result_name") or snapshot.get("name") or ""
    base = re.sub(r"[（(][^（()）]*[)）]$", "", name).strip()
    return MaterialType.objects.filter(name=name).first() or MaterialType.objects.filter(name=base).first()


def produced_in_bundle(snapshots: list[dict[str, Any]]) -> set[str]:
    """Material types that one item of a 一件事 bundle produces for another (开办小餐饮店: the 营业执照 of 个体工商户登记
    is what 食品经营许可 needs): inside the bundle the department passes it on, it is not asked of the applicant. Only
    the items' explicit results (``result_name``) count; a single item produces nothing for itself."""
    if len(snapshots) < 2:
        return set()
    out = set()
    for snap in snapshots:
        if snap.get("result_name"):
            mt = result_material_type(snap)
            if mt is not None:
                out.add(mt.code)
    return out


def bundle_materials(snapshots: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merged material list of one or more item versions (one row per material type, essential if any item needs
    it), without what the bundle produces itself (``produced_in_bundle``)."""
    snaps = list(snapshots)
    produced = produced_in_bundle(snaps)
    merged: dict[str, dict[str, Any]] = {}
    for snap in snaps:
        for m in snap.get("materials", []):
            code = m["material_type_code"]
            if code in produced:
                continue
            row = merged.setdefault(
                code, {"code": code, "name": m.get("material_type_name") or m.get("name") or code, "essential": False}
            )
            row["essential"] = row["essential"] or bool(m["essential"])
    return list(merged.values())


def missing_essential_materials(app: Application) -> list[dict[str, str]]:
    """``{"code", "name"}`` of the essential materials not provided (bundle children: the parent's shared set, less
    what another item of the same bundle produces)."""
    produced: set[str] = set()
    if app.kind == Kind.CHILD and app.parent_id:
        siblings = Application.objects.filter(jurisdiction_id=app.jurisdiction_id, parent_id=app.parent_id)
        produced = produced_in_bundle([a.snapshot for a in siblings.select_related("item_version")])
    provided = set(
        ApplicationMaterial.objects.filter(
            jurisdiction_id=app.jurisdiction_id,
            application_id=app.material_owner_id,
            source__in=("upload", "library", "paper"),
        ).values_list("material_type_code", flat=True)
    )
    return [
        {"code": m["material_type_code"], "name": m["name"]}
        for m in app.snapshot.get("materials", [])
        if m["essential"] and m["material_type_code"] not in provided and m["material_type_code"] not in produced
    ]


def application_facts(case: Any) -> dict[str, Any]:
    """What the guards of ``rules.py`` need to know about an application, as data (``CaseType.facts``).

    Read fresh from the database each time (the services save what a guard reads before they fire), and only
    what the edges leaving the current state look at: the credit file and the materials only while 待受理.
    """
    from township.approval.machine import APPLICATION

    if case.case_type != APPLICATION:
        return {
            "open_children": Application.objects.filter(
                jurisdiction_id=case.jurisdiction_id, parent__case_id=case.pk, case__closed_at__isnull=True
            ).count()
        }
    app = (
        Application.objects.select_related("item_version", "applicant")
        .filter(jurisdiction_id=case.jurisdiction_id, case_id=case.pk)
        .first()
    )
    if app is None:  # a bare case (engine tests): no facts
        return {}
    snap = app.snapshot
    facts: dict[str, Any] = {
        "today": timezone.localdate(),
        "applicant_user_id": app.applicant_user_id,
        "channel": app.channel,
        "agent_id": app.agent_id,
        "accept_mode": app.accept_mode,
        "gap_supplied": app.gap_supplied_at is not None,
        "gap_deadline": app.gap_deadline,
    }
    if case.state == S.SUBMITTED:
        from township.approval.credit_effects import credit_standing

        standing = credit_standing(app.applicant, with_reason=False)
        first = (
            SupplementNotice.objects.filter(jurisdiction_id=app.jurisdiction_id, application_id=app.pk)
            .order_by("issued_at")
            .first()
        )
        missing = missing_essential_materials(app)
        facts.update(
            missing_essential=[m["name"] for m in missing],
            missing_essential_materials=missing,
            risk_class=snap.get("risk_class") or "",
            gap_rule=snap.get("gap_rule") or {},
            commitment_rule=snap.get("commitment_rule") or {},
            blacklisted=standing["blacklisted"],
            false_commitment=standing["false_commitment"],
            listed=standing["listed"],
            credit_grade=standing["grade"],
            received_on=timezone.localdate(app.received_at),
            first_notice_codes=[i["code"] for i in first.items] if first is not None else None,
        )
    elif case.state == S.AWAITING_SUPPLEMENT:
        notice = (
            SupplementNotice.objects.filter(
                jurisdiction_id=app.jurisdiction_id, application_id=app.pk, supplied_at__isnull=True
            )
            .order_by("-issued_at")
            .first()
        )
        facts["supplement_deadline"] = notice.deadline if notice is not None else None
    return facts


def application_credit_effects(app: Application) -> dict[str, Any]:
    """What the applicant's credit does to this application (shown to the clerk and in the API): the grade with its
    reason, whether listed, every effect with its rule (``credit_effects.effects_for``) and the supervision task."""
    from township.approval.credit_effects import credit_standing, effects_for

    standing = credit_standing(app.applicant)
    task = VerificationTask.objects.filter(jurisdiction_id=app.jurisdiction_id, application_id=app.pk).first()
    return {
        "grade": standing["grade"],
        "grade_reason": standing["grade_reason"],
        "listed": standing["listed"] or standing["blacklisted"],
        "effects": effects_for(
            standing=standing, snapshot=app.snapshot, accept_mode=app.accept_mode, decision=app.decision
        ),
        "task": task,
    }


# ---- the window desk (综合窗口, keyboard-first) ---------------------------------------------------------------

WINDOW_ITEM_LIMIT = 12
WINDOW_PHONE_SCAN = 5000  # phones are encrypted without a blind index: at most this many are decrypted per lookup


def window_items_allowed(*, actor: User | None, town: str) -> QuerySet[Any]:
    """The items this desk files: published public service items of the town (never 处罚/强制/征收/检查 or the bare
    行政权力, ``GUIDE_TYPES``); staff of the town see the town's catalog, a village agent only items offered through
    village agents."""
    from township.catalog.selectors import GUIDE_TYPES, item_list, item_public_list

    if town in reach(actor).codes:
        qs = item_list(actor=actor, status="published", jurisdiction=town)
    else:
        qs = item_public_list(jurisdiction=town, channel="village_agent")
    return qs.filter(item_type__in=GUIDE_TYPES, current_version__isnull=False)


def window_items(*, actor: User | None, town: str, q: str = "", limit: int = WINDOW_ITEM_LIMIT) -> list[Any]:
    """Type-ahead for the desk: by name, implementation code, pinyin initials or full pinyin and the guide's synonyms
    (the public guide's ranked search), restricted to ``window_items_allowed``. Without ``q``: the items filed most
    at this town's windows in the last 90 days, then catalog order."""
    from township.catalog.selectors import guide_search

    allowed = window_items_allowed(actor=actor, town=town)
    q = (q or "").strip()[:50]
    if q:
        ranked = list(guide_search(q=q, jurisdiction=town))
        ids = set(allowed.filter(pk__in=[i.pk for i in ranked]).values_list("pk", flat=True))
        hits = [i for i in ranked if i.pk in ids][:limit]
        full = {i.pk: i for i in allowed.filter(pk__in=[i.pk for i in hits])}
        return [full[i.pk] for i in hits if i.pk in full]
    since = timezone.now() - datetime.timedelta(days=90)
    popular = list(
        Application.objects.filter(jurisdiction_id=town, received_at__gte=since, item__isnull=False)
        .values("item_id")
        .annotate(n=Count("id"))
        .order_by("-n", "item_id")
        .values_list("item_id", flat=True)[: limit * 3]
    )
    by_id = {i.pk: i for i in allowed.filter(pk__in=popular)}
    out = [by_id[pk] for pk in popular if pk in by_id][:limit]
    if len(out) < limit:
        out += list(allowed.exclude(pk__in=[i.pk for i in out])[: limit - len(out)])
    return out


def window_themes(*, actor: User | None, town: str) -> list[dict[str, Any]]:
    """一件事 themes of the town whose items this desk may all file: ``{"theme", "items"}`` (one-click bundles)."""
    from township.catalog.selectors import theme_items, theme_public_list

    allowed = set(window_items_allowed(actor=actor, town=town).values_list("pk", flat=True))
    out = []
    for theme in theme_public_list(jurisdiction=town).order_by("name", "id"):
        items = theme_items(theme)
        if items and all(i.pk in allowed for i in items):
            out.append({"theme": theme, "items": items})
    return out


def window_subject_search(*, actor: User | None, q: str, limit: int = 8) -> dict[str, Any]:
    """The desk's one field: a resident ID or USCC (validated, check character included), a phone number or a name.

    A full identifier is looked up in the whole registry (the applicant shows it: the record becomes present here
    when filed or registered); names and phones only among subjects present in the actor's reach. Returns
    ``{"kind": "identifier"|"phone"|"name"|"", "identifier", "error", "subjects": [...]}``; an unknown valid
    identifier comes back with no subjects (the desk registers the walk-in on the spot)."""
    from township.core.errors import DomainError
    from township.core.identifiers import validate_identifier
    from township.subjects.selectors import normalise_identifier, subject_find, subject_list, subjects_visible

    raw = (q or "").strip()
    compact = normalise_identifier(raw)
    out: dict[str, Any] = {"kind": "", "identifier": "", "error": "", "subjects": []}
    if not raw:
        return out
    phone = compact.isdigit() and len(compact) == 11 and compact.startswith("1")
    if compact.isascii() and compact.isalnum() and not phone:  # names are Chinese: ASCII is an identifier
        out["kind"] = "identifier"
        try:
            out["identifier"] = validate_identifier(compact, field="id")
        except DomainError as exc:
            out["error"] = exc.message
            return out
        found = subject_find(out["identifier"])
        out["subjects"] = [found] if found is not None else []
        return out
    if phone:
        out["kind"] = "phone"
        rows = subjects_visible(actor).filter(merged_into__isnull=True).exclude(phone="").order_by("id")
        out["subjects"] = [s for s in rows[:WINDOW_PHONE_SCAN] if normalise_identifier(s.phone) == compact][:limit]
        return out
    if len(raw) < 2:
        from django.utils.translation import gettext as _

        out["error"] = _("请至少输入两个字的姓名或名称，或完整的证件号、手机号")
        return out
    out["kind"] = "name"
    out["subjects"] = list(subject_list(actor=actor, q=raw[:50])[:limit])
    return out


def window_material_plan(*, subject: Any, items: list[Any], provided: Iterable[str] = ()) -> dict[str, Any]:
    """What the desk shows before filing: the merged materials of the chosen items (one row per type, essential if
    any item needs it), each pre-attached from the subject's library when it holds a usable copy or ``provided`` at
    the window (paper original checked, file uploaded); whether the essentials are complete (当场受理), and whether
    容缺受理 may be offered (one item that allows it, not 控制类, an applicant neither listed nor graded D, every
    essential there and only listed non-essential materials missing: ``rules.gap_acceptance_*``).
    """
    from township.approval.credit_effects import credit_standing
    from township.catalog.selectors import item_version_current
    from township.certificates.selectors import library_offer

    snaps = [v.snapshot for v in (item_version_current(i) for i in items) if v is not None]
    merged = {row["code"]: row for row in bundle_materials(snaps)}
    offers = {li.material_type_code: li for li in library_offer(subject, list(merged))}
    gap_rule = (snaps[0].get("gap_rule") or {}) if len(snaps) == 1 else {}
    gap_eligible = bool(gap_rule.get("allowed")) and snaps[0].get("risk_class") != "control" if gap_rule else False
    if gap_eligible:
        standing = credit_standing(subject, with_reason=False)
        gap_eligible = not (standing["blacklisted"] or standing["listed"] or standing["grade"] == "D")
    gap_allowed = set(gap_rule.get("material_type_codes") or []) if gap_eligible else set()
    given = set(provided)
    rows = []
    for row in merged.values():
        li = offers.get(row["code"])
        rows.append(
            {
                **row,
                "library": li is not None,
                "library_title": li.title if li is not None else "",
                "certificate": bool(li is not None and li.certificate_id),
                "provided": li is not None or row["code"] in given,
                "gap_allowed": row["code"] in gap_allowed,
            }
        )
    rows.sort(key=lambda r: (r["library"], not r["essential"], r["name"]))
    missing_essential = [r["code"] for r in rows if r["essential"] and not r["provided"]]
    gap_codes = [r["code"] for r in rows if r["gap_allowed"] and not r["provided"]]
    return {
        "materials": rows,
        "complete": bool(snaps) and not missing_essential,
        "missing_essential": missing_essential,
        "gap_eligible": gap_eligible,
        "gap_offered": gap_eligible and not missing_essential and bool(gap_codes),
        "gap_codes": gap_codes,
        "gap_deadline": gap_rule.get("deadline"),
    }


def with_reused_material_names(timeline: list[Any]) -> list[Any]:
    """A ``library_reuse`` note of the timeline lists material type codes; give each such event ``reused``, the
    materials' names (营业执照、居民身份证 — never ``yyzz sfz`` on the page)."""
    from django.utils.translation import gettext as _

    from township.catalog.models import MaterialType

    notes = [e for e in timeline if e.name == "library_reuse"]
    codes = {i.get("material_type_code") for e in notes for i in (e.data or {}).get("items", [])}
    names = dict(MaterialType.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    for e in notes:
        e.reused = "、".join(
            str(names.get(i.get("material_type_code")) or i.get("title") or _("其他材料"))
            for i in (e.data or {}).get("items", [])
        )
    return timeline
