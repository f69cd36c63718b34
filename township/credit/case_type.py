"""The credit case types declared to the engine: 严重失信主体名单 and 信用修复 (issue 13 items 4, 5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.cases.types import Action, CaseType, MenuEntry, TimedJob
from township.credit import forms
from township.credit.machine import LISTING_MACHINE, REPAIR_MACHINE
from township.credit.models import Listing, Repair
from township.org.models import Role


def _listings(now: datetime) -> dict[str, Any]:
    from township.credit.workflows import listings_expire

    return listings_expire(now)


def _listing_facts(case: Any) -> dict[str, Any]:
    listing = (
        getattr(case, "_case_type_record", None)
        or Listing.objects.filter(jurisdiction_id=case.jurisdiction_id, case=case).first()
    )
    if listing is None:  # a bare case without its record (engine tests): no facts
        return {}
    record = listing.record
    return {
        "statement_due": case.due_at.isoformat() if case.state == "statement" and case.due_at else "",
        "max_until": record.max_until.isoformat() if record is not None and record.max_until else "",
        "today": timezone.localdate().isoformat(),
    }


def _repair_facts(case: Any) -> dict[str, Any]:
    repair = (
        getattr(case, "_case_type_record", None)
        or Repair.objects.filter(jurisdiction_id=case.jurisdiction_id, case=case).first()
    )
    if repair is None:
        return {}
    return {
        "min_until": repair.record.min_until.isoformat() if repair.record.min_until else "",
        "performance_proven": repair.performance_proven,
        "pledge_public": repair.pledge_public,
        "today": timezone.localdate().isoformat(),
    }


def _w(name: str, **fixed: Any) -> Any:
    def handler(record: Any, actor: Any, d: dict[str, Any], files: Any) -> Any:
        from township.credit import workflows

        return getattr(workflows, name)(actor=actor, **fixed, **_args(record, d))

    return handler


def _args(record: Any, d: dict[str, Any]) -> dict[str, Any]:
    key = "listing" if isinstance(record, Listing) else "repair"
    return {key: record, **{k: v for k, v in d.items() if k != "comment"}}


LISTING_CASE_TYPE = CaseType(
    machine=LISTING_MACHINE,
    record=Listing,
    page="credit:listing",
    actions=(
        Action(
            "listing_notify", _("告知当事人"), handler=_w("listing_notify"), form=forms.NoteForm, transition="notify"
        ),
        Action(
            "listing_statement",
            _("录入陈述申辩"),
            handler=_w("listing_statement"),
            form=forms.StatementForm,
            transition="state_opinion",
        ),
        Action(
            "listing_list",
            _("决定列入并公示"),
            handler=_w("listing_decide", list_it=True),
            form=forms.ReasonForm,
            transition="list",
            danger=True,
        ),
        Action(
            "listing_not_list",
            _("决定不予列入"),
            handler=_w("listing_decide", list_it=False),
            form=forms.ReasonForm,
            transition="not_list",
        ),
    ),
    menu=(MenuEntry(_("信用工作台"), "credit:workbench", roles=(Role.CREDIT_OFFICER, Role.LEADER), order=70),),
    timed=(TimedJob("credit.listings", _listings, every_seconds=600),),
    facts=_listing_facts,
)

REPAIR_CASE_TYPE = CaseType(
    machine=REPAIR_MACHINE,
    record=Repair,
    page="credit:repair",
    actions=(
        Action("repair_accept", _("受理"), handler=_w("repair_accept"), form=forms.NoteForm, transition="accept"),
        Action(
            "repair_not_accept",
            _("不予受理"),
            handler=_w("repair_not_accept"),
            form=forms.ReasonForm,
            transition="not_accept",
        ),
        Action("repair_review", _("审查"), handler=_w("repair_review"), form=forms.ReviewForm, transition="review"),
        Action(
            "repair_grant",
            _("准予修复"),
            handler=_w("repair_decide", grant=True),
            form=forms.ReasonForm,
            transition="grant",
        ),
        Action(
            "repair_refuse",
            _("不予修复"),
            handler=_w("repair_decide", grant=False),
            form=forms.ReasonForm,
            transition="refuse",
            danger=True,
        ),
    ),
    facts=_repair_facts,
)
