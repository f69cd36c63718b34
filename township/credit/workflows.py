"""Services of the two credit case types: 严重失信主体名单 (``credit_blacklisting``) and 信用修复 (``credit_repair``).

Every step fires its edge through the case type (``CASE_TYPE.fire``) in the transaction that writes its record.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases.services import case_open
from township.core.errors import DomainError, PermissionRefused
from township.credit.machine import LISTING, REPAIR
from township.credit.models import CreditKind, CreditRecord, Listing, PublicationEnd, Repair
from township.credit.selectors import grade_settings
from township.credit.services import credit_publication_end, credit_record_create
from township.org.models import Role
from township.org.scoping import has_role
from township.subjects.models import Subject


def _ct(key: str) -> Any:
    from township.cases.types import case_type_for

    return case_type_for(key)


# --- 严重失信主体名单 --------------------------------------------------------------------------------------------


def listing_propose(
    *,
    subject: Subject,
    facts: str,
    basis: str,
    actor: Any,
    jurisdiction: Any,
    basis_record: CreditRecord | None = None,
) -> Listing:
    """拟列入: a credit officer proposes a subject for the list, with the facts and the legal basis.
    Errors: ``facts_required``, ``basis_required``, ``permission_denied``."""
    jurisdiction_id = str(getattr(jurisdiction, "pk", jurisdiction))
    if actor is None or not has_role(actor, jurisdiction_id, (Role.CREDIT_OFFICER,)):
        raise PermissionRefused("permission_denied", _("无权提出列入严重失信主体名单"))
    if not (facts or "").strip():
        raise DomainError("facts_required", _("请填写失信事实"), field="facts")
    if not (basis or "").strip():
        raise DomainError("basis_required", _("请填写列入依据"), field="basis")
    with transaction.atomic():
        case = case_open(
            case_type=LISTING,
            jurisdiction=jurisdiction_id,
            actor=actor,
            title=_("拟列入严重失信主体名单：%(n)s") % {"n": subject.name},
            data={"subject": subject.pk},
        )
        return Listing.objects.create(
            jurisdiction_id=jurisdiction_id,
            case=case,
            subject=subject,
            facts=facts.strip(),
            basis=basis.strip(),
            basis_record=basis_record,
            statement_days=grade_settings(jurisdiction_id)["statement_working_days"],
        )


def listing_notify(*, listing: Listing, actor: Any, note: str = "", at: datetime.datetime | None = None) -> Listing:
    """告知: the subject is told of the proposed listing, its facts, basis and right to a statement; the statement
    period (working days, the town's rule) starts on the engine's clock."""
    with transaction.atomic():
        _ct(LISTING).fire(
            listing.case,
            "notify",
            actor,
            {"clock": {"unit": "working_days", "limit": listing.statement_days}},
            comment=note,
            at=at,
        )
        listing.notified_at = at or timezone.now()
        listing.save(update_fields=["notified_at"])
    return listing


def listing_statement(*, listing: Listing, actor: Any, statement: str) -> Listing:
    """陈述申辩 received (by the officer recording it, or by the subject's own account)."""
    with transaction.atomic():
        _ct(LISTING).fire(listing.case, "state_opinion", actor, {"statement": statement}, comment=statement[:200])
        listing.statement = statement.strip()
        listing.statement_at = timezone.now()
        listing.save(update_fields=["statement", "statement_at"])
    return listing


def listing_decide(
    *, listing: Listing, actor: Any, list_it: bool, reason: str, on: datetime.date | None = None
) -> Listing:
    """决定: list (writes the BLACKLIST record with its severity and NDRC Order 36 periods; publication starts on
    the decision date) or not list."""
    day = on or timezone.localdate()
    with transaction.atomic():
        _ct(LISTING).fire(listing.case, "list" if list_it else "not_list", actor, {"reason": reason}, comment=reason)
        listing.decision_reason = reason.strip()
        listing.decided_on = day
        if list_it:
            listing.record = credit_record_create(
                subject=listing.subject,
                kind=CreditKind.BLACKLIST,
                reason=_("列入严重失信主体名单：%(f)s") % {"f": listing.facts},
                actor=actor,
                jurisdiction=listing.jurisdiction_id,
                source_case=listing.case,
                source_app=LISTING,
                severity=listing.severity,
                valid_from=day,
            )
        listing.save(update_fields=["decision_reason", "decided_on", "record"])
    return listing


def listings_expire(now: datetime.datetime | None = None) -> dict[str, int]:
    """Timed work: a statement period that ran out moves the case to decision; a listing past its maximum
    publication period is removed (NDRC Order 36: publication stops by itself)."""
    now = now or timezone.now()
    lapsed = removed = 0
    for listing in Listing.objects.filter(case__state="statement", case__due_at__lte=now).select_related("case"):
        with transaction.atomic():
            _ct(LISTING).fire(
                listing.case,
                "statement_lapse",
                None,
                {"now": now.isoformat()},
                comment=_("陈述申辩期届满，未提出意见"),
                at=now,
            )
        lapsed += 1
    today = timezone.localtime(now).date()
    due = Listing.objects.filter(case__state="listed", record__max_until__lt=today).select_related("case", "record")
    for listing in due:
        with transaction.atomic():
            _ct(LISTING).fire(
                listing.case, "expire", None, {"today": today.isoformat()}, comment=_("公示期满，自动移出名单"), at=now
            )
            if listing.record is not None and listing.record.publication_ended_at is None:
                credit_publication_end(record=listing.record, why=PublicationEnd.EXPIRED, when=now)
            listing.removed_at = now
            listing.save(update_fields=["removed_at"])
        removed += 1
    return {"statement_lapsed": lapsed, "removed": removed}


# --- 信用修复 ----------------------------------------------------------------------------------------------------


def repair_apply(
    *,
    record: CreditRecord,
    actor: Any,
    performance: str,
    pledge: str,
    channel: str | None = None,
) -> Repair:
    """Apply for 信用修复 of a negative record: online by the subject's own account, or at the window by a clerk or
    credit officer for the subject. The case belongs to the unit that wrote the record ("谁认定、谁修复").
    Errors: ``not_repairable``, ``already_repaired``, ``repair_pending``, ``performance_required``,
    ``pledge_required``, ``permission_denied``."""
    from township.subjects.selectors import subject_for_user

    if record.positive or record.kind == CreditKind.POSITIVE:
        raise DomainError("not_repairable", _("守信记录无需修复"))
    if record.repaired_at is not None or record.publication_ended_at is not None:
        raise DomainError("already_repaired", _("该记录已修复或已停止公示"))
    if not (performance or "").strip():
        raise DomainError("performance_required", _("请说明已纠正失信行为、履行法定义务的情况"), field="performance")
    if not (pledge or "").strip():
        raise DomainError("pledge_required", _("请填写信用承诺"), field="pledge")
    staff = actor is not None and has_role(actor, record.jurisdiction_id, (Role.CREDIT_OFFICER, Role.WINDOW_CLERK))
    own = actor is not None and (subject := subject_for_user(actor)) is not None and subject.pk == record.subject_id
    if not staff and not own:
        raise PermissionRefused("permission_denied", _("只能为本人（本单位）的信用记录申请修复"))
    if Repair.objects.filter(record=record, case__closed_at__isnull=True).exists():
        raise DomainError("repair_pending", _("该记录已有办理中的修复申请"))
    channel = channel or (Repair.Channel.WINDOW if staff and not own else Repair.Channel.ONLINE)
    with transaction.atomic():
        case = case_open(
            case_type=REPAIR,
            jurisdiction=record.jurisdiction_id,
            actor=actor,
            owner=actor if own else None,
            title=_("信用修复申请：%(n)s") % {"n": record.subject.name},
            data={"record": record.pk, "channel": channel},
        )
        return Repair.objects.create(
            jurisdiction_id=record.jurisdiction_id,
            case=case,
            subject=record.subject,
            record=record,
            channel=channel,
            applicant_user=actor if own else None,
            performance=performance.strip(),
            pledge=pledge.strip(),
        )


def repair_accept(*, repair: Repair, actor: Any) -> Repair:
    """受理 (after the minimum publication period only); the decision period starts (working days, the town's rule)."""
    days = grade_settings(repair.jurisdiction_id)["repair_working_days"]
    _ct(REPAIR).fire(repair.case, "accept", actor, {"clock": {"unit": "working_days", "limit": days}})
    return repair


def repair_not_accept(*, repair: Repair, actor: Any, reason: str) -> Repair:
    with transaction.atomic():
        _ct(REPAIR).fire(repair.case, "not_accept", actor, {"reason": reason}, comment=reason)
        repair.decision_reason = reason.strip()
        repair.decided_at = timezone.now()
        repair.save(update_fields=["decision_reason", "decided_at"])
    return repair


def repair_review(*, repair: Repair, actor: Any, opinion: str, performance_proven: bool, pledge_public: bool) -> Repair:
    """审查: the officer verifies the performance and that the 信用承诺 was made public, and writes an opinion."""
    with transaction.atomic():
        _ct(REPAIR).fire(repair.case, "review", actor, {"opinion": opinion}, comment=opinion[:200])
        repair.review_opinion = opinion.strip()
        repair.performance_proven = bool(performance_proven)
        repair.pledge_public = bool(pledge_public)
        repair.save(update_fields=["review_opinion", "performance_proven", "pledge_public"])
    return repair


def repair_decide(*, repair: Repair, actor: Any, grant: bool, reason: str) -> Repair:
    """决定: a granted repair ends the publication of the record (and removes a listing it wrote) and recomputes the
    grade; the guards refuse a grant before the minimum period, without proven performance or a public pledge."""
    from township.credit.services import credit_record_repair

    with transaction.atomic():
        _ct(REPAIR).fire(repair.case, "grant" if grant else "refuse", actor, {"reason": reason}, comment=reason)
        repair.decision_reason = (reason or "").strip()
        repair.decided_at = timezone.now()
        repair.save(update_fields=["decision_reason", "decided_at"])
        if grant:
            record = repair.record
            credit_record_repair(
                record=record,
                actor=actor,
                reason=_("信用修复（%(n)s）：%(r)s") % {"n": repair.case.number, "r": reason or _("准予修复")},
            )
            listing = Listing.objects.filter(record=record, case__state="listed").select_related("case").first()
            if listing is not None:
                _ct(LISTING).fire(listing.case, "remove_repaired", actor, {}, comment=repair.case.number)
                listing.removed_at = timezone.now()
                listing.save(update_fields=["removed_at"])
    return repair
