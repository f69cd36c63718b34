"""Import and export: row-level errors, all-or-nothing, re-import by code, the real 广安区 file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from township.catalog import importer, selectors
from township.catalog.models import ImportJob, ImportStatus, Item, Material
from township.core.errors import DomainError
from township.org.models import Department, Jurisdiction

GUANGAN = Path(__file__).resolve().parents[1] / "data" / "guangan-service-items.csv"
HEADER = (
    "事项名称,实施编码,事项类型,实施部门,承诺办结时限,承诺时限单位,法定办结时限,风险等级,是否收费,办理渠道,申请材料\n"
)


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(lines) + "\n").encode("utf-8")


def _run(raw: bytes, editor, town, *, dry_run: bool = False, filename: str = "items.csv"):
    return importer.run_import(raw=raw, filename=filename, jurisdiction=town.code, actor=editor, dry_run=dry_run)


GOOD = "个体工商户登记,BS-0001,01,市场监管所,1,工作日,15,鼓励类,否,全程网办,居民身份证；经营场所证明（非必备，可容缺）"


def test_good_rows_are_created_with_materials_and_departments(editor, cat_town):
    result = _run(_csv(GOOD, "社会保险登记,BS-0002,20,社保所,,,,,否,,居民身份证"), editor, cat_town)
    assert result.ok and result.created == 2 and result.by_type == {"01": 1, "20": 1}
    item = Item.objects.get(implementation_code="BS-0001")
    assert item.promised_limit == 1 and item.risk_class == "encouraged" and item.channel_online
    assert item.department.name == "市场监管所" and item.department.jurisdiction_id == cat_town.code
    mats = list(Material.objects.filter(item=item).select_related("material_type"))
    assert [(m.material_type.name, m.essential, m.may_be_missing) for m in mats] == [
        ("居民身份证", True, False),
        ("经营场所证明", False, True),
    ]
    # one material type shared by both items
    assert Material.objects.filter(material_type__name="居民身份证").values("material_type").distinct().count() == 1


BAD_ROWS = [
    (",BS-1,01,所,,,,,,,", "事项名称", "required"),
    ("名称,BS-1,33,所,,,,,,,", "事项类型", "bad_item_type"),
    ("名称,BS-1,,所,,,,,,,", "事项类型", "required"),
    ("名" * 201 + ",BS-1,01,所,,,,,,,", "事项名称", "too_long"),
    ("名称,BS-1,01,所,三天,,,,,,", "承诺办结时限", "bad_number"),
    ("名称,BS-1,01,所,3,星期,,,,,", "承诺时限单位", "bad_unit"),
    ("名称,BS-1,01,所,30,工作日,20,,,,", "承诺办结时限", "promise_exceeds_statute"),
    ("名称,BS-1,01,所,,,,高危类,,,", "风险等级", "bad_choice"),
    ("名称,BS-1,01,所,,,,,也许,,", "是否收费", "bad_choice"),
    ("名称,BS-1,01,所,,,,,,飞鸽传书,", "办理渠道", "bad_choice"),
    ("名称,BS-1,01,所,,,,,,,；" + "材" * 101, "申请材料", "bad_material"),
]


@pytest.mark.parametrize("line,column,code", BAD_ROWS)
def test_each_bad_row_kind_is_reported_with_row_column_and_chinese_message(editor, cat_town, line, column, code):
    result = _run(_csv(GOOD, line), editor, cat_town)
    assert not result.ok
    err = next(e for e in result.errors if e["code"] == code)
    assert err["row"] == 3 and err["column"] == column
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err["message"])
    assert Item.objects.count() == 0  # all or nothing: the good row was not written either


def test_every_bad_row_is_listed_not_just_the_first(editor, cat_town):
    result = _run(
        _csv(GOOD, BAD_ROWS[0][0], BAD_ROWS[1][0].replace("BS-1", "BS-2"), GOOD.replace("BS-0001", "BS-0009")),
        editor,
        cat_town,
    )
    assert [e["row"] for e in result.errors] == [3, 4]


def test_duplicate_code_in_file_and_wrong_area_code(editor, cat_town):
    result = _run(_csv(GOOD, GOOD), editor, cat_town)
    assert [(e["row"], e["code"]) for e in result.errors] == [(3, "duplicate_in_file")]
    raw = "事项名称,事项类型,区划代码\n名称,01,511602000000\n".encode()
    result = _run(raw, editor, cat_town)
    assert result.errors[0]["code"] == "wrong_jurisdiction" and result.errors[0]["column"] == "区划代码"


def test_file_level_errors(editor, cat_town):
    result = _run("实施编码,部门\nA,B\n".encode(), editor, cat_town)
    assert {e["code"] for e in result.errors} == {"missing_column"} and len(result.errors) == 2
    for raw, name, code in (
        (b"", "a.csv", "empty_file"),
        (b"PK\x03\x04 broken", "a.xlsx", "bad_file"),
        (b"name", "a.pdf", "bad_format"),
    ):
        with pytest.raises(DomainError) as err:
            _run(raw, editor, cat_town, filename=name)
        assert err.value.code == code


def test_gbk_csv_is_read(editor, cat_town):
    result = _run(_csv(GOOD).decode().encode("gb18030"), editor, cat_town)
    assert result.ok and result.created == 1


def test_dry_run_writes_nothing(editor, cat_town):
    result = _run(_csv(GOOD), editor, cat_town, dry_run=True)
    assert result.ok and result.by_type == {"01": 1} and Item.objects.count() == 0


def test_reimport_updates_by_code_instead_of_duplicating(editor, cat_town):
    _run(_csv(GOOD), editor, cat_town)
    again = _run(_csv(GOOD), editor, cat_town)
    assert (again.created, again.updated) == (0, 0)
    changed = _run(_csv(GOOD.replace(",1,工作日", ",2,工作日")), editor, cat_town)
    assert (changed.created, changed.updated) == (0, 1)
    assert Item.objects.get().promised_limit == 2


def test_a_stranger_cannot_import_into_another_town(other_editor, cat_town):
    with pytest.raises(DomainError) as err:
        _run(_csv(GOOD), other_editor, cat_town)
    assert err.value.code == "catalog_forbidden"


def test_xlsx_export_round_trips_into_another_town(editor, other_editor, cat_town, cat_other_town):
    _run(_csv(GOOD, "社会保险登记,BS-0002,20,社保所,,,,,否,,居民身份证"), editor, cat_town)
    items = selectors.item_list(actor=editor).prefetch_related("materials__material_type")
    header, _rows = importer.template_rows()
    raw = importer.to_xlsx(header, importer.export_rows(items))
    # the export names its own area code; import it elsewhere without that column
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(raw))
    ws = wb.active
    ws.delete_cols(7)  # 区划代码
    out = io.BytesIO()
    wb.save(out)
    result = importer.run_import(
        raw=out.getvalue(), filename="x.xlsx", jurisdiction=cat_other_town.code, actor=other_editor, dry_run=False
    )
    assert result.ok, result.errors
    copy = Item.objects.get(jurisdiction=cat_other_town, implementation_code="BS-0001")
    assert copy.promised_limit == 1 and copy.channel_online and copy.materials.count() == 2


def test_template_is_importable_as_is(editor, cat_town):
    header, rows = importer.template_rows()
    result = _run(importer.to_xlsx(header, rows), editor, cat_town, filename="模板.xlsx", dry_run=True)
    assert result.ok, result.errors


def test_progress_is_recorded_on_the_job(editor, cat_town):
    job = ImportJob.objects.create(jurisdiction=cat_town, filename="x.csv", dry_run=False, created_by=editor)
    importer.run_import(
        raw=_csv(GOOD), filename="x.csv", jurisdiction=cat_town.code, actor=editor, dry_run=False, job=job
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED and job.processed_rows == job.total_rows == 1 and job.percent == 100


def test_real_guangan_file_imports_with_exact_counts(db, capsys):
    call_command("import_catalog", str(GUANGAN))
    captured = capsys.readouterr()
    assert "已校验 1000/1135 行" in captured.err  # progress for large files
    out = captured.out.splitlines()
    assert out[1:] == ["01 536", "05 9", "07 50", "08 2", "09 8", "10 182", "20 348", "合计 1135"]
    county = Jurisdiction.objects.get(code="511602")
    assert county.name == "广安区" and county.parent.name == "广安市" and county.parent.parent.name == "四川省"
    assert selectors.type_counts(jurisdiction="511602") == {
        "01": 536,
        "05": 9,
        "07": 50,
        "08": 2,
        "09": 8,
        "10": 182,
        "20": 348,
    }
    assert Department.objects.filter(jurisdiction=county).count() == 34
    assert Item.objects.filter(jurisdiction=county).count() == 1135
    # re-import: nothing new, nothing changed; --publish publishes the drafts
    call_command("import_catalog", str(GUANGAN), "--jurisdiction", "511602", "--publish", "导入广安区清单")
    assert capsys.readouterr().out.splitlines()[0] == "511602: 新增 0，更新 0"
    assert Item.objects.filter(jurisdiction=county, status="published", dirty=False).count() == 1135
    assert selectors.item_public_list(jurisdiction="511602").count() == 1135
    assert Item.objects.filter(jurisdiction=county).count() == 1135
    assert Item.objects.get(implementation_code__startswith="511A0138000000-").name_initials.startswith("sletsn")


def test_import_jobs_are_queued_only_for_the_editors_units_and_unreadable_files_fail_with_the_reason(
    editor, cat_town, cat_other_town
):
    from django.core.files.base import ContentFile

    sheet = "事项名称,事项类型,实施编码\n个体工商户登记,01,BS-1\n".encode()
    with pytest.raises(DomainError) as info:
        importer.import_job_create(
            jurisdiction=cat_other_town.code, upload=ContentFile(sheet), filename="a.csv", dry_run=True, actor=editor
        )
    assert info.value.code == "catalog_forbidden" and not ImportJob.objects.exists()
    with pytest.raises(DomainError) as info:
        importer.import_job_commit(
            importer.import_job_create(
                jurisdiction=cat_town.code, upload=ContentFile(sheet), filename="a.csv", dry_run=True, actor=editor
            ),
            editor,
        )
    assert info.value.code == "import_not_valid"  # not run yet, so not a clean dry run

    broken = importer.import_job_create(
        jurisdiction=cat_town.code, upload=ContentFile(b"\x00\x01\x02"), filename="b.xlsx", dry_run=True, actor=editor
    )
    importer.import_job_run(broken, editor)
    broken.refresh_from_db()
    assert broken.status == ImportStatus.FAILED and broken.finished_at is not None
    assert broken.errors[0]["message"]

    good = ImportJob.objects.filter(filename="a.csv").get()
    importer.import_job_run(good, editor)
    good.refresh_from_db()
    assert good.status == ImportStatus.VALID
    real = importer.import_job_commit(good, editor)
    importer.import_job_run(real, editor)
    real.refresh_from_db()
    assert real.status == ImportStatus.COMMITTED and real.created_count == 1
