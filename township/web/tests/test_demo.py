import io

from township.org.models import Jurisdiction, Level, User
from township.org.scoping import units_of
from township.web import demo


def test_demo_user_holds_roles_in_two_units_and_is_idempotent(town_a):
    Jurisdiction.objects.create(code=demo.DEMO_VILLAGE, name="黑石山村", level=Level.VILLAGE, parent=town_a)
    for _ in range(2):
        demo.seed(io.StringIO())
    user = User.objects.get(username=demo.USERNAME)
    assert user.check_password(demo.PASSWORD)
    assert [u.code for u in units_of(user)] == [town_a.code, demo.DEMO_VILLAGE]
    assert user.grants.count() == 2
