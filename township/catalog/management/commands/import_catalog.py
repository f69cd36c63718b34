"""python manage.py import_catalog FILE [--jurisdiction CODE] [--dry-run]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from township.catalog.importer import run_import
from township.core.errors import DomainError


class Command(BaseCommand):
    help = "Import catalog items from .xlsx or .csv (all rows or none); prints counts per item-type code."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file")
        parser.add_argument("--jurisdiction", default=None, help="division code (default: from the area_code column)")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument(
            "--publish", metavar="REASON", default="", help="publish the imported drafts with this reason"
        )

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"文件不存在: {path}")
        try:
            result = run_import(
                raw=path.read_bytes(),
                filename=path.name,
                jurisdiction=opts["jurisdiction"],
                dry_run=opts["dry_run"],
                check_permission=False,
                on_progress=lambda n, total: self.stderr.write(f"已校验 {n}/{total} 行"),
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if result.errors:
            for e in result.errors:
                self.stderr.write(f"第{e['row']}行 [{e['column']}] {e['message']}")
            raise CommandError(f"{len(result.errors)} 处错误，未导入任何事项")
        verb = "校验通过（未写入）" if result.dry_run else f"新增 {result.created}，更新 {result.updated}"
        self.stdout.write(f"{result.jurisdiction}: {verb}")
        if opts["publish"] and not result.dry_run:
            from township.catalog.models import Item, ItemStatus
            from township.catalog.services import do_publish_many

            drafts = list(
                Item.objects.filter(jurisdiction_id=result.jurisdiction, dirty=True).exclude(status=ItemStatus.RETIRED)
            )
            n = do_publish_many(drafts, approver=None, reason=opts["publish"])
            self.stderr.write(f"已发布 {n} 项")
        for line in result.summary_lines():
            self.stdout.write(line)
