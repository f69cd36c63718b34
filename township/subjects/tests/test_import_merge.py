"""Excel import (all or nothing, row errors, a template) and merging duplicates by a recorded correction."""

from __future__ import annotations

import importlib
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from township.core.errors import DomainError
from township.org.models import Role
from township.subjects.importer import COLUMNS, ImportRefused, import_template_xlsx, subjects_import
from township.subjects.merge import subject_merge
from township.subjects.models import RegistrationChannel, RevealLog, Subject, SubjectCorrection, SubjectPresence
from township.subjects.registration import subject_register
from township.subjects.selectors import subject_find

pytestmark = pytest.mark.django_db

# Rows of other apps (credit records) are written through their own service, loaded by name: subjects' code never
# imports credit (credit depends on subjects; the one-direction contract in .importlinter).

A = "500116198505050021"
B = "500116198505050048"
SHOP = "92500116MA5U7G8H24"


def _xlsx(rows: list[tuple]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    for row in rows:
        ws.append(list(row))
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---- import ---------------------------------------------------------------------------------------------------


def test_template_has_the_columns_and_imports_cleanly_once_filled(clerk_a):
    from openpyxl import load_workbook

    header = next(load_workbook(BytesIO(import_template_xlsx())).active.iter_rows(values_only=True))
    assert tuple(header) == COLUMNS


def test_import_registers_every_row_in_the_town(clerk_a, town_a, village_a):
    content = _xlsx(
        [(A, "王小红", "13900002222", "石门村1组", "", "石门村"), (SHOP, "顺发五金店", "", "", "李顺发", "")]
    )
    result = subjects_import(actor=clerk_a, content=content)
    assert (result.created, result.existing) == (2, 0)
    person = Subject.objects.get(name="王小红")
    assert person.registration_channel == RegistrationChannel.IMPORT and person.village == village_a
    assert SubjectPresence.objects.filter(subject=person, jurisdiction=town_a, village=village_a).exists()
    assert subjects_import(actor=clerk_a, content=content).existing == 2  # idempotent


def test_import_is_all_or_nothing_with_row_column_and_message(clerk_a):
    content = _xlsx(
        [
            (A, "王小红", "", "", "", ""),
            (SHOP[:17] + "0", "顺发五金店", "", "", "", ""),
            (B, "", "", "", "", "火星村"),
            (A, "王小红", "", "", "", ""),
        ]
    )
    with pytest.raises(ImportRefused) as exc:
        subjects_import(actor=clerk_a, content=content)
    errors = [(e.row, e.column) for e in exc.value.errors]
    assert (3, "证件号码") in errors and (4, "姓名/名称") in errors and (4, "村（社区）") in errors
    assert (5, "证件号码") in errors  # duplicate of row 2
    check = next(e for e in exc.value.errors if e.row == 3)
    assert "校验位错误" in check.message and SHOP[17] in check.message
    assert Subject.objects.count() == 0


def test_import_refuses_a_wrong_header_and_non_staff(clerk_a, make_user, town_a):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["身份证", "姓名"])
    buf = BytesIO()
    wb.save(buf)
    with pytest.raises(DomainError) as exc:
        subjects_import(actor=clerk_a, content=buf.getvalue())
    assert exc.value.code == "import_header_invalid"
    with pytest.raises(DomainError) as exc:
        subjects_import(actor=clerk_a, content=b"not a workbook")
    assert exc.value.code == "import_file_invalid"
    patroller = make_user((town_a, Role.GRID_PATROLLER))
    with pytest.raises(DomainError) as exc:
        subjects_import(actor=patroller, content=_xlsx([(A, "王小红", "", "", "", "")]))
    assert exc.value.code in {"register_not_permitted", "town_required"}


