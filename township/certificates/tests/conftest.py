"""Fixtures: 白沙镇's approval office with a USCC, Ms Luo (person + applicant account), a licence."""

from __future__ import annotations

import pytest

from township.org.models import Department, Role
from township.subjects.services import subject_get_or_create_person

LUO_ID = "500116198803150266"  # 500116 江津区, born 1988-03-15, sequence 026 (even: female), check 6
BUREAU_USCC = "11500116MB1520388J"
LICENCE_TYPE = "11100000000013338W011"


@pytest.fixture
def bureau(town_a) -> Department:
    return Department.objects.get_or_create(
        jurisdiction=town_a, name="行政审批办公室", defaults={"kind": "approval", "uscc": BUREAU_USCC}
    )[0]


@pytest.fixture
def bureau_b(town_b) -> Department:
    return Department.objects.get_or_create(
        jurisdiction=town_b, name="行政审批办公室", defaults={"kind": "approval", "uscc": "11500116MB15203962"}
    )[0]


@pytest.fixture
def luo(town_a):
    return subject_get_or_create_person(resident_id=LUO_ID, name="罗晓梅", registered_in=town_a)


@pytest.fixture
def luo_user(make_user, town_a):
    return make_user((town_a, Role.APPLICANT), username="luo", full_name="罗晓梅", resident_id=LUO_ID)


@pytest.fixture
def issue(bureau, approver_a):
    from township.certificates.services import certificate_issue

    def _issue(holder, **extra):
        params = {
            "type_code": LICENCE_TYPE,
            "type_name": "营业执照",
            "department": bureau,
            "actor": approver_a,
            "data": {"经营范围": "预包装食品销售；农产品零售", "组成形式": "个人经营"},
        }
        params.update(extra)
        return certificate_issue(holder=holder, **params)

    return _issue


@pytest.fixture
def licence(issue, luo):
    return issue(luo)
