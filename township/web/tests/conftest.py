import pytest

from township.cases import registry
from township.cases.tests.machines import TOY_MACHINE


@pytest.fixture(autouse=True)
def toy_machine():
    registry.register(TOY_MACHINE)
    yield TOY_MACHINE
    registry.unregister(TOY_MACHINE.case_type)


@pytest.fixture
def open_toy(town_a, clerk_a):
    from township.cases.services import case_open

    def make(jurisdiction=None, actor=None, limit=20, **kw):
        return case_open(
            case_type="toy",
            jurisdiction=jurisdiction or town_a,
            actor=actor or clerk_a,
            title=kw.pop("title", "测试案件"),
            clock_unit="working_days" if limit is not None else None,
            clock_limit=limit,
            **kw,
        )

    return make


@pytest.fixture
def clerk_client(client, clerk_a):
    client.force_login(clerk_a)
    return client
