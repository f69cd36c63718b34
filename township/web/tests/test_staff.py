"""用户管理 (read-only): scoped to the administrator's units, masked phones, query counts."""

from __future__ import annotations

from township.org.models import Role


def test_security_admin_sees_users_of_own_unit_only(client, make_user, town_a, town_b, village_a, clerk_a, clerk_b):
    sec = make_user((town_a, Role.SECURITY_ADMIN), username="sec_a")
    agent = make_user((village_a, Role.VILLAGE_AGENT), username="agent_a", phone="13812345678")
    client.force_login(sec)
    html = client.get("/system/users/").content.decode()
    assert "clerk_a" in html and "agent_a" in html and "sec_a" in html
    assert "clerk_b" not in html  # another town
    assert "138****5678" in html and "13812345678" not in html
    assert agent.username in client.get("/system/users/?role=village_agent").content.decode()
    assert "clerk_a" not in client.get("/system/users/?role=village_agent").content.decode()
    assert "clerk_a" in client.get("/system/users/?q=窗口").content.decode()


def test_other_users_are_refused(client, clerk_a):
    client.force_login(clerk_a)
    assert client.get("/system/users/").status_code == 403


def test_staff_list_query_count(client, make_user, town_a, django_assert_max_num_queries):
    sec = make_user((town_a, Role.SECURITY_ADMIN), username="sec_b")
    client.force_login(sec)
    with django_assert_max_num_queries(12) as few:
        client.get("/system/users/")
    baseline = len(few)
    for i in range(20):
        make_user((town_a, Role.WINDOW_CLERK), (town_a, Role.APPROVER), username=f"staff{i}")
    with django_assert_max_num_queries(baseline):
        html = client.get("/system/users/").content.decode()
    assert "staff19" in html
