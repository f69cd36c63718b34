"""The project's URLs plus the bare baseline view (``bench/common.py``: one INSERT and one primary-key SELECT) at
``/__bench__/baseline/``, and the bench case type registered (the transition and evaluation workloads use it)."""

from __future__ import annotations

from django.urls import include, path

from bench.common import baseline_view

BASELINE_PATH = "/__bench__/baseline/"


def register_bench_case_type() -> None:
    """The case-engine bench's machine with its 按时办结率 indicator (idempotent; as bench/command_bench.py)."""
    from bench.command_bench import _register

    _register()


register_bench_case_type()

urlpatterns = [
    path(BASELINE_PATH.strip("/") + "/", baseline_view),
    path("", include("config.urls")),
]
