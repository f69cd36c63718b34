"""A late decision stays late (issue 17.3; 行政许可法 Art 42): decided after its due date, an application is recorded
as 超期办结 and stays on the supervisor's view, counted, in the API and on its own page."""

from __future__ import annotations

import datetime

from township.approval import services as svc
from township.approval.machine import S
from township.approval.models import Channel


def test_an_application_decided_after_its_due_date_shows_as_late_and_is_counted(
    now, time_machine, clerk_a, approver_a, head_a, catalog, luo, upload, client
):
    late = svc.application_submit(
        actor=clerk_a,
        item=catalog["food"],
        applicant=luo,
        channel=Channel.WINDOW,
        uploads={"sfz": upload(), "yyzz": upload()},
    )
    on_time = svc.application_submit(
        actor=clerk_a,
        item=catalog["food"],
        applicant=luo,
        channel=Channel.WINDOW,
        uploads={"sfz": upload(), "yyzz": upload()},
    )
    svc.application_accept(application=late, actor=clerk_a)
    svc.application_accept(application=on_time, actor=clerk_a)
    svc.application_approve(application=on_time, actor=approver_a)  # Monday 23 Nov, due Thursday 26 Nov
    time_machine.move_to(now + datetime.timedelta(days=8), tick=False)  # Tuesday 1 December: past the due date
    svc.application_approve(application=late, actor=approver_a)
    late.case.refresh_from_db()
    assert late.case.state == S.CLOSED and late.case.finished_late and late.case.warning() == "late"

    client.force_login(head_a)
    page = client.get("/approval/supervise/").content.decode()
    assert '<span class="count" id="late-count">1</span>' in page  # counted on the default tab too
    page = client.get("/approval/supervise/", {"show": "late"}).content.decode()
    late_table = page.split('id="late"')[1].split("</table>")[0]  # (both also have their supervision task below)
    assert late.case.number in late_table and on_time.case.number not in late_table and "超期办结" in page

    detail = client.get(f"/approval/a/{late.pk}/").content.decode()
    assert 'id="warning">超期办结</span>' in detail

    rows = client.get("/api/v1/approval/warnings", {"late": "true"}).json()
    assert [r["id"] for r in rows] == [late.pk]
    assert rows[0]["finished_late"] is True and rows[0]["warning"] == "late" and rows[0]["warning_label"] == "超期办结"
    one = client.get("/api/v1/approval/applications", {"q": on_time.case.number}).json()[0]
    assert one["finished_late"] is False and one["warning"] == "none"
