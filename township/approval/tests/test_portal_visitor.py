"""A visitor who opens 我的办事 (/approval/) lands on the public guide, not on the staff login (issue 16)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_visitor_goes_to_the_guide_and_apply_asks_the_resident_login(client):
    r = client.get("/approval/")
    assert r.status_code == 302 and r["Location"] == "/guide/"
    r = client.get("/approval/apply/1/")
    assert r.status_code == 302 and r["Location"].startswith("/approval/login/")
