"""Notifications reach the pluggable backend after commit; the worker runs the approval timed job."""

from __future__ import annotations

import datetime

from django.utils import timezone

from township.approval import services as svc
from township.approval.machine import S
from township.approval.models import Channel, Notification
from township.approval.notify import MemoryBackend
from township.approval.tests.conftest import SH


def test_messages_go_in_app_and_to_the_backend_after_commit(
    now, settings, luo_user, luo, catalog, upload, django_capture_on_commit_callbacks
):
    settings.TOWNSHIP_NOTIFY_BACKEND = "township.approval.notify.MemoryBackend"
    MemoryBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        app = svc.application_submit(
            actor=luo_user, item=catalog["licence"], applicant=luo, channel=Channel.ONLINE, uploads={"sfz": upload()}
        )
    assert Notification.objects.filter(user=luo_user, application=app, title__contains="已提交").exists()
    assert MemoryBackend.outbox and MemoryBackend.outbox[-1][0] == luo_user.pk


def test_the_worker_runs_the_approval_job_once_per_slot(now, time_machine, clerk_a, catalog, luo, upload):
    from township.cases.timed import run_due_jobs, timed_jobs

    assert "approval.timed_work" in {job.name for job in timed_jobs()}
    app = svc.application_submit(actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW)
    time_machine.move_to(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=SH), tick=False)
    first = run_due_jobs(timezone.now())
    assert first["approval.timed_work"]["deemed_accepted"] == 1
    assert run_due_jobs(timezone.now())["approval.timed_work"] == "skipped"  # a second worker, same slot
    app.case.refresh_from_db()
    assert app.case.state == S.UNDER_REVIEW
