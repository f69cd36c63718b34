"""Bundles (一件事), village agents, tenancy, list query counts, ratings and the queue."""

from __future__ import annotations

import datetime

import pytest

from township.approval import selectors as sel
from township.approval import services as svc
from township.approval.machine import S
from township.approval.models import Channel, Kind, Notification, RectificationTask
from township.approval.tests.conftest import SH
from township.cases.errors import TransitionRefused
from township.core.errors import DomainError, NotFound, PermissionRefused


def _bundle(clerk, catalog, luo, upload):
    return svc.application_bundle_submit(
        actor=clerk,
        items=[catalog["food"], catalog["insurance"]],
        applicant=luo,
        channel=Channel.WINDOW,
        uploads={"sfz": upload("id.pdf"), "yyzz": upload("licence.pdf")},
    )


def test_bundle_creates_one_parent_and_a_child_per_item_sharing_materials(now, clerk_a, catalog, luo, upload):
    parent = _bundle(clerk_a, catalog, luo, upload)
    children = sel.children_of(parent)
    assert parent.kind == Kind.BUNDLE and parent.case.case_type == "approval_bundle"
    assert [c.title for c in children] == ["食品经营许可", "社会保险登记"]
    assert all(c.case.parent_id == parent.case_id for c in children)
    numbers = [parent.case.number] + [c.case.number for c in children]  # consecutive, in the order of filing
    assert [int(n[-6:]) for n in numbers] == [1, 1, 2] and not any(n.startswith("~") for n in numbers)
    # one upload of the licence serves both items
    assert parent.case.attachments.filter(purpose="yyzz").count() == 1
    assert {m.material_type_code for m in svc.application_materials(children[1])} >= {"yyzz", "sfz"}
    svc.application_accept(application=parent, actor=clerk_a)
    for child in sel.children_of(parent):
        assert child.case.state == S.UNDER_REVIEW
        assert child.case.due_at is not None  # each child has its own clock


def test_bundle_parent_closes_when_every_child_closes(now, clerk_a, approver_a, catalog, luo, upload):
    parent = _bundle(clerk_a, catalog, luo, upload)
    svc.application_accept(application=parent, actor=clerk_a)
    food, insurance = sel.children_of(parent)
    svc.application_approve(application=food, actor=approver_a)
    parent.case.refresh_from_db()
    assert parent.case.closed_at is None
    svc.application_deny(application=insurance, actor=approver_a, reason="已在他处参保")
    parent.case.refresh_from_db()
    assert parent.case.state == "closed"
    assert parent.case.events.get(name="close").actor is None


def test_bundle_parent_cannot_be_closed_by_hand_while_children_are_open(now, clerk_a, catalog, luo, upload):
    from township.cases.types import case_type_for

    parent = _bundle(clerk_a, catalog, luo, upload)
    with pytest.raises(TransitionRefused) as exc:
        case_type_for(parent.case.case_type).fire(parent.case, "close", clerk_a)
    assert exc.value.code == "children_open"


def test_bundle_of_items_from_two_towns_is_refused(now, clerk_a, catalog, luo):
    from township.catalog.models import Item

    foreign = Item(pk=999999, jurisdiction_id="500116100", name="x")
    with pytest.raises(DomainError) as exc:
        svc.application_bundle_submit(
            actor=clerk_a, items=[catalog["food"], foreign], applicant=luo, channel=Channel.WINDOW
        )
    assert exc.value.code == "bundle_mixed"


# ---- village agents ---------------------------------------------------------------------------------------


def test_village_agent_files_for_a_resident_who_sees_it_too(now, agent_a, luo, luo_user, catalog, upload, clerk_b):
    app = svc.application_submit(
        actor=agent_a, item=catalog["licence"], applicant=luo, channel=Channel.VILLAGE_AGENT, uploads={"sfz": upload()}
    )
    assert app.agent == agent_a and app.village_id == "500116108201"
    # the resident's notice names the case's own number (taken at the submission's end: cases/numbering.py)
    notice = Notification.objects.get(user=luo_user, application=app)
    assert notice.body == f"办件编号 {app.case.number}" and "〔" in app.case.number
    assert [a.pk for a in sel.application_list(actor=agent_a)] == [app.pk]
    assert [a.pk for a in sel.my_applications(actor=luo_user)] == [app.pk]
    with pytest.raises(NotFound):
        sel.application_get(actor=clerk_b, pk=app.pk)
    # the agent accepts on the spot for their village
    svc.application_accept(application=app, actor=agent_a)


