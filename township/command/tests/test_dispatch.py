"""调度台: what waits for the center across case types, and the follow-up of what it dispatched."""

from __future__ import annotations

import pytest

from township.cases.services import case_assign, case_open
from township.org.models import Role

pytestmark = pytest.mark.django_db


def test_board_lists_waiting_and_dispatched(client, make_user, town_a, town_b, dept_a, handler_a, clerk_a):
    dispatcher = make_user((town_a, Role.DISPATCHER), (town_a, Role.WINDOW_CLERK), username="disp", full_name="钱调度")
    waiting = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, title="待受理来件")
    sent = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, title="已派遣")
    case_assign(case=sent, actor=dispatcher, department=dept_a, assignee=handler_a)
    other = case_open(case_type="toy", jurisdiction=town_b, actor=clerk_a, title="外镇")
    client.force_login(dispatcher)
    html = client.get("/command/dispatch/").content.decode()
    assert waiting.number in html and sent.number in html and other.number not in html
    assert "规划建设管理局" in html and "冯处置" in html
    assert client.get("/command/dispatch/?case_type=nope").status_code == 200


def test_board_is_for_the_center(client, clerk_a):
    client.force_login(clerk_a)
    assert client.get("/command/dispatch/").status_code == 403
