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
