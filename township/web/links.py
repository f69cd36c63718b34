"""Where a case's page lives: the page its case type declares (``CaseType.page``), else the generic /cases/<id>/.

A page target is a url name reversed with the case id, or a callable ``(case) -> url`` that must not query the
database (it runs once per listed row).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from township.cases.types import find_case_type


def generic_case_url(case: Any) -> str:
    return reverse("case-detail", args=[case.pk])


def domain_case_url(case: Any) -> str | None:
    ct = find_case_type(case.case_type)
    return ct.url_for(case) if ct is not None else None


def case_url(case: Any) -> str:
    """The page to open from lists: the case type's page when it declares one, else the generic page."""
    return domain_case_url(case) or generic_case_url(case)
