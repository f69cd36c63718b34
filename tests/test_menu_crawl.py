"""No menu item leads to a 403, 404 or 500 for the role that sees it (issue 16): every demo account (one per role,
``township.org.demo.DEMO_ACCOUNTS``) signs in and opens every link of its menu tree, as the shell renders it
(``township.core.navigation.menu_tree``); a link is followed as a browser would (redirects included)."""

from __future__ import annotations

import io

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def demo_org(django_db_setup, django_db_blocker):
    """The demo organisation (divisions, 白沙镇's departments, one account per role), once for the module."""
    from township.org import demo

    kept = demo.demo_passwords_kept()
    demo.keep_demo_passwords(True)  # as scripts/demo.sh: no forced change that would turn every page into 修改密码
    with django_db_blocker.unblock(), transaction.atomic():
        demo.seed(io.StringIO())
        yield
        transaction.set_rollback(True)
    demo.keep_demo_passwords(kept)


def _links(user) -> list[tuple[str, str]]:
    from township.core.navigation import menu_tree

    out = []
    for group in menu_tree(user):
        for child in group["children"]:
            out.append((f"{group['label']} / {child['label']}", child["url"]))
    return out


def _crawl(client) -> tuple[dict[str, int], int, set[str]]:
    from township.org.demo import DEMO_ACCOUNTS
    from township.org.models import User

    bad: dict[str, int] = {}
    pages, roles = 0, set()
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        roles.add(account.role)
        client.force_login(user)
        for label, url in _links(user):
            response = client.get(url, follow=True)
            pages += 1
            if response.status_code in (403, 404) or response.status_code >= 500:
                bad[f"{account.username} {label} {url}"] = response.status_code
            elif response.redirect_chain and any(
                stop in response.redirect_chain[-1][0] for stop in ("/accounts/login/", "/accounts/password/")
            ):
                bad[f"{account.username} {label} {url} → {response.redirect_chain[-1][0]}"] = response.status_code
        client.logout()
    return bad, pages, roles


@pytest.mark.slow
def test_every_menu_link_opens_for_every_demo_role(demo_org, db, client):
    from township.org.models import Role

    bad, pages, roles = _crawl(client)
    assert len(roles) >= len(Role.values) - 1 and pages >= 100, (pages, roles)  # the crawl really walked the menus
    assert bad == {}


def test_the_crawl_notices_a_forbidden_link(demo_org, db, client, monkeypatch):
    """The probe can fail: a menu entry for everyone pointing at 用户管理 (administrators only) is refused."""
    from township.core import navigation
    from township.org.models import User

    probe = {"label": "探针", "url_name": "staff-list", "roles": None, "order": 1, "group": "workbench"}
    monkeypatch.setattr(navigation, "_MENU", [probe, *navigation._MENU])
    client.force_login(User.objects.get(username="clerk"))
    links = dict(_links(User.objects.get(username="clerk")))
    probe = next(url for label, url in links.items() if label.endswith("探针"))
    assert client.get(probe, follow=True).status_code in (403, 404)
