"""Reads for the web shell that the case engine does not provide (已办 / 我发起, tokens, login log).

Every case read starts from ``case_visible_q(actor)`` (fail-closed, scoped by jurisdiction).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from township.cases.models import Assignment, Attachment, Case, CaseEvent, ClockPause, EventKind
from township.cases.selectors import Page, case_visible_q
from township.core.errors import NotFound
from township.org.models import ApiToken, Role, RoleGrant, User
from township.org.scoping import reach
from township.web.models import LoginLog


def _warning_q(level: str, now: datetime) -> Q:
    from township.cases import selectors as cs

    return cs.warning_q(level, now) if level in cs.WARNING_FILTERS else Q()


def _id_cursor(cursor: str | None) -> int | None:
    try:
        return int(cursor) if cursor else None
    except ValueError:
        return None


def case_history_list(
    *,
    actor: User,
    tab: str,
    case_type: str | None = None,
    state: str | None = None,
    warning: str | None = None,
    search: str | None = None,
    jurisdiction: str | None = None,
    cursor: str | None = None,
    limit: int = 20,
    now: datetime | None = None,
) -> Page:
    """已办 (``tab="done"``: cases where the actor fired a transition) or 我发起 (``tab="mine"``), newest first."""
    qs: QuerySet[Case] = Case.objects.filter(case_visible_q(actor))
    if tab == "done":
        fired = CaseEvent.objects.filter(
            jurisdiction_id=OuterRef("jurisdiction_id"),
            case_id=OuterRef("pk"),
            actor_id=actor.pk,
            kind=EventKind.TRANSITION,
        )
        qs = qs.filter(Exists(fired))
    else:
        qs = qs.filter(created_by_id=actor.pk)
    if case_type:
        qs = qs.filter(case_type=case_type)
    if state:
        qs = qs.filter(state=state)
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    if warning:
        qs = qs.filter(_warning_q(warning, now or timezone.now()))
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(title__icontains=search))
    last = _id_cursor(cursor)
    if last is not None:
        qs = qs.filter(pk__lt=last)
    rows = list(qs.select_related("jurisdiction").order_by("-id")[: limit + 1])
    items = rows[:limit]
    return Page(items=items, next_cursor=str(items[-1].pk) if len(rows) > limit and items else None)


def case_attachments(*, case: Case) -> QuerySet[Attachment]:
    return Attachment.objects.filter(case=case, jurisdiction_id=case.jurisdiction_id).select_related("uploaded_by")


def case_assignments(*, case: Case) -> QuerySet[Assignment]:
    """Current 承办/协办 (ended ones are on the timeline)."""
    return Assignment.objects.filter(
        case=case, jurisdiction_id=case.jurisdiction_id, ended_at__isnull=True
    ).select_related("assignee", "department")


def case_pauses(*, case: Case) -> QuerySet[ClockPause]:
    return ClockPause.objects.filter(case=case, jurisdiction_id=case.jurisdiction_id)


def attachment_get(*, actor: User, case: Case, pk: int) -> Attachment:
    """An attachment of a case the actor may see (``case`` comes from ``case_get``); else NotFound."""
    att = Attachment.objects.filter(case=case, jurisdiction_id=case.jurisdiction_id, pk=pk).first()
    if att is None:
        raise NotFound()
    return att


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-id")


LOG_ROLES = (Role.SECURITY_ADMIN, Role.AUDITOR)


def login_log_list(
    *,
    actor: User,
    username: str | None = None,
    result: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    """登录日志 for the security administrator and the auditor: sign-ins of users in units they reach.

    Attempts for unknown names are shown only to holders of the role at county level or above.
    """
    r = reach(actor, LOG_ROLES)
    if not r.codes and not r.villages:
        return Page(items=[], next_cursor=None)
    in_reach = RoleGrant.objects.filter(user_id=OuterRef("user_id")).filter(r.q("jurisdiction", None))
    q: Any = Q(Exists(in_reach))
    if any(len(code) <= 6 for code in r.codes):
        q |= Q(user__isnull=True)
    qs = LoginLog.objects.filter(q)
    if username:
        qs = qs.filter(username__icontains=username)
    if result:
        qs = qs.filter(result=result)
    last = _id_cursor(cursor)
    if last is not None:
        qs = qs.filter(pk__lt=last)
    rows = list(qs.select_related("user").order_by("-id")[: limit + 1])
    items = rows[:limit]
    return Page(items=items, next_cursor=str(items[-1].pk) if len(rows) > limit and items else None)


def user_by_username(username: str) -> User | None:
    return User.objects.filter(username=username).first()


STAFF_ADMIN_ROLES = (Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.AUDITOR)


def staff_list(
    *,
    actor: User,
    search: str | None = None,
    role: str | None = None,
    unit: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    """用户管理 (read-only): users holding a role in a unit the actor administers, with their grants there."""
    r = reach(actor, STAFF_ADMIN_ROLES)
    if not r.codes and not r.villages:
        return Page(items=[], next_cursor=None)
    grants_here = RoleGrant.objects.filter(r.q("jurisdiction", None) | Q(jurisdiction__parent_id__in=sorted(r.codes)))
    if role:
        grants_here = grants_here.filter(role=role)
    if unit:
        grants_here = grants_here.filter(jurisdiction_id=unit)
    qs = User.objects.filter(Exists(grants_here.filter(user_id=OuterRef("pk"))))
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    last = _id_cursor(cursor)
    if last is not None:
        qs = qs.filter(pk__gt=last)
    visible_grants = RoleGrant.objects.filter(
        r.q("jurisdiction", None) | Q(jurisdiction__parent_id__in=sorted(r.codes))
    ).select_related("jurisdiction", "department")
    rows = list(
        qs.order_by("id").prefetch_related(Prefetch("grants", queryset=visible_grants, to_attr="visible_grants"))[
            : limit + 1
        ]
    )
    items = rows[:limit]
    return Page(items=items, next_cursor=str(items[-1].pk) if len(rows) > limit and items else None)


def locked_names(*, actor: User, now: datetime | None = None) -> list[str]:
    """Login names currently locked whose users the actor administers (for 账户解锁)."""
    from township.web.models import LoginThrottle

    r = reach(actor, (Role.SECURITY_ADMIN,))
    if not r.codes:
        return []
    in_reach = RoleGrant.objects.filter(r.q("jurisdiction", None) | Q(jurisdiction__parent_id__in=sorted(r.codes)))
    names = LoginThrottle.objects.filter(locked_until__gt=now or timezone.now()).values_list("username", flat=True)
    return list(
        User.objects.filter(username__in=names, pk__in=in_reach.values("user_id"))
        .order_by("username")
        .values_list("username", flat=True)
    )
