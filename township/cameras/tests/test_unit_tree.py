"""The unit tree (组织机构) beside 视频监控: a village narrows the camera list and its Excel export; a unit outside the
user's reach is ignored (township.org.units.chosen_unit)."""

from __future__ import annotations

from township.cameras.models import Camera
from township.org.models import Jurisdiction, Level
from township.org.tests.unit_tree_checks import (
    assert_export_follows,
    assert_ignored,
    assert_narrows,
    assert_remembered,
)


def test_camera_list_and_export_follow_the_unit(client, camera_a, dispatcher_a, town_a, town_b, village_a):
    from township.cameras import services

    other = Jurisdiction.objects.create(code="500116108209", name="红旗村", level=Level.VILLAGE, parent=town_a)
    second = services.camera_create(
        actor=dispatcher_a,
        jurisdiction=town_a.code,
        data=services.CameraData(
            device_id="50011610001320000099",
            name="红旗村桥头",
            lon=106.02,
            lat=29.05,
            address="红旗村桥头",
            stream_url="https://video.example/live/b.m3u8",
            owner_unit="江津区公安分局",
        ),
    )
    Camera.objects.filter(pk=camera_a.pk).update(village=village_a)
    Camera.objects.filter(pk=second.pk).update(village=other)
    client.force_login(dispatcher_a)
    assert_narrows(client, "/cameras/", village_a.code, "石门村口", "红旗村桥头", wider=town_a.code)
    assert_remembered(client, "/cameras/", other.code, "红旗村桥头", "石门村口")
    assert_ignored(client, "/cameras/", town_b.code, "石门村口", "红旗村桥头")
    assert_export_follows(client, "/cameras/export/", village_a.code, "石门村口", "红旗村桥头")
