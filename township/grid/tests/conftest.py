"""Grid fixtures: Baisha's grids (a town grid, a village grid, two third-level grids, one with a hole),
staff in each role, departments, and an event helper that fires real transitions."""

from __future__ import annotations

import io

import pytest
from shapely.geometry import Polygon, box, mapping

from township.grid import services, spatial
from township.org.models import Department, Jurisdiction, Level, Role

# 1x1 PNG
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)

HOLE = (106.07, 29.04, 106.08, 29.05)


def photo(name: str = "photo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG, content_type="image/png")


def geom(b):
    return mapping(box(*b))


@pytest.fixture(autouse=True)
def _event_classes(request):
    """Transactional tests flush the seeded classes; put them back for every DB test."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    elif "db" in request.fixturenames or marker:
        request.getfixturevalue("db")
    else:
        return
    services.event_class_seed_defaults()


@pytest.fixture(autouse=True)
def _fresh_index():
    spatial.clear()
    yield
    spatial.clear()


@pytest.fixture
def village_a2(town_a) -> Jurisdiction:
    return Jurisdiction.objects.get_or_create(
        code="500116108203", defaults={"name": "金盆村", "level": Level.VILLAGE, "parent": town_a}
    )[0]


@pytest.fixture
def grids(town_a, village_a, village_a2):
    g1 = services.grid_create(
        actor=None,
        code="50011610800000",
        name="白沙镇一级网格",
        level=1,
        geometry=geom((106.0, 29.0, 106.2, 29.2)),
        division=town_a.code,
    )
    g2 = services.grid_create(
        actor=None,
        code="50011610820100",
        name="石门村网格",
        level=2,
        geometry=geom((106.0, 29.0, 106.1, 29.1)),
        division=village_a.code,
        parent=g1.code,
    )
    g2b = services.grid_create(
        actor=None,
        code="50011610820300",
        name="金盆村网格",
        level=2,
        geometry=geom((106.1, 29.0, 106.2, 29.1)),
        division=village_a2.code,
        parent=g1.code,
    )
    west = services.grid_create(
        actor=None,
        code="50011610820101",
        name="石门村第1网格",
        level=3,
        geometry=geom((106.0, 29.0, 106.05, 29.1)),
        division=village_a.code,
        parent=g2.code,
    )
    holed = Polygon(
        [(106.05, 29.0), (106.1, 29.0), (106.1, 29.1), (106.05, 29.1)],
        holes=[[(HOLE[0], HOLE[1]), (HOLE[2], HOLE[1]), (HOLE[2], HOLE[3]), (HOLE[0], HOLE[3])]],
    )
    east = services.grid_create(
        actor=None,
        code="50011610820102",
        name="石门村第2网格",
        level=3,
        geometry=mapping(holed),
        division=village_a.code,
        parent=g2.code,
    )
    jp = services.grid_create(
        actor=None,
        code="50011610820301",
        name="金盆村第1网格",
        level=3,
        geometry=geom((106.1, 29.0, 106.2, 29.1)),
        division=village_a2.code,
        parent=g2b.code,
    )
    return {"town": g1, "village": g2, "village2": g2b, "west": west, "east": east, "jinpen": jp}


@pytest.fixture
def dept_a(town_a):
    return Department.objects.create(jurisdiction=town_a, name="环卫所", kind="handler")


@pytest.fixture
def dept_b(town_b):
    return Department.objects.create(jurisdiction=town_b, name="环卫所", kind="handler")


@pytest.fixture
def dispatcher_a(make_user, town_a):
    return make_user((town_a, Role.DISPATCHER), username="dispatcher_a", full_name="调度甲")


@pytest.fixture
def patroller_a(make_user, town_a):
    return make_user((town_a, Role.GRID_PATROLLER), username="patroller_a", full_name="巡查甲")


@pytest.fixture
def handler_a(make_user, town_a, dept_a):
    from township.org.models import RoleGrant

    user = make_user(username="handler_a", full_name="处置甲")
    RoleGrant.objects.create(user=user, jurisdiction=town_a, department=dept_a, role=Role.HANDLER)
    return user


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
def report(grids, patroller_a):
    """Report an event in the west grid as the patroller (暴露垃圾 200110)."""

    from township.grid.tests.factories import EventFactory

    def make(**kw):
        return EventFactory(**{"actor": patroller_a, **kw})

    return make


def csv_bytes(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))
