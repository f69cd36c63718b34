"""The event classes kept per process (township/grid/classes.py): no statement per report, a change here seen at
once, another process's within the check interval, and a class added elsewhere found at its first report."""

from __future__ import annotations

import pytest

from township.core.errors import DomainError
from township.grid import classes
from township.grid.models import EventClass, GridIndexVersion
from township.grid.services.events import _event_class


def _copy(code: str, template: str = "200110") -> EventClass:
    ec = EventClass.objects.get(code=template)
    ec.pk, ec.code, ec.name, ec.active = None, code, f"测试类别{code}", True
    return ec


def test_a_kept_class_is_read_without_a_statement(db, django_assert_num_queries):
    assert _event_class("200110").code == "200110"
    with django_assert_num_queries(0):
        for _ in range(50):
            assert _event_class("200110").code == "200110"


def test_a_class_saved_here_is_seen_at_once(db):
    assert _event_class("200110").active
    ec = EventClass.objects.get(code="200110")
    ec.active = False
    ec.save()  # the administrators' page and the CSV import save: the signal bumps the version
    with pytest.raises(DomainError) as refused:
        _event_class("200110")
    assert refused.value.code == "event_class_unknown"
    assert GridIndexVersion.objects.get(key=classes.KEY).version >= 1
    _copy("219901").save()
    assert _event_class("219901").name == "测试类别219901"


def test_a_class_added_in_another_process_is_found_at_its_first_report(db, django_assert_num_queries):
    assert _event_class("200110")
    EventClass.objects.bulk_create([_copy("219902")])  # no signal: as seen from another process …
    GridIndexVersion.objects.update_or_create(key=classes.KEY, defaults={"version": 41})  # … which bumped
    assert _event_class("219902").code == "219902"  # the miss reads the version at once


def test_a_class_retired_in_another_process_is_refused_after_the_check_interval(db, settings):
    assert _event_class("200110")
    EventClass.objects.filter(code="200110").update(active=False)  # another process retires it …
    GridIndexVersion.objects.update_or_create(key=classes.KEY, defaults={"version": 42})  # … and bumps
    assert _event_class("200110")  # within the interval the kept copy still offers it
    settings.GRID_INDEX_CHECK_SECONDS = 0.0  # as if the interval had passed
    with pytest.raises(DomainError):
        _event_class("200110")


def test_the_map_names_every_class_without_a_statement_retired_ones_too(db, django_assert_num_queries):
    retired = EventClass.objects.get(code="200110")
    retired.active = False
    retired.save()  # an old event of a retired class stays on the map with its name
    kept = classes.names([retired.pk])
    assert kept[retired.pk] == retired.name
    with django_assert_num_queries(0):
        assert classes.names([retired.pk])[retired.pk] == retired.name
    renamed = EventClass.objects.get(code="200201")
    renamed.name = "更名后的类别"
    renamed.save()  # seen at once in this process
    assert classes.names([renamed.pk])[renamed.pk] == "更名后的类别"


def test_a_class_id_added_in_another_process_is_named_at_once(db):
    assert classes.names([])  # the copy is read
    EventClass.objects.bulk_create([_copy("219903")])  # no signal: as seen from another process …
    GridIndexVersion.objects.update_or_create(key=classes.KEY, defaults={"version": 43})  # … which bumped
    added = EventClass.objects.get(code="219903")
    assert classes.names([added.pk])[added.pk] == "测试类别219903"
