"""Project-wide pytest fixtures: jurisdictions and personas (a clerk in town A, a stranger in town B)."""

from __future__ import annotations

import os

import pytest

from township.org.models import Jurisdiction, Level, Role, User
from township.org.testing import user_with_roles


def pytest_configure(config):
    """Browser assertions wait up to 30 s, not Playwright's 5 s: the suite runs them beside busy workers on two
    cores, where a map popup or a layer may take longer than 5 s to appear (a wait, not a slower page: the timed
    checks run alone, marker ``serial``)."""
    try:
        from playwright.sync_api import expect
    except ImportError:  # pragma: no cover - Playwright is a test requirement
        return
    expect.set_options(timeout=30_000)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` run first. tests/ is collected after township/, so on two xdist workers its long
    demo-wide checks (the tenancy matrix alone runs minutes) would otherwise start last and run alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    if os.environ.get("DATABASE_URL"):
        # The same check, whatever the database: once per CI run is enough (it runs in the SQLite pass).
        skip = pytest.mark.skip(reason="independent of the database: runs in the SQLite pass (marker sqlite_pass)")
        for item in items:
            if item.get_closest_marker("sqlite_pass"):
                item.add_marker(skip)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # Timed in a browser: beside busy workers its figures measure the machine's load, not the page.
        # scripts/test.sh runs these alone after the parallel pass.
        alone = pytest.mark.skip(reason="timed (marker serial): runs alone, after the parallel pass (scripts/test.sh)")
        for item in items:
            if item.get_closest_marker("serial"):
                item.add_marker(alone)


# TOWNSHIP_QUERY_SHAPE=fail (the PostgreSQL pass of .ci/run) checks every statement of every test for the joins
# and locks a Citus cluster cannot route to one town's shard (township/core/query_shape.py); =log:PATH appends
# them to PATH as JSON lines instead of failing (to survey a change).
QUERY_SHAPE = os.environ.get("TOWNSHIP_QUERY_SHAPE", "")


def _origin() -> str:
    import traceback

    frames = [
        f
        for f in traceback.extract_stack()[:-3]
        if "/township/" in f.filename and "/core/query_shape" not in f.filename
    ]
    return " < ".join(f"{f.filename.split('/township/', 1)[1]}:{f.lineno}" for f in reversed(frames[-3:]))


@pytest.fixture(autouse=True)
def _query_shape(request):
    if not QUERY_SHAPE or not os.environ.get("DATABASE_URL") or request.node.get_closest_marker("sqlite_pass"):
        yield
        return
    from django.db import connection

    from township.core.query_shape import offenders_cached

    seen: dict[tuple[str, str, str], tuple[str, str]] = {}

    def capture(execute, sql, params, many, context):
        if " JOIN " in sql or " FOR UPDATE" in sql:
            for found in offenders_cached(sql):
                seen.setdefault(found, (_origin(), sql[:600]))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        yield
    if not seen:
        return
    if QUERY_SHAPE.startswith("log:"):
        import json

        with open(QUERY_SHAPE[4:], "a", encoding="utf-8") as out:
            for found, (origin, sql) in seen.items():
                out.write(json.dumps({"test": request.node.nodeid, "offender": found, "origin": origin, "sql": sql}))
                out.write("\n")
        return
    pytest.fail(
        "SQL a Citus cluster cannot route to one town's shard (township/core/query_shape.py):\n"
        + "\n".join(f"{found} at {origin}: {sql}" for found, (origin, sql) in seen.items()),
        pytrace=False,
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache (figures cached by one test's data must not leak into the next) and in
    the default language."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    from township.core import jsonout
    from township.grid import classes, counts
    from township.org import scoping

    # A request in English (LocaleMiddleware) leaves English active in the worker's thread: the next test's
    # messages would come out in English (a PostgreSQL CI pass failed on a guard's reason that way).
    translation.activate(settings.LANGUAGE_CODE)
    cache.clear()
    scoping.forget_kept()  # the users' grants kept by the process (a flushed database repeats user ids)
    jsonout.clear_caches()  # the per-process bodies by ETag (a rolled-back database repeats its versions)
    counts.forget()  # the grid summaries' marks of the previous test, whose transaction rolled back
    classes.forget()  # the event classes kept by the process (a rolled-back database repeats their versions)
    yield


@pytest.fixture
def county(db) -> Jurisdiction:
    return Jurisdiction.objects.get_or_create(code="500116", defaults={"name": "江津区", "level": Level.COUNTY})[0]


@pytest.fixture
def town_a(county) -> Jurisdiction:
    return Jurisdiction.objects.get_or_create(
        code="500116108", defaults={"name": "白沙镇", "level": Level.TOWN, "parent": county}
    )[0]


@pytest.fixture
def village_a(town_a) -> Jurisdiction:
    return Jurisdiction.objects.get_or_create(
        code="500116108201", defaults={"name": "石门村", "level": Level.VILLAGE, "parent": town_a}
    )[0]


@pytest.fixture
def town_b(county) -> Jurisdiction:
    return Jurisdiction.objects.get_or_create(
        code="500116100", defaults={"name": "几江街道", "level": Level.TOWN, "parent": county}
    )[0]


@pytest.fixture
def make_user(db):
    counter = {"n": 0}

    def make(*grants: tuple[Jurisdiction, str], username: str | None = None, **extra) -> User:
        counter["n"] += 1
        full_name = extra.pop("full_name", "") or f"用户{counter['n']}"
        return user_with_roles(username or f"user{counter['n']}", *grants, full_name=full_name, **extra)

    return make


@pytest.fixture
def clerk_a(make_user, town_a) -> User:
    return make_user((town_a, Role.WINDOW_CLERK), username="clerk_a", full_name="窗口甲")


@pytest.fixture
def approver_a(make_user, town_a) -> User:
    return make_user((town_a, Role.APPROVER), username="approver_a", full_name="审批甲")


@pytest.fixture
def clerk_b(make_user, town_b) -> User:
    return make_user((town_b, Role.WINDOW_CLERK), username="clerk_b", full_name="窗口乙")
