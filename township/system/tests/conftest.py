import pytest

from township.org.models import Role


@pytest.fixture
def people(make_user, county, town_a, town_b):
    """Administrators of town A, the county's system administrator, a town-B administrator and business users."""
    return {
        "sys": make_user((town_a, Role.ADMINISTRATOR), username="sys_a", full_name="系统甲"),
        "sec": make_user((town_a, Role.SECURITY_ADMIN), username="sec_a", full_name="安全甲"),
        "aud": make_user((town_a, Role.AUDITOR), username="aud_a", full_name="审计甲"),
        "county": make_user((county, Role.ADMINISTRATOR), username="sys_county", full_name="县系统"),
        "sec_b": make_user((town_b, Role.SECURITY_ADMIN), username="sec_b", full_name="安全乙"),
        "clerk": make_user((town_a, Role.WINDOW_CLERK), username="clerk_a", full_name="窗口甲", phone="13900000001"),
        "clerk_b": make_user((town_b, Role.WINDOW_CLERK), username="clerk_b", full_name="窗口乙"),
    }
