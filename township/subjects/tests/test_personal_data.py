"""Personal data (issue 11 item 4): encrypted at rest, masked by default, revealed by permission and logged,
subjects scoped by presence (a user of another town opens nothing, sequential ids give nothing)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import FieldError
from django.db import connection
from django.urls import reverse

from township.core import crypto
from township.core.errors import NotFound, PermissionRefused
from township.org.models import Role, User
from township.subjects.models import RevealLog, Subject, SubjectPresence
from township.subjects.selectors import subject_find, subject_find_for, subject_get, subjects_visible
from township.subjects.services import subject_get_or_create_person, subject_mark_present, subject_reveal

pytestmark = pytest.mark.django_db

LUO_ID = "500116198803150266"
LUO_PHONE = "13983000001"


@pytest.fixture
def luo(town_a) -> Subject:
    return subject_get_or_create_person(resident_id=LUO_ID, name="罗晓梅", phone=LUO_PHONE, registered_in=town_a)


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


# ---- at rest --------------------------------------------------------------------------------------------


def test_columns_hold_sm4_ciphertext_and_the_attribute_the_clear_value(luo, make_user):
    stored_id, stored_phone = _raw("subjects_subject", "resident_id", luo.pk), _raw("subjects_subject", "phone", luo.pk)
    assert stored_id.startswith("sm4:1:") and stored_phone.startswith("sm4:1:")
    assert LUO_ID not in stored_id and LUO_PHONE not in stored_phone
    assert crypto.decrypt(stored_id) == LUO_ID
    fresh = Subject.objects.get(pk=luo.pk)
    assert fresh.resident_id == LUO_ID and fresh.phone == LUO_PHONE and fresh.gender == "female"
    assert _raw("subjects_subject", "resident_id_index", luo.pk) == crypto.blind_index(LUO_ID)
    user = make_user(resident_id=LUO_ID, phone=LUO_PHONE)
    assert _raw("org_user", "resident_id", user.pk).startswith("sm4:1:")
    assert _raw("org_user", "phone", user.pk).startswith("sm4:1:")
    assert User.objects.get(pk=user.pk).resident_id == LUO_ID


def test_lookups_go_through_the_blind_index(luo):
    assert subject_find(LUO_ID.lower()) == luo
    assert Subject.objects.filter(resident_id_index=crypto.blind_index(LUO_ID)).get() == luo
    with pytest.raises(FieldError, match="blind index"):
        list(Subject.objects.filter(resident_id=LUO_ID))  # would silently match nothing against ciphertext
    with pytest.raises(FieldError):
        list(Subject.objects.filter(phone__contains="0001"))
    assert not Subject.objects.filter(phone="").exists()  # blank values stay queryable
    assert Subject.objects.filter(resident_id__isnull=False).count() == 1


def test_the_index_follows_a_changed_value_and_stays_unique(luo):
    luo.resident_id = "50011619650506001X"
    luo.save(update_fields=["resident_id"])  # the index is added to update_fields
    assert subject_find("50011619650506001X") == luo and subject_find(LUO_ID) is None
    with pytest.raises(Exception):  # noqa: B017,PT011  IntegrityError: unique on the index
        Subject.objects.create(kind="person", name="冒名", resident_id="50011619650506001X")


# ---- scope ----------------------------------------------------------------------------------------------


def test_a_subject_is_visible_only_where_it_is_present(luo, town_a, town_b, clerk_a, clerk_b, make_user):
    assert list(subjects_visible(clerk_a)) == [luo]
    assert list(subjects_visible(clerk_b)) == []
    assert list(subjects_visible(make_user())) == []  # no grant, nothing
    with pytest.raises(NotFound):
        subject_get(actor=clerk_b, pk=luo.pk)
    with pytest.raises(NotFound):
        subject_find_for(actor=clerk_b, identifier=LUO_ID)
    subject_mark_present(subject=luo, jurisdiction=town_b, source="application")  # she applies in town B
    assert subject_get(actor=clerk_b, pk=luo.pk) == luo
    assert SubjectPresence.objects.filter(subject=luo).count() == 2


def test_a_village_counts_for_its_town_and_limits_village_staff(luo, town_a, village_a, make_user):
    agent = make_user((village_a, Role.VILLAGE_AGENT))
    assert list(subjects_visible(agent)) == []  # present in the town, not in the agent's village
    subject_mark_present(subject=luo, jurisdiction=village_a, source="application")
    presence = SubjectPresence.objects.get(subject=luo, village=village_a)
    assert presence.jurisdiction_id == town_a.code
    assert list(subjects_visible(agent)) == [luo]


def test_another_towns_user_opens_no_subject_page_and_ids_enumerate_nothing(client, luo, clerk_b, make_user, town_b):
    for role in (Role.WINDOW_CLERK, Role.APPROVER, Role.ENFORCEMENT_OFFICER, Role.LEADER, Role.GRID_HEAD):
        client.force_login(make_user((town_b, role)))
        top = Subject.objects.order_by("-pk").first().pk
        for pk in range(1, top + 3):  # sequential ids: every one answers 404
            assert client.get(reverse("certificates:staff_subject", args=[pk])).status_code == 404
            assert (
                client.post(reverse("certificates:staff_subject", args=[pk]), {"field": "resident_id"}).status_code
                == 404
            )
            assert client.get(f"/api/v1/subjects/{pk}").status_code == 404
            assert client.get(reverse("credit:subject_records", args=[pk])).status_code == 404
            assert (
                client.post(
                    f"/api/v1/subjects/{pk}/reveal", {"field": "phone"}, content_type="application/json"
                ).status_code
                == 404
            )
        response = client.get(reverse("certificates:staff_subject_lookup"), {"identifier": LUO_ID})
        assert response.status_code == 200 and "罗晓梅" not in response.content.decode()
        assert client.get("/api/v1/subjects/", {"q": LUO_ID}).json() == []
    assert not RevealLog.objects.exists()


# ---- masked by default ----------------------------------------------------------------------------------


def test_pages_api_and_admin_show_masked_values(client, luo, clerk_a, admin_client):
    client.force_login(clerk_a)
    for url in (
        reverse("certificates:staff_subject", args=[luo.pk]),
        reverse("certificates:staff_subject_lookup"),
        f"/api/v1/subjects/{luo.pk}",
        "/api/v1/subjects/",
    ):
        body = client.get(url).content.decode()
        assert LUO_ID not in body and LUO_PHONE not in body, url
        assert "500116********0266" in body, url
    assert str(luo) == "罗**（500116********0266）"
    for url in ("/admin/subjects/subject/", f"/admin/subjects/subject/{luo.pk}/change/"):
        body = admin_client.get(url).content.decode()
        assert LUO_ID not in body and LUO_PHONE not in body, url
        assert "500116********0266" in body and "139****0001" in body, url
    found = admin_client.get("/admin/subjects/subject/", {"q": LUO_ID}).content.decode()  # exact ID: by the index
    assert "罗晓梅" in found and "500116********0266" in found


# ---- 显示完整: a permission, logged ------------------------------------------------------------------------


def test_window_clerk_reveals_in_full_and_each_reveal_is_logged(client, luo, clerk_a, town_a):
    client.force_login(clerk_a)
    url = reverse("certificates:staff_subject", args=[luo.pk])
    assert "显示完整身份证号" in client.get(url).content.decode()
    response = client.post(url, {"field": "resident_id"}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200 and LUO_ID in response.content.decode()
    api = client.post(f"/api/v1/subjects/{luo.pk}/reveal", {"field": "phone"}, content_type="application/json")
    assert api.status_code == 200 and api.json() == {"field": "phone", "value": LUO_PHONE}
    logs = list(RevealLog.objects.order_by("id").values_list("actor_id", "field", "ip", "channel", "jurisdiction_id"))
    assert logs == [
        (clerk_a.pk, "resident_id", "10.1.2.3", "web", town_a.code),
        (clerk_a.pk, "phone", "127.0.0.1", "api", town_a.code),
    ]


def test_without_the_role_or_permission_no_reveal(client, luo, town_a, make_user):
    approver = make_user((town_a, Role.APPROVER))
    client.force_login(approver)
    url = reverse("certificates:staff_subject", args=[luo.pk])
    assert "显示完整" not in client.get(url).content.decode()
    response = client.post(url, {"field": "resident_id"})
    assert response.status_code == 403 and LUO_ID not in response.content.decode()
    api = client.post(f"/api/v1/subjects/{luo.pk}/reveal", {"field": "resident_id"}, content_type="application/json")
    assert api.status_code == 403 and api.json()["code"] == "reveal_not_permitted"
    assert not RevealLog.objects.exists()
    # the explicit Django permission, still only inside the holder's scope
    approver.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    assert subject_reveal(subject=luo, field="resident_id", actor=User.objects.get(pk=approver.pk)) == LUO_ID
    assert RevealLog.objects.count() == 1


def test_a_superuser_is_not_given_the_reveal_implicitly(luo, town_a, make_user):
    boss = make_user((town_a, Role.APPROVER), is_superuser=True)
    assert boss.has_perm("subjects.reveal_personal_data")  # Django's implicit "all permissions"…
    with pytest.raises((NotFound, PermissionRefused)):  # …does not open personal data (三员分立)
        subject_reveal(subject=luo, field="phone", actor=boss)
    assert not RevealLog.objects.exists()


def test_an_officer_of_another_town_cannot_reveal(luo, town_b, make_user):
    with pytest.raises(NotFound):
        subject_reveal(subject=luo, field="resident_id", actor=make_user((town_b, Role.ENFORCEMENT_OFFICER)))


def test_reveal_api_refuses_unknown_fields(client, luo, clerk_a):
    client.force_login(clerk_a)
    response = client.post(f"/api/v1/subjects/{luo.pk}/reveal", {"field": "name"}, content_type="application/json")
    assert response.status_code == 422
