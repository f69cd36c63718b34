"""Catalog import and export (.xlsx / .csv).

Import is two passes: every row is validated first (each bad row reported with its row number, column and a
Chinese message); only when no row is bad — and it is not a dry run — are all rows written in one transaction.
Rows are matched on ``(jurisdiction, implementation_code)`` (or the name when the code is blank), so a
re-import updates instead of duplicating. Progress is kept on an ``ImportJob`` (rows processed / total).

Accepted headers: the Chinese template headers (``TEMPLATE_COLUMNS``) and the English column names of the
广安区 open-data file (department, main_item, name, implementation_code, task_type, area_code, dept_code).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from township.catalog.models import (
    CHANNEL_FIELDS,
    Channel,
    ExerciseLevel,
    HandlingKind,
    ImportJob,
    ImportStatus,
    Item,
    ItemStatus,
    ItemType,
    LimitUnit,
    Material,
    RiskClass,
)
from township.catalog.pinyin import initials
from township.core.errors import DomainError
from township.org.models import Department, Jurisdiction, Level

# key → (Chinese header, aliases)
TEMPLATE_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("事项名称", ("name", "item_name")),
    "implementation_code": ("实施编码", ("implementation_code", "item_code")),
    "basic_code": ("基本编码", ("basic_code",)),
    "item_type": ("事项类型", ("task_type", "item_type", "事项类型代码")),
    "department_name": ("实施部门", ("department", "部门", "部门名称")),
    "main_item": ("主项名称", ("main_item",)),
    "area_code": ("区划代码", ("area_code",)),
    "implementing_body_code": ("实施主体编码", ("dept_code",)),
    "implementing_body": ("实施主体", ("implementing_body",)),
    "exercise_level": ("行使层级", ("exercise_level",)),
    "handling_kind": ("办件类型", ("handling_kind",)),
    "statutory_limit": ("法定办结时限", ("statutory_limit",)),
    "statutory_unit": ("法定时限单位", ("statutory_unit",)),
    "promised_limit": ("承诺办结时限", ("promised_limit",)),
    "promised_unit": ("承诺时限单位", ("promised_unit",)),
    "risk_class": ("风险等级", ("risk_class",)),
    "legal_basis": ("设定依据", ("legal_basis",)),
    "conditions": ("受理条件", ("conditions",)),
    "fee_charged": ("是否收费", ("fee_charged",)),
    "place": ("办理地点", ("place",)),
    "hours": ("办理时间", ("hours",)),
    "phone_consult": ("咨询电话", ("phone", "phone_consult")),
    "channels": ("办理渠道", ("channels",)),
    "materials": ("申请材料", ("materials",)),
}
REQUIRED = ("name", "item_type")
MAX_LEN = {
    "name": 200,
    "implementation_code": 64,
    "basic_code": 64,
    "department_name": 64,
    "main_item": 200,
    "implementing_body_code": 24,
    "implementing_body": 200,
    "place": 200,
    "hours": 200,
    "phone_consult": 100,
}
UNIT_WORDS = {"工作日": "working_days", "自然日": "natural_days", "日": "natural_days", "天": "natural_days"}
UNIT_WORDS.update({"工作小时": "working_hours", "小时": "working_hours"})
YES = {"是", "y", "yes", "true", "1", "收费"}
NO = {"否", "n", "no", "false", "0", "不收费", ""}
CHANNEL_WORDS = {str(c.label): c.value for c in Channel} | {c.value: c.value for c in Channel}
# Division rows the importer may create when missing (the 广安区 open-data file).
KNOWN_DIVISIONS = {
    "51": ("四川省", Level.PROVINCE, None),
    "5116": ("广安市", Level.CITY, "51"),
    "511602": ("广安区", Level.COUNTY, "5116"),
}
MAX_ERRORS = 2000
CHUNK = 500


@dataclass
class ImportResult:
    jurisdiction: str = ""
    total: int = 0
    created: int = 0
    updated: int = 0
    dry_run: bool = True
    errors: list[dict[str, Any]] = field(default_factory=list)
    by_type: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary_lines(self) -> list[str]:
        lines = [f"{code} {n}" for code, n in sorted(self.by_type.items())]
        lines.append(_("合计 %(n)d") % {"n": self.total})
        return lines


def _err(row: int, column: str, code: str, message: str) -> dict[str, Any]:
    return {"row": row, "column": column, "code": code, "message": message}


# ---- reading files ---------------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DomainError("bad_encoding", _("无法识别文件编码，请使用 UTF-8 或 GBK 编码的 CSV"), field="file")


def read_table(raw: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows as strings. Raises DomainError for unreadable or empty files."""
    name = filename.lower()
    if name.endswith(".xlsx") or raw[:2] == b"PK":
        try:
            from openpyxl import load_workbook

            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001  (openpyxl raises many kinds for a damaged file)
            raise DomainError("bad_file", _("无法读取 Excel 文件，请使用导入模板"), field="file") from None
        ws = wb.worksheets[0]
        rows = [["" if v is None else str(v).strip() for v in r] for r in ws.iter_rows(values_only=True)]
        wb.close()
    elif name.endswith(".csv") or name.endswith(".txt"):
        text = _decode(raw)
        rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text))]
    else:
        raise DomainError("bad_format", _("只支持 .xlsx 或 .csv 文件"), field="file")
    rows = [r for r in rows if any(c for c in r)]
    if not rows:
        raise DomainError("empty_file", _("文件为空"), field="file")
    header = rows[0]
    # Numbers read from Excel come as "3.0"; normalise integers.
    body = [[c[:-2] if c.endswith(".0") and c[:-2].isdigit() else c for c in r] for r in rows[1:]]
    return header, body


