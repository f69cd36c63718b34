"""The shared library (一库共享): stored once per subject, offered to later applications, reuse on the timeline."""

from __future__ import annotations

import datetime

import pytest

from township.cases import registry
from township.cases.models import CaseEvent
from township.cases.tests.machines import TOY_MACHINE
from township.certificates.models import LibraryItem
from township.certificates.selectors import library_offer
from township.certificates.services import certificate_revoke, library_record_reuse, library_store, library_withdraw

from .conftest import LICENCE_TYPE

ID_CARD = "resident_id_card"


@pytest.fixture
def toy_machine():
    registry.register(TOY_MACHINE)
    yield TOY_MACHINE
    registry.unregister(TOY_MACHINE.case_type)


def test_same_material_is_stored_once(luo, town_a, clerk_a):
    first = library_store(
        subject=luo,
        material_type_code=ID_CARD,
        title="身份证",
        jurisdiction=town_a,
        actor=clerk_a,
        content=b"%PDF-1.4 id",
    )
    again = library_store(
        subject=luo,
        material_type_code=ID_CARD,
        title="身份证",
        jurisdiction=town_a,
        actor=clerk_a,
        content=b"%PDF-1.4 id",
    )
    assert first.pk == again.pk
    assert LibraryItem.objects.filter(subject=luo).count() == 1
    assert first.verified_by == clerk_a and first.sha256 and first.size == 11


def test_offer_returns_the_newest_usable_item_per_wanted_type(luo, licence, town_a, clerk_a, approver_a):
    old = library_store(
        subject=luo,
        material_type_code=ID_CARD,
        title="身份证（旧）",
        jurisdiction=town_a,
        actor=clerk_a,
        content=b"old",
        valid_until=datetime.date(2020, 1, 1),
    )
    new = library_store(
        subject=luo, material_type_code=ID_CARD, title="身份证", jurisdiction=town_a, actor=clerk_a, content=b"new"
    )
    offered = library_offer(luo, [LICENCE_TYPE, "lease_contract", ID_CARD])
    assert [i.material_type_code for i in offered] == [LICENCE_TYPE, ID_CARD]
    assert offered[0].certificate == licence
    assert offered[1] == new and old not in offered

    library_withdraw(item=new, actor=clerk_a, reason="证件已挂失")
    certificate_revoke(certificate=licence, actor=approver_a, reason="吊销")
    assert library_offer(luo, [LICENCE_TYPE, ID_CARD]) == []


def test_offer_is_shared_across_towns(luo, licence, town_b, clerk_b):
    """A clerk in another town is offered the licence issued in 白沙镇."""
    assert [i.certificate for i in library_offer(luo, [LICENCE_TYPE])] == [licence]


def test_reuse_is_recorded_on_the_case_timeline(toy_machine, luo, licence, town_a, clerk_a):
    from township.cases.services import case_open

    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, title="食品经营许可")
    items = library_offer(luo, [LICENCE_TYPE])
    library_record_reuse(case=case, actor=clerk_a, items=items)
    event = CaseEvent.objects.filter(case=case, name="library_reuse").get()
    assert event.data["items"][0]["certificate"] == licence.identifier


def test_staff_subject_page_by_scanned_id(
    client, luo, licence, town_a, clerk_a, make_user, django_assert_max_num_queries
):
    from django.urls import reverse

    from township.org.models import Role

    for n in range(3):
        library_store(
            subject=luo,
            material_type_code=f"m{n}",
            title=f"材料{n}",
            jurisdiction=town_a,
            actor=clerk_a,
            content=f"c{n}".encode(),
        )
    client.force_login(clerk_a)
    response = client.get(reverse("certificates:staff_subject_lookup"), {"identifier": luo.resident_id})
    assert response.status_code == 302
    with django_assert_max_num_queries(14):
        response = client.get(response["Location"])
    content = response.content.decode()
    assert content.count('class="material-row"') == 3 and content.count('class="certificate-row"') == 1
    assert (
        client.get(reverse("certificates:staff_subject_lookup"), {"identifier": "11010519491231002X"}).status_code
        == 200
    )

    client.force_login(make_user((town_a, Role.APPLICANT), resident_id="11010519491231002X"))
    assert client.get(reverse("certificates:staff_subject", args=[luo.pk])).status_code == 404


def test_material_download_only_for_holder_or_staff_in_scope(client, luo, luo_user, town_a, clerk_a, clerk_b):
    from django.urls import reverse

    item = library_store(
        subject=luo,
        material_type_code=ID_CARD,
        title="身份证",
        jurisdiction=town_a,
        actor=clerk_a,
        content=b"%PDF-1.4 id",
        content_type="application/pdf",
    )
    url = reverse("certificates:item_download", args=[item.pk])
    for user, expected in ((luo_user, 200), (clerk_a, 200), (clerk_b, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected
        if expected == 200:
            assert response.content == b"%PDF-1.4 id"


def test_staff_subject_list_is_scoped_and_filtered(client, town_a, town_b, clerk_a, django_assert_max_num_queries):
    from django.urls import reverse

    from township.core.identifiers import resident_id_check_char
    from township.subjects.services import subject_get_or_create_org, subject_get_or_create_person

    for n in range(12):
        body = f"50011619900101{n:03d}"
        subject_get_or_create_person(
            resident_id=body + resident_id_check_char(body), name=f"居民{n}", registered_in=town_a
        )
    subject_get_or_create_org(uscc="91500116MA5YQ7N61J", name="某建材公司", credit_class="D", registered_in=town_a)
    subject_get_or_create_org(uscc="91500116MA60LWJ12B", name="几江某公司", credit_class="D", registered_in=town_b)
    client.force_login(clerk_a)
    url = reverse("certificates:staff_subject_lookup")
    with django_assert_max_num_queries(12):
        content = client.get(url).content.decode()
    assert content.count('class="subject-row"') == 13
    assert "几江某公司" not in content
    content = client.get(url, {"credit_class": "D"}).content.decode()
    assert content.count('class="subject-row"') == 1 and "某建材公司" in content


def test_offer_api_for_staff(client, luo, licence, clerk_b, luo_user):
    client.force_login(clerk_b)
    data = client.get(
        "/api/v1/certificates/library/offer", {"subject": luo.resident_id, "codes": f"{LICENCE_TYPE},x"}
    ).json()
    assert [d["certificate_identifier"] for d in data] == [licence.identifier]
    client.force_login(luo_user)
    assert (
        client.get(
            "/api/v1/certificates/library/offer", {"subject": luo.resident_id, "codes": LICENCE_TYPE}
        ).status_code
        == 404
    )


def test_seal_key_rotation_keeps_old_certificates_verifiable(licence, bureau, make_user, town_a, approver_a):
    from township.certificates.models import SealKey
    from township.certificates.selectors import certificate_verify
    from township.certificates.services import seal_key_rotate
    from township.core.errors import PermissionRefused
    from township.org.models import Role

    with pytest.raises(PermissionRefused):
        seal_key_rotate(department=bureau, actor=approver_a)
    new_key = seal_key_rotate(department=bureau, actor=make_user((town_a, Role.SECURITY_ADMIN)))
    assert new_key.pk != licence.seal_key_id
    assert SealKey.objects.filter(department=bureau, active=True).get() == new_key
    assert certificate_verify(licence.identifier)["status"] == "valid"
