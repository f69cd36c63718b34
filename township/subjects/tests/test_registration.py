"""Registration (window, village agent, online), lookups that name a malformed identifier's problem (400, not 404),
and presence: every registration makes the subject visible in the registering unit only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from township.core.errors import DomainError
from township.core.identifiers import resident_id_check_char, uscc_check_char
from township.org.models import Role
from township.subjects.models import RegistrationChannel, Subject, SubjectPresence
from township.subjects.registration import subject_register
from township.subjects.selectors import subject_is_visible_to

pytestmark = pytest.mark.django_db

NEW_ID = "500116199001010012"  # valid (check character 2), registered nowhere
SHOP = "92500116MA5U7G8H24"  # 个体工商户


def _wrong_check(code: str) -> str:
    return code[:17] + ("0" if code[17] != "0" else "1")


def test_demo_identifiers_are_valid():
    assert resident_id_check_char(NEW_ID[:17]) == NEW_ID[17]
    assert uscc_check_char(SHOP[:17]) == SHOP[17]


# ---- lookups: 400 for a malformed identifier, 404 for a well-formed one not found --------------------------------


def test_api_find_names_the_wrong_uscc_check_character(client, clerk_a):
    client.force_login(clerk_a)
    resp = client.get("/api/v1/subjects/find", {"identifier": _wrong_check(SHOP)})
    body = resp.json()
    assert resp.status_code == 400
    assert body["code"] == "uscc_invalid" and body["field"] == "identifier"
    assert "校验位错误" in body["message"] and f"应为“{SHOP[17]}”" in body["message"]


def test_api_find_names_the_wrong_resident_id_check_character(client, clerk_a):
    client.force_login(clerk_a)
    resp = client.get("/api/v1/subjects/find", {"identifier": _wrong_check(NEW_ID)})
    assert resp.status_code == 400 and resp.json()["code"] == "resident_id_invalid"
    assert "校验" in resp.json()["message"]
    short = client.get("/api/v1/subjects/find", {"identifier": "50011619900101"})
    assert short.status_code == 400 and short.json()["field"] == "identifier"


def test_api_find_well_formed_but_unknown_is_404(client, clerk_a):
    client.force_login(clerk_a)
    resp = client.get("/api/v1/subjects/find", {"identifier": NEW_ID})
    assert resp.status_code == 404 and resp.json()["code"] == "not_found"


def test_list_page_search_with_a_malformed_identifier_does_not_fail(client, clerk_a):
    client.force_login(clerk_a)
    assert client.get(reverse("subjects:list"), {"q": _wrong_check(NEW_ID)}).status_code == 200


# ---- the service ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("identifier", "kind", "org_kind"),
    [
        (NEW_ID, "person", ""),
        ("91500116MA60LWJ12B", "org", "enterprise"),
        (SHOP, "org", "individual_business"),
        ("11500116MB1520388J", "org", "other"),
    ],
)
def test_window_registers_every_kind_present_in_the_clerks_town(clerk_a, clerk_b, town_a, identifier, kind, org_kind):
    reg = subject_register(actor=clerk_a, identifier=identifier, name="某主体", legal_representative="张三")
    s = reg.subject
    assert reg.created and s.kind == kind and s.org_kind == org_kind
    assert s.registration_channel == RegistrationChannel.WINDOW and s.registered_by == clerk_a
    assert SubjectPresence.objects.filter(subject=s, jurisdiction=town_a).exists()
    assert subject_is_visible_to(actor=clerk_a, subject=s)
    assert not subject_is_visible_to(actor=clerk_b, subject=s)  # another town: not present there


def test_register_refuses_a_bad_check_digit_with_its_field(clerk_a):
    with pytest.raises(DomainError) as exc:
        subject_register(actor=clerk_a, identifier=_wrong_check(SHOP), name="某店")
    assert exc.value.code == "uscc_invalid" and exc.value.field == "identifier"
    assert Subject.objects.count() == 0


def test_register_twice_returns_the_same_subject_and_marks_the_second_town(clerk_a, clerk_b, town_b):
    first = subject_register(actor=clerk_a, identifier=NEW_ID, name="张三")
    again = subject_register(actor=clerk_b, identifier=NEW_ID, name="张三")
    assert not again.created and again.subject.pk == first.subject.pk
    assert SubjectPresence.objects.filter(subject=first.subject, jurisdiction=town_b).exists()
    with pytest.raises(DomainError) as exc:
        subject_register(actor=clerk_b, identifier=NEW_ID, name="张四")
    assert exc.value.code == "subject_name_mismatch"


def test_staff_without_a_register_role_is_refused(make_user, town_a):
    officer = make_user((town_a, Role.GRID_PATROLLER))
    with pytest.raises(DomainError) as exc:
        subject_register(actor=officer, identifier=NEW_ID, name="张三", channel="window", town=town_a)
    assert exc.value.code == "register_not_permitted"


def test_village_agent_registers_residents_of_own_village_only(make_user, town_a, village_a):
    from township.org.models import Jurisdiction, Level

    other = Jurisdiction.objects.create(code="500116108202", name="红星村", level=Level.VILLAGE, parent=town_a)
    agent = make_user((village_a, Role.VILLAGE_AGENT))
    reg = subject_register(actor=agent, identifier=NEW_ID, name="张三")
    assert reg.subject.registration_channel == RegistrationChannel.VILLAGE_AGENT
    assert SubjectPresence.objects.filter(subject=reg.subject, jurisdiction=town_a, village=village_a).exists()
    assert subject_is_visible_to(actor=agent, subject=reg.subject)
    with pytest.raises(DomainError) as exc:
        subject_register(actor=agent, identifier="500116199001010039", name="李四", village=other)
    assert exc.value.code == "register_not_permitted"


def test_online_registration_of_the_accounts_own_identifier(make_user, town_a, clerk_a):
    resident = make_user(username="zhang", full_name="张三", resident_id=NEW_ID)
    with pytest.raises(DomainError) as exc:
        subject_register(actor=resident, channel="online", identifier=SHOP, name="某店", town=town_a)
    assert exc.value.code == "register_not_own"
    reg = subject_register(actor=resident, channel="online", identifier=NEW_ID, name="张三", town=town_a)
    assert reg.subject.registration_channel == RegistrationChannel.ONLINE
    assert subject_is_visible_to(actor=clerk_a, subject=reg.subject)  # present in the town the resident chose


# ---- pages and API --------------------------------------------------------------------------------------------


def test_online_page_registers_and_shows_own_subject(client, make_user, town_a):
    resident = make_user(username="zhang", full_name="张三", resident_id=NEW_ID)
    client.force_login(resident)
    page = client.get(reverse("subjects:me"))
    assert page.status_code == 200 and NEW_ID in page.content.decode()
    resp = client.post(reverse("subjects:me"), {"identifier": NEW_ID, "name": "张三", "town": town_a.code})
    subject = Subject.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("subjects:detail", args=[subject.pk])
    assert client.get(reverse("subjects:me")).url == resp.url


def test_register_page_shows_the_check_digit_error(client, clerk_a):
    client.force_login(clerk_a)
    resp = client.post(reverse("subjects:register"), {"identifier": _wrong_check(SHOP), "name": "某店"})
    assert resp.status_code == 200 and "校验位错误" in resp.content.decode()


def test_api_register_and_online(client, clerk_a, make_user, town_a):
    client.force_login(clerk_a)
    resp = client.post("/api/v1/subjects/", {"identifier": SHOP, "name": "顺发五金店"}, content_type="application/json")
    assert resp.status_code == 201 and resp.json()["subject"]["kind"] == "org"
    again = client.post(
        "/api/v1/subjects/", {"identifier": SHOP, "name": "顺发五金店"}, content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["created"] is False
    bad = client.post(
        "/api/v1/subjects/", {"identifier": _wrong_check(SHOP), "name": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["field"] == "identifier"
    resident = make_user(username="zhang", full_name="张三", resident_id=NEW_ID)
    client.force_login(resident)
    assert client.get("/api/v1/subjects/me").status_code == 404
    me = client.post(
        "/api/v1/subjects/me",
        {"identifier": NEW_ID, "name": "张三", "town": town_a.code},
        content_type="application/json",
    )
    assert me.status_code == 201
    body = client.get("/api/v1/subjects/me").json()
    assert body["identifier"] == "500116********0012"  # masked


def test_list_filters_paginates_and_exports_masked(client, clerk_a, village_a):
    from io import BytesIO

    from openpyxl import load_workbook

    subject_register(actor=clerk_a, identifier=NEW_ID, name="张三", phone="13900001111", village=village_a)
    subject_register(actor=clerk_a, identifier=SHOP, name="顺发五金店")
    client.force_login(clerk_a)
    page = client.get(reverse("subjects:list"), {"kind": "individual_business"}).content.decode()
    assert "顺发五金店" in page and "张*" not in page
    page = client.get(reverse("subjects:list"), {"village": village_a.code}).content.decode()
    assert "张*" in page and "顺发五金店" not in page
    resp = client.get(reverse("subjects:export"))
    rows = list(load_workbook(BytesIO(b"".join(resp.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 3
    flat = " ".join(str(v) for r in rows for v in r)
    assert NEW_ID not in flat and "13900001111" not in flat and "139****1111" in flat
    api = client.get("/api/v1/subjects/", {"kind": "person", "village": village_a.code}).json()
    assert [s["name"] for s in api] == ["张三"]


def test_subject_page_and_out_of_town_404(client, clerk_a, clerk_b):
    reg = subject_register(actor=clerk_a, identifier=SHOP, name="顺发五金店")
    client.force_login(clerk_a)
    page = client.get(reverse("subjects:detail", args=[reg.subject.pk])).content.decode()
    assert "顺发五金店" in page and reverse("credit:subject_records", args=[reg.subject.pk]) in page
    client.force_login(clerk_b)
    assert client.get(reverse("subjects:detail", args=[reg.subject.pk])).status_code == 404