def test_import_page_lists_row_errors_and_api_returns_them(client, clerk_a):
    client.force_login(clerk_a)
    assert client.get(reverse("subjects:import-template")).status_code == 200
    assert client.get("/api/v1/subjects/import/template").content.startswith(b"PK")  # an xlsx (zip)
    bad = _xlsx([(A[:17] + "9", "王小红", "", "", "", "")])
    page = client.post(
        reverse("subjects:import"), {"file": SimpleUploadedFile("s.xlsx", bad)}, follow=True
    ).content.decode()
    assert 'id="import-errors"' in page and "校验" in page
    api = client.post("/api/v1/subjects/import", {"file": SimpleUploadedFile("s.xlsx", bad)})
    assert api.status_code == 400
    body = api.json()
    assert body["code"] == "import_rows_invalid" and body["errors"][0]["row"] == 2
    ok = client.post(
        "/api/v1/subjects/import", {"file": SimpleUploadedFile("s.xlsx", _xlsx([(A, "王小红", "", "", "", "")]))}
    )
    assert ok.status_code == 200 and ok.json() == {"created": 1, "existing": 0}


# ---- merge ----------------------------------------------------------------------------------------------------


@pytest.fixture
def credit_a(make_user, town_a):
    return make_user((town_a, Role.CREDIT_OFFICER), username="credit_a", full_name="信用甲")


@pytest.fixture
def pair(clerk_a):
    """The same person registered twice: once with the right ID, once under a mistyped (but valid) one."""
    right = subject_register(actor=clerk_a, identifier=A, name="王小红", phone="13900002222").subject
    wrong = subject_register(actor=clerk_a, identifier=B, name="王小红", address="石门村1组").subject
    org = subject_register(actor=clerk_a, identifier=SHOP, name="顺发五金店").subject
    org.legal_representative_subject = wrong
    org.save()
    return right, wrong, org


def _rows_pointing_at(subject: Subject) -> int:
    total = 0
    for rel in Subject._meta.get_fields(include_hidden=True):
        if (rel.one_to_many or rel.one_to_one) and rel.auto_created and not rel.concrete:
            total += rel.related_model._base_manager.filter(**{rel.field.name: subject}).count()
    return total


def test_merge_moves_every_row_keeps_a_tombstone_and_records_the_correction(clerk_a, credit_a, pair, town_a):
    right, wrong, org = pair
    RevealLog.objects.create(jurisdiction=town_a, actor=clerk_a, subject=wrong, field="phone")
    before = _rows_pointing_at(right) + _rows_pointing_at(wrong)
    correction = subject_merge(survivor=right, merged=wrong, reason="身份证号录入错误", actor=credit_a)
    wrong.refresh_from_db()
    right.refresh_from_db()
    org.refresh_from_db()
    assert wrong.merged_into == right and wrong.merged_at is not None  # kept, never deleted
    assert org.legal_representative_subject == right
    assert right.address == "石门村1组"  # blanks filled from the duplicate
    assert correction.actor == credit_a and correction.reason == "身份证号录入错误"
    assert correction.moved["subjects.Subject.legal_representative_subject"] == 1
    # nothing lost: every row still points at one of the two (presences are copied, so count the survivor's)
    after = _rows_pointing_at(right) + _rows_pointing_at(wrong)
    copied = SubjectPresence.objects.filter(subject=right).count() - 1
    assert after == before + copied + 2 + 1  # + the correction (at both) + the tombstone's merged_into
    assert RevealLog.objects.filter(subject=wrong).count() == 1  # the log of what was shown stays as it was
    assert subject_find(B) == right  # the duplicate's identifier answers with the survivor
    assert subject_register(actor=clerk_a, identifier=B, name="王小红").subject == right


def test_merge_moves_credit_records_of_another_app(clerk_a, credit_a, pair, town_a):
    credit_record_create = importlib.import_module("township.credit.services").credit_record_create  # see below
    right, wrong, _org = pair
    record = credit_record_create(subject=wrong, kind="positive", reason="履行承诺", actor=clerk_a, jurisdiction=town_a)
    correction = subject_merge(survivor=right, merged=wrong, reason="重复登记", actor=credit_a)
    record.refresh_from_db()
    assert record.subject_id == right.pk
    assert correction.moved.get("credit.CreditRecord.subject") == 1


