"""Open311 GeoReport v2: every method in JSON and XML, errors in the spec's format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # noqa: S405

import pytest

from township.grid import services
from township.grid.models import Event, Source

BASE = "/open311/v2"


@pytest.fixture
def api_key(db):
    _key, raw = services.open311_key_create(name="测试调用方")
    return raw


@pytest.fixture
def public_event(grids):
    return services.event_report(
        actor=None,
        event_class="200110",
        lon=106.02,
        lat=29.05,
        description="垃圾堆放",
        source=Source.PUBLIC,
        address="白沙镇石门村口",
    )


def xml(resp):
    return ET.fromstring(resp.content)  # noqa: S314  (our own response)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery(client, fmt):
    resp = client.get(f"{BASE}/discovery.{fmt}")
    assert resp.status_code == 200
    if fmt == "json":
        data = resp.json()
        assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert "application/json" in data["endpoints"][0]["formats"]
    else:
        root = xml(resp)
        assert root.tag == "discovery"
        assert root.find("endpoints/endpoint/specification").text == "http://wiki.open311.org/GeoReport_v2"
        assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_services_lists_public_classes_only(client, fmt, db):
    resp = client.get(f"{BASE}/services.{fmt}")
    assert resp.status_code == 200
    if fmt == "json":
        codes = {s["service_code"]: s for s in resp.json()}
    else:
        codes = {s.find("service_code").text: {c.tag: c.text for c in s} for s in xml(resp).findall("service")}
    assert codes["200110"]["service_name"] == "暴露垃圾"
    assert codes["100102"]["group"] == "公用设施"
    assert "202103" not in codes  # 矛盾纠纷 is not reported by the public


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_and_unknown_code(client, fmt, db):
    resp = client.get(f"{BASE}/services/200110.{fmt}")
    assert resp.status_code == 200
    if fmt == "json":
        assert resp.json() == {"service_code": "200110", "attributes": []}
    else:
        assert xml(resp).find("service_code").text == "200110"
    missing = client.get(f"{BASE}/services/999999.{fmt}")
    assert missing.status_code == 404
    if fmt == "json":
        assert missing.json()[0]["code"] == 404 and missing.json()[0]["description"]
    else:
        assert xml(missing).find("error/code").text == "404"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_request_creates_an_event_awaiting_verification(client, fmt, grids, api_key):
    resp = client.post(
        f"{BASE}/requests.{fmt}",
        {
            "api_key": api_key,
            "service_code": "200110",
            "lat": "29.05",
            "long": "106.02",
            "description": "路边有垃圾",
            "address_string": "石门村",
            "first_name": "三",
            "last_name": "张",
            "phone": "13800000000",
            "email": "a@example.com",
        },
    )
    assert resp.status_code == 201
    row = resp.json()[0] if fmt == "json" else {c.tag: c.text for c in xml(resp).find("request")}
    event = Event.objects.get(pk=int(row["service_request_id"]))
    assert row["token"] == event.ticket
    assert event.source == Source.OPEN311 and event.grid_id == grids["west"].pk
    assert event.case.state == "verifying"
    assert event.contact_name == "张 三"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_request_errors(client, fmt, grids, api_key):
    bad_key = client.post(
        f"{BASE}/requests.{fmt}",
        {"api_key": "nope", "service_code": "200110", "lat": "29.05", "long": "106.02", "description": "x"},
    )
    assert bad_key.status_code == 403
    missing = client.post(f"{BASE}/requests.{fmt}", {"api_key": api_key, "lat": "29.05", "long": "106.02"})
    assert missing.status_code == 400
    outside = client.post(
        f"{BASE}/requests.{fmt}",
        {"api_key": api_key, "service_code": "200110", "lat": "20.0", "long": "100.0", "description": "x"},
    )
    assert outside.status_code == 400
    if fmt == "json":
        assert "网格" in outside.json()[0]["description"]
    else:
        assert xml(outside).tag == "errors"
    assert Event.objects.count() == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_requests_with_filters(client, fmt, grids, public_event, patroller_a, dispatcher_a):
    other = services.event_report(
        actor=patroller_a, event_class="200112", lon=106.09, lat=29.09, description="道路不洁"
    )
    services.event_reject(event=other, actor=dispatcher_a, reason="已自行清扫")

    def ids(resp):
        assert resp.status_code == 200
        if fmt == "json":
            return {r["service_request_id"] for r in resp.json()}
        return {r.find("service_request_id").text for r in xml(resp).findall("request")}

    assert ids(client.get(f"{BASE}/requests.{fmt}")) == {str(public_event.pk), str(other.pk)}
    assert ids(client.get(f"{BASE}/requests.{fmt}", {"service_code": "200110"})) == {str(public_event.pk)}
    assert ids(client.get(f"{BASE}/requests.{fmt}", {"status": "closed"})) == {str(other.pk)}
    assert ids(client.get(f"{BASE}/requests.{fmt}", {"status": "open"})) == {str(public_event.pk)}
    assert ids(client.get(f"{BASE}/requests.{fmt}", {"service_request_id": f"{other.pk}"})) == {str(other.pk)}
    assert (
        ids(
            client.get(
                f"{BASE}/requests.{fmt}", {"start_date": "2001-01-01T00:00:00Z", "end_date": "2001-02-01T00:00:00Z"}
            )
        )
        == set()
    )
    assert client.get(f"{BASE}/requests.{fmt}", {"status": "pending"}).status_code == 400
    assert client.get(f"{BASE}/requests.{fmt}", {"start_date": "yesterday"}).status_code == 400


def test_request_rows_have_the_spec_fields_and_no_personal_data(client, public_event):
    row = client.get(f"{BASE}/requests/{public_event.pk}.json").json()[0]
    for key in (
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "requested_datetime",
        "updated_datetime",
        "address",
        "lat",
        "long",
    ):
        assert key in row
    assert row["status"] == "open" and row["lat"] == pytest.approx(29.05)
    assert row["requested_datetime"].endswith("+08:00")
    assert "13800000000" not in json.dumps(row)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_request_detail_and_token(client, fmt, public_event):
    resp = client.get(f"{BASE}/requests/{public_event.pk}.{fmt}")
    assert resp.status_code == 200
    token = client.get(f"{BASE}/tokens/{public_event.ticket}.{fmt}")
    assert token.status_code == 200
    if fmt == "json":
        assert resp.json()[0]["service_code"] == "200110"
        assert token.json() == [{"service_request_id": str(public_event.pk), "token": public_event.ticket}]
    else:
        assert xml(resp).find("request/service_code").text == "200110"
        assert xml(token).find("request/service_request_id").text == str(public_event.pk)
    assert client.get(f"{BASE}/requests/999999.{fmt}").status_code == 404
    assert client.get(f"{BASE}/tokens/NOSUCH.{fmt}").status_code == 404


def test_request_list_query_count_does_not_grow(client, grids, django_assert_max_num_queries):
    for i in range(5):
        services.event_report(
            actor=None, event_class="200110", lon=106.02 + i * 0.001, lat=29.05, description="x", source=Source.PUBLIC
        )
    with django_assert_max_num_queries(3):
        assert len(client.get(f"{BASE}/requests.json").json()) == 5


# --- the georeport client from PyPI against the live server ------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_everything(live_server, fmt, town_a, village_a):
    from georeport import GeoReport
    from shapely.geometry import box, mapping

    services.grid_create(
        actor=None,
        code="50011610800000",
        name="白沙镇",
        level=1,
        geometry=mapping(box(106.0, 29.0, 106.2, 29.2)),
        division=town_a.code,
    )
    event = services.event_report(
        actor=None, event_class="200110", lon=106.02, lat=29.05, description="垃圾", source=Source.PUBLIC
    )
    client = GeoReport(f"{live_server.url}/open311/v2", output_format=fmt)
    service_list = client.get_service_list()
    assert any(s["service_code"] == "200110" for s in service_list)
    definition = client.get_service_definition("200110")
    assert definition["service_code"] == "200110"
    requests = client.get_service_requests(service_code="200110", status="open")
    if fmt == "xml" and isinstance(requests, dict):  # xmltodict gives a dict for one element
        requests = [requests]
    assert [r["service_request_id"] for r in requests] == [str(event.pk)]
    one = client.get_service_request(str(event.pk))
    assert one["service_name"] == "暴露垃圾"


def test_post_request_for_another_jurisdiction_is_refused(client, grids, api_key, town_b):
    resp = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": api_key,
            "service_code": "200110",
            "lat": "29.05",
            "long": "106.02",
            "description": "x",
            "jurisdiction_id": town_b.code,
        },
    )
    assert resp.status_code == 400
    ok = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": api_key,
            "service_code": "200110",
            "lat": "29.05",
            "long": "106.02",
            "description": "x",
            "jurisdiction_id": "500116108",
        },
    )
    assert ok.status_code == 201
