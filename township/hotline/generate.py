"""A generated 12345 hotline export (.xlsx) in the import template's columns: the demo's month of orders and the
import bench (10,000 rows with some bad rows) are built here, and the tests use it."""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from township.hotline.services.imports import COLUMNS

# (诉求类型, 事项分类, 诉求内容) samples of a rural town's hotline.
SAMPLES: list[tuple[str, str, str]] = [
    ("咨询", "社会救助", "咨询低保申请需要准备哪些材料，到哪里办理"),
    ("咨询", "农业农村", "咨询今年耕地地力保护补贴什么时候发放"),
    ("咨询", "劳动保障", "咨询城乡居民养老保险缴费档次和截止时间"),
    ("求助", "道路交通", "村道上有大坑，雨天积水，车辆通行困难，请求修补"),
    ("求助", "邻里纠纷", "邻居在公共通道堆放柴火，影响通行，协商无果"),
    ("求助", "供水供电", "家中停水两天，请求尽快恢复供水"),
    ("投诉", "环境卫生", "路口垃圾堆放多日无人清运，气味很大"),
    ("投诉", "城乡建设", "有人在河道边违规搭建彩钢棚"),
    ("投诉", "市场监管", "场镇某超市销售过期食品"),
    ("投诉", "村内环境", "村里的公厕长期无人打扫"),
    ("举报", "农业农村", "有人焚烧秸秆，烟雾很大"),
    ("建议", "道路交通", "建议在学校门口增设减速带和斑马线"),
    ("建议", "村务公开", "建议村务公开栏按月更新财务收支"),
    ("表扬", "社会救助", "感谢镇社会事务局工作人员上门帮助办理残疾人补贴"),
]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗"


def export_bytes(rows: Sequence[Sequence[Any]], header: Sequence[str] = COLUMNS) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("工单")
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sample_rows(
    n: int,
    *,
    villages: Sequence[str],
    start: datetime,
    days: int = 30,
    prefix: str = "JJ12345",
    bad_every: int = 0,
    seed: int = 12345,
) -> list[list[Any]]:
    """``n`` export rows over ``days`` days from ``start``; with ``bad_every`` > 0, every so many rows one is wrong
    (an unknown type, a bad phone, a missing content, an unknown village or a duplicated number, in turn)."""
    rnd = random.Random(seed)
    rows: list[list[Any]] = []
    for i in range(n):
        kind, matter, content = SAMPLES[i % len(SAMPLES)] if i < len(SAMPLES) else rnd.choice(SAMPLES)
        at = start + timedelta(minutes=rnd.randrange(days * 24 * 60))
        at = at.replace(hour=8 + (at.hour % 10), second=0, microsecond=0)
        urgency = "紧急" if rnd.random() < 0.05 else "一般"
        village = villages[i % len(villages)] if villages else ""
        phone = f"13{rnd.randrange(10**9):09d}"
        name = f"{SURNAMES[i % len(SURNAMES)]}{'先生' if i % 2 else '女士'}"
        number = f"{prefix}-{at:%Y%m%d}-{i + 1:05d}"
        row: list[Any] = [number, at.strftime("%Y-%m-%d %H:%M"), name, phone, kind, urgency, matter, content,
                          f"白沙镇{village}{rnd.randrange(1, 30)}组", village]  # fmt: skip
        if bad_every and i % bad_every == bad_every - 1:
            which = (i // bad_every) % 5
            if which == 0:
                row[4] = "催办"
            elif which == 1:
                row[3] = "12345"
            elif which == 2:
                row[7] = ""
            elif which == 3:
                row[9] = "不存在村"
            elif rows:
                row[0] = rows[-1][0]
        rows.append(row)
    return rows
