"""抓拍为证据: a camera snapshot attached to a grid event or a penalty case with its SHA-256 and a timeline record;
the video-call room of an officer."""

from __future__ import annotations

import hashlib

import pytest
from django.test import override_settings

from township.cameras import services
from township.cameras.models import Snapshot
from township.cameras.tests.conftest import PNG, png
from township.cases.models import Attachment, CaseEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event_a(grids, patroller_a):
    from township.grid import services as grid_services

    return grid_services.event_report(
        actor=patroller_a, event_class="200110", lon=106.02, lat=29.05, description="村口暴露垃圾"
    )


@pytest.fixture
def event_b(grids, patroller_b):
    from township.grid import services as grid_services

    return grid_services.event_report(
        actor=patroller_b, event_class="200110", lon=106.25, lat=29.25, description="几江暴露垃圾"
    )


def test_snapshot_to_event_api(client, camera_a, event_a, patroller_a):
    client.force_login(patroller_a)
    r = client.post(
        f"/api/v1/cameras/{camera_a.pk}/snapshot", {"target": "event", "target_id": event_a.pk, "image": png()}
    )
    assert r.status_code == 201, r.content
    body = r.json()
    digest = hashlib.sha256(PNG).hexdigest()
    assert body["sha256"] == digest and body["case_number"] == event_a.case.number
    att = Attachment.objects.get(pk=body["attachment"])
    assert att.case_id == event_a.case_id and att.sha256 == digest and att.purpose == "grid.camera"
    note = CaseEvent.objects.get(case=event_a.case, name="camera_snapshot")
    assert note.data["sha256"] == digest and note.data["device_id"] == camera_a.device_id
    assert Snapshot.objects.get().attachment_id == att.pk
    listed = client.get(f"/api/v1/cameras/{camera_a.pk}/snapshots").json()
    assert [s["sha256"] for s in listed] == [digest]


def test_snapshot_target_outside_reach_is_404(client, camera_a, event_b, patroller_a):
    client.force_login(patroller_a)
    r = client.post(
        f"/api/v1/cameras/{camera_a.pk}/snapshot", {"target": "event", "target_id": event_b.pk, "image": png()}
    )
    assert r.status_code == 404
    assert not Attachment.objects.filter(case=event_b.case).exists()
    r = client.post(f"/api/v1/cameras/{camera_a.pk}/snapshot", {"target": "other", "target_id": 1, "image": png()})
    assert r.status_code == 400 and r.json()["code"] == "snapshot_target_invalid"


