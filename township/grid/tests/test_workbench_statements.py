"""我的待办 over grid events (issue 18): the first page is one index walk per (case type, state) arm — the same
cases in the same order as the ORed filter, and a constant number of statements as the open caseload grows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from township.cases import selectors as cases
from township.cases.models import Case
from township.grid import services

pytestmark = pytest.mark.django_db


def _reference(actor, limit):
    """The ORed filter, sorted by the database (what the first page was before the arms)."""
    staff, _owner = cases.actionable_parts(actor)
    qs = Case.objects.filter(staff, closed_at__isnull=True)
    return list(qs.order_by(F("due_at").asc(nulls_last=True), "id").values_list("id", flat=True)[:limit])


def test_first_page_is_the_ored_filters_first_page(report, dispatcher_a, dept_a):
    events = [report(lon=106.02 + i / 1000) for i in range(9)]
    for e in events[:5]:
        services.event_register(event=e, actor=dispatcher_a)
    now = timezone.now()
    for i, e in enumerate(events):  # due times interleaved across the states
        Case.objects.filter(pk=e.case_id).update(due_at=now + timedelta(hours=(i * 7) % 11))
    Case.objects.filter(pk=events[8].case_id).update(due_at=None)
    for limit in (3, 6, 20):
        page = cases.workbench_list(actor=dispatcher_a, limit=limit)
        assert [c.pk for c in page.items] == _reference(dispatcher_a, limit)
    page = cases.workbench_list(actor=dispatcher_a, limit=4)
    rest = cases.workbench_list(actor=dispatcher_a, limit=20, cursor=page.next_cursor)
    assert [c.pk for c in page.items + rest.items] == _reference(dispatcher_a, 20)
    only = cases.workbench_list(actor=dispatcher_a, limit=20, state="registered")
    assert {c.state for c in only.items} == {"registered"} and len(only.items) == 5


def test_first_page_statements_do_not_grow_with_open_cases(report, dispatcher_a, django_assert_max_num_queries):
    report()
    cases.workbench_list(actor=dispatcher_a, limit=20)
    dispatcher_a.__dict__.pop("_township_grants", None)
    with django_assert_max_num_queries(30) as few:
        cases.workbench_list(actor=dispatcher_a, limit=20)
    for i in range(25):
        report(lon=106.02 + i / 1000)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = cases.workbench_list(actor=dispatcher_a, limit=20)
    assert len(page.items) == 20 and page.next_cursor
