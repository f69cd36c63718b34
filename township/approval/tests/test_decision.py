"""Review, decision, certificates, library reuse, 容缺, 告知承诺, special procedures and extensions."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from township.approval import services as svc
from township.approval.machine import S
from township.approval.models import AcceptMode, Channel, MaterialSource, VerificationStatus
from township.approval.tests.conftest import SH
from township.cases.errors import TransitionRefused
from township.core.errors import DomainError, PermissionRefused


def licence_for(luo_user, luo, catalog, approver, upload):
    app = svc.application_submit(
        actor=luo_user, item=catalog["licence"], applicant=luo, channel=Channel.ONLINE, uploads={"sfz": upload()}
    )
    svc.application_accept(application=app, actor=approver)
    svc.application_approve(application=app, actor=approver)
    app.refresh_from_db()
    return app


def test_approval_issues_a_signed_certificate_into_the_library_and_closes(
    now, luo_user, luo, catalog, approver_a, upload
):
    from township.certificates.selectors import certificate_verify, library_offer

    app = licence_for(luo_user, luo, catalog, approver_a, upload)
    app.case.refresh_from_db()
    assert app.case.state == S.CLOSED
    cert = app.certificate
    assert cert.type_name == "营业执照"
    assert cert.identifier.startswith("1.2.156.3005.2.")
    assert certificate_verify(cert.identifier)["status"] == "valid"
    offered = library_offer(luo, ["yyzz"])
    assert [li.certificate_id for li in offered] == [cert.pk]
    assert app.case.events.filter(name="issue").exists()


def test_library_item_is_reused_for_a_later_application_and_recorded(
    now, luo_user, luo, catalog, approver_a, clerk_a, upload
):
    licence = licence_for(luo_user, luo, catalog, approver_a, upload)
    app = svc.application_submit(
        actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW, uploads={"sfz": upload("i.pdf")}
    )
    mats = {m.material_type_code: m for m in svc.application_materials(app)}
    assert mats["yyzz"].source == MaterialSource.LIBRARY
    assert mats["yyzz"].library_item.certificate_id == licence.certificate_id
    reuse = app.case.events.get(name="library_reuse")
    assert reuse.data["items"][0]["certificate"] == licence.certificate.identifier
    svc.application_accept(application=app, actor=clerk_a)  # essential materials complete without a 2nd upload


def test_denial_needs_reasons_and_states_the_review_rights(now, clerk_a, approver_a, catalog, luo, upload):
    app = svc.application_submit(
        actor=clerk_a,
        item=catalog["food"],
        applicant=luo,
        channel=Channel.WINDOW,
        uploads={"sfz": upload(), "yyzz": upload("y.pdf")},
    )
    svc.application_accept(application=app, actor=clerk_a)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_deny(application=app, actor=approver_a, reason="  ")
    assert exc.value.code == "reason_required"
    svc.application_deny(application=app, actor=approver_a, reason="经营场所与住宅未有效隔离")
    event = app.case.events.get(name="deny")
    assert "行政复议" in event.data["rights"] and "行政诉讼" in event.data["rights"]


def test_a_clerk_cannot_decide(now, clerk_a, catalog, luo, upload):
    app = svc.application_submit(
        actor=clerk_a,
        item=catalog["food"],
        applicant=luo,
        channel=Channel.WINDOW,
        uploads={"sfz": upload(), "yyzz": upload("y.pdf")},
    )
    svc.application_accept(application=app, actor=clerk_a)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_approve(application=app, actor=clerk_a)
    assert exc.value.code == "role_required"


# ---- 容缺受理 ----------------------------------------------------------------------------------------------


def _food_without_plan(clerk, catalog, luo, upload):
    return svc.application_submit(
        actor=clerk,
        item=catalog["food"],
        applicant=luo,
        channel=Channel.WINDOW,
        uploads={"sfz": upload(), "yyzz": upload("y.pdf")},
    )


def test_gap_acceptance_records_missing_deadline_consequence_and_pledge(
    now, clerk_a, catalog, luo, upload, time_machine
):
    app = _food_without_plan(clerk_a, catalog, luo, upload)
    svc.application_accept_gap(application=app, actor=clerk_a, missing=["cspmt"], pledge="本人承诺5个工作日内补齐")
    app.refresh_from_db()
    assert app.accept_mode == AcceptMode.GAP
    assert app.gap_deadline == datetime.date(2026, 11, 30)  # 5 working days after Mon 23 Nov
    event = app.case.events.get(name="accept_gap")
    assert event.data["missing"] == ["cspmt"] and event.data["consequence"] and event.data["pledge"]
    # the applicant is told the material by its name, and the acceptance notice is dated the day of acceptance
    from township.approval import selectors as sel
    from township.approval.models import Notification

    note = Notification.objects.filter(application=app).latest("id")
    assert "经营场所平面图" in note.body and "cspmt" not in note.body
    time_machine.move_to(now + datetime.timedelta(days=7), tick=False)  # downloaded a week later
    content = sel.document_content(app, "acceptance")
    assert content["date"] == datetime.date(2026, 11, 23)
    assert any("经营场所平面图" in p for p in content["paragraphs"])


def test_gap_refused_for_control_items(now, clerk_a, catalog, luo, upload):
    app = svc.application_submit(
        actor=clerk_a, item=catalog["control"], applicant=luo, channel=Channel.WINDOW, uploads={"yyzz": upload()}
    )
    with pytest.raises(TransitionRefused) as exc:
        svc.application_accept_gap(application=app, actor=clerk_a, missing=["cspmt"], pledge="承诺")
    assert exc.value.code == "gap_control_item"


def test_gap_refused_for_blacklisted_applicants(now, clerk_a, head_a, catalog, luo, upload, town_a):
    from township.credit.services import credit_record_create

    credit_record_create(subject=luo, kind="blacklist", reason="严重失信", actor=head_a, jurisdiction=town_a)
    app = _food_without_plan(clerk_a, catalog, luo, upload)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_accept_gap(application=app, actor=clerk_a, missing=["cspmt"], pledge="承诺")
    assert exc.value.code == "gap_blacklisted"


def test_commitment_refused_for_blacklisted_applicants(now, clerk_a, head_a, catalog, luo, upload, town_a):
    from township.credit.services import credit_record_create

    credit_record_create(subject=luo, kind="blacklist", reason="严重失信", actor=head_a, jurisdiction=town_a)
    app = svc.application_submit(
        actor=clerk_a,
        item=catalog["food"],
        applicant=luo,
        channel=Channel.WINDOW,
        uploads={"sfz": upload(), "yyzz": upload()},
    )
    with pytest.raises(TransitionRefused) as exc:
        svc.application_approve_on_commitment(application=app, actor=clerk_a, applicant_chose=True, pledge="承诺")
    assert exc.value.code == "commitment_blacklisted" and "严重失信" in exc.value.message


def test_gap_refused_for_essential_materials_and_without_pledge(now, clerk_a, catalog, luo, upload):
    app = svc.application_submit(
        actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW, uploads={"sfz": upload()}
    )
    with pytest.raises(TransitionRefused) as exc:
        svc.application_accept_gap(application=app, actor=clerk_a, missing=["yyzz"], pledge="承诺")
    assert exc.value.code == "gap_material_not_allowed"
    app2 = _food_without_plan(clerk_a, catalog, luo, upload)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_accept_gap(application=app2, actor=clerk_a, missing=["cspmt"], pledge=" ")
    assert exc.value.code == "gap_pledge_required"


def test_gap_not_supplied_in_time_is_deemed_withdrawn_and_blocks_approval(
    now, time_machine, clerk_a, approver_a, catalog, luo, upload
):
    app = _food_without_plan(clerk_a, catalog, luo, upload)
    svc.application_accept_gap(application=app, actor=clerk_a, missing=["cspmt"], pledge="承诺补齐")
    with pytest.raises(TransitionRefused) as exc:
        svc.application_approve(application=app, actor=approver_a)
    assert exc.value.code == "gap_outstanding"
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=SH), tick=False)
    assert svc.approval_run_timed_work(timezone.now())["gap_expired"] == 1
    app.case.refresh_from_db()
    assert app.case.state == S.DEEMED_WITHDRAWN


def test_gap_supplied_in_time_lets_the_approver_decide(now, clerk_a, approver_a, catalog, luo, upload):
    app = _food_without_plan(clerk_a, catalog, luo, upload)
    svc.application_accept_gap(application=app, actor=clerk_a, missing=["cspmt"], pledge="承诺补齐")
    svc.application_gap_supply(application=app, actor=clerk_a, uploads={"cspmt": upload("plan.pdf")})
    assert svc.approval_run_timed_work(timezone.now())["gap_expired"] == 0
    svc.application_approve(application=app, actor=approver_a)
    app.case.refresh_from_db()
    assert app.case.state == S.CLOSED


# ---- 告知承诺 -----------------------------------------------------------------------------------------------


def test_commitment_decides_on_the_spot_and_creates_a_verification_task(now, clerk_a, approver_a, catalog, luo, upload):
    app = svc.application_submit(
        actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW, uploads={"sfz": upload()}
    )
    svc.application_approve_on_commitment(
        application=app, actor=approver_a, applicant_chose=True, pledge="本人承诺……", method="on_site"
    )
    app.refresh_from_db()
    app.case.refresh_from_db()
    assert app.case.state == S.CLOSED and app.certificate_id
    task = app.verification
    assert task.method == "on_site"
    assert task.due_date == datetime.date(2026, 12, 23)  # 30 natural days


def test_commitment_is_never_forced(now, clerk_a, approver_a, catalog, luo, upload):
    app = svc.application_submit(actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_approve_on_commitment(application=app, actor=approver_a, applicant_chose=False, pledge="x")
    assert exc.value.code == "commitment_not_chosen"


def test_commitment_refused_for_items_that_do_not_allow_it(now, clerk_a, approver_a, catalog, luo, upload):
    app = svc.application_submit(actor=clerk_a, item=catalog["insurance"], applicant=luo, channel=Channel.WINDOW)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_approve_on_commitment(application=app, actor=approver_a, applicant_chose=True, pledge="x")
    assert exc.value.code == "commitment_not_allowed"


def test_commitment_refused_after_a_false_commitment_record(now, clerk_a, approver_a, head_a, catalog, luo, town_a):
    from township.credit.services import credit_record_create

    credit_record_create(subject=luo, kind="false_commitment", reason="虚假承诺", actor=head_a, jurisdiction=town_a)
    app = svc.application_submit(actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_approve_on_commitment(application=app, actor=approver_a, applicant_chose=True, pledge="x")
    assert exc.value.code == "commitment_false_record"


def test_conditions_not_met_are_rectified_first_and_revoked_only_if_still_not_met(
    now, clerk_a, approver_a, officer_a, clerk_b, catalog, luo, town_a, upload
):
    from township.certificates.selectors import certificate_verify
    from township.credit.selectors import credit_has_false_commitment

    app = svc.application_submit(actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW)
    svc.application_approve_on_commitment(application=app, actor=approver_a, applicant_chose=True, pledge="承诺")
    assert list(svc.verification_tasks_open(actor=clerk_b, jurisdiction=town_a)) == []
    tasks = list(svc.verification_tasks_open(actor=officer_a, jurisdiction=town_a))
    assert len(tasks) == 1
    # not met: first an order to rectify — nothing revoked, no credit record
    with pytest.raises(DomainError) as exc:
        svc.verification_task_complete(task=tasks[0], actor=officer_a, passed=False, note="现场无独立加工间")
    assert exc.value.code == "outcome_required"
    with pytest.raises(DomainError) as exc:  # revoking for not rectifying needs an order to rectify first
        svc.verification_task_complete(task=tasks[0], actor=officer_a, outcome="not_rectified", note="现场无独立加工间")
    assert exc.value.code == "outcome_order"
    with pytest.raises(DomainError) as exc:
        svc.verification_task_complete(task=tasks[0], actor=officer_a, outcome="rectify", note="现场无独立加工间")
    assert exc.value.code == "rectify_days"
    svc.verification_task_complete(
        task=tasks[0], actor=officer_a, outcome="rectify", rectify_days=10, note="现场无独立加工间"
    )
    app.refresh_from_db()
    assert certificate_verify(app.certificate.identifier)["status"] != "revoked"
    assert not credit_has_false_commitment(luo)
    task = tasks[0].__class__.objects.get(pk=tasks[0].pk)
    assert task.status == VerificationStatus.RECTIFYING and task.rectify_by == datetime.date(2026, 12, 7)
    # the re-check finds it still not right: revoked and handed to enforcement, but it was no false pledge
    svc.verification_task_complete(task=task, actor=officer_a, outcome="not_rectified", note="现场无独立加工间")
    app.refresh_from_db()
    assert certificate_verify(app.certificate.identifier)["status"] == "revoked"
    assert not credit_has_false_commitment(luo)
    from township.enforcement.models import Clue

    assert Clue.objects.filter(source_case=app.case).exists()
    assert tasks[0].__class__.objects.get(pk=tasks[0].pk).status == VerificationStatus.FAILED


def test_a_false_pledge_revokes_the_certificate_and_writes_a_credit_record(
    now, clerk_a, approver_a, officer_a, catalog, luo, town_a, upload
):
    from township.certificates.selectors import certificate_verify
    from township.credit.selectors import credit_has_false_commitment

    app = svc.application_submit(actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW)
    svc.application_approve_on_commitment(application=app, actor=approver_a, applicant_chose=True, pledge="承诺")
    tasks = list(svc.verification_tasks_open(actor=officer_a, jurisdiction=town_a))
    svc.verification_task_complete(task=tasks[0], actor=officer_a, outcome="false", note="现场无独立加工间")
    app.refresh_from_db()
    assert certificate_verify(app.certificate.identifier)["status"] == "revoked"
    assert credit_has_false_commitment(luo)
    assert tasks[0].__class__.objects.get(pk=tasks[0].pk).status == VerificationStatus.FAILED
    from township.enforcement.models import Clue

    clue = Clue.objects.get(source_case=app.case)
    assert clue.source == Clue.Source.VERIFICATION and clue.jurisdiction_id == town_a.code
    assert "现场无独立加工间" in clue.summary
    with pytest.raises(DomainError):
        svc.verification_task_complete(task=tasks[0], actor=officer_a, passed=True, note="")


# ---- special procedures and extensions -----------------------------------------------------------------


def _accepted(clerk, catalog, luo, upload):
    app = _food_without_plan(clerk, catalog, luo, upload)
    svc.application_accept(application=app, actor=clerk)
    app.case.refresh_from_db()
    return app


def test_special_procedure_pauses_the_clock(now, time_machine, clerk_a, approver_a, catalog, luo, upload):
    app = _accepted(clerk_a, catalog, luo, upload)
    due = app.case.due_at
    svc.application_special_start(application=app, actor=approver_a, reason="testing", note="抽样检验")
    time_machine.move_to(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=SH), tick=False)  # two working days later
    svc.application_special_end(application=app, actor=approver_a)
    app.case.refresh_from_db()
    assert app.case.state == S.UNDER_REVIEW
    assert timezone.localtime(app.case.due_at).date() == datetime.date(2026, 11, 30)
    assert app.case.due_at > due


def test_special_procedure_needs_a_known_reason(now, clerk_a, approver_a, catalog, luo, upload):
    app = _accepted(clerk_a, catalog, luo, upload)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_special_start(application=app, actor=approver_a, reason="lunch")
    assert exc.value.code == "special_reason"
    # a site visit is part of the review (Art 45 lists only 听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_special_start(application=app, actor=approver_a, reason="site_visit")
    assert "现场核查计入审查期限" in exc.value.message
    svc.application_special_start(application=app, actor=approver_a, reason="quarantine", note="动物检疫")


def test_extension_needs_the_head_and_at_most_ten_working_days(
    now, clerk_a, approver_a, head_a, luo_user, catalog, luo, upload
):
    from township.approval.models import Notification

    app = _accepted(clerk_a, catalog, luo, upload)
    with pytest.raises(PermissionRefused) as exc:
        svc.application_extend(application=app, actor=approver_a, days=5, reason="需现场核查")
    assert exc.value.code == "extension_head_required"
    with pytest.raises(DomainError) as exc:
        svc.application_extend(application=app, actor=head_a, days=11, reason="需现场核查")
    assert exc.value.code == "extension_too_long"
    svc.application_extend(application=app, actor=head_a, days=6, reason="需现场核查")
    app.case.refresh_from_db()
    assert timezone.localtime(app.case.due_at).date() == datetime.date(2026, 12, 4)
    with pytest.raises(DomainError) as exc:
        svc.application_extend(application=app, actor=head_a, days=5, reason="再延")
    assert exc.value.code == "extension_too_long"
    assert Notification.objects.filter(user=luo_user, title__contains="延长").exists()


def test_supplement_notice_is_one_time_and_only_within_five_working_days(
    now, clerk_a, catalog, luo, upload, time_machine
):
    app = svc.application_submit(
        actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW, uploads={"sfz": upload()}
    )
    svc.application_request_supplement(application=app, actor=clerk_a, material_codes=["yyzz"])
    svc.application_supply(application=app, actor=clerk_a, uploads={"yyzz": upload("y.pdf")})
    # the supplied licence is still not right: asking for it again is allowed, asking for something new is not
    with pytest.raises(TransitionRefused) as exc:
        svc.application_request_supplement(application=app, actor=clerk_a, material_codes=["sfz", "yyzz"])
    assert exc.value.code == "supplement_not_one_time" and "一次性告知" in exc.value.message
    svc.application_request_supplement(application=app, actor=clerk_a, material_codes=["yyzz"])

    late = svc.application_submit(
        actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW, uploads={"sfz": upload()}
    )
    time_machine.move_to(now + datetime.timedelta(days=9), tick=False)  # Mon 23 Nov + 5 working days = Mon 30 Nov
    with pytest.raises(TransitionRefused) as exc:
        svc.application_request_supplement(application=late, actor=clerk_a, material_codes=["yyzz"])
    assert exc.value.code == "notice_window_passed" and "第三十二条" in exc.value.message


def test_a_licence_without_a_configured_limit_runs_on_the_twenty_working_days_of_art_42(
    now, clerk_a, head_a, town_a, catalog, luo, upload
):
    from township.catalog import services as cat

    item = cat.item_create(
        actor=head_a,
        jurisdiction=town_a.code,
        data={
            "name": "临时占用道路许可",
            "item_type": "01",
            "implementation_code": "B-NOLIMIT",
            "department_name": "行政审批局",
            "statutory_limit": None,
            "promised_limit": None,
            "handling_kind": "1",
        },
    )
    cat.item_set_materials(
        actor=head_a, item=item, materials=[{"material_type": catalog["types"]["id"], "essential": True}]
    )
    item.refresh_from_db()
    cat.item_publish(item=item, actor=head_a, reason="发布")
    item.refresh_from_db()
    app = svc.application_submit(
        actor=clerk_a, item=item, applicant=luo, channel=Channel.WINDOW, uploads={"sfz": upload()}
    )
    svc.application_accept(application=app, actor=clerk_a)
    app.case.refresh_from_db()
    assert (app.case.clock_unit, app.case.clock_limit) == ("working_days", 20)
    assert app.case.due_at is not None
