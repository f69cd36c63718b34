"""网格事件 导出 equals the filtered list (masked contact, scoped to the user's towns); 网格管理 is paginated and
searchable."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from township.grid import services, views
from township.grid.models import Event
from township.org.models import Role


def sheet(res) -> list[tuple]:
    data = b"".join(res.streaming_content) if res.streaming else res.content
    return list(load_workbook(BytesIO(data)).active.iter_rows(values_only=True))


def listed(client, query: str) -> list[str]:
    html = client.get("/grid/events/" + query).content.decode()
    return sorted(e.case.number for e in Event.objects.select_related("case") if f">{e.case.number}</a>" in html)


def test_event_export_equals_the_filtered_list_and_masks_the_contact(
    client, report, dispatcher_a, make_user, town_b, grids
):
    made = [report(lon=106.02 + i * 0.002, description=f"垃圾{i}") for i in range(3)]
    report(lon=106.03, description="占道", contact_name="李四", contact_phone="13812345678")
    services.event_register(event=made[0], actor=dispatcher_a)
    client.force_login(dispatcher_a)
    page = client.get("/grid/events/?state=reported&q=垃圾").content.decode()
    assert 'id="export"' in page and "/downloads/export/grid-events/?state=reported" in page
    shown = listed(client, "?state=reported&q=垃圾")
    assert shown == sorted(e.case.number for e in made[1:])
    rows = sheet(client.get("/downloads/export/grid-events/?state=reported&q=垃圾"))
    assert rows[0][:2] == ("编号", "预警")
    assert sorted(r[0] for r in rows[1:]) == shown
    rows = sheet(client.get("/downloads/export/grid-events/?q=占道"))
    assert rows[1][-2:] == ("李*", "138****5678")
    assert client.get("/downloads/export/grid-events/?state=nope").status_code == 400
    other = make_user((town_b, Role.DISPATCHER))
    client.force_login(other)
    assert sheet(client.get("/downloads/export/grid-events/"))[1:] == []


def test_grid_list_is_paginated_and_searchable(client, dispatcher_a, grids, monkeypatch):
    monkeypatch.setattr(views, "GRID_PAGE", 2)
    client.force_login(dispatcher_a)
    first = client.get("/grid/grids/").content.decode()
    assert first.count("<tr><td data-label=") == 2 and 'rel="next"' in first
    found = client.get("/grid/grids/?q=石门村第2").content.decode()
    assert "石门村第2网格" in found and "金盆村网格" not in found and 'rel="next"' not in found
    assert client.get("/grid/grids/?page=999").status_code == 200
