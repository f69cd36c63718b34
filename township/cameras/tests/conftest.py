"""Camera fixtures: 白沙镇 with a village grid and a third-level grid, a dispatcher, a patroller, a leader, a clerk;
几江街道 next door with its own dispatcher and grid."""

from __future__ import annotations

import pytest
from shapely.geometry import box, mapping

from township.org.models import Jurisdiction, Level, Role

# 1x1 PNG
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)

# center 50011610 (江津区 + unit 10), industry 00, type 132 (IPC), network 0, serial 000001.
DEVICE_A = "50011610001320000001"
DEVICE_A2 = "50011610001320000002"


def png(name: str = "snap.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture(autouse=True)
def _event_classes(db):
    from township.grid import services, spatial

    services.event_class_seed_defaults()
    spatial.clear()
    yield
    spatial.clear()


@pytest.fixture
def grids(town_a, village_a, town_b):
    from township.grid import services

    g1 = services.grid_create(
        actor=None,
        code="50011610800000",
        name="白沙镇一级网格",
        level=1,
        geometry=mapping(box(106.0, 29.0, 106.2, 29.2)),
        division=town_a.code,
    )
    g2 = services.grid_create(
        actor=None,
        code="50011610820100",
        name="石门村网格",
        level=2,
        geometry=mapping(box(106.0, 29.0, 106.1, 29.1)),
        division=village_a.code,
        parent=g1.code,
    )
    g3 = services.grid_create(
        actor=None,
        code="50011610820101",
        name="石门村第1网格",
        level=3,
        geometry=mapping(box(106.0, 29.0, 106.05, 29.1)),
        division=village_a.code,
        parent=g2.code,
    )
    b1 = services.grid_create(
        actor=None,
        code="50011610000000",
        name="几江一级网格",
        level=1,
        geometry=mapping(box(106.2, 29.2, 106.3, 29.3)),
        division=town_b.code,
    )
    return {"town": g1, "village": g2, "west": g3, "b": b1}


@pytest.fixture
def dispatcher_a(make_user, town_a):
    return make_user((town_a, Role.DISPATCHER), username="dispatcher_a", full_name="调度甲")


@pytest.fixture
def patroller_a(make_user, town_a):
    return make_user((town_a, Role.GRID_PATROLLER), username="patroller_a", full_name="巡查甲")


@pytest.fixture
def leader_a(make_user, town_a):
    return make_user((town_a, Role.LEADER), username="leader_a", full_name="领导甲")


@pytest.fixture
def dispatcher_b(make_user, town_b):
    return make_user((town_b, Role.DISPATCHER), username="dispatcher_b", full_name="调度乙")


@pytest.fixture
def patroller_b(make_user, town_b):
    return make_user((town_b, Role.GRID_PATROLLER), username="patroller_b", full_name="巡查乙")


@pytest.fixture
def camera_a(grids, dispatcher_a, town_a):
    from township.cameras import services

    return services.camera_create(
        actor=dispatcher_a,
        jurisdiction=town_a.code,
        data=services.CameraData(
            device_id=DEVICE_A,
            name="石门村口",
            lon=106.02,
            lat=29.05,
            address="石门村村委会",
            stream_url="https://video.example/live/a.m3u8",
            owner_unit="江津区公安分局",
        ),
    )


@pytest.fixture
def village_b(town_b) -> Jurisdiction:
    return Jurisdiction.objects.get_or_create(
        code="500116100201", defaults={"name": "某社区", "level": Level.VILLAGE, "parent": town_b}
    )[0]
