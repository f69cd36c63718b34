"""``manage.py workdays``: the due date for support staff, with a clear error past the covered years."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from township.core.management.commands.workdays import Command

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue().strip()


def test_working_days_is_the_default_unit():
    assert run("2026-09-28", "20") == "2026-10-30"
    assert run("2026-09-30", "5") == "2026-10-13"
    assert run("2026-02-12", "3", "--unit", "working_days") == "2026-02-24"


def test_natural_days_roll_forward_past_holidays():
    assert run("2026-09-28", "3", "--unit", "natural_days") == "2026-10-08"


def test_working_hours_print_the_local_due_time():
    assert run("2026-03-13 17:00", "1", "--unit", "working_hours") == "2026-03-16 09:00"
    assert run("2026-03-09T11:00", "2.5", "--unit=working_hours") == "2026-03-09 15:30"
    assert run("2026-03-09", "1", "--unit", "working_hours") == "2026-03-09 09:30"


def test_natural_hours_run_round_the_clock():
    assert run("2026-03-13 19:00", "1", "--unit", "natural_hours") == "2026-03-13 20:00"
    assert run("2026-12-31 23:00", "1.5", "--unit", "natural_hours") == "2027-01-01 00:30"


def test_uncovered_year_fails_with_a_chinese_message_and_non_zero_exit(monkeypatch):
    with pytest.raises(CommandError, match="2027年节假日安排尚未录入"):
        run("2026-12-20", "20")
    # As from the shell (run_from_argv): the message on stderr and a non-zero exit status.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as excinfo:
        Command(stdout=out, stderr=err).run_from_argv(["manage.py", "workdays", "2027-01-04", "1"])
    assert excinfo.value.code != 0
    assert "2027年节假日安排尚未录入" in err.getvalue()
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("28/09/2026", "20"), "无法识别的日期"),
        (("2026-09-28", "-1"), "不能为负数"),
        (("2026-09-28", "1.5"), "应为整数"),
    ],
)
def test_bad_input_is_refused_in_chinese(args, fragment):
    with pytest.raises(CommandError, match=fragment):
        run(*args)


# ---------------------------------------------------------------------------------------------------------------
# holidays_import: how an administrator enters 2027
# ---------------------------------------------------------------------------------------------------------------

CSV_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-01-02,休,元旦
2027-01-03,休,元旦
2027-02-06,班,春节
"""


def test_importing_a_year_from_csv_makes_it_computable(tmp_path):
    from township.core.models import CalendarYear, Holiday

    path = tmp_path / "2027.csv"
    path.write_text(CSV_2027, encoding="utf-8")
    with pytest.raises(CommandError):
        run("2026-12-30", "3")
    out = StringIO()
    call_command(
        "holidays_import", str(path), "--year", "2027", "--source", "国办发明电〔2026〕X号（测试）", stdout=out
    )
    assert "法定节假日 3 天，调休上班日 1 天" in out.getvalue()
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕X号（测试）"
    assert Holiday.objects.filter(date__year=2027).count() == 4
    # 12-31 (Thu), 01-01..03 off, 01-04 (Mon), 01-05
    assert run("2026-12-30", "3") == "2027-01-05"
    assert run("2027-02-05", "1") == "2027-02-06"  # make-up Saturday


def test_import_refuses_bad_rows_and_writes_nothing(tmp_path):
    from township.core.models import CalendarYear

    path = tmp_path / "bad.csv"
    path.write_text("2027-01-01,holiday,元旦\n2028-01-01,holiday,元旦\n", encoding="utf-8")
    with pytest.raises(CommandError, match="不在 2027 年"):
        call_command("holidays_import", str(path), "--year", "2027", "--source", "x", stdout=StringIO())
    path.write_text("2027-01-01,festival,元旦\n", encoding="utf-8")
    with pytest.raises(CommandError, match="类型"):
        call_command("holidays_import", str(path), "--year", "2027", "--source", "x", stdout=StringIO())
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_import_from_the_package_replaces_a_year(tmp_path):
    from township.core.models import Holiday

    Holiday.objects.filter(date="2026-02-14").delete()
    out = StringIO()
    call_command("holidays_import", "--year", "2026", "--from-package", stdout=out)
    assert "全年工作日 248 天" in out.getvalue()
    assert Holiday.objects.get(date="2026-02-14").kind == "makeup_workday"
