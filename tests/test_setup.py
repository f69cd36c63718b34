"""The set-up a new user meets: the demo loader, its logins, and the two README commands' scripts."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from township.core.demo import BAISHA, DEMO_ACCOUNTS, DEMO_VILLAGE
from township.org.models import Department, Jurisdiction, Level, Role, RoleGrant, User

ROOT = Path(__file__).resolve().parent.parent


def _counts() -> dict[str, int]:
    from django.apps import apps

    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        # unmanaged: the benches' baseline table, registered by the HTTP bench's test in the same process
        if m._meta.app_label not in {"sessions", "admin", "contenttypes", "auth"} and m._meta.managed
    }


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_demo_runs_twice_and_the_second_run_changes_nothing():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first
    # The demo's timelines are sealed in a checkpoint at once, and verify clean.
    from township.cases.integrity import heads_unsealed, verify_all

    assert first["cases.Checkpoint"] == 1 and not heads_unsealed()
    assert verify_all()[1] == []
    printed = out.getvalue()
    for acc in DEMO_ACCOUNTS:
        assert acc.username in printed and acc.password in printed


@pytest.mark.django_db
def test_demo_has_baisha_with_its_24_villages_and_the_other_places():
    call_command("seed_demo", "--only-org", stdout=io.StringIO())
    baisha = Jurisdiction.objects.get(code=BAISHA)
    assert baisha.name == "白沙镇" and baisha.level == Level.TOWN and baisha.parent_id == "500116"
    assert Jurisdiction.objects.filter(parent=baisha, level=Level.VILLAGE).count() == 24
    for code in ("320281104", "320281108", "130926103", "420703101", "420703400"):
        assert Jurisdiction.objects.filter(code=code, level=Level.TOWN).exists(), code
        assert Jurisdiction.objects.filter(parent_id=code, level=Level.VILLAGE).exists(), code
    names = set(Department.objects.filter(jurisdiction=baisha).values_list("name", flat=True))
    assert {"行政审批局", "综合行政执法局", "党政办公室"} <= names


@pytest.mark.django_db
def test_every_role_has_a_demo_account_and_the_county_leader_reaches_below():
    call_command("seed_demo", "--only-org", stdout=io.StringIO())
    held = set(RoleGrant.objects.values_list("role", flat=True))
    assert held >= set(Role.values)
    agent = RoleGrant.objects.get(user__username="agent")
    assert agent.jurisdiction_id == DEMO_VILLAGE
    from township.org.scoping import reach

    county_leader = User.objects.get(username="leader_county")
    assert reach(county_leader).covers(BAISHA)
    assert not reach(User.objects.get(username="leader")).covers("500116101")


@pytest.mark.django_db
def test_printed_demo_logins_sign_in(client):
    out = io.StringIO()
    call_command("seed_demo", "--only-org", stdout=out)
    printed = out.getvalue()
    for acc in DEMO_ACCOUNTS:
        assert f"| {acc.username} " in printed
        assert client.login(username=acc.username, password=acc.password), acc.username
        client.logout()
    response = client.post("/accounts/login/", {"username": "clerk", "password": "Bs-clerk-2026"})
    assert response.status_code == 302


def test_demo_passwords_are_strong():
    for acc in DEMO_ACCOUNTS:
        classes = [any(c.islower() for c in acc.password), any(c.isupper() for c in acc.password)]
        classes += [any(c.isdigit() for c in acc.password), any(not c.isalnum() for c in acc.password)]
        assert len(acc.password) >= 12 and sum(classes) >= 3, acc.username


def test_readme_names_exactly_the_two_commands_and_they_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Two commands", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]
    assert commands == ["./scripts/demo.sh", "./scripts/test.sh"]
    for command in commands:
        script = ROOT / command
        assert script.exists() and script.stat().st_mode & 0o111, command
        subprocess.run(["bash", "-n", str(script)], check=True)
    subprocess.run(["bash", "-n", str(ROOT / ".ci" / "run")], check=True)
