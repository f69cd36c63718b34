"""Case numbers taken last (``township/cases/numbering.py``, issue 18): inside ``numbers_last`` the town's counter
is taken by the scope's last statement; numbers stay gapless and unique, and what needs a number waits for it."""

from __future__ import annotations

import threading

import psycopg
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from township.cases.counts import numbered_in_one_statement
from township.cases.integrity import verify_case_events
from township.cases.models import Case, CaseCounter, CaseDayCount, CaseEvent
from township.cases.numbering import numbers_last, when_numbered
from township.cases.services import case_note, case_open


def _open(town, clerk, village=None, **kw):
    return case_open(case_type="toy", jurisdiction=town, actor=clerk, village=village, **kw)


def test_numbers_come_at_the_scope_end_in_order_and_what_waits_sees_them(town_a, village_a, clerk_a):
    _open(town_a, clerk_a)
    seen: list[str] = []
    with numbers_last():
        first, second = _open(town_a, clerk_a, village_a), _open(town_a, clerk_a, village_a)
        when_numbered(lambda: seen.append(second.number))
        case_note(case=first, actor=clerk_a, name="call", label="回访")  # the timeline goes on meanwhile
        if numbered_in_one_statement():
            assert first.number.startswith("~") and second.number.startswith("~")
        else:  # SQLite, Citus: at once
            assert first.number.endswith("000002")
    assert (first.number[-6:], second.number[-6:]) == ("000002", "000003") and seen == [second.number]
    stored = dict(Case.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "number"))
    assert stored == {first.pk: first.number, second.pk: second.number}
    assert CaseCounter.objects.get(jurisdiction=town_a, case_type="toy").last == 3
    assert CaseDayCount.objects.get(village_code=village_a.code).opened == 2
    for case in (first, second):
        assert verify_case_events(case.pk, list(CaseEvent.objects.filter(case=case).order_by("seq"))) == []


def test_a_case_rolled_back_inside_the_scope_takes_no_number(town_a, clerk_a):
    with numbers_last():
        kept = _open(town_a, clerk_a)
        with pytest.raises(RuntimeError), transaction.atomic():  # the savepoint rolls back, the scope goes on
            _open(town_a, clerk_a)
            raise RuntimeError("审批表单校验失败")
        later = _open(town_a, clerk_a)
    assert [kept.number[-6:], later.number[-6:]] == ["000001", "000002"]  # no gap for the rolled-back one
    assert CaseCounter.objects.get(jurisdiction=town_a, case_type="toy").last == 2
    assert sum(CaseDayCount.objects.values_list("opened", flat=True)) == 2


def test_an_inner_scope_that_fails_drops_its_steps_and_the_outer_one_goes_on(town_a, clerk_a):
    ran: list[str] = []
    with numbers_last():
        outer = _open(town_a, clerk_a)
        with pytest.raises(ValueError), transaction.atomic(), numbers_last():
            _open(town_a, clerk_a)
            when_numbered(lambda: ran.append("inner"))
            raise ValueError("材料不齐")
        when_numbered(lambda: ran.append("outer"))
    assert ran == ["outer"] and outer.number.endswith("000001")


def test_an_error_in_the_scope_leaves_nothing(town_a, clerk_a):
    with pytest.raises(ValueError), transaction.atomic(), numbers_last():  # no savepoint of its own
        _open(town_a, clerk_a)
        raise ValueError("中途出错")
    assert not Case.objects.exists() and not CaseCounter.objects.filter(last__gt=0).exists()
    assert _open(town_a, clerk_a).number.endswith("000001")


def test_outside_a_scope_the_number_is_there_when_case_open_returns(town_a, clerk_a):
    with CaptureQueriesContext(connection) as ctx:
        case = _open(town_a, clerk_a)
    assert case.number.endswith("000001") and Case.objects.get(pk=case.pk).number == case.number
    if numbered_in_one_statement():  # the id, the case, its first event, then number + day count in one
        sqls = [q["sql"] for q in ctx.captured_queries]
        assert sqls[0].startswith("SELECT nextval") and sqls[-1].startswith("WITH c AS (INSERT INTO")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_counter_stays_free_until_the_scope_end_and_numbers_stay_unique(town_a, clerk_a):
    if not numbered_in_one_statement():
        pytest.skip("the number is taken last on PostgreSQL only")
    _open(town_a, clerk_a)  # the counter's row exists, committed
    dsn = connection.settings_dict
    other = psycopg.connect(
        host=dsn["HOST"] or None, port=dsn["PORT"] or None, user=dsn["USER"], dbname=dsn["NAME"], autocommit=True
    )

    def counter_locked() -> bool:
        try:
            with other.transaction():
                other.execute(
                    'SELECT 1 FROM "cases_casecounter" WHERE jurisdiction_id = %s FOR UPDATE NOWAIT', [town_a.pk]
                )
            return False
        except psycopg.errors.LockNotAvailable:
            return True

    try:
        with transaction.atomic():
            with numbers_last():
                case = _open(town_a, clerk_a)
                assert not counter_locked()  # the whole opening done: still free for the town's other windows
            assert counter_locked() and case.number.endswith("000002")  # held from the last statement to commit
        assert not counter_locked()
    finally:
        other.close()

    barrier, opened = threading.Barrier(4), []

    def window() -> None:
        from django.db import connection as conn

        try:
            barrier.wait()
            for _ in range(5):
                with numbers_last():
                    opened.append(_open(town_a, clerk_a))
        finally:
            conn.close()

    threads = [threading.Thread(target=window) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(c.number[-6:] for c in opened) == [f"{i:06d}" for i in range(3, 23)]
    assert not Case.objects.filter(number__startswith="~").exists()
