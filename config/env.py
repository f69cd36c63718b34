"""Typed environment helpers. Every variable is documented in docs/dev/setup.md."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# The key the development profile falls back to; the production profile refuses to start with it.
DEV_SECRET_KEY = "township-dev-only-secret-change-me-in-production"  # noqa: S105 (development only)


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list; blanks around items and empty items are dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_required(name: str) -> str:
    """A variable that must be set (non-blank): refuse to start without it."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set (see docs/dev/setup.md, section Production).")
    return value


def database_config() -> dict[str, Any]:
    """DATABASE_URL selects PostgreSQL; without it Township runs on embedded SQLite."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
        # No JIT: compiling a dashboard's grouped read cost 100–200 ms of a 1 s query at 10M cases and never pays
        # back on the short queries of a web request (docs/performance.md). DB_PG_OPTIONS="" keeps the server's.
        pg_options = env_str("DB_PG_OPTIONS", "-c jit=off")
        if env_str("DB_CITUS", "") == "1":
            # A Citus coordinator (docs/scaling.md): group by every selected column (composite primary keys), and
            # write multi-shard changes one shard at a time so a transaction may still write a reference table.
            config["ENGINE"] = "township.core.db_citus"
            pg_options = f"{pg_options} -c citus.multi_shard_modify_mode=sequential".strip()
        if pg_options:
            config.setdefault("OPTIONS", {})["options"] = pg_options
        if env_bool("DB_PREPARED_STATEMENTS", True):
            # Parameters bound by the server, and a statement run five times on a connection prepared there: the
            # joins of a request's reads (an item with its unit, version and department: ≈ 2 ms to plan, 0.5 ms to
            # run) are planned once per connection (docs/performance.md). DB_PREPARED_STATEMENTS=0 for a
            # transaction-pooling PgBouncer older than 1.21, which cannot keep prepared statements.
            config.setdefault("OPTIONS", {}).update(
                server_side_binding=True, prepare_threshold=env_int("DB_PREPARE_THRESHOLD", 5)
            )
    else:
        config = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(BASE_DIR / env_str("SQLITE_PATH", "township.sqlite3")),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    # Parallel test runs (several developers on one machine) need distinct test databases.
    suffix = os.environ.get("TEST_DB_SUFFIX", "")
    if config["ENGINE"].endswith("sqlite3"):
        config["TEST"] = {"NAME": str(BASE_DIR / f".test-{suffix or 'default'}.sqlite3")}
    else:
        config["TEST"] = {"NAME": f"test_township{('_' + suffix) if suffix else ''}"}
    return config
