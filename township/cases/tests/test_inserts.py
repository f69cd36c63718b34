"""``core.inserts.insert_together``: rows of several tables in one statement on PostgreSQL, one after the other
elsewhere; the referenced row's id drawn first; ``save()``'s signals; conflicts skipped where asked."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from township.cases.models import Case, CaseCounter, CaseEvent
from township.core.inserts import draw_id, draw_ids_ahead, insert_if_updated, insert_together, writes_in_with


def _rows(town, clerk, title: str) -> tuple[Case, CaseEvent]:
    now = timezone.now()
    case = Case(case_type="toy", jurisdiction=town, title=title, state="new", number=f"试-{title}", opened_at=now)
    case.created_by = clerk
    event = CaseEvent(jurisdiction_id=town.pk, case=case, seq=1, kind="open", name="open", at=now, actor=clerk)
    return case, event


def test_rows_of_two_tables_go_in_one_statement_with_the_referenced_id_drawn_first(town_a, clerk_a):
    case, event = _rows(town_a, clerk_a, "一")
    seen: list[tuple[str, str, bool]] = []

    def before(sender, instance, **kw):
        seen.append(("pre", sender.__name__, instance._state.adding))

    def after(sender, instance, created, **kw):
        seen.append(("post", sender.__name__, created))

    pre_save.connect(before, sender=CaseEvent, dispatch_uid="test_inserts.pre")
    post_save.connect(after, sender=CaseEvent, dispatch_uid="test_inserts.post")
    try:
        with CaptureQueriesContext(connection) as ctx:
            insert_together([case], [event])
    finally:
        pre_save.disconnect(dispatch_uid="test_inserts.pre", sender=CaseEvent)
        post_save.disconnect(dispatch_uid="test_inserts.post", sender=CaseEvent)
    statements = [q["sql"] for q in ctx.captured_queries]
    if writes_in_with():  # the case's id drawn (the event points to it), then both rows in one statement
        assert len(statements) == 2, "\n".join(statements)
        assert statements[0].startswith("SELECT nextval(") and statements[1].startswith("WITH w0 AS (INSERT INTO")
        assert event.pk is None  # nobody points to the event: its id is not read back
    else:
        assert len(statements) == 2 and all(s.startswith("INSERT INTO") for s in statements), statements
    assert seen == [("pre", "CaseEvent", True), ("post", "CaseEvent", True)]
    assert not case._state.adding and not event._state.adding
    stored = CaseEvent.objects.get(case_id=case.pk)
    assert stored.jurisdiction_id == town_a.pk and Case.objects.get(pk=case.pk).number == "试-一"


def test_rows_that_are_there_already_are_skipped_where_asked(town_a, clerk_a):
    key = {"jurisdiction_id": town_a.pk, "case_type": "toy", "year": 2026}
    CaseCounter.objects.create(last=7, **key)
    case, event = _rows(town_a, clerk_a, "二")
    insert_together([case], [CaseCounter(last=1, **key)], [event], ignore_conflicts=[CaseCounter])
    assert CaseCounter.objects.get(**key).last == 7  # kept, not overwritten, and no error
    assert CaseEvent.objects.filter(case_id=case.pk).count() == 1


def test_a_failing_row_writes_nothing_of_the_call(town_a, clerk_a):
    key = {"jurisdiction_id": town_a.pk, "case_type": "toy", "year": 2026}
    CaseCounter.objects.create(last=7, **key)
    case, event = _rows(town_a, clerk_a, "三")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together([case], [event], [CaseCounter(last=1, **key)])  # the counter's key is taken: refused
    assert not Case.objects.filter(title="三").exists() and CaseCounter.objects.get(**key).last == 7


def test_a_batch_mixing_models_is_refused(town_a, clerk_a):
    case, event = _rows(town_a, clerk_a, "四")
    with pytest.raises(TypeError):
        insert_together([case, event])
    assert not Case.objects.filter(title="四").exists()


def test_the_callers_rows_get_their_ids_when_asked(town_a, clerk_a):
    asked, _event = _rows(town_a, clerk_a, "五")
    unasked, _other = _rows(town_a, clerk_a, "六")
    insert_together([asked], ids_of=[asked])
    insert_together([unasked])
    assert asked.pk is not None and Case.objects.get(pk=asked.pk).title == "五"
    assert Case.objects.filter(title="六").exists()


def test_ids_drawn_ahead_are_handed_out_by_the_next_draw(town_a, clerk_a):
    with CaptureQueriesContext(connection) as ahead:
        draw_ids_ahead(Case, CaseEvent)
    case, event = _rows(town_a, clerk_a, "七")
    with CaptureQueriesContext(connection) as ctx:
        insert_together([case], [event], ids_of=[case])
    statements = [q["sql"] for q in ctx.captured_queries]
    if writes_in_with():  # one statement drew both; the insert drew nothing more
        assert len(ahead.captured_queries) == 1 and len(statements) == 1, statements
        with CaptureQueriesContext(connection) as later:
            assert draw_id(CaseEvent) > 0  # the event's id drawn ahead, handed out now without a statement
        assert later.captured_queries == []
    else:
        assert ahead.captured_queries == [] and len(statements) == 2
    assert Case.objects.get(pk=case.pk).title == "七"


def test_a_row_goes_in_only_when_the_update_matched(town_a, clerk_a):
    if not writes_in_with():
        pytest.skip("one statement of UPDATE and INSERT: PostgreSQL")
    case, _event = _rows(town_a, clerk_a, "八")
    insert_together([case], ids_of=[case])
    stale = {"pk": case.pk, "version": case.version + 1}  # matches nothing
    _c, missed = _rows(town_a, clerk_a, "八")
    missed.case = case
    assert insert_if_updated(Case, stale, {"state": "gone"}, missed) is False
    assert missed.pk is None and not CaseEvent.objects.filter(case_id=case.pk).exists()
    _c, written = _rows(town_a, clerk_a, "八")
    written.case = case
    with CaptureQueriesContext(connection) as ctx:
        assert insert_if_updated(Case, {"pk": case.pk, "version": case.version}, {"state": "on"}, written)
    assert len(ctx.captured_queries) == 1 and written.pk is not None
    assert Case.objects.get(pk=case.pk).state == "on" and CaseEvent.objects.get(case_id=case.pk).pk == written.pk


def test_nothing_to_insert_sends_nothing(db):
    with CaptureQueriesContext(connection) as ctx:
        insert_together([], [])
    assert ctx.captured_queries == []


def test_a_rows_insert_is_compiled_once_per_shape_with_the_orms_values(town_a, clerk_a, monkeypatch):
    """``_compiled`` keeps the text of a one-row INSERT by (model, fields, conflicts) and takes the values as the ORM
    does: the kept text and the values equal the ORM's own compile of the same row; rows stored the same."""
    from township.core import inserts
    from township.core.inserts import _compiled

    inserts._ONE_ROW.clear()
    compiles: list[object] = []
    real = inserts.InsertQuery.get_compiler

    def spy(self, *args, **kwargs):
        compiles.append(self.model)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(inserts.InsertQuery, "get_compiler", spy)
    first, _event = _rows(town_a, clerk_a, "三")
    second, _event = _rows(town_a, clerk_a, "四")
    at = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: at)  # auto_now fields: the same moment both ways
    sql_1, params_1 = _compiled([first], False)
    sql_2, params_2 = _compiled([second], False)
    assert compiles == [Case] and sql_2 == sql_1  # the second row of the shape is not compiled
    inserts._ONE_ROW.clear()
    sql_orm, params_orm = _compiled([second], False)  # the ORM's own compile of the same row
    assert sql_orm == sql_2 and params_orm == params_2 and params_1 != params_2
    assert len(compiles) == 2
    _compiled([first], True)  # another shape (conflicts skipped): compiled
    assert len(compiles) == 3
    insert_together([_rows(town_a, clerk_a, "五")[0]])
    insert_together([_rows(town_a, clerk_a, "六")[0]])
    stored = Case.objects.filter(number__in=["试-五", "试-六"])
    assert sorted(stored.values_list("title", "created_by_id")) == [("五", clerk_a.pk), ("六", clerk_a.pk)]
