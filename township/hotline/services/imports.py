"""Excel import of a 12345 hotline export (.xlsx): the template, row validation, and the import job.

A job validates every row first (row number, column, Chinese message), writing its progress; then, in mode
「全部正确才导入」 (the default) it imports **nothing** when any row is wrong, otherwise every order in **one
transaction**; in mode 「仅导入正确的行」 it imports the valid rows (in one transaction) and reports the others.
Duplicates by 工单编号 (already imported, or twice in the file) are row errors, so a re-import creates nothing.

Progress: the validation phase commits its counter every chunk (both databases). The write phase is one
transaction; on PostgreSQL its counter is written through a second connection (committed at once, visible to the
polling page); SQLite allows one writer at a time, so there the page shows the write phase without a running count
and jumps to 100 % at the commit. Large files run in the worker (``manage.py worker``, job ``hotline.imports``);
files of up to ``INLINE_ROWS`` rows are imported in the request.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.core.errors import DomainError, PermissionRefused
from township.hotline.errors import Code
from township.hotline.machine import CENTRE
from township.hotline.models import Channel, ImportJob, Kind, Order, Urgency
from township.org.models import Jurisdiction, Level, User
from township.org.scoping import has_role

COLUMNS = [
    "工单编号",
    "来电时间",
    "来电人",
    "联系电话",
    "诉求类型",
    "紧急程度",
    "事项分类",
    "诉求内容",
    "地址",
    "所属村",
]
REQUIRED = ("工单编号", "来电时间", "诉求类型", "诉求内容")
KINDS = {str(k.label): k.value for k in Kind}
URGENCIES = {str(u.label): u.value for u in Urgency} | {"普通": Urgency.NORMAL, "特急": Urgency.URGENT}
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$")
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
CHUNK = 500
INLINE_ROWS = 500


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


# --- the template -----------------------------------------------------------------------------------------------


def template_xlsx(example: bool = True) -> bytes:
    """The import template: the export's columns, an example row, drop-downs for the coded columns and a sheet of
    instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "工单"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", (18, 18, 10, 15, 10, 10, 14, 50, 30, 12), strict=True):
        ws.column_dimensions[letter].width = width
    if example:
        ws.append(
            [
                "JJ12345-20261201-0001",
                "2026-12-01 09:15",
                "张先生",
                "13800000000",
                "投诉",
                "一般",
                "环境卫生",
                "石门村路口垃圾堆放三天无人清运，气味很大。",
                "白沙镇石门村路口",
                "石门村",
            ]
        )
    kinds = DataValidation(type="list", formula1='"' + ",".join(KINDS) + '"', allow_blank=False)
    urgencies = DataValidation(type="list", formula1='"一般,紧急"', allow_blank=True)
    ws.add_data_validation(kinds)
    ws.add_data_validation(urgencies)
    kinds.add("E2:E50001")
    urgencies.add("F2:F50001")
    notes = wb.create_sheet("填写说明")
    for line in (
        ["列", "是否必填", "说明"],
        ["工单编号", "必填", "12345热线系统的工单编号，同一乡镇内不得重复；已导入的编号不再导入"],
        ["来电时间", "必填", "如 2026-12-01 09:15（北京时间），或 Excel 日期时间"],
        ["来电人", "选填", "匿名来电可留空"],
        ["联系电话", "选填", "手机号或固定电话，加密保存，页面中脱敏显示"],
        ["诉求类型", "必填", "、".join(KINDS)],
        ["紧急程度", "选填", "一般（默认）或紧急"],
        ["事项分类", "选填", "与本镇事项清单一致，用于派单时校验责任层级"],
        ["诉求内容", "必填", "来电人反映的问题"],
        ["地址", "选填", "事发地址"],
        ["所属村", "选填", "本镇村（社区）名称"],
    ):
        notes.append(line)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading and validating -------------------------------------------------------------------------------------


