"""Grids: codes, GeoJSON import errors, export, the generator, point to grid at edges and holes."""

from __future__ import annotations

import json
import time

import pytest
from shapely.geometry import box, mapping

from township.core.errors import DomainError
from township.grid import geo, services, spatial
from township.grid.models import Grid, GridIndexVersion, GridStaff
from township.grid.tests.conftest import HOLE, geom
from township.org.models import Jurisdiction, Role, RoleGrant


def feature(code, level, b=None, parent=None, name=None, geometry=None, **props):
    return {
        "type": "Feature",
        "geometry": geometry or geom(b),
        "properties": {"code": code, "name": name or f"网格{code}", "level": level, "parent": parent, **props},
    }


def fc(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


# --- codes ------------------------------------------------------------------------------------


def test_grid_code_must_start_with_its_village_code(village_a):
    assert services.grid_code_validate(code="50011610820101", scheme="national-14", division=village_a)
    with pytest.raises(DomainError) as exc:
        services.grid_code_validate(code="50011610820301", scheme="national-14", division=village_a)
    assert exc.value.code == "grid_code_prefix"
    assert "不一致" in exc.value.message


@pytest.mark.parametrize(
    ("code", "scheme", "ok"),
    [
        ("500116108201001", "local-15", True),
        ("5001161082010", "national-14", False),
        ("50011610820101", "local-15", False),
        ("01010050011610820101", "community-20", True),
        ("01010050011610820301", "community-20", False),
        ("500116108201-A", "custom", True),
    ],
)
def test_grid_code_schemes(village_a, code, scheme, ok):
    if ok:
        assert services.grid_code_validate(code=code, scheme=scheme, division=village_a) == code
    else:
        with pytest.raises(DomainError):
            services.grid_code_validate(code=code, scheme=scheme, division=village_a)


def test_grid_tenant_is_the_town_even_for_village_grids(grids, town_a, village_a):
    west = grids["west"]
    assert west.jurisdiction_id == town_a.code
    assert west.village_id == village_a.code
    assert west.division_id == village_a.code
    assert west.area_km2 > 0


# --- GeoJSON import ------------------------------------------------------------------------------


def test_import_creates_three_levels_from_geojson(town_a, village_a):
    data = fc(
        feature("50011610800000", 1, (106.0, 29.0, 106.2, 29.2)),
        feature("50011610820100", 2, (106.0, 29.0, 106.1, 29.1), parent="50011610800000"),
        feature("50011610820101", 3, (106.0, 29.0, 106.05, 29.1), parent="50011610820100"),
        feature("50011610820102", 3, (106.05, 29.0, 106.1, 29.1), parent="50011610820100"),
    )
    grids = services.grid_import_geojson(data=data, actor=None)
    assert len(grids) == 4
    assert Grid.objects.get(code="50011610820102").parent.code == "50011610820100"
    assert Grid.objects.get(code="50011610820101").division_id == village_a.code  # guessed from the code


def test_import_refuses_a_self_intersecting_polygon_and_writes_nothing(town_a):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[106.0, 29.0], [106.1, 29.1], [106.1, 29.0], [106.0, 29.1], [106.0, 29.0]]],
    }
    data = fc(feature("50011610800000", 1, (106.0, 29.0, 106.2, 29.2)), feature("50011610800001", 1, geometry=bowtie))
    with pytest.raises(services.GridImportError) as exc:
        services.grid_import_geojson(data=data, actor=None)
    assert any("第2个网格" in e and "无效" in e for e in exc.value.errors)
    assert Grid.objects.count() == 0


def test_import_refuses_overlapping_polygons(town_a):
    data = fc(
        feature("50011610800000", 1, (106.0, 29.0, 106.2, 29.2)),
        feature("50011610800001", 1, (106.1, 29.1, 106.3, 29.3)),
    )
    with pytest.raises(services.GridImportError) as exc:
        services.grid_import_geojson(data=data, actor=None)
    assert any("重叠" in e for e in exc.value.errors)


def test_import_refuses_overlap_with_stored_grids(grids):
    data = fc(feature("50011610800001", 1, (106.15, 29.15, 106.3, 29.3)))
    with pytest.raises(services.GridImportError) as exc:
        services.grid_import_geojson(data=data, actor=None)
    assert any("与已有网格 50011610800000 重叠" in e for e in exc.value.errors)


def test_neighbours_sharing_an_edge_do_not_overlap(town_a):
    data = fc(
        feature("50011610800000", 1, (106.0, 29.0, 106.1, 29.1)),
        feature("50011610800001", 1, (106.1, 29.0, 106.2, 29.1)),
    )
    assert len(services.grid_import_geojson(data=data, actor=None)) == 2