def test_snapshot_refuses_non_images(client, camera_a, event_a, patroller_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(patroller_a)
    r = client.post(
        f"/api/v1/cameras/{camera_a.pk}/snapshot",
        {"target": "event", "target_id": event_a.pk, "image": SimpleUploadedFile("x.png", b"<script>")},
    )
    assert r.status_code == 415 and r.json()["code"] == "attachment_type"  # the engine refuses the file's type
    assert not Snapshot.objects.exists()


def test_snapshot_fetched_from_snapshot_url(monkeypatch, camera_a, event_a, patroller_a):
    camera_a.snapshot_url = "https://video.example/snap/a.jpg"
    camera_a.save()
    monkeypatch.setattr(services, "_fetch_snapshot", lambda url: PNG)
    snap = services.camera_snapshot_attach(camera=camera_a, actor=patroller_a, target="event", target_id=event_a.pk)
    assert snap.sha256 == hashlib.sha256(PNG).hexdigest()
    camera_a.snapshot_url = ""
    camera_a.save()
    with pytest.raises(services.DomainError) as exc:
        services.camera_snapshot_attach(camera=camera_a, actor=patroller_a, target="event", target_id=event_a.pk)
    assert exc.value.code == "snapshot_unavailable"


def test_snapshot_to_penalty_case_is_evidence(client):
    """A penalty case of the enforcement personas (白沙镇): the snapshot becomes an Evidence row with its hash."""
    import time_machine

    from township.enforcement.models import Evidence
    from township.enforcement.tests.conftest import NOW, build_world
    from township.enforcement.tests.steps import file_case
    from township.grid import services as grid_services
    from township.org.models import Role
    from township.org.testing import user_with_roles

    with time_machine.travel(NOW, tick=False):
        grid_services.event_class_seed_defaults()
        world = build_world()
        pc = file_case(world)
        camera = services.camera_create(
            actor=user_with_roles("cam_dispatcher", (world.town, Role.DISPATCHER)),
            jurisdiction=world.town.code,
            data=services.CameraData(device_id="50011610001320000077", name="东海村桥头", lon=106.1, lat=29.1),
        )
        client.force_login(world.o1)
        r = client.post(
            f"/api/v1/cameras/{camera.pk}/snapshot", {"target": "penalty", "target_id": pc.pk, "image": png()}
        )
        assert r.status_code == 201, r.content
        ev = Evidence.objects.get(penalty_case=pc)
        assert ev.sha256 == hashlib.sha256(PNG).hexdigest() == r.json()["sha256"]
        assert ev.collected_by == world.o1 and "东海村桥头" in ev.place
        assert CaseEvent.objects.filter(case=pc.case, name="camera_snapshot", data__sha256=ev.sha256).exists()
        client.force_login(world.stranger)
        r = client.post(
            f"/api/v1/cameras/{camera.pk}/snapshot", {"target": "penalty", "target_id": pc.pk, "image": png()}
        )
        assert r.status_code == 404


@override_settings(TOWNSHIP_VIDEO_CALL_URL="https://meet.example/{room}")
def test_video_call_room(client, dispatcher_a, patroller_a, patroller_b, town_a):
    client.force_login(dispatcher_a)
    r = client.get(f"/api/v1/cameras/call?officer={patroller_a.pk}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["url"] == f"https://meet.example/{body['room']}" and body["room"].startswith("township-500116108-")
    assert body["officer_name"] == "巡查甲"
    assert client.get(f"/api/v1/cameras/call?officer={patroller_b.pk}").status_code == 404  # another town
    client.force_login(patroller_a)
    assert client.get(f"/api/v1/cameras/call?officer={patroller_a.pk}").status_code == 403


@override_settings(TOWNSHIP_VIDEO_CALL_URL="")
def test_video_call_unconfigured(client, dispatcher_a, patroller_a):
    client.force_login(dispatcher_a)
    r = client.get(f"/api/v1/cameras/call?officer={patroller_a.pk}")
    assert r.status_code == 409 and r.json()["code"] == "video_call_unconfigured"


@override_settings(TOWNSHIP_VIDEO_CALL_URL="https://meet.example/{room}")
def test_camera_page_lists_village_level_staff_to_call(client, camera_a, dispatcher_a, grids, make_user, village_a):
    """Grid staff hold their grants in the village (grid_staff_assign): they are offered for a call too."""
    from township.grid import services as grid_services

    worker = make_user(username="worker_v", full_name="村网格员")
    grid_services.grid_staff_assign(grid=grids["west"], user=worker, role="grid_patroller", actor=None)
    client.force_login(dispatcher_a)
    page = client.get(f"/cameras/{camera_a.pk}/").content.decode()
    assert "发起视频通话" in page and "村网格员" in page


def test_snapshot_from_the_camera_page_by_case_number(client, camera_a, event_a, event_b, patroller_a):
    """The page's form (and its script) names the event by the case number a user knows (白沙格〔2026〕000001), or by
    its id; a number outside the user's reach attaches nothing."""
    client.force_login(patroller_a)
    url = f"/cameras/{camera_a.pk}/snapshot/"
    r = client.post(url, {"target": "event", "target_id": event_a.case.number, "image": png()})
    assert r.status_code == 302 and r["Location"] == f"/cameras/{camera_a.pk}/"
    snap = Snapshot.objects.get()
    digest = hashlib.sha256(PNG).hexdigest()
    assert snap.sha256 == digest and snap.case_number == event_a.case.number
    assert Attachment.objects.filter(case=event_a.case, sha256=digest).exists()
    page = client.get(r["Location"]).content.decode()
    assert digest in page  # the message and the snapshot list show the hash
    assert client.post(url, {"target": "event", "target_id": str(event_a.pk), "image": png()}).status_code == 302
    assert Snapshot.objects.count() == 2
    r = client.post(url, {"target": "event", "target_id": event_b.case.number, "image": png()}, follow=True)
    assert "未找到" in r.content.decode() and Snapshot.objects.count() == 2
    assert not Attachment.objects.filter(case=event_b.case).exists()


def test_camera_page_script_strings_come_from_the_server(client, camera_a, dispatcher_a):
    """camera.js shows only gettext'd strings handed over by the page (no Chinese in the script itself)."""
    import json
    import re
    from pathlib import Path

    from django.contrib.staticfiles import finders

    js = Path(finders.find("cameras/camera.js")).read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", js, flags=re.S)
    assert not re.search(r"[\u4e00-\u9fff]", code)
    client.force_login(dispatcher_a)
    html = client.get(f"/cameras/{camera_a.pk}/").content.decode()
    m = re.search(r'<script id="camera-texts" type="application/json">(.*?)</script>', html, re.S)
    assert m
    texts = json.loads(m.group(1))
    for key in ("webrtc", "streamError", "noHls", "streamFatal", "playerFailed", "callFailed", "callWith"):
        assert re.search(r"[\u4e00-\u9fff]", texts[key]), key
