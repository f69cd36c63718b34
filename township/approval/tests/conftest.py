"""Approval personas and catalog: 白沙镇 with its approval bureau, three published items, Ms Luo.

Every test that computes deadlines pins the time (``time_machine``) to late November 2026: the holiday
table ends with 2026, so a deadline in 2027 is refused by design.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from township.approval.testing import BUREAU_USCC, LUO_ID, ensure_holidays, rid, uscc  # noqa: F401  (re-exported)
from township.org.models import DataScope, Department, Jurisdiction, Level, Role, RoleGrant

SH = ZoneInfo("Asia/Shanghai")
# Monday 23 November 2026, 09:00 in Baisha.
MONDAY = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=SH)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return MONDAY


@pytest.fixture
def bureau(town_a) -> Department:
    return Department.objects.get_or_create(
        jurisdiction=town_a, name="行政审批局", defaults={"kind": "approval", "uscc": BUREAU_USCC}
    )[0]


def _grant(user, jur, role):
    RoleGrant.objects.create(user=user, jurisdiction=jur, role=role, data_scope=DataScope.UNIT)
    return user


@pytest.fixture
def head_a(make_user, town_a):
    return make_user((town_a, Role.APPROVAL_HEAD), username="head_a", full_name="局长甲")


@pytest.fixture
def clerk_a2(make_user, town_a):
    return make_user((town_a, Role.WINDOW_CLERK), username="clerk_a2", full_name="窗口丙")


@pytest.fixture
def officer_a(make_user, town_a):
    return make_user((town_a, Role.ENFORCEMENT_OFFICER), username="officer_a", full_name="执法甲")


@pytest.fixture
def other_village(town_a) -> Jurisdiction:
    return Jurisdiction.objects.get_or_create(
        code="500116108202", defaults={"name": "红星村", "level": Level.VILLAGE, "parent": town_a}
    )[0]


@pytest.fixture
def agent_a(make_user, village_a):
    return make_user((village_a, Role.VILLAGE_AGENT), username="agent_a", full_name="代办员甲")


@pytest.fixture
def luo_user(make_user):
    return make_user(username="luo", full_name="罗晓梅", resident_id=LUO_ID, phone="13800000000")


@pytest.fixture
def luo(luo_user, village_a):
    from township.subjects.services import subject_get_or_create_person

    return subject_get_or_create_person(
        resident_id=LUO_ID, name="罗晓梅", phone="13800000000", registered_in=village_a.parent, village=village_a
    )


@pytest.fixture
def catalog(head_a, town_a, bureau):
    """营业执照 (即办, online), 食品经营许可 (需营业执照; 慎审; 容缺; 告知承诺), 社会保险登记; 爆炸物 (控制类)."""
    from township.approval.testing import build_catalog

    return build_catalog(head_a, town_a)


def pdf_upload(name: str = "doc.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + name.encode()
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def upload():
    return pdf_upload


@pytest.fixture
def grades(monkeypatch):
    """``grades[subject.pk] = "A"`` / ``grades.listed.add(subject.pk)``: the credit core's answers for the test."""
    from township.credit import selectors as credit

    class Grades(dict):
        listed: set[int] = set()

    table = Grades()
    table.listed = set()
    monkeypatch.setattr(
        credit, "credit_grade", lambda s, on=None: table.get(getattr(s, "pk", None), "B"), raising=False
    )
    monkeypatch.setattr(
        credit, "credit_is_listed", lambda s, on=None: getattr(s, "pk", None) in table.listed, raising=False
    )
    monkeypatch.setattr(credit, "credit_grade_reason", lambda s, on=None: "测试评级", raising=False)
    return table