def test_import_refuses_a_grid_outside_its_parent(town_a, village_a):
    data = fc(
        feature(
            "50011610820100",
            2,
            (106.0, 29.0, 106.1, 29.1),
            jurisdiction=None,
            division=village_a.code,
            parent="50011610800000",
        ),
        feature("50011610800000", 1, (106.0, 29.0, 106.05, 29.05)),
    )
    with pytest.raises(services.GridImportError) as exc:
        services.grid_import_geojson(data=data, actor=None)
    assert any("超出上级网格 50011610800000 的范围" in e for e in exc.value.errors)


def test_import_reports_missing_parent_wrong_prefix_and_bad_json(town_a):
    data = fc(
        feature("50011610820100", 2, (106.0, 29.0, 106.1, 29.1), parent="50011610899999", division="500116108"),
        feature("32028110400000", 1, (107.0, 29.0, 107.1, 29.1), division="500116108"),
    )
    with pytest.raises(services.GridImportError) as exc:
        services.grid_import_geojson(data=data, actor=None)
    text = " ".join(exc.value.errors)
    assert "上级网格 50011610899999 不存在" in text
    assert "不一致" in text
    with pytest.raises(DomainError) as bad:
        services.grid_import_geojson(data="{not json", actor=None)
    assert bad.value.code == "geojson_invalid"


