"""Procedural steps the enforcement tests repeat: file a case, investigate, notify, decide and serve."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from township.enforcement import services
from township.enforcement.models import Domain

D = dt.date
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
RID = "500116199001011234"
FIRST_DAY = D(2026, 3, 2)  # the world fixture's Monday


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def file_case(world: Any, clue: Any = None, **kw: Any) -> Any:
    args = {
        "actor": world.o1,
        "approved_by": world.leader,
        "party_kind": "person",
        "party_name": "张三",
        "party_id_number": RID,
        "party_address": "白沙镇东海村3组12号",
        "act_date": D(2026, 2, 20),
        "domain": Domain.CITY,
        "investigators": [world.o1.pk, world.o2.pk],
        "facts": "张三在东海村3组违法搭建彩钢棚约40平方米。",
    }
    args.update(kw)
    if clue is not None:
        return services.clue_file(clue=clue, **args)
    return services.penalty_case_file(jurisdiction=world.town, **args)


def investigate(world: Any, pc: Any, day: dt.date | None = None) -> Any:
    day = day or D(2026, 3, 3)
    return services.penalty_act_record(
        penalty_case=pc,
        kind="inspection",
        at=aware(day),
        place="白沙镇东海村3组",
        officers=[world.o1.pk, world.o2.pk],
        actor=world.o1,
        summary="现场勘验，拍照取证。",
        files=[SimpleUploadedFile("photo.png", PNG, content_type="image/png")],
    )


def notify(world: Any, pc: Any, *, types: list[str], fine: Any = 0, served_on: dt.date = FIRST_DAY) -> Any:
    """An investigated case told its intended penalty, served directly on ``served_on``."""
    investigate(world, pc, served_on)
    return services.penalty_notice(
        penalty_case=pc, actor=world.o1, types=types, fine=fine, facts="f", reasons="r", basis="b", served_on=served_on
    )


def decide_waived(world: Any, pc: Any, *, types: list[str], fine: Any = 0) -> Any:
    """The party waived statement, defence and hearing in writing; the head decides today."""
    services.penalty_statement_record(penalty_case=pc, actor=world.o1, waived=True, hearing_waived=True)
    return services.penalty_decide(penalty_case=pc, actor=world.leader, types=types, fine=fine)