def map_header(header: list[str]) -> tuple[dict[str, int], list[dict[str, Any]]]:
    lookup: dict[str, str] = {}
    for key, (zh, aliases) in TEMPLATE_COLUMNS.items():
        lookup[zh] = key
        lookup[key] = key
        for a in aliases:
            lookup[a.lower()] = key
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        key = lookup.get(h.strip().lstrip("*").strip()) or lookup.get(h.strip().lower())
        if key and key not in index:
            index[key] = i
    errors = [
        _err(1, TEMPLATE_COLUMNS[k][0], "missing_column", _("缺少必填列“%(col)s”") % {"col": TEMPLATE_COLUMNS[k][0]})
        for k in REQUIRED
        if k not in index
    ]
    return index, errors


# ---- validating one row ----------------------------------------------------------------------


def normalise_item_type(value: str) -> str | None:
    v = value.strip()
    if v.isdigit() and len(v) <= 2:
        v = v.zfill(2)
        return v if v in ItemType.values else None
    for choice in ItemType:
        if v in (str(choice.label), str(choice.label).removeprefix("行政")):
            return choice.value
    return None


def _choice(value: str, choices: type, words: dict[str, str] | None = None) -> str | None:
    v = value.strip()
    if v in choices.values:
        return v
    for c in choices:
        if v == str(c.label):
            return c.value
    return (words or {}).get(v)


def parse_materials(value: str) -> list[dict[str, Any]]:
    """``营业执照；居民身份证（复印件1份）；食品安全管理制度（非必备，可容缺）`` → material rows."""
    out = []
    for part in value.replace(";", "；").split("；"):
        part = part.strip()
        if not part:
            continue
        name, _sep, note = part.partition("（")
        note = note.rstrip("）")
        essential = "非必备" not in note
        out.append(
            {
                "type_name": name.strip(),
                "essential": essential,
                "may_be_missing": (not essential) and "容缺" in note,
                "copies": 1 if "复印件" in note else 0,
            }
        )
    return out


