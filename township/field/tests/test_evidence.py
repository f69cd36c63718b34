"""Officers' evidence from the phone: attached to the penalty case with time, place and SHA-256 and a timeline record,
once per key; a file altered on the way is refused; another town's officer does not reach the case; the legal
reviewer's opinion is readable on the phone."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from township.cases.models import CaseEvent
from township.enforcement.models import Evidence
from township.enforcement.tests.conftest import NOW, travel, world  # noqa: F401
from township.enforcement.tests.factories import PenaltyCaseFactory
from township.field.models import Submission
from township.field.tests.conftest import PNG, photo

pytestmark = pytest.mark.django_db


def _send(client, pc, key="ev-00000001", **kw):
    data = {
        "key": key,
        "case_id": pc.case_id,
        "lon": 106.1,
        "lat": 29.05,
        "accuracy": 6,
        "place": "东海村3组",
        "at": (NOW - dt.timedelta(minutes=5)).isoformat(),
        "sha256": hashlib.sha256(PNG).hexdigest(),
        "file": photo("scene.png"),
        **kw,
    }
    return client.post("/api/v1/field/evidence", data)


def test_evidence_attached_once_with_hash_time_and_place(client, world):  # noqa: F811
    pc = PenaltyCaseFactory(world=world)
    client.force_login(world.o1)
    r = _send(client, pc)
    assert r.status_code == 201, r.content
    assert _send(client, pc).status_code == 200
    ev = Evidence.objects.get(penalty_case=pc)
    assert ev.sha256 == hashlib.sha256(PNG).hexdigest() == ev.attachment.sha256
    assert ev.collected_by == world.o1
    assert ev.collected_at == NOW - dt.timedelta(minutes=5)
    assert "东海村3组" in ev.place and "29.050000,106.100000" in ev.place
    note = CaseEvent.objects.get(case=pc.case, name="field_evidence")
    assert note.data["sha256"] == ev.sha256 and note.data["evidence"] == ev.pk
    assert Submission.objects.get(key="ev-00000001").object_id == ev.pk


def test_altered_file_is_refused(client, world):  # noqa: F811
    pc = PenaltyCaseFactory(world=world)
    client.force_login(world.o1)
    r = _send(client, pc, sha256="0" * 64)
    assert r.status_code == 422 and r.json()["code"] == "evidence_hash_mismatch"
    assert not Evidence.objects.filter(penalty_case=pc).exists() and not Submission.objects.exists()


def test_another_towns_officer_does_not_reach_the_case(client, world):  # noqa: F811
    pc = PenaltyCaseFactory(world=world)
    client.force_login(world.stranger)
    assert _send(client, pc).status_code == 404
    assert client.get(f"/api/v1/field/cases/{pc.case_id}/review").status_code == 404
    assert client.get(f"/field/cases/{pc.case_id}/").status_code == 404


def test_review_opinion_on_the_phone(client, world):  # noqa: F811
    from township.enforcement.models import PenaltyCase

    pc = PenaltyCaseFactory(world=world)
    PenaltyCase.objects.filter(pk=pc.pk).update(
        reviewer=world.reviewer,
        review_opinion="事实清楚，建议补充现场照片。",
        review_passed=False,
        reviewed_on=NOW.date(),
    )
    client.force_login(world.o1)
    r = client.get(f"/api/v1/field/cases/{pc.case_id}/review")
    assert r.status_code == 200
    assert r.json()["review_opinion"] == "事实清楚，建议补充现场照片。" and r.json()["reviewer"] == "周审核"
    html = client.get(f"/field/cases/{pc.case_id}/").content.decode()
    assert "事实清楚，建议补充现场照片。" in html and "周审核" in html
    listing = client.get("/field/cases/").content.decode()
    assert pc.case.number in listing


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free" + b"\x00" * 64


MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00\x00\x00\x08wide" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [("scene.mp4", MP4, "video/mp4"), ("IMG_0042.MOV", MOV, "video/quicktime")],  # an iPhone records QuickTime
)
def test_short_video_is_evidence_with_its_hash(client, world, name, content, mime):  # noqa: F811
    """A short video from the phone (MP4, or an iPhone's .mov) is evidence like a photo: its type sniffed from the
    bytes (not the name), its SHA-256, time and place, once per key."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    pc = PenaltyCaseFactory(world=world)
    client.force_login(world.o1)
    video = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    r = _send(client, pc, key=f"ev-video-{mime[6:]}", file=video, sha256=hashlib.sha256(content).hexdigest())
    assert r.status_code == 201, r.content
    ev = Evidence.objects.get(penalty_case=pc)
    assert ev.attachment.content_type == mime and ev.sha256 == hashlib.sha256(content).hexdigest()
    assert CaseEvent.objects.filter(case=pc.case, name="field_evidence", data__sha256=ev.sha256).exists()


def test_a_file_of_another_type_is_refused_with_a_chinese_message(client, world):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    pc = PenaltyCaseFactory(world=world)
    client.force_login(world.o1)
    avi = b"RIFF\x24\x00\x00\x00AVI LIST" + b"\x00" * 64
    r = _send(client, pc, key="ev-avi-1", file=SimpleUploadedFile("a.avi", avi), sha256=hashlib.sha256(avi).hexdigest())
    assert 400 <= r.status_code < 500, r.content
    body = r.json()
    assert body["code"] == "attachment_type" and body["field"] == "file"
    assert "不支持此类文件" in body["message"] and "MOV 视频" in body["message"] and "/" not in body["message"]
    assert not Evidence.objects.filter(penalty_case=pc).exists()


def test_case_page_checks_type_and_size_before_queueing(client, world, settings):  # noqa: F811
    """The phone is told at once what the server would refuse at sync (a PDF, a video over the size limit), instead
    of queueing it to fail later."""
    settings.TOWNSHIP_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    pc = PenaltyCaseFactory(world=world)
    client.force_login(world.o1)
    r = client.get(f"/field/cases/{pc.case_id}/")
    html = r.content.decode()
    assert 'accept="image/*,video/mp4,video/quicktime"' in html and 'capture="environment"' in html
    config = r.context["field_config"]["evidence"]
    assert config["maxBytes"] == 5 * 1024 * 1024 and config["maxMB"] == 5
    assert "video/mp4" in config["types"] and "image/jpeg" in config["types"]
    assert "video/quicktime" in config["types"]  # an iPhone's .mov
    assert not {"application/pdf", "application/octet-stream"} & set(config["types"])
    assert "fileType" in r.context["field_config"]["text"] and "fileTooLarge" in r.context["field_config"]["text"]