def test_merge_sends_subject_merged_after_commit(credit_a, pair, django_capture_on_commit_callbacks):
    from township.subjects.signals import subject_merged

    right, wrong, _org = pair
    seen = []

    def receiver(sender, survivor, merged, correction, **kwargs):
        seen.append((survivor.pk, merged.pk, correction.pk))

    subject_merged.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            correction = subject_merge(survivor=right, merged=wrong, reason="重复登记", actor=credit_a)
    finally:
        subject_merged.disconnect(receiver)
    assert seen == [(right.pk, wrong.pk, correction.pk)]


def test_merge_is_refused_without_the_role_for_itself_kinds_and_twice(clerk_a, credit_a, pair, clerk_b):
    right, wrong, org = pair
    with pytest.raises(DomainError) as exc:
        subject_merge(survivor=right, merged=wrong, reason="重复", actor=clerk_a)
    assert exc.value.code == "merge_not_permitted"
    with pytest.raises(DomainError) as exc:
        subject_merge(survivor=right, merged=wrong, reason="重复", actor=clerk_b)
    assert exc.value.code == "not_found"
    with pytest.raises(DomainError) as exc:
        subject_merge(survivor=right, merged=right, reason="重复", actor=credit_a)
    assert exc.value.code == "merge_same_subject"
    with pytest.raises(DomainError) as exc:
        subject_merge(survivor=right, merged=org, reason="重复", actor=credit_a)
    assert exc.value.code == "merge_kind_mismatch"
    with pytest.raises(DomainError) as exc:
        subject_merge(survivor=right, merged=wrong, reason=" ", actor=credit_a)
    assert exc.value.code == "reason_required"
    subject_merge(survivor=right, merged=wrong, reason="重复", actor=credit_a)
    with pytest.raises(DomainError) as exc:
        subject_merge(survivor=right, merged=wrong, reason="重复", actor=credit_a)
    assert exc.value.code == "subject_already_merged"
    assert SubjectCorrection.objects.count() == 1


def test_merge_page_and_api_show_the_correction_on_both(client, credit_a, pair, clerk_b):
    right, wrong, _org = pair
    client.force_login(credit_a)
    page = client.get(reverse("subjects:merge", args=[right.pk]))
    assert page.status_code == 200
    resp = client.post(reverse("subjects:merge", args=[right.pk]), {"merged": B, "reason": "身份证号录入错误"})
    assert resp.status_code == 302
    for s in (right, wrong):
        page = client.get(reverse("subjects:detail", args=[s.pk])).content.decode()
        assert "身份证号录入错误" in page
        api = client.get(f"/api/v1/subjects/{s.pk}/corrections").json()
        assert api[0]["survivor_id"] == right.pk and api[0]["merged_id"] == wrong.pk
    assert 'id="tombstone"' in client.get(reverse("subjects:detail", args=[wrong.pk])).content.decode()
    listing = client.get(reverse("subjects:list")).content.decode()
    assert listing.count("王*") == 1  # the tombstone is left out of the registry list
    client.force_login(clerk_b)
    assert client.get(reverse("subjects:merge", args=[right.pk])).status_code == 404


def test_merge_api(client, credit_a, clerk_a, pair):
    right, wrong, _org = pair
    client.force_login(clerk_a)
    refused = client.post(
        f"/api/v1/subjects/{right.pk}/merge", {"merged_id": wrong.pk, "reason": "重复"}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "merge_not_permitted"
    client.force_login(credit_a)
    resp = client.post(
        f"/api/v1/subjects/{right.pk}/merge", {"merged_id": wrong.pk, "reason": "重复"}, content_type="application/json"
    )
    assert resp.status_code == 200 and resp.json()["merged_id"] == wrong.pk
    assert client.get(f"/api/v1/subjects/{wrong.pk}").json()["merged_into"] == right.pk
