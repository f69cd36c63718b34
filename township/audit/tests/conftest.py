import pytest
from django.test import RequestFactory

from township.audit.context import AuditContextMiddleware
from township.org.models import Role


@pytest.fixture
def auditor_a(make_user, town_a):
    return make_user((town_a, Role.AUDITOR), username="auditor_a", full_name="审计甲")


@pytest.fixture
def admin_a(make_user, town_a):
    return make_user(
        (town_a, Role.ADMINISTRATOR), username="admin_a", full_name="管理甲", is_staff=True, is_superuser=True
    )


@pytest.fixture
def as_user():
    """Run ``fn`` as if answering a request of ``user`` from ``ip`` (through the real middleware)."""

    def run(user, fn, ip="10.1.2.3", path="/some/page/"):
        request = RequestFactory().post(path, REMOTE_ADDR=ip)
        request.user = user
        out = {}

        def view(req):
            out["value"] = fn()
            return None

        AuditContextMiddleware(view)(request)
        return out["value"]

    return run