def validate_row(values: dict[str, str], row_no: int, jurisdiction: str) -> tuple[dict[str, Any], list[dict]]:
    errors: list[dict[str, Any]] = []
    data: dict[str, Any] = {}

    def col(key: str) -> str:
        return TEMPLATE_COLUMNS[key][0]

    for key in REQUIRED:
        if not values.get(key, "").strip():
            errors.append(_err(row_no, col(key), "required", _("“%(col)s”不能为空") % {"col": col(key)}))
    for key, limit in MAX_LEN.items():
        if len(values.get(key, "")) > limit:
            errors.append(
                _err(row_no, col(key), "too_long", _("“%(col)s”超过%(n)d个字符") % {"col": col(key), "n": limit})
            )
    for key in ("name", "implementation_code", "basic_code", "department_name", "main_item", "implementing_body"):
        if key in values:
            data[key] = values[key].strip()[: MAX_LEN.get(key, 200)]
    for key in ("implementing_body_code", "legal_basis", "conditions", "place", "hours", "phone_consult"):
        if key in values:
            data[key] = values[key].strip()[: MAX_LEN.get(key, 10000)]
    if values.get("item_type"):
        code = normalise_item_type(values["item_type"])
        if code is None:
            errors.append(
                _err(
                    row_no,
                    col("item_type"),
                    "bad_item_type",
                    _("事项类型“%(v)s”不是有效的类型代码") % {"v": values["item_type"]},
                )
            )
        data["item_type"] = code
    area = values.get("area_code", "").strip()
    if area:
        short = area.rstrip("0")
        short = short.ljust(6 if len(short) <= 6 else 9, "0")
        if short != jurisdiction:
            errors.append(
                _err(
                    row_no,
                    col("area_code"),
                    "wrong_jurisdiction",
                    _("区划代码%(a)s与导入单位%(j)s不一致") % {"a": area, "j": jurisdiction},
                )
            )
    for key, choices, words in (
        ("exercise_level", ExerciseLevel, None),
        ("handling_kind", HandlingKind, None),
        ("risk_class", RiskClass, None),
    ):
        if values.get(key):
            v = _choice(values[key], choices, words)
            if v is None:
                errors.append(
                    _err(
                        row_no,
                        col(key),
                        "bad_choice",
                        _("“%(v)s”不是有效的%(col)s") % {"v": values[key], "col": col(key)},
                    )
                )
            data[key] = v
    for num, unit in (("statutory_limit", "statutory_unit"), ("promised_limit", "promised_unit")):
        raw = values.get(num, "").strip()
        if raw:
            if not raw.isdigit() or int(raw) > 3650:
                errors.append(
                    _err(row_no, col(num), "bad_number", _("“%(col)s”须为0到3650之间的整数") % {"col": col(num)})
                )
            else:
                data[num] = int(raw)
        if values.get(unit):
            u = _choice(values[unit], LimitUnit, UNIT_WORDS)
            if u is None:
                errors.append(
                    _err(
                        row_no,
                        col(unit),
                        "bad_unit",
                        _("时限单位“%(v)s”无效（工作日/自然日/工作小时）") % {"v": values[unit]},
                    )
                )
            data[unit] = u
    if (
        isinstance(data.get("statutory_limit"), int)
        and isinstance(data.get("promised_limit"), int)
        and data.get("statutory_unit", "working_days") == data.get("promised_unit", "working_days")
        and data["promised_limit"] > data["statutory_limit"]
    ):
        errors.append(_err(row_no, col("promised_limit"), "promise_exceeds_statute", _("承诺时限不能长于法定时限")))
    if "fee_charged" in values:
        v = values["fee_charged"].strip().lower()
        if v in YES:
            data["fee_charged"] = True
        elif v in NO:
            data["fee_charged"] = False
        else:
            errors.append(_err(row_no, col("fee_charged"), "bad_choice", _("“是否收费”须填“是”或“否”")))
    if values.get("channels"):
        chosen = []
        for word in values["channels"].replace("，", ",").replace("、", ",").split(","):
            word = word.strip()
            if not word:
                continue
            if word not in CHANNEL_WORDS:
                errors.append(_err(row_no, col("channels"), "bad_choice", _("未知的办理渠道“%(v)s”") % {"v": word}))
            else:
                chosen.append(CHANNEL_WORDS[word])
        for c, f in CHANNEL_FIELDS.items():
            data[f] = c.value in chosen
    if values.get("materials"):
        mats = parse_materials(values["materials"])
        if any(not m["type_name"] or len(m["type_name"]) > 100 for m in mats):
            errors.append(_err(row_no, col("materials"), "bad_material", _("申请材料名称为空或过长")))
        data["_materials"] = mats
    return data, errors


# ---- the import ------------------------------------------------------------------------------


