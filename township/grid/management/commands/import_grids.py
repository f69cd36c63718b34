"""python manage.py import_grids FILE [--update]: load grids from a GeoJSON FeatureCollection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from township.core.errors import DomainError
from township.grid import services


class Command(BaseCommand):
    help = "从 GeoJSON 导入网格（全部校验通过才写入）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="GeoJSON FeatureCollection 文件")
        parser.add_argument("--update", action="store_true", help="编码已存在时更新")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            grids = services.grid_import_geojson(data=path.read_bytes(), actor=None, update=opts["update"])
        except services.GridImportError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(f"共 {len(exc.errors)} 处错误，未导入任何网格") from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已导入 {len(grids)} 个网格"))
