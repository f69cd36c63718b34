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
    return Application.objects.select_related(
        "case", "applicant", "item_version", "jurisdiction", "village", "agent", "certificate"
    )


def application_list(
    *,
    actor: User | None,
    state: str = "",
    q: str = "",
    mine: bool = False,
    include_children: bool = True,
) -> QuerySet[Application]:
    qs = Application.objects.select_related("case", "applicant", "village", "agent", "certificate").filter(
        visible_q(actor)
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
        .select_related("attachment", "library_item")
        .order_by("-essential", "id")
    )


def missing_essential(app: Application) -> list[str]:
    """Names of essential materials not provided (bundle children read the parent's shared set)."""
    return [m["name"] for m in missing_essential_materials(app)]


def missing_essential_materials(app: Application) -> list[dict[str, str]]:
    """``{"code", "name"}`` of the essential materials not provided (bundle children: the parent's shared set)."""
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
        if m["essential"] and m["material_type_code"] not in provided
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
