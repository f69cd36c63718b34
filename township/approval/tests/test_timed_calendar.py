"""One application whose period runs past the holiday table must not stop the worker for the others."""

from __future__ import annotations

import datetime

from django.utils import timezone

from township.approval import services as svc
from township.approval.machine import S
from township.approval.models import Channel
from township.approval.tests.conftest import SH


def test_an_application_past_the_holiday_table_does_not_block_the_others(time_machine, clerk_a, catalog, luo, upload):
    time_machine.move_to(datetime.datetime(2026, 12, 10, 9, 0, tzinfo=SH), tick=False)
    waiting = svc.application_submit(
        actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW, uploads={"sfz": upload()}
    )
    svc.application_request_supplement(application=waiting, actor=clerk_a, material_codes=["yyzz"])
    # received on 2026-12-28: its 5-working-day window (and its clock) run into 2027, which is not entered yet
    time_machine.move_to(datetime.datetime(2026, 12, 28, 9, 0, tzinfo=SH), tick=False)
    svc.application_submit(
        actor=clerk_a,
        item=catalog["food"],
        applicant=luo,
        channel=Channel.WINDOW,
        uploads={"sfz": upload(), "yyzz": upload()},
    )
    time_machine.move_to(datetime.datetime(2027, 1, 5, 9, 0, tzinfo=SH), tick=False)
    counts = svc.approval_run_timed_work(timezone.now())
    waiting.case.refresh_from_db()
    # the first application's 补正 deadline passed in 2026: it is deemed withdrawn although the other one is stuck
    assert waiting.case.state == S.DEEMED_WITHDRAWN and counts["supplement_expired"] == 1