def ensure_jurisdiction(code: str) -> Jurisdiction:
    """The target jurisdiction; the 广安区 chain is created when missing, others must exist."""
    jur = Jurisdiction.objects.filter(code=code).first()
    if jur is not None:
        return jur
    if code not in KNOWN_DIVISIONS:
        raise DomainError("unknown_jurisdiction", _("区划%(code)s不存在") % {"code": code}, field="jurisdiction")
    name, level, parent = KNOWN_DIVISIONS[code]
    parent_obj = ensure_jurisdiction(parent) if parent else None
    return Jurisdiction.objects.create(code=code, name=name, level=level, parent=parent_obj)


def guess_jurisdiction(header: list[str], rows: list[list[str]]) -> str | None:
    index, _errors = map_header(header)
    if "area_code" not in index or not rows:
        return None
    area = rows[0][index["area_code"]].strip() if len(rows[0]) > index["area_code"] else ""
    if not area.isdigit():
        return None
    short = area.rstrip("0")
    return short.ljust(6 if len(short) <= 6 else 9, "0")


def _row_values(index: dict[str, int], row: list[str]) -> dict[str, str]:
    return {key: (row[i] if i < len(row) else "") for key, i in index.items()}


def iter_validated(
    header: list[str], rows: list[list[str]], jurisdiction: str, progress: Callable[[int], None] | None = None
) -> Iterator[tuple[int, dict[str, Any], list[dict[str, Any]]]]:
    index, _errors = map_header(header)
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=2):
        values = _row_values(index, row)
        data, errors = validate_row(values, n, jurisdiction)
        key = data.get("implementation_code") or ""
        if key:
            if key in seen:
                errors.append(
                    _err(
                        n,
                        TEMPLATE_COLUMNS["implementation_code"][0],
                        "duplicate_in_file",
                        _("实施编码与第%(r)d行重复") % {"r": seen[key]},
                    )
                )
            else:
                seen[key] = n
        if progress and (n - 1) % CHUNK == 0:
            progress(n - 1)
        yield n, data, errors