def test_village_agent_cannot_file_for_another_villages_resident(now, make_user, other_village, luo, catalog):
    other_agent = make_user((other_village, "village_agent"), username="agent_b")
    with pytest.raises((PermissionRefused, DomainError)):
        svc.application_submit(actor=other_agent, item=catalog["licence"], applicant=luo, channel=Channel.VILLAGE_AGENT)


def test_village_agent_sees_nothing_of_other_villages(now, clerk_a, agent_a, catalog, luo, upload, make_user):
    from township.approval.tests.conftest import rid
    from township.subjects.services import subject_get_or_create_person

    stranger = subject_get_or_create_person(resident_id=rid("50011619700101001"), name="张三")
    svc.application_submit(actor=clerk_a, item=catalog["licence"], applicant=stranger, channel=Channel.WINDOW)
    assert list(sel.application_list(actor=agent_a)) == []


# ---- tenancy and query counts -----------------------------------------------------------------------------


def test_town_b_clerk_sees_no_town_a_application(now, clerk_a, clerk_b, catalog, luo, upload):
    app = svc.application_submit(actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW)
    assert list(sel.application_list(actor=clerk_b)) == []
    assert list(sel.clerk_worklist(actor=clerk_b)) == []
    with pytest.raises(NotFound):
        sel.application_get(actor=clerk_b, pk=app.pk)
    assert [a.pk for a in sel.clerk_worklist(actor=clerk_a)] == [app.pk]


def test_worklists_use_a_constant_number_of_queries(
    now, clerk_a, approver_a, catalog, luo, upload, django_assert_max_num_queries
):
    for _ in range(6):
        app = svc.application_submit(
            actor=clerk_a,
            item=catalog["food"],
            applicant=luo,
            channel=Channel.WINDOW,
            uploads={"sfz": upload(), "yyzz": upload("y.pdf")},
        )
    svc.application_accept(application=app, actor=clerk_a)
    for actor, selector in ((clerk_a, sel.clerk_worklist), (approver_a, sel.approver_queue)):
        with django_assert_max_num_queries(2):
            rows = [(a.case.number, a.applicant.name, a.title, a.case.warning()) for a in selector(actor=actor)]
        assert rows


def test_application_list_query_count_does_not_grow(now, clerk_a, catalog, luo, django_assert_max_num_queries):
    for _ in range(5):
        svc.application_submit(actor=clerk_a, item=catalog["insurance"], applicant=luo, channel=Channel.WINDOW)
    with django_assert_max_num_queries(2):
        rows = [(a.case.state_label, a.applicant.name, a.village) for a in sel.application_list(actor=clerk_a)]
    assert len(rows) == 5


# ---- 好差评 -----------------------------------------------------------------------------------------------


def _closed(luo_user, luo, catalog, approver, upload):
    app = svc.application_submit(
        actor=luo_user, item=catalog["licence"], applicant=luo, channel=Channel.ONLINE, uploads={"sfz": upload()}
    )
    svc.application_accept(application=app, actor=approver)
    svc.application_approve(application=app, actor=approver)
    app.refresh_from_db()
    app.case.refresh_from_db()
    return app


def test_bad_rating_opens_a_rectification_task_with_a_deadline(now, luo_user, luo, catalog, approver_a, head_a, upload):
    app = _closed(luo_user, luo, catalog, approver_a, upload)
    with pytest.raises(DomainError) as exc:
        svc.application_rate(application=app, actor=luo_user, grade=5, text="")
    assert exc.value.code == "rating_text_required"
    rating = svc.application_rate(application=app, actor=luo_user, grade=4, text="排队太久")
    task = rating.rectification
    assert task.due_date == datetime.date(2026, 11, 30)  # 5 working days
    assert task.callback_due == datetime.date(2026, 11, 24)  # the rater is called back within 1 working day
    svc.rectification_callback(task=task, actor=head_a, note="已电话回访", result="增开窗口")
    assert RectificationTask.objects.get(pk=task.pk).status == "done"
    with pytest.raises(DomainError) as exc:
        svc.application_rate(application=app, actor=luo_user, grade=1)
    assert exc.value.code == "rating_exists"


