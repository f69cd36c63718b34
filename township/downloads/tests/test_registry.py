"""The export registry: masked columns must be columns, masks apply only without permission, cells stay plain."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from township.core.errors import BadInput
from township.downloads import registry
from township.downloads.registry import Column, choice, default_mask, export_kind, integer, register_export


@pytest.fixture(autouse=True)
def _registry_restored():
    saved = dict(registry._KINDS)
    yield
    registry._KINDS.clear()
    registry._KINDS.update(saved)


def test_masked_columns_must_be_columns_and_kinds_are_unique():
    fn = lambda user, params: []  # noqa: E731
    with pytest.raises(ValueError):
        register_export("test-bad", "测试", fn, [Column("a", "甲", lambda r: r)], masked_columns=["b"])
    register_export("test-once", "测试", fn, [Column("a", "甲", lambda r: r)])
    with pytest.raises(ValueError):
        register_export("test-once", "测试", lambda user, params: [], [Column("a", "甲", lambda r: r)])


def test_cells_are_masked_unless_revealed():
    kind = register_export(
        "test-mask",
        "测试",
        lambda user, params: [],
        [
            Column("name", "姓名", lambda r: r.name, mask=lambda r: r.name[0] + "*"),
            Column("phone", "电话", lambda r: r.phone),
            Column("n", "数量", lambda r: r.n),
        ],
        masked_columns=["name", "phone"],
        reveal=lambda user: user == "allowed",
    )
    row = SimpleNamespace(name="张三", phone="13812345678", n=3)
    assert kind.cells(row, unmasked=False) == ["张*", "138****5678", 3]
    assert kind.cells(row, unmasked=True) == ["张三", "13812345678", 3]
    assert kind.may_reveal("allowed") and not kind.may_reveal("other")
    assert default_mask("1234") == "****"


def test_filter_helpers_name_the_field():
    assert choice({"s": "a"}, "s", ["a"], "状态") == "a"
    with pytest.raises(BadInput) as bad:
        choice({"s": "x"}, "s", ["a"], "状态")
    assert bad.value.field == "s" and bad.value.status == 400 and "状态" in bad.value.message
    assert integer({"n": "12"}, "n", "数量") == 12
    with pytest.raises(BadInput):
        integer({"n": "1x"}, "n", "数量")
    with pytest.raises(BadInput) as bad:
        export_kind("no-such-kind")
    assert bad.value.field == "kind"
