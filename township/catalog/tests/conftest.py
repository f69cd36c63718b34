"""Catalog personas: county (江津区) with two towns; editors, a publisher and a stranger."""

from __future__ import annotations

import pytest

from township.org.models import DataScope, Jurisdiction, Level, Role, RoleGrant, User
from township.org.testing import jurisdiction as _jur
from township.org.testing import user_with_roles as _user


@pytest.fixture
def cat_county(db) -> Jurisdiction:
    province = _jur("50", "重庆市", Level.PROVINCE)
    city = _jur("5001", "市辖区", Level.CITY, province)
    return _jur("500116", "江津区", Level.COUNTY, city)


@pytest.fixture
def cat_town(cat_county) -> Jurisdiction:
    return _jur("500116108", "白沙镇", Level.TOWN, cat_county)


@pytest.fixture
def cat_other_town(cat_county) -> Jurisdiction:
    return _jur("500116109", "龙华镇", Level.TOWN, cat_county)


@pytest.fixture
def cat_far_town(db) -> Jurisdiction:
    province = _jur("13", "河北省", Level.PROVINCE)
    city = _jur("1309", "沧州市", Level.CITY, province)
    county = _jur("130926", "肃宁县", Level.COUNTY, city)
    return _jur("130926103", "尚村镇", Level.TOWN, county)


@pytest.fixture
def editor(cat_town) -> User:
    """Edits and publishes Baisha's catalog."""
    return _user("cat_editor", (cat_town, Role.APPROVAL_HEAD))


@pytest.fixture
def town_clerk(cat_town) -> User:
    """A window clerk in Baisha: reads the catalog, edits nothing."""
    return _user("cat_clerk", (cat_town, Role.WINDOW_CLERK))


@pytest.fixture
def other_editor(cat_other_town) -> User:
    return _user("cat_other", (cat_other_town, Role.APPROVAL_HEAD))


@pytest.fixture
def county_admin(cat_county) -> User:
    u = User.objects.create_user(username="cat_county", password="Test-pass-123", full_name="区审批局")
    RoleGrant.objects.create(user=u, jurisdiction=cat_county, role=Role.APPROVAL_HEAD, data_scope=DataScope.UNIT)
    return u


@pytest.fixture
def make_item(editor, cat_town):
    from township.catalog import services

    counter = {"n": 0}

    def make(name: str = "食品经营许可", *, jurisdiction: str | None = None, actor=None, **data):
        counter["n"] += 1
        fields = {
            "name": name,
            "item_type": "01",
            "implementation_code": f"IMPL-{counter['n']:04d}",
            "department_name": "市场监管所",
            "statutory_limit": 20,
            "promised_limit": 3,
            **data,
        }
        return services.item_create(actor=actor or editor, jurisdiction=jurisdiction or cat_town.code, data=fields)

    return make
