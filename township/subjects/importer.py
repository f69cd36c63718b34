"""Registering subjects from an Excel file (主体批量导入): all rows or none.

Columns (the template, ``import_template_xlsx``): 证件号码, 姓名/名称, 联系电话, 地址, 法定代表人/经营者, 村（社区）.
Every row is checked first (identifier with its check digit, name, village of the registering town, duplicates in
the file, a person registered under another name); any error refuses the whole file with the list of errors —
row number as Excel shows it, column name, Chinese message. Otherwise every row goes through ``subject_register``
(channel ``import``) in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from township.core.errors import DomainError
from township.core.identifiers import validate_identifier
from township.org.models import Jurisdiction, Level
from township.subjects.models import RegistrationChannel
from township.subjects.registration import identifier_kind, subject_register

MAX_ROWS = 5000

COLUMNS = ("证件号码", "姓名/名称", "联系电话", "地址", "法定代表人/经营者", "村（社区）")
_KEYS = ("identifier", "name", "phone", "address", "legal_representative", "village")
_EXAMPLES = (
    ("500116199001010011", "张三", "13900000000", "某村1组", "", ""),
    ("92500116MA5U7G8H24", "江津区白沙镇顺发五金店", "", "白沙镇新街8号", "李顺发", ""),
)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    existing: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRefused(DomainError):
    """The file was refused as a whole; ``errors`` lists every row error."""

    status = 400

    def __init__(self, errors: list[RowError]) -> None:
        first = errors[0]
        super().__init__(
            "import_rows_invalid",
            _("导入文件有 %(n)s 处错误，未导入任何记录（第%(row)s行“%(col)s”：%(msg)s）")
            % {"n": len(errors), "row": first.row, "col": first.column, "msg": first.message},
            field="file",
        )
        self.errors = errors


def import_template_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = str(_("主体登记"))
    ws.append(list(COLUMNS))
    for row in _EXAMPLES:
        ws.append(list(row))
    for col, width in zip("ABCDEF", (22, 30, 14, 30, 18, 16), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=1, max_row=3, max_col=1):
        for cell in row:
            cell.number_format = "@"  # text: an 18-digit ID must not become a number
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read(content: bytes) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable upload is the same refusal
        raise DomainError(
            "import_file_invalid", _("无法读取该文件，请使用下载的Excel模板（.xlsx）"), field="file"
        ) from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    if header[: len(COLUMNS)] != list(COLUMNS):
        raise DomainError(
            "import_header_invalid", _("表头与模板不一致，应为：%(cols)s") % {"cols": "、".join(COLUMNS)}, field="file"
        )
    out = []
    for number, values in enumerate(rows, start=2):
        cells = [_text(v) for v in (values or ())][: len(COLUMNS)]
        if not any(cells):
            continue
        cells += [""] * (len(COLUMNS) - len(cells))
        out.append((number, dict(zip(_KEYS, cells, strict=True))))
        if len(out) > MAX_ROWS:
            raise DomainError(
                "import_too_many_rows", _("一次最多导入%(n)s行，请分批导入") % {"n": MAX_ROWS}, field="file"
            )
    if not out:
        raise DomainError("import_empty", _("文件中没有数据行"), field="file")
    return out


def _villages(town: Jurisdiction) -> dict[str, str]:
    units = Jurisdiction.objects.filter(parent=town, level=Level.VILLAGE)
    names: dict[str, str] = {}
    for unit in units:
        names[unit.code] = unit.code
        names[unit.name] = unit.code
    return names


def _check(rows: list[tuple[int, dict[str, str]]], town: Jurisdiction) -> list[RowError]:
    from township.subjects.selectors import subject_find

    col = dict(zip(_KEYS, COLUMNS, strict=True))
    villages = _villages(town)
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        try:
            ident = validate_identifier(row["identifier"], field="identifier")
        except DomainError as exc:
            errors.append(RowError(number, col["identifier"], exc.message))
            ident = ""
        if ident:
            if ident in seen:
                errors.append(
                    RowError(number, col["identifier"], _("与第%(row)s行证件号码重复") % {"row": seen[ident]})
                )
            seen.setdefault(ident, number)
        if not row["name"]:
            errors.append(RowError(number, col["name"], _("请填写姓名或名称")))
        if row["village"] and row["village"] not in villages:
            errors.append(
                RowError(
                    number,
                    col["village"],
                    _("“%(v)s”不是%(town)s的村（社区）") % {"v": row["village"], "town": town.name},
                )
            )
        if ident and row["name"] and identifier_kind(ident) == "person":
            known = subject_find(ident)
            if known is not None and known.name != row["name"]:
                errors.append(RowError(number, col["name"], _("身份证号与姓名不一致")))
        if len(row["phone"]) > 20:
            errors.append(RowError(number, col["phone"], _("联系电话过长")))
        if len(row["name"]) > 128 or len(row["address"]) > 255 or len(row["legal_representative"]) > 64:
            errors.append(RowError(number, col["name"], _("内容过长")))
    return errors


def subjects_import(*, actor: Any, content: bytes, town: Any = None) -> ImportResult:
    """Import every row of the uploaded workbook into the registering town, or none.

    Errors: ``import_file_invalid``, ``import_header_invalid``, ``import_empty``, ``import_too_many_rows``,
    ``import_rows_invalid`` (400, ``errors`` lists row / column / message), ``register_not_permitted`` (403).
    """
    from township.subjects.registration import _resolve_unit

    town_unit, _village = _resolve_unit(actor, RegistrationChannel.IMPORT, town, None)
    rows = _read(content)
    errors = _check(rows, town_unit)
    if errors:
        raise ImportRefused(errors)
    villages = _villages(town_unit)
    result = ImportResult()
    with transaction.atomic():
        for number, row in rows:
            try:
                reg = subject_register(
                    actor=actor,
                    identifier=row["identifier"],
                    name=row["name"],
                    channel=RegistrationChannel.IMPORT,
                    phone=row["phone"],
                    address=row["address"],
                    legal_representative=row["legal_representative"],
                    town=town_unit,
                    village=villages.get(row["village"]) if row["village"] else None,
                )
            except DomainError as exc:  # a check above missed it: still all-or-nothing
                col = dict(zip(_KEYS, COLUMNS, strict=True)).get(exc.field or "", COLUMNS[0])
                raise ImportRefused([RowError(number, col, exc.message)]) from exc
            if reg.created:
                result.created += 1
            else:
                result.existing += 1
    return result
