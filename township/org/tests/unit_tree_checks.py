"""Shared checks for the unit tree (组织机构) beside a scoped list (township.org.units.chosen_unit): each app's
``test_unit_tree.py`` makes one row inside a unit and one outside it, then calls these."""

from __future__ import annotations

from io import BytesIO
from typing import Any

TREE = 'data-testid="unit-tree"'


def page(client: Any, url: str, unit: str | None = None, **params: str) -> str:
    """The list's HTML with ``?unit=<code>`` (``unit=""`` clears the remembered unit, None sends no parameter)."""
    query = dict(params)
    if unit is not None:
        query["unit"] = unit
    res = client.get(url, query)
    assert res.status_code == 200, (url, res.status_code)
    return res.content.decode()


def xlsx_text(res: Any) -> str:
    """Every cell of an .xlsx response (a plain or a streaming file response) as one string."""
    from openpyxl import load_workbook

    assert res.status_code == 200, res.status_code
    body = b"".join(res.streaming_content) if getattr(res, "streaming", False) else res.content
    wb = load_workbook(BytesIO(body), read_only=True)
    return "\n".join(
        str(cell) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for cell in row if cell is not None
    )


def assert_narrows(
    client: Any, url: str, unit: str, inside: str, outside: str, *, wider: str | None = None, **params: str
) -> None:
    """The tree is beside the list; choosing ``unit`` keeps the row ``inside`` and drops the row ``outside``;
    ``wider`` (a unit containing both, or "" for 全部单位) shows both again."""
    html = page(client, url, unit, **params)
    assert TREE in html, url
    assert inside in html and outside not in html, (url, unit)
    if wider is not None:
        html = page(client, url, wider, **params)
        assert inside in html and outside in html, (url, wider)


def assert_remembered(client: Any, url: str, unit: str, inside: str, outside: str) -> None:
    """The chosen unit is kept in the session: the list opened again without ``unit`` is still narrowed."""
    page(client, url, unit)
    html = page(client, url)
    assert inside in html and outside not in html, url
    page(client, url, "")  # 全部单位


def assert_ignored(client: Any, url: str, foreign: str, *shown: str) -> None:
    """A unit outside the user's reach narrows nothing and widens nothing: the user's own rows stay listed."""
    html = page(client, url, foreign)
    assert TREE in html
    for marker in shown:
        assert marker in html, (url, foreign, marker)


def assert_export_follows(client: Any, url: str, unit: str, inside: str, outside: str, **params: str) -> None:
    """The list's export with the chosen unit has the row inside it and not the other."""
    text = xlsx_text(client.get(url, {**params, "unit": unit}))
    assert inside in text and outside not in text, (url, unit)
