"""The timed work of approval (the worker): deemed accepted (Art 32), deemed withdrawn (补正, 容缺)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.approval import rules
from township.approval.machine import S
from township.approval.models import (
    AcceptMode,
    Application,
    Kind,
    SupplementNotice,
)
from township.approval.services.common import (
    _after_terminal,
    _clock_spec,
    _notify_applicant,
    log,
)
from township.cases.errors import TransitionRefused
from township.cases.models import Case
from township.cases.types import case_type_for
from township.core.errors import DomainError

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
    (补正 deadline, 容缺 deadline). ``now`` picks the candidates; each edge's guard then decides from the case's facts
    (``selectors.application_facts``, today's date among them), so nothing is fired early. Returns counts per kind."""
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
