"""The subject registry: validated identifiers, one row per identifier, kinds from USCC, lookups, scoping."""

from __future__ import annotations

import pytest

from township.core.errors import DomainError
from township.org.models import Role
from township.subjects.models import OrgKind, Subject
from township.subjects.selectors import subject_find, subject_for_user, subject_list
from township.subjects.services import subject_get_or_create_org, subject_get_or_create_person

pytestmark = pytest.mark.django_db

LUO_ID = "500116198803150266"


def test_person_is_created_once_and_validated(town_a):
    luo = subject_get_or_create_person(resident_id=LUO_ID, name="罗晓梅", registered_in=town_a)
    again = subject_get_or_create_person(resident_id=LUO_ID.lower(), name="罗晓梅", phone="13800000000")
    assert again.pk == luo.pk
    assert again.phone == "13800000000"  # blanks are filled in, nothing else changes
    assert luo.gender == "female" and str(luo.birth_date) == "1988-03-15"
    with pytest.raises(DomainError) as exc:
        subject_get_or_create_person(resident_id="500116198803150267", name="罗晓梅")
    assert exc.value.field == "resident_id"
    assert Subject.objects.count() == 1


def test_same_id_under_another_name_is_refused(town_a):
    subject_get_or_create_person(resident_id=LUO_ID, name="罗晓梅")
    with pytest.raises(DomainError) as exc:
        subject_get_or_create_person(resident_id=LUO_ID, name="罗小梅")
    assert exc.value.code == "subject_name_mismatch"


@pytest.mark.parametrize(
    ("uscc", "kind"),
    [
        ("91500116MA60LWJ12B", OrgKind.ENTERPRISE),
        ("92500116MA5U7G8H24", OrgKind.INDIVIDUAL_BUSINESS),
        ("93500116MA61234N57", OrgKind.COOPERATIVE),
        ("N2500116MA6ABCDE19", OrgKind.VILLAGE_COLLECTIVE),
        ("11500116MB1520388J", OrgKind.OTHER),
    ],
)
def test_org_kind_comes_from_uscc_positions_1_and_2(uscc, kind):
    org = subject_get_or_create_org(uscc=uscc, name="某组织", legal_representative="张三")
    assert org.org_kind == kind
    assert org.identifier == uscc


def test_org_with_bad_check_character_is_refused():
    with pytest.raises(DomainError) as exc:
        subject_get_or_create_org(uscc="91500116MA60LWJ12C", name="某公司")
    assert exc.value.field == "uscc"


def test_org_rename_keeps_one_row():
    first = subject_get_or_create_org(uscc="91500116MA60LWJ12B", name="白沙老街食品有限公司", credit_class="B")
    renamed = subject_get_or_create_org(uscc="91500116MA60LWJ12B", name="白沙食品有限公司")
    assert renamed.pk == first.pk and renamed.name == "白沙食品有限公司" and renamed.credit_class == "B"


def test_find_by_either_identifier():
    luo = subject_get_or_create_person(resident_id=LUO_ID, name="罗晓梅")
    shop = subject_get_or_create_org(uscc="92500116MA5U7G8H24", name="罗记土特产店", legal_representative_subject=luo)
    assert subject_find(LUO_ID) == luo
    assert subject_find(" 92500116ma5u7g8h24 ") == shop
    assert shop.legal_representative == "罗晓梅"
    assert subject_find("123") is None


def test_subject_for_user_prefers_the_uscc_and_can_register(make_user, town_a):
    person = make_user((town_a, Role.APPLICANT), resident_id=LUO_ID, full_name="罗晓梅")
    assert subject_for_user(person) is None
    created = subject_for_user(person, create=True)
    assert created.resident_id == LUO_ID and created.name == "罗晓梅"
    shop = subject_get_or_create_org(uscc="92500116MA5U7G8H24", name="罗记土特产店")
    company_account = make_user(resident_id=LUO_ID, uscc="92500116MA5U7G8H24", full_name="罗记土特产店")
    assert subject_for_user(company_account) == shop


def test_list_is_limited_to_the_actors_reach(town_a, town_b, clerk_a, clerk_b, make_user):
    subject_get_or_create_person(resident_id=LUO_ID, name="罗晓梅", registered_in=town_a)
    subject_get_or_create_org(uscc="91500116MA60LWJ12B", name="几江某公司", registered_in=town_b)
    assert [s.name for s in subject_list(actor=clerk_a)] == ["罗晓梅"]
    assert [s.name for s in subject_list(actor=clerk_b)] == ["几江某公司"]
    assert list(subject_list(actor=make_user())) == []


def test_find_api_answers_only_inside_the_callers_scope(client, clerk_a, clerk_b, make_user, town_a):
    subject_get_or_create_person(resident_id=LUO_ID, name="罗晓梅", phone="13983000001", registered_in=town_a)
    client.force_login(clerk_b)  # another town's clerk: not found, exactly like an unknown ID
    response = client.get("/api/v1/subjects/find", {"identifier": LUO_ID})
    assert response.status_code == 404 and LUO_ID not in response.content.decode()
    client.force_login(clerk_a)
    body = client.get("/api/v1/subjects/find", {"identifier": LUO_ID}).json()
    assert body["name"] == "罗晓梅" and body["identifier"] == "500116********0266" and body["phone"] == "139****0001"
    client.force_login(make_user((town_a, Role.APPLICANT), resident_id="11010519491231002X"))
    assert client.get("/api/v1/subjects/find", {"identifier": LUO_ID}).status_code == 404


def test_list_api_query_count_is_flat(client, clerk_a, town_a, django_assert_max_num_queries):
    from township.core.identifiers import resident_id_check_char

    for n in range(15):
        body = f"50011619900101{n:03d}"
        subject_get_or_create_person(
            resident_id=body + resident_id_check_char(body), name=f"居民{n}", registered_in=town_a
        )
    client.force_login(clerk_a)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/subjects/")
    assert len(response.json()) == 15