def test_import_command_reads_a_file_and_prints_errors(tmp_path, town_a, capsys):
    from django.core.management import CommandError, call_command

    good = tmp_path / "grids.geojson"
    good.write_text(fc(feature("50011610800000", 1, (106.0, 29.0, 106.2, 29.2))), encoding="utf-8")
    call_command("import_grids", str(good))
    assert Grid.objects.filter(code="50011610800000").exists()
    bad = tmp_path / "bad.geojson"
    bad.write_text(fc(feature("50011610800001", 1, (106.1, 29.1, 106.3, 29.3))), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_grids", str(bad))
    assert "重叠" in capsys.readouterr().err


def test_export_round_trips(grids, town_a):
    exported = services.grid_export_geojson(grids=Grid.objects.filter(jurisdiction=town_a).select_related("parent"))
    assert len(exported["features"]) == 6
    for level in (3, 2, 1):
        Grid.objects.filter(level=level).delete()
    services.grid_import_geojson(data=exported, actor=None)
    assert Grid.objects.count() == 6


def test_a_dispatcher_of_another_town_cannot_import_here(town_a, dispatcher_b):
    with pytest.raises(DomainError) as exc:
        services.grid_import_geojson(
            data=fc(feature("50011610800000", 1, (106.0, 29.0, 106.2, 29.2))), actor=dispatcher_b
        )
    assert exc.value.code == "grid_admin_required"


def test_staff_in_the_five_roles(grids, make_user, village_a):
    user = make_user(username="wgy")
    for role in (Role.GRID_PATROLLER, Role.GRID_HEAD, Role.GRID_SUPERVISOR, Role.GRID_POLICE, Role.GRID_VOLUNTEER):
        services.grid_staff_assign(grid=grids["west"], user=user, role=role, actor=None)
    assert GridStaff.objects.filter(grid=grids["west"]).count() == 5
    assert RoleGrant.objects.filter(user=user, jurisdiction=village_a).count() == 5
    with pytest.raises(DomainError):
        services.grid_staff_assign(grid=grids["west"], user=user, role=Role.DISPATCHER, actor=None)


# --- generator ------------------------------------------------------------------------------------


def test_tile_covers_the_box_exactly():
    cells = geo.tile((0, 0, 10, 5), 7)
    assert len(cells) == 7
    assert sum(c.area for c in cells) == pytest.approx(50)


def test_generator_reproduces_jiangyin_17_271_1557(db):
    from township.grid.demo import JIANGYIN_BOUNDS, ensure_divisions

    ensure_divisions("jiangyin-divisions.csv")
    county = Jurisdiction.objects.get(pk="320281")
    started = time.monotonic()
    counts = services.grid_generate(root=county, bounds=JIANGYIN_BOUNDS, counts=(17, 271, 1557))
    elapsed = time.monotonic() - started
    assert counts == {1: 17, 2: 271, 3: 1557}
    assert Grid.objects.filter(level=1, jurisdiction_id="320281").count() == 17
    assert Grid.objects.filter(level=2).count() == 271
    assert Grid.objects.filter(level=3).count() == 1557
    assert elapsed < 20
    # every generated code is consistent with its division, and children lie in their parents
    g3 = Grid.objects.filter(level=3).select_related("division", "parent").first()
    services.grid_code_validate(code=g3.code, scheme=g3.scheme, division=g3.division)
    assert geo.loads(g3.parent.geometry).covers(geo.loads(g3.geometry))
    # every point of the county lands in a third-level grid
    g = spatial.locate(120.3, 31.8)
    assert Grid.objects.get(pk=g).level == 3


# --- point to grid ---------------------------------------------------------------------------------


def test_point_inside_a_third_level_grid(grids):
    assert spatial.locate(106.02, 29.05) == grids["west"].pk
    assert spatial.locate(106.09, 29.09) == grids["east"].pk


def test_point_on_a_shared_edge_goes_to_the_smaller_code(grids):
    assert spatial.locate(106.05, 29.05) == grids["west"].pk  # 01 < 02
    assert spatial.locate(106.1, 29.05) == grids["east"].pk  # east (…20102) < jinpen (…20301)


def test_point_on_the_outer_corner_and_just_outside(grids):
    assert spatial.locate(106.0, 29.0) == grids["west"].pk
    assert spatial.locate(105.9999, 29.05) is None


def test_point_in_a_hole_falls_back_to_the_covering_upper_grid(grids):
    inside_hole = ((HOLE[0] + HOLE[2]) / 2, (HOLE[1] + HOLE[3]) / 2)
    assert spatial.locate(*inside_hole) == grids["village"].pk
    # a point of the upper (town) grid outside every village grid
    assert spatial.locate(106.1, 29.15) == grids["town"].pk


def test_a_grid_filling_the_hole_is_found_after_the_index_version_bumps(grids, village_a):
    inside_hole = ((HOLE[0] + HOLE[2]) / 2, (HOLE[1] + HOLE[3]) / 2)
    before = GridIndexVersion.objects.get(key="*").version
    assert spatial.locate(*inside_hole) == grids["village"].pk
    filler = services.grid_create(
        actor=None,
        code="50011610820103",
        name="石门村飞地",
        level=3,
        geometry=mapping(box(*HOLE)),
        division=village_a.code,
        parent=grids["village"].code,
    )
    assert GridIndexVersion.objects.get(key="*").version > before
    assert spatial.locate(*inside_hole) == filler.pk


def test_locate_within_one_jurisdiction_and_many_points(grids, town_a, town_b):
    assert spatial.locate(106.02, 29.05, town_a.code) == grids["west"].pk
    assert spatial.locate(106.02, 29.05, town_b.code) is None
    assert spatial.locate_many([(106.02, 29.05), (106.09, 29.09), (0, 0)]) == [grids["west"].pk, grids["east"].pk, None]


def test_gcj02_round_trip_and_offset():
    lon, lat = 106.02, 29.05
    glon, glat = geo.wgs84_to_gcj02(lon, lat)
    assert geo.haversine_m(lon, lat, glon, glat) > 100  # the offset is hundreds of metres
    back = geo.gcj02_to_wgs84(glon, glat)
    assert geo.haversine_m(lon, lat, *back) < 0.05
    assert geo.to_wgs84(2.35, 48.85, "gcj02") == (2.35, 48.85)  # outside China: unchanged


def test_import_refuses_a_grid_whose_code_does_not_extend_its_parents(town_a, village_a, village_a2):
    """DOMAIN §1.3 (county + town + community + sequence): a unit grid coded and placed for community 201 cannot be
    imported under the level-2 grid of community 203; the row is refused and nothing is imported."""
    data = fc(
        feature("50011610800000", 1, (106.0, 29.0, 106.1, 29.1), division=town_a.code),
        feature("50011610820300", 2, (106.0, 29.0, 106.05, 29.05), parent="50011610800000", division=village_a2.code),
        feature("50011610820101", 3, (106.0, 29.0, 106.02, 29.02), parent="50011610820300", division=village_a.code),
        feature("50011610820302", 3, (106.03, 29.03, 106.04, 29.04), parent="50011610820300", division=village_a2.code),
    )
    with pytest.raises(services.GridImportError) as exc:
        services.grid_import_geojson(data=data, actor=None)
    errors = [e for e in exc.value.errors if "50011610820101" in e]
    assert len(errors) == 1 and "不在上级网格 50011610820300 的区划 500116108203（金盆村）内" in errors[0]
    assert not any("50011610820302" in e for e in exc.value.errors)  # its sibling is fine
    assert not Grid.objects.filter(code__startswith="500116108").exists()


def test_grids_coded_for_their_parents_community_are_imported(town_a, village_a2):
    """The same tree, each code extending its parent's: imported whole."""
    data = fc(
        feature("50011610800000", 1, (106.0, 29.0, 106.1, 29.1), division=town_a.code),
        feature("50011610820300", 2, (106.0, 29.0, 106.05, 29.05), parent="50011610800000", division=village_a2.code),
        feature("50011610820301", 3, (106.0, 29.0, 106.02, 29.02), parent="50011610820300", division=village_a2.code),
    )
    assert len(services.grid_import_geojson(data=data, actor=None)) == 3
