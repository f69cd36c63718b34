"""python manage.py import_map_features FILE --town CODE [--kind road|river] [--replace] [--preview]: load a town's
roads and rivers from a GeoJSON FeatureCollection of LineStrings (all checked first; nothing written on an error)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from township.core.errors import DomainError
from township.grid import services
from township.grid.models import FeatureKind


class Command(BaseCommand):
    help = "从 GeoJSON 导入本镇道路河流线形（全部校验通过才写入）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="GeoJSON FeatureCollection 文件（LineString / MultiLineString，WGS-84）")
        parser.add_argument("--town", required=True, help="乡镇（街道）区划代码，如 500116108")
        parser.add_argument("--kind", default=FeatureKind.ROAD, choices=FeatureKind.values, help="缺省类型")
        parser.add_argument("--replace", action="store_true", help="替换本镇同类型的已有线形")
        parser.add_argument("--preview", action="store_true", help="只检查，不写入")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        data = path.read_bytes()
        try:
            if opts["preview"]:
                preview = services.feature_preview(
                    actor=None, jurisdiction=opts["town"], data=data, default_kind=opts["kind"]
                )
                if preview.errors:
                    raise services.FeatureImportError(preview.errors)
                for r in preview.rows:
                    self.stdout.write(f"{r.index}\t{r.name}\t{r.kind_label}\t{r.points} 点\t{r.length_km:.2f} 公里")
                self.stdout.write(self.style.SUCCESS(f"检查通过：{len(preview.rows)} 个要素（未写入）"))
                return
            saved = services.feature_import(
                actor=None, jurisdiction=opts["town"], data=data, default_kind=opts["kind"], replace=opts["replace"]
            )
        except services.FeatureImportError as exc:
            for _field, message in exc.errors:
                self.stderr.write(message)
            raise CommandError(f"共 {len(exc.errors)} 处错误，未导入") from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已导入 {len(saved)} 条道路河流"))