def run_import(
    *,
    raw: bytes,
    filename: str,
    jurisdiction: str | None,
    actor: Any = None,
    dry_run: bool = True,
    job: ImportJob | None = None,
    check_permission: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Validate every row; commit all of them (or none). ``jurisdiction=None`` takes it from the area code."""
    header, rows = read_table(raw, filename)
    code = jurisdiction or guess_jurisdiction(header, rows)
    if not code:
        raise DomainError("jurisdiction_required", _("请选择导入到哪个单位"), field="jurisdiction")
    if check_permission:
        from township.catalog.selectors import editable_codes

        if code not in editable_codes(actor):
            raise DomainError("catalog_forbidden", _("无权导入该单位的清单"), field="jurisdiction")
    jur = ensure_jurisdiction(code)
    result = ImportResult(jurisdiction=jur.code, total=len(rows), dry_run=dry_run)
    index, header_errors = map_header(header)
    result.errors.extend(header_errors)

    def progress(n: int) -> None:
        if on_progress is not None:
            on_progress(n, len(rows))
        if job is not None:
            ImportJob.objects.filter(pk=job.pk, jurisdiction_id=job.jurisdiction_id).update(processed_rows=n)

    if job is not None:
        ImportJob.objects.filter(pk=job.pk, jurisdiction_id=job.jurisdiction_id).update(
            total_rows=len(rows), status=ImportStatus.RUNNING
        )
    good: list[tuple[int, dict[str, Any]]] = []
    if not header_errors:
        for n, data, errors in iter_validated(header, rows, jur.code, progress):
            if errors:
                if len(result.errors) < MAX_ERRORS:
                    result.errors.extend(errors)
            else:
                good.append((n, data))
    result.by_type = dict(Counter(d["item_type"] for _n, d in good))
    if not result.errors and not dry_run:
        result.created, result.updated = _commit(jur, [d for _n, d in good], actor)
    if job is not None:
        status = ImportStatus.INVALID if result.errors else (ImportStatus.VALID if dry_run else ImportStatus.COMMITTED)
        ImportJob.objects.filter(pk=job.pk, jurisdiction_id=job.jurisdiction_id).update(
            processed_rows=len(rows),
            status=status,
            errors=result.errors,
            summary=result.by_type,
            created_count=result.created,
            updated_count=result.updated,
            finished_at=timezone.now(),
        )
    return result


MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def import_job_create(*, jurisdiction: str, upload: Any, filename: str, dry_run: bool, actor: Any) -> ImportJob:
    """Queue an uploaded sheet for the import page (run by :func:`import_job_run`). ``upload`` is a Django ``File``.
    Errors: catalog_forbidden, file_too_large."""
    from township.catalog.selectors import editable_codes

    if jurisdiction not in editable_codes(actor):
        raise DomainError("catalog_forbidden", _("无权导入该单位的清单"), field="jurisdiction")
    if upload.size > MAX_UPLOAD_BYTES:
        raise DomainError("file_too_large", _("文件不能超过 20MB"), field="file")
    job = ImportJob(jurisdiction_id=jurisdiction, filename=filename[:200], dry_run=dry_run, created_by=actor)
    job.file.save(filename[-80:], upload, save=False)
    job.save()
    return job


def import_job_commit(job: ImportJob, actor: Any) -> ImportJob:
    """After a clean dry run: queue the same file again, for real. Errors: import_not_valid."""
    from django.core.files.base import ContentFile

    if job.status != ImportStatus.VALID or not job.dry_run:
        raise DomainError("import_not_valid", _("只有校验通过的试导入才能正式导入"))
    return import_job_create(
        jurisdiction=job.jurisdiction_id,
        upload=ContentFile(job.file.read()),
        filename=job.filename,
        dry_run=False,
        actor=actor,
    )


def import_job_run(job: ImportJob, actor: Any) -> None:
    """Run a pending upload job (the web page fires it once). A file that cannot be read at all marks the job
    failed with the reason, so the page shows it instead of an endless "处理中"."""
    if job.status != ImportStatus.PENDING:
        return
    try:
        run_import(
            raw=job.file.read(),
            filename=job.filename,
            jurisdiction=job.jurisdiction_id,
            actor=actor,
            dry_run=job.dry_run,
            job=job,
        )
    except DomainError as exc:
        ImportJob.objects.filter(pk=job.pk, jurisdiction_id=job.jurisdiction_id).update(
            status=ImportStatus.FAILED,
            errors=[{"row": 0, "column": "", "code": exc.code, "message": exc.message}],
            finished_at=timezone.now(),
        )


def _sig(m: dict[str, Any]) -> tuple[str, bool, bool, int]:
    return (m["type_name"], m["essential"], m["may_be_missing"], m["copies"])


def _material_signature(item: Item) -> list[tuple[str, bool, bool, int]]:
    return [(m.material_type.name, m.essential, m.may_be_missing, m.copies) for m in item.materials.all()]


@transaction.atomic
def _commit(jur: Jurisdiction, rows: list[dict[str, Any]], actor: Any) -> tuple[int, int]:
    from township.catalog.services import material_type_for

    depts: dict[str, Department] = {}
    for name in sorted({r.get("department_name", "") for r in rows} - {""}):
        depts[name] = Department.objects.get_or_create(jurisdiction=jur, name=name[:64])[0]
    existing_by_code = {
        i.implementation_code: i for i in Item.objects.filter(jurisdiction=jur).exclude(implementation_code="")
    }
    existing_by_name = {i.name: i for i in Item.objects.filter(jurisdiction=jur, implementation_code="")}
    if any("_materials" in r for r in rows):
        prefetch_related_objects(
            [*existing_by_code.values(), *existing_by_name.values()],
            Prefetch("materials", queryset=Material.objects.filter(jurisdiction=jur).select_related("material_type")),
        )
    to_create: list[Item] = []
    to_update: list[Item] = []
    update_fields: set[str] = set()
    materials_for: list[tuple[Item, list[dict[str, Any]]]] = []
    for data in rows:
        mats = data.pop("_materials", None)
        code = data.get("implementation_code", "")
        item = existing_by_code.get(code) if code else existing_by_name.get(data["name"])
        if item is not None and item.status == ItemStatus.RETIRED:
            item = None  # a retired item is never revived by an import; a new draft is created
            if code:
                continue
        is_new = item is None
        if is_new:
            item = Item(jurisdiction=jur, source="import", created_by=actor if actor and actor.pk else None)
        fields = {k: v for k, v in data.items() if v is not None}
        if "department_name" in fields:
            fields["department"] = depts.get(fields["department_name"])
        unchanged = not is_new and all(getattr(item, k) == v for k, v in fields.items())
        if unchanged and (mats is None or _material_signature(item) == [_sig(m) for m in mats]):
            continue  # unchanged: a re-import of the same file writes nothing
        for k, v in fields.items():
            setattr(item, k, v)
        item.name_initials = initials(item.name)
        item.dirty = True
        if is_new:
            if not item.exercise_level and len(jur.code) == 6:
                item.exercise_level = ExerciseLevel.COUNTY
            elif not item.exercise_level and len(jur.code) == 9:
                item.exercise_level = ExerciseLevel.TOWN
            to_create.append(item)
        else:
            to_update.append(item)
            update_fields.update(fields)
        if mats is not None:
            materials_for.append((item, mats))
    Item.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        update_fields.update({"name_initials", "dirty", "updated_at"})
        now = timezone.now()
        for item in to_update:
            item.updated_at = now
        Item.objects.bulk_update(to_update, sorted(update_fields), batch_size=500)
    if materials_for:
        # bulk_create sets primary keys on SQLite and PostgreSQL (rows of one jurisdiction only).
        Material.objects.filter(jurisdiction=jur, item__in=[i for i, _m in materials_for]).delete()
        new_mats = []
        for item, mats in materials_for:
            for n, m in enumerate(mats):
                mt = material_type_for(m["type_name"])
                new_mats.append(
                    Material(
                        jurisdiction=jur,
                        item=item,
                        material_type=mt,
                        essential=m["essential"],
                        may_be_missing=m["may_be_missing"],
                        copies=m["copies"],
                        sort=n,
                    )
                )
        Material.objects.bulk_create(new_mats, batch_size=500)
    return len(to_create), len(to_update)


# ---- template and export ---------------------------------------------------------------------

EXAMPLE_ROW = {
    "name": "食品经营许可（仅销售预包装食品备案）",
    "implementation_code": "500116108-SPJY-0001",
    "item_type": "01",
    "department_name": "市场监管所",
    "handling_kind": "承诺件",
    "statutory_limit": "20",
    "statutory_unit": "工作日",
    "promised_limit": "3",
    "promised_unit": "工作日",
    "risk_class": "鼓励类",
    "fee_charged": "否",
    "channels": "全程网办,最多跑一次",
    "materials": "营业执照；居民身份证（复印件1份）；食品安全管理制度（非必备，可容缺）",
}


def template_rows() -> tuple[list[str], list[list[str]]]:
    header = [("*" if k in REQUIRED else "") + zh for k, (zh, _a) in TEMPLATE_COLUMNS.items()]
    example = [EXAMPLE_ROW.get(k, "") for k in TEMPLATE_COLUMNS]
    return header, [example]


def export_rows(items: Any) -> Iterator[list[Any]]:
    """Rows in the template's column order (materials joined), for the template or an export."""
    unit_label = {u.value: str(u.label) for u in LimitUnit}
    channel_label = {c.value: str(c.label) for c in Channel}
    for item in items:
        mats = []
        for m in item.materials.all():
            notes = []
            if not m.essential:
                notes.append("非必备")
            if m.may_be_missing:
                notes.append("可容缺")
            if m.copies:
                notes.append(f"复印件{m.copies}份")
            mats.append(m.material_type.name + (f"（{'，'.join(notes)}）" if notes else ""))
        yield [
            item.name,
            item.implementation_code,
            item.basic_code,
            item.item_type,
            item.department_name,
            item.main_item,
            item.jurisdiction_id,
            item.implementing_body_code,
            item.implementing_body,
            item.exercise_level,
            item.get_handling_kind_display(),
            "" if item.statutory_limit is None else item.statutory_limit,
            unit_label.get(item.statutory_unit, ""),
            "" if item.promised_limit is None else item.promised_limit,
            unit_label.get(item.promised_unit, ""),
            item.get_risk_class_display(),
            item.legal_basis,
            item.conditions,
            "是" if item.fee_charged else "否",
            item.place,
            item.hours,
            item.phone_consult,
            ",".join(channel_label[c] for c in item.channels),
            "；".join(mats),
        ]


def to_xlsx(header: list[str], rows: Any) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("事项清单")
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_csv(header: list[str], rows: Any) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")
