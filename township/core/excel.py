"""Excel exports (openpyxl, write-only): rows of plain text cells — a value such as "=HYPERLINK(…)" typed by a user
never becomes a formula in the clerk's spreadsheet (CSV/formula injection) — and the download response."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.http import FileResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_cell(ws: Any, value: Any) -> Any:
    """A write-only cell holding ``value``; strings that look like formulas are stored as text."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        cell.data_type = "s"
    return cell


def append_row(ws: Any, values: Iterable[Any]) -> None:
    """Append one row of safe cells to a write-only worksheet."""
    ws.append([text_cell(ws, v) for v in values])


def workbook_bytes(wb: Any) -> bytes:
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(wb: Any, filename: str) -> FileResponse:
    """The workbook as a download named ``filename``."""
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return FileResponse(buf, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
