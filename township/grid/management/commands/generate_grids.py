"""python manage.py generate_grids CODE --bounds minlon,minlat,maxlon,maxlat --counts 17,271,1557
or python manage.py generate_grids --jiangyin (江阴市 320281: 17 / 271 / 1,557 grids)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from township.core.errors import DomainError
from township.grid import services
from township.grid.demo import BAISHA_BOUNDS, JIANGYIN_BOUNDS, ensure_divisions
from township.grid.models import Grid
from township.org.models import Jurisdiction


class Command(BaseCommand):
    help = "按辖区范围生成三级网格（演示与压测用）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("code", nargs="?", help="区县或乡镇街道代码")
        parser.add_argument("--bounds", help="最小经度,最小纬度,最大经度,最大纬度")
        parser.add_argument("--counts", default="1,24,120", help="一级,二级,三级网格数量")
        parser.add_argument("--jiangyin", action="store_true", help="江阴市 17/271/1557 演示")
        parser.add_argument("--replace", action="store_true", help="先删除该辖区已有的网格（无事件时）")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["jiangyin"]:
            ensure_divisions("jiangyin-divisions.csv")
            code, bounds, counts = "320281", JIANGYIN_BOUNDS, (17, 271, 1557)
        else:
            code = opts["code"]
            if not code:
                raise CommandError("请指定辖区代码，或使用 --jiangyin")
            if opts["bounds"]:
                try:
                    b = [float(x) for x in opts["bounds"].split(",")]
                except ValueError as exc:
                    raise CommandError("--bounds 格式应为 最小经度,最小纬度,最大经度,最大纬度") from exc
                bounds = (b[0], b[1], b[2], b[3])
            elif code == "500116108":
                bounds = BAISHA_BOUNDS
            else:
                raise CommandError("请用 --bounds 指定范围")
            counts = tuple(int(x) for x in opts["counts"].split(","))
        root = Jurisdiction.objects.filter(pk=code).first()
        if root is None:
            raise CommandError(f"辖区 {code} 不存在")
        scope = Grid.objects.filter(code__startswith=code)
        if scope.exists():
            if not opts["replace"]:
                self.stdout.write(f"辖区 {code} 已有 {scope.count()} 个网格，未重复生成（--replace 可重建）")
                return
            for level in (3, 2, 1):
                scope.filter(level=level).delete()
        started = time.monotonic()
        try:
            result = services.grid_generate(root=root, bounds=bounds, counts=counts)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 一级 {result[1]} / 二级 {result[2]} / 三级 {result[3]} 个网格，用时 {time.monotonic() - started:.1f} 秒"
            )
        )