def test_good_rating_opens_nothing_and_only_after_completion(now, luo_user, luo, catalog, approver_a, upload):
    pending = svc.application_submit(
        actor=luo_user, item=catalog["licence"], applicant=luo, channel=Channel.ONLINE, uploads={"sfz": upload()}
    )
    with pytest.raises(DomainError) as exc:
        svc.application_rate(application=pending, actor=luo_user, grade=1)
    assert exc.value.code == "rating_not_finished"
    app = _closed(luo_user, luo, catalog, approver_a, upload)
    rating = svc.application_rate(application=app, actor=luo_user, grade=1, text="很快")
    assert not RectificationTask.objects.filter(rating=rating).exists()


# ---- queue tickets ----------------------------------------------------------------------------------------


def test_queue_take_call_and_waiting_statistics(now, time_machine, clerk_a, town_a, clerk_b):
    t1 = svc.ticket_take(jurisdiction=town_a.code, category="B")
    t2 = svc.ticket_take(jurisdiction=town_a.code, category="B")
    assert (t1.number, t2.number) == ("B001", "B002")
    time_machine.move_to(datetime.datetime(2026, 11, 23, 9, 12, tzinfo=SH), tick=False)
    called = svc.ticket_call_next(actor=clerk_a, jurisdiction=town_a.code, window=3)
    assert called.pk == t1.pk and called.window == 3
    board = sel.queue_board(jurisdiction=town_a.code)
    assert board["called"][0].number == "B001" and board["waiting"] == {"B": 1}
    stats = sel.queue_stats(actor=clerk_a, jurisdiction=town_a.code)
    assert stats == [{"category": "B", "total": 2, "called": 1, "avg_minutes": 12.0, "max_minutes": 12.0}]
    with pytest.raises(PermissionRefused):
        svc.ticket_call_next(actor=clerk_b, jurisdiction=town_a.code, window=1)


def test_registration_validates_the_identifier(db):
    with pytest.raises(DomainError) as exc:
        svc.applicant_register(
            username="x", password="Luo-pass-2026!", full_name="罗晓梅", identifier="500116198803152040"
        )
    assert exc.value.code == "invalid_identifier"
    from township.approval.tests.conftest import LUO_ID

    user = svc.applicant_register(username="luo2", password="Luo-pass-2026!", full_name="罗晓梅", identifier=LUO_ID)
    assert user.resident_id == LUO_ID
    with pytest.raises(DomainError) as exc:
        svc.applicant_register(username="luo3", password="Luo-pass-2026!", full_name="罗晓梅", identifier=LUO_ID)
    assert exc.value.code == "identifier_taken"


def test_only_the_applicant_withdraws_in_person_through_their_agent_or_by_written_request(
    now, clerk_a, agent_a, luo_user, luo, catalog, upload
):
    from township.cases.errors import TransitionRefused

    online = svc.application_submit(
        actor=luo_user, item=catalog["licence"], applicant=luo, channel=Channel.ONLINE, uploads={"sfz": upload()}
    )
    # the village agent did not file Ms Luo's own online application: not theirs to withdraw
    with pytest.raises(TransitionRefused) as exc:
        svc.application_withdraw(application=online, actor=agent_a, reason="")
    assert exc.value.code in ("withdraw_not_applicant", "role_required")
    svc.application_withdraw(application=online, actor=luo_user, reason="不办了")

    at_window = svc.application_submit(
        actor=clerk_a, item=catalog["licence"], applicant=luo, channel=Channel.WINDOW, uploads={"sfz": upload()}
    )
    with pytest.raises(TransitionRefused) as exc:
        svc.application_withdraw(application=at_window, actor=clerk_a, reason="")
    assert exc.value.code == "withdraw_request_required"
    svc.application_withdraw(application=at_window, actor=clerk_a, reason="申请人2026-11-23书面申请撤回")
    at_window.case.refresh_from_db()
    assert at_window.case.state == "withdrawn"

    by_agent = svc.application_submit(
        actor=agent_a, item=catalog["licence"], applicant=luo, channel=Channel.VILLAGE_AGENT, uploads={"sfz": upload()}
    )
    svc.application_withdraw(application=by_agent, actor=agent_a, reason="申请人委托代办员撤回")
