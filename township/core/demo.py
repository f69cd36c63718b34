"""Moved to ``township.org.demo``: the ground (``township.core``) imports no app above it.

This alias is kept only until its last callers import ``township.org.demo`` instead (the app tests'
``test_demo.py`` of approval, enforcement and certificates, ``township/catalog/demo.py``,
``tests/test_setup.py``, ``tests/test_tenancy_matrix.py`` and ``bench/``); the one import below is
listed in ``.importlinter``'s ``ignore_imports``. Delete this file with that entry.
"""

from __future__ import annotations

from township.org.demo import (
    BAISHA,
    DEMO_ACCOUNTS,
    DEMO_VILLAGE,
    JIANGJIN,
    DemoAccount,
    login_table,
    seed,
    seed_accounts,
    seed_departments,
    seed_jurisdictions,
)

__all__ = [
    "BAISHA",
    "DEMO_ACCOUNTS",
    "DEMO_VILLAGE",
    "JIANGJIN",
    "DemoAccount",
    "login_table",
    "seed",
    "seed_accounts",
    "seed_departments",
    "seed_jurisdictions",
]
