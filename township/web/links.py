"""Where a case's page lives: the generic /cases/<id>/ page, or a richer page a domain app registers.

A domain app calls, in its AppConfig.ready():
    from township.web.links import register_case_page
    register_case_page("approval_application", "approval:case")   # reversed with args=[case.pk]
or passes a callable ``(case) -> url`` (it must not query the database: it runs once per listed row).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import NoReverseMatch, reverse

_PAGES: dict[str, str | Callable[[Any], str]] = {}


def register_case_page(case_type: str, target: str | Callable[[Any], str]) -> None:
    _PAGES[case_type] = target


def unregister_case_page(case_type: str) -> None:
    _PAGES.pop(case_type, None)


def generic_case_url(case: Any) -> str:
    return reverse("case-detail", args=[case.pk])


def domain_case_url(case: Any) -> str | None:
    target = _PAGES.get(case.case_type)
    if target is None:
        return None
    if callable(target):
        return target(case)
    try:
        return reverse(target, args=[case.pk])
    except NoReverseMatch:
        return None


def case_url(case: Any) -> str:
    """The page to open from lists: the domain page when one is registered, else the generic page."""
    return domain_case_url(case) or generic_case_url(case)
