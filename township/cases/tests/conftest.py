import pytest

from township.cases import registry
from township.cases.tests.machines import TOY_MACHINE


@pytest.fixture(autouse=True)
def toy_machine():
    registry.register(TOY_MACHINE)
    yield TOY_MACHINE
    registry.unregister(TOY_MACHINE.case_type)


@pytest.fixture
def toy_case(town_a, clerk_a):
    from township.cases.services import case_open

    return case_open(
        case_type="toy", jurisdiction=town_a, actor=clerk_a, title="测试", clock_unit="working_days", clock_limit=20
    )
