"""Every create/change/delete of an audited model writes one operation-log row with masked before/after values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from township.audit.capture import AUDITED_MODELS
from township.audit.models import Action, OperationLog, Source
from township.core.models import CalendarYear, Holiday
from township.org.models import Department, Role, RoleGrant, User

pytestmark = pytest.mark.django_db


def rows_for(obj):
    ct = ContentType.objects.get_for_model(obj)
    return list(OperationLog.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("id"))


def test_a_user_change_by_an_administrator_is_logged_with_actor_unit_ip_and_before_after(as_user, admin_a, town_a):
    dept = Department.objects.create(jurisdiction=town_a, name="党政办")
    RoleGrant.objects.filter(user=admin_a).update(department=dept)
    target = User.objects.create_user(username="zhang", full_name="张三", password="Xx-123456789")

    def change():
        target.full_name = "张三丰"
        target.is_active = False
        target.save()

    as_user(admin_a, change, ip="10.9.8.7")
    row = rows_for(target)[-1]
    assert row.action == Action.UPDATE
    assert row.changes == {"full_name": ["张三", "张三丰"], "is_active": [True, False]}
    assert (row.actor_id, row.actor_username, row.actor_name) == (admin_a.pk, "admin_a", "管理甲")
    assert row.actor_unit == "白沙镇 · 党政办"
    assert row.jurisdiction_code == town_a.code
    assert row.ip == "10.9.8.7"
    assert row.source == Source.WEB
    assert row.object_repr == "张三丰"


def test_resident_id_and_phone_are_masked_and_passwords_never_stored(db):
    user = User.objects.create_user(
        username="li", password="Secret-pass-1", phone="13812345678", resident_id="11010519491231002X"
    )
    created = rows_for(user)[0]
    assert created.action == Action.CREATE
    assert created.changes["phone"] == [None, "138****5678"]
    assert created.changes["resident_id"] == [None, "110105********002X"]
    assert created.changes["password"] == [None, "******"]
    user.phone = "13900001111"
    user.set_password("Other-pass-2")
    user.save()
    changed = rows_for(user)[-1]
    assert changed.changes["phone"] == ["138****5678", "139****1111"]
    assert changed.changes["password"] == ["******", "******"]
    stored = str(list(OperationLog.objects.values_list("changes", "object_repr")))
    for clear in ("13812345678", "13900001111", "11010519491231002X", "Secret-pass-1", "Other-pass-2"):
        assert clear not in stored


def test_personal_data_inside_free_text_is_masked_too(town_a):
    dept = Department.objects.create(jurisdiction=town_a, name="联系 13812345678 证 11010519491231002X")
    assert rows_for(dept)[0].changes["name"][1] == "联系 138****5678 证 110105********002X"
    assert rows_for(dept)[0].object_repr == "联系 138****5678 证 110105********002X"


def test_a_role_grant_is_logged_on_create_change_and_delete(town_a, db):
    user = User.objects.create_user(username="wang", password="Xx-123456789")
    grant = RoleGrant.objects.create(user=user, jurisdiction=town_a, role=Role.WINDOW_CLERK)
    grant.role = Role.APPROVER
    grant.save()
    pk = grant.pk
    grant.delete()
    ct = ContentType.objects.get_for_model(RoleGrant)
    rows = list(OperationLog.objects.filter(content_type=ct, object_id=str(pk)).order_by("id"))
    assert [r.action for r in rows] == [Action.CREATE, Action.UPDATE, Action.DELETE]
    assert rows[0].changes["role"] == [None, "window_clerk"]
    assert rows[1].changes == {"role": ["window_clerk", "approver"]}
    assert rows[2].changes["role"] == ["approver", None]
    assert all(r.jurisdiction_code == town_a.code for r in rows)
    assert rows[2].object_repr.endswith("审批人员")


def test_a_department_change_outside_a_request_is_by_the_system(town_a):
    dept = Department.objects.create(jurisdiction=town_a, name="党政办")
    dept.name = "党政综合办公室"
    dept.save(update_fields=["name"])
    row = rows_for(dept)[-1]
    assert row.changes == {"name": ["党政办", "党政综合办公室"]}
    assert (row.actor_id, row.actor_username, row.source, row.ip) == (None, "system", Source.SYSTEM, None)


def test_a_catalog_item_change_is_logged_with_its_unit(as_user, admin_a, town_a):
    item_model = apps.get_model("catalog", "Item")
    item = item_model.objects.create(jurisdiction=town_a, name="食品经营许可", item_type="01", promised_limit=5)
    item.promised_limit = 3
    as_user(admin_a, item.save)
    row = rows_for(item)[-1]
    assert row.changes == {"promised_limit": [5, 3]}  # updated_at (auto_now) is not a change anyone made
    assert row.jurisdiction_code == town_a.code


def test_holidays_and_calendar_years_are_logged(db):
    year = CalendarYear.objects.create(year=2031, source="国办发明电〔2030〕1号")
    day = Holiday.objects.create(date=dt.date(2031, 1, 1), kind="holiday", name="元旦")
    day.name = "元旦节"
    day.save()
    assert rows_for(year)[0].changes["source"] == [None, "国办发明电〔2030〕1号"]
    assert rows_for(day)[-1].changes == {"name": ["元旦", "元旦节"]}
    day.delete()
    ct = ContentType.objects.get_for_model(Holiday)
    gone = OperationLog.objects.filter(content_type=ct, action=Action.DELETE).get()
    assert gone.changes["date"] == ["2031-01-01", None]


def test_saving_without_a_change_and_signing_in_write_nothing(db):
    user = User.objects.create_user(username="zhao", password="Xx-123456789")
    before = OperationLog.objects.count()
    user.save()
    user.last_login = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    user.save(update_fields=["last_login"])
    assert OperationLog.objects.count() == before


def test_group_membership_changes_are_logged(db):
    user = User.objects.create_user(username="sun", password="Xx-123456789")
    group = Group.objects.create(name="审批组")
    user.groups.add(group)
    user.groups.remove(group)
    rows = [r for r in rows_for(user) if r.action == Action.UPDATE]
    assert [r.changes for r in rows] == [{"groups": [[], [group.pk]]}, {"groups": [[group.pk], []]}]


def test_seal_keys_are_logged_without_secret_material(town_a):
    dept = Department.objects.create(jurisdiction=town_a, name="行政审批局")
    seal_model = apps.get_model("certificates", "SealKey")
    key = seal_model.objects.create(
        jurisdiction=town_a,
        department=dept,
        unit_name="白沙镇行政审批局",
        uscc="11500116MB1234567X",
        public_key="04" + "ab" * 64,
        private_key_encrypted="cafebabe" * 8,
    )
    changes = rows_for(key)[0].changes
    assert changes["private_key_encrypted"] == [None, "******"]
    assert "cafebabe" not in str(changes)


def test_case_rows_are_not_double_logged():
    assert not any(label.startswith("cases.") for label in AUDITED_MODELS)


def test_every_audited_model_exists_and_is_connected():
    from django.db.models.signals import post_save

    for label in AUDITED_MODELS:
        model = apps.get_model(label)
        assert post_save.has_listeners(model), label
