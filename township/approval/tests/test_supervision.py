"""一线贯通 (issue 13 item 7): every decided application creates exactly one supervision task for the enforcement
bureau, by the item's risk class, its 容缺/告知承诺 history and the applicant's grade, due on the working-day clock;
findings become clues; every final outcome writes its credit record."""

from __future__ import annotations

import pytest

from township.approval import services as svc
from township.approval.models import Application, Channel, VerificationTask
from township.core.errors import DomainError


def _submit(actor, item, subject, channel, upload, uploads=None):
    from township.catalog.selectors import item_version_current

    if uploads is None:
        snap = item_version_current(item).snapshot
        uploads = {m["material_type_code"]: upload(f"{m['material_type_code']}.pdf") for m in snap["materials"]}
    return svc.application_submit(actor=actor, item=item, applicant=subject, channel=channel, uploads=uploads)


def _actor_for(channel, clerk_a, agent_a, luo_user):
    return {Channel.WINDOW: clerk_a, Channel.VILLAGE_AGENT: agent_a, Channel.ONLINE: luo_user}[channel]


def test_every_decided_application_has_exactly_one_task_over_all_channels_and_risk_classes(
    now, grades, clerk_a, approver_a, agent_a, luo_user, luo, catalog, upload
):
    decided = 0
    seen: set[tuple[str, str, str]] = set()
    for key in ("licence", "food", "control", "insurance"):
        item = catalog[key]
        for channel in (Channel.WINDOW, Channel.VILLAGE_AGENT, Channel.ONLINE):
            for path in ("approve", "deny", "gap", "commitment"):
                try:
                    app = _submit(_actor_for(channel, clerk_a, agent_a, luo_user), item, luo, channel, upload)
                except DomainError as exc:
                    assert exc.code == "channel_not_offered"
                    break
                if path == "approve":
                    svc.application_accept(application=app, actor=clerk_a)
                    svc.application_approve(application=app, actor=approver_a)
                elif path == "deny":
                    svc.application_accept(application=app, actor=clerk_a)
                    svc.application_deny(application=app, actor=approver_a, reason="条件不符")
                elif path == "gap" and key == "food":
                    svc.application_request_supplement  # noqa: B018  (the gap path: a listed material missing)
                    app = _submit(clerk_a, item, luo, Channel.WINDOW, upload, {"sfz": upload(), "yyzz": upload()})
                    svc.application_accept_gap(application=app, actor=clerk_a, missing=["cspmt"], pledge="承诺补齐")
                    svc.application_gap_supply(application=app, actor=clerk_a, uploads={"cspmt": upload("p.pdf")})
                    svc.application_approve(application=app, actor=approver_a)
                elif path == "commitment" and key == "food":
                    svc.application_approve_on_commitment(
                        application=app, actor=clerk_a, applicant_chose=True, pledge="承诺"
                    )
                else:
                    svc.application_withdraw(application=app, actor=luo_user)  # not decided: no task
                    continue
                decided += 1
                app.refresh_from_db()
                task = VerificationTask.objects.get(application=app)
                seen.add((task.risk_class or "-", task.purpose, channel))
                assert task.due_date > now.date() and task.level
    apps = Application.objects.exclude(decision="")
    assert apps.count() == decided == VerificationTask.objects.count()
    assert all(VerificationTask.objects.filter(application=a).count() == 1 for a in apps)
    # not decided (withdrawn) → none
    assert not VerificationTask.objects.filter(application__decision="").exists()
    assert {r for r, _p, _c in seen} >= {"control", "careful", "encouraged"}
    assert {p for _r, p, _c in seen} == {"licence", "denied", "gap", "commitment"}
    assert {c for _r, _p, c in seen} == {Channel.WINDOW, Channel.VILLAGE_AGENT, Channel.ONLINE}


def test_the_task_follows_the_grade_and_the_risk_class(now, grades, clerk_a, approver_a, luo, catalog, upload):
    from township.core.calendar import add_working_days

    grades[luo.pk] = "D"
    app = _submit(clerk_a, catalog["licence"], luo, Channel.WINDOW, upload)
    svc.application_accept(application=app, actor=clerk_a)
    svc.application_approve(application=app, actor=approver_a)
    task = VerificationTask.objects.get(application=app)
    assert (task.purpose, task.level, task.method, task.credit_grade) == ("licence", "full", "on_site", "D")
    assert task.due_date == add_working_days(now.date(), 10) and task.due_working_days == 10
    assert "信用等级D" in task.basis
    assert app.case.events.filter(name="supervision_task").count() == 1
    # a second call never makes a second task
    assert svc.supervision_task_create(app) == task


def test_a_met_check_writes_a_positive_record_and_false_only_for_pledges(
    now, clerk_a, approver_a, officer_a, luo, catalog, upload, town_a
):
    from township.credit.models import CreditRecord

    app = _submit(clerk_a, catalog["licence"], luo, Channel.WINDOW, upload)
    svc.application_accept(application=app, actor=clerk_a)
    svc.application_approve(application=app, actor=approver_a)
    task = VerificationTask.objects.get(application=app)
    with pytest.raises(DomainError) as exc:
        svc.verification_task_complete(task=task, actor=officer_a, outcome="false", note="虚假")
    assert exc.value.code == "outcome_purpose"
    svc.verification_task_complete(task=task, actor=officer_a, outcome="met", note="现场符合")
    record = CreditRecord.objects.get(subject=luo, source_case=app.case)
    assert record.kind == "positive"


def test_a_finding_becomes_a_clue_and_revokes_the_licence_with_a_record(
    now, clerk_a, approver_a, officer_a, luo, catalog, upload, town_a
):
    from township.credit.models import CreditRecord
    from township.enforcement.models import Clue

    app = _submit(clerk_a, catalog["licence"], luo, Channel.WINDOW, upload)
    svc.application_accept(application=app, actor=clerk_a)
    svc.application_approve(application=app, actor=approver_a)
    task = VerificationTask.objects.get(application=app)
    svc.verification_task_complete(task=task, actor=officer_a, outcome="rectify", note="未亮证经营", rectify_days=5)
    assert not CreditRecord.objects.filter(subject=luo).exists()  # an order to rectify is not a final outcome
    svc.verification_task_complete(task=task, actor=officer_a, outcome="not_rectified", note="逾期未整改")
    app.refresh_from_db()
    assert app.certificate.status == "revoked"
    assert Clue.objects.filter(source_case=app.case, source="verification").count() == 1
    record = CreditRecord.objects.get(subject=luo, source_case=app.case)
    assert record.kind == "penalty" and record.severity == "general"
