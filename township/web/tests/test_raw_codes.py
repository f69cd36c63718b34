"""No raw codes on screen: every main page of the demo, as each demo account (one per role), shows labels, not enum
values. The pages are the account's menu (``township.core.navigation.menu_for``) and the first cases of its 待办; the codes are the warning levels
(``cases.models.Warning``), every state of every registered case machine, the material type codes of the catalog
(``yyzz``, ``sfz`` …) and the ``item<N>`` material codes approval makes up for results without a material type."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import NoReverseMatch, reverse

# Markup whose text is not prose: scripts, styles, code the user is told to type (<kbd>yyzz</kbd>), drawings.
_NOT_TEXT = re.compile(r"<(script|style|code|kbd|pre|textarea|svg|template)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"(?<![A-Za-z0-9_\-./@#:=?&])([a-z][a-z0-9_]*)(?![A-Za-z0-9_\-./@#:=?&(])")
_MADE_UP_MATERIAL = re.compile(r"item\d+")

# A case's page linked from the 待办 table (/approval/cases/6/, /cases/12/ …), and how many per account are read.
_CASE_LINK = re.compile(r'<td[^>]*>\s*<a href="(/(?:[a-z_-]+/)*\d+/)"')
CASES_PER_ACCOUNT = 4

# Pages allowed to show a code: (url, the fix asked for). Empty since the library pages were fixed; an entry
# added here must name its fix.
KNOWN: dict[str, str] = {}


def visible_text(body: str) -> str:
    return html.unescape(_TAG.sub(" ", _NOT_TEXT.sub(" ", body)))


def raw_code_list() -> set[str]:
    from township.cases.models import Warning
    from township.cases.registry import all_machines
    from township.catalog.models import MaterialType

    codes = {str(v) for v in Warning.values}
    for machine in all_machines():
        codes |= {str(s.key) for s in machine.states}
    codes |= {str(c) for c in MaterialType.objects.values_list("code", flat=True)}
    return codes


def raw_codes_in(text: str, codes: set[str]) -> list[str]:
    return sorted({w for w in _WORD.findall(text) if w in codes or _MADE_UP_MATERIAL.fullmatch(w)})


def test_the_probe_sees_a_code_and_not_a_label():
    codes = {"normal", "sfz", "awaiting_supplement"}
    page = '<td><span class="tag normal">normal</span></td><td>sfz</td><td>item3</td><script>var s="sfz"</script>'
    assert raw_codes_in(visible_text(page), codes) == ["item3", "normal", "sfz"]
    label = '<td><span class="tag normal">正常</span></td><td><a href="/x/?state=awaiting_supplement">补正</a></td>'
    assert raw_codes_in(visible_text(label), codes) == []
    assert raw_codes_in(visible_text("拼音首字母，如 <kbd>yyzz</kbd>"), {"yyzz"}) == []


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from township.grid import spatial

    with django_db_blocker.unblock(), transaction.atomic():
        spatial.clear()
        call_command("seed_demo", "--keep-demo-passwords", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
        spatial.clear()


def _crawl(client) -> tuple[dict[str, list[str]], int, set[str]]:
    """{"username url": codes} over the menu of every demo account; also the pages read and the roles seen."""
    from township.core.navigation import menu_for
    from township.org.demo import DEMO_ACCOUNTS
    from township.org.models import User

    codes = raw_code_list()
    found: dict[str, list[str]] = {}
    pages, roles = 0, set()
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            continue
        roles.add(account.role)
        client.force_login(user)
        for entry in menu_for(user):
            try:
                url = reverse(entry["url_name"])
            except NoReverseMatch:
                continue
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            hits = raw_codes_in(visible_text(response.content.decode()), codes)
            if hits:
                found[f"{account.username} {url}"] = hits
        # and the first cases on its 待办 (their pages: record, materials, timeline, documents)
        for url in _CASE_LINK.findall(client.get(reverse("workbench")).content.decode())[:CASES_PER_ACCOUNT]:
            response = client.get(url, follow=True)
            if response.status_code != 200:
                continue
            pages += 1
            hits = raw_codes_in(visible_text(response.content.decode()), codes)
            if hits:
                found[f"{account.username} {url}"] = hits
        client.logout()
    return found, pages, roles


@pytest.mark.slow
def test_no_raw_codes_on_the_main_pages_of_each_role(demo, db, client):
    found, pages, roles = _crawl(client)
    assert pages >= 100 and len(roles) >= 15, (pages, roles)  # the crawl really walked the demo
    assert "normal" in raw_code_list() and "sfz" in raw_code_list()
    unknown = {k: v for k, v in found.items() if k.split(" ", 1)[1] not in KNOWN}
    assert unknown == {}