def read_rows(content: bytes) -> tuple[list[str], Iterator[tuple[int, tuple[Any, ...]]]]:
    """The header and the data rows (Excel row number, values) of the first sheet."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's input error
        raise DomainError(Code.IMPORT_FILE, _("无法读取文件，请上传 .xlsx 格式的热线工单导出表"), field="file") from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header_row = next(rows, None)
    header = [str(c).strip() if c is not None else "" for c in (header_row or ())]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DomainError(
            Code.IMPORT_FILE, _("表头缺少必填列：%(c)s，请使用导入模板") % {"c": "、".join(missing)}, field="file"
        )

    def data() -> Iterator[tuple[int, tuple[Any, ...]]]:
        for n, values in enumerate(rows, start=2):
            if values is None or all(v in (None, "") for v in values):
                continue
            yield n, values

    return header, data()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time(9, 0)))
    text = _text(value).replace("/", "-").replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return timezone.make_aware(datetime.strptime(text, fmt))  # noqa: DTZ007 - Beijing time by the template
        except ValueError:
            continue
    return None


class Validator:
    """Validates rows of one town: each gives a clean dict or its errors (duplicates inside the file too)."""

    def __init__(self, town: str, header: list[str]) -> None:
        self.town = town
        self.index = {name: i for i, name in enumerate(header) if name}
        self.villages = {
            v.name: v.pk for v in Jurisdiction.objects.filter(parent_id=town, level=Level.VILLAGE).only("pk", "name")
        }
        self.existing: set[str] = set()
        self.seen: dict[str, int] = {}
        self.now = timezone.now()

    def load_existing(self, numbers: list[str]) -> None:
        for i in range(0, len(numbers), 900):
            part = numbers[i : i + 900]
            self.existing |= set(
                Order.objects.filter(jurisdiction_id=self.town, external_no__in=part).values_list(
                    "external_no", flat=True
                )
            )

    def number_of(self, values: tuple[Any, ...]) -> str:
        i = self.index.get("工单编号")
        return _text(values[i]) if i is not None and i < len(values) else ""

    def cell(self, values: tuple[Any, ...], name: str) -> Any:
        i = self.index.get(name)
        return values[i] if i is not None and i < len(values) else None

    def check(self, n: int, values: tuple[Any, ...]) -> tuple[dict[str, Any] | None, list[RowError]]:
        errs: list[RowError] = []
        no = self.number_of(values)
        if not no:
            errs.append(RowError(n, "工单编号", _("工单编号不能为空")))
        elif len(no) > 40:
            errs.append(RowError(n, "工单编号", _("工单编号不能超过40个字符")))
        elif no in self.existing:
            errs.append(RowError(n, "工单编号", _("工单编号 %(no)s 已导入过，不再重复导入") % {"no": no}))
        elif no in self.seen:
            errs.append(RowError(n, "工单编号", _("与第%(r)s行的工单编号重复") % {"r": self.seen[no]}))
        else:
            self.seen[no] = n
        called = _when(self.cell(values, "来电时间"))
        if called is None:
            errs.append(RowError(n, "来电时间", _("来电时间格式应为 2026-12-01 09:15")))
        elif called > self.now:
            errs.append(RowError(n, "来电时间", _("来电时间不能晚于当前时间")))
        kind_text = _text(self.cell(values, "诉求类型"))
        kind = KINDS.get(kind_text)
        if kind is None:
            errs.append(RowError(n, "诉求类型", _("诉求类型应为：%(k)s") % {"k": "、".join(KINDS)}))
        urgency_text = _text(self.cell(values, "紧急程度"))
        urgency = URGENCIES.get(urgency_text) if urgency_text else Urgency.NORMAL
        if urgency is None:
            errs.append(RowError(n, "紧急程度", _("紧急程度应为：一般或紧急")))
        content = _text(self.cell(values, "诉求内容"))
        if not content:
            errs.append(RowError(n, "诉求内容", _("诉求内容不能为空")))
        elif len(content) > 4000:
            errs.append(RowError(n, "诉求内容", _("诉求内容不能超过4000字")))
        phone = _text(self.cell(values, "联系电话")).replace(" ", "")
        if phone and not PHONE.match(phone):
            errs.append(RowError(n, "联系电话", _("联系电话格式不正确")))
        village_name = _text(self.cell(values, "所属村"))
        village = self.villages.get(village_name) if village_name else None
        if village_name and village is None:
            errs.append(RowError(n, "所属村", _("“%(v)s”不是本镇的村（社区）") % {"v": village_name}))
        name = _text(self.cell(values, "来电人"))
        if len(name) > 40:
            errs.append(RowError(n, "来电人", _("来电人不能超过40个字符")))
        matter = _text(self.cell(values, "事项分类"))
        if len(matter) > 40:
            errs.append(RowError(n, "事项分类", _("事项分类不能超过40个字符")))
        address = _text(self.cell(values, "地址"))
        if len(address) > 200:
            errs.append(RowError(n, "地址", _("地址不能超过200个字符")))
        if errs:
            return None, errs
        return {
            "row": n,
            "external_no": no,
            "called_at": called,
            "caller_name": name,
            "caller_phone": phone,
            "kind": kind,
            "urgency": urgency,
            "matter": matter,
            "content": content,
            "address": address,
            "village": village,
        }, []


# --- the job ----------------------------------------------------------------------------------------------------


def job_create(
    *, actor: User, jurisdiction: str, filename: str, content: bytes, mode: str = ImportJob.Mode.ALL_OR_NOTHING
) -> ImportJob:
    """Queue an import (the file is kept on the job). Errors: role_required, hotline_import_file."""
    if not has_role(actor, jurisdiction, CENTRE):
        raise PermissionRefused("role_required", _("仅12345热线工单受理员或指挥中心调度员可以导入工单"))
    if not content or len(content) > MAX_BYTES:
        raise DomainError(Code.IMPORT_FILE, _("请上传不超过20MB的 .xlsx 文件"), field="file")
    if not content.startswith(b"PK"):
        raise DomainError(Code.IMPORT_FILE, _("请上传 .xlsx 格式的热线工单导出表"), field="file")
    if mode not in ImportJob.Mode.values:
        mode = ImportJob.Mode.ALL_OR_NOTHING
    return ImportJob.objects.create(
        jurisdiction_id=jurisdiction, created_by=actor, filename=filename[:200], content=content, mode=mode
    )


class _Progress:
    """Writes a job's counters where the polling page can read them while the import runs."""

    def __init__(self, job: ImportJob) -> None:
        self.job_id, self.jurisdiction_id = job.pk, job.jurisdiction_id
        self.side: Any = None

    def update(self, **fields: Any) -> None:
        if not connection.in_atomic_block:
            ImportJob.objects.filter(jurisdiction_id=self.jurisdiction_id, pk=self.job_id).update(**fields)
            return
        if connection.vendor != "postgresql":
            return  # SQLite: one writer at a time; the count appears at the commit
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        sets = ", ".join(f"{name} = %s" for name in fields)
        with self.side.cursor() as cur:
            # The town's key routes the update to one shard on Citus (by id alone it would wait for the shard
            # lock our own transaction holds).
            cur.execute(
                f"UPDATE hotline_importjob SET {sets} WHERE jurisdiction_id = %s AND id = %s",  # noqa: S608 - our columns
                [*fields.values(), self.jurisdiction_id, self.job_id],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def job_run(job: ImportJob, *, on_progress: Callable[[ImportJob], None] | None = None) -> ImportJob:
    """Run a queued job: validate every row (progress committed per chunk), then write in one transaction."""
    progress = _Progress(job)
    now = timezone.now()
    ImportJob.objects.filter(jurisdiction_id=job.jurisdiction_id, pk=job.pk).update(
        status=ImportJob.Status.VALIDATING, started_at=now
    )
    try:
        header, rows = read_rows(bytes(job.content))
        data = list(rows)
    except DomainError as exc:
        return _finish(job, status=ImportJob.Status.FAILED, message=exc.message, errors=[], total=0)
    if len(data) > MAX_ROWS:
        msg = _("单次最多导入%(n)s行") % {"n": MAX_ROWS}
        return _finish(job, status=ImportJob.Status.FAILED, message=msg, errors=[], total=len(data))
    progress.update(total=len(data))
    v = Validator(job.jurisdiction_id, header)
    v.load_existing([v.number_of(values) for _n, values in data])
    clean: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for i, (n, values) in enumerate(data, start=1):
        row, errs = v.check(n, values)
        if row is not None:
            clean.append(row)
        errors.extend(e.as_dict() for e in errs)
        if i % CHUNK == 0:
            progress.update(validated=i, error_count=len(errors))
            if on_progress:
                on_progress(job)
    progress.update(validated=len(data), error_count=len(errors))
    if not data:
        return _finish(job, status=ImportJob.Status.FAILED, message=_("文件中没有工单数据"), errors=[], total=0)
    if errors and job.mode == ImportJob.Mode.ALL_OR_NOTHING:
        msg = _("有%(n)s处错误，未导入任何工单；请修改后重新导入") % {"n": len(errors)}
        return _finish(job, status=ImportJob.Status.FAILED, message=msg, errors=errors, total=len(data))
    progress.update(status=ImportJob.Status.WRITING)
    try:
        created = _write(job, clean, progress, on_progress)
    except DomainError as exc:  # e.g. a number imported meanwhile by another job: nothing is kept
        msg = _("导入中断，未导入任何工单：%(m)s") % {"m": exc.message}
        return _finish(job, status=ImportJob.Status.FAILED, message=msg, errors=errors, total=len(data))
    finally:
        progress.close()
    msg = _("已导入%(c)s条工单") % {"c": created}
    if errors:
        msg += _("；%(n)s处错误的行未导入") % {"n": len(errors)}
    return _finish(job, status=ImportJob.Status.DONE, message=msg, errors=errors, total=len(data), created=created)


def _write(
    job: ImportJob,
    rows: list[dict[str, Any]],
    progress: _Progress,
    on_progress: Callable[[ImportJob], None] | None,
) -> int:
    from township.hotline.services.orders import order_create

    with transaction.atomic():
        for i, row in enumerate(rows, start=1):
            order_create(
                jurisdiction=job.jurisdiction_id,
                actor=job.created_by,
                channel=Channel.IMPORT,
                import_job=job,
                check_role=False,  # checked when the job was created
                **{k: v for k, v in row.items() if k != "row"},
            )
            if i % 200 == 0:
                progress.update(written=i)
                if on_progress:
                    on_progress(job)
    return len(rows)


def _finish(
    job: ImportJob, *, status: str, message: str, errors: list[dict[str, Any]], total: int, created: int = 0
) -> ImportJob:
    ImportJob.objects.filter(jurisdiction_id=job.jurisdiction_id, pk=job.pk).update(
        status=status,
        message=message[:500],
        errors=errors[:1000],
        error_count=len(errors),
        total=total,
        validated=total,
        written=created,
        created_count=created,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def run_queued_jobs(now: datetime) -> dict[str, Any]:
    """The worker's job (``hotline.imports``): claim each queued import (one worker wins) and run it."""
    done = 0
    queued = ImportJob.objects.filter(status=ImportJob.Status.QUEUED).order_by("id")
    for town, pk in list(queued.values_list("jurisdiction_id", "pk")[:5]):
        claimed = ImportJob.objects.filter(jurisdiction_id=town, pk=pk, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.VALIDATING, started_at=now
        )
        if claimed:
            job_run(ImportJob.objects.get(jurisdiction_id=town, pk=pk))
            done += 1
    return {"imports": done}


def count_rows(content: bytes) -> int:
    """How many data rows a file holds (to decide between an inline and a background import)."""
    _header, rows = read_rows(content)
    return sum(1 for _ in rows)
