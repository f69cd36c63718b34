"""Staff pages, public guides and the API: scoping, query counts, the import flow."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from township.catalog import services
from township.catalog.models import ImportJob, Item, ItemVersion


@pytest.fixture
def published(make_item, editor):
    licence = services.material_type_for("营业执照", certificate_satisfies=True)
    items = []
    for n in range(12):
        item = make_item(f"营业执照相关事项{n}", implementation_code=f"P{n:03d}")
        services.item_set_materials(actor=editor, item=item, materials=[{"material_type": licence}])
        services.item_publish(item=item, actor=editor, reason="发布")
        items.append(item)
    return items


def test_staff_list_searches_and_is_query_bounded(client, editor, published, django_assert_max_num_queries):
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("catalog:item-list"), {"q": "yyzz"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "营业执照相关事项0" in body and "未落实" in body


def test_staff_list_of_another_town_is_empty_and_detail_404(client, other_editor, published):
    client.force_login(other_editor)
    assert "营业执照相关事项0" not in client.get(reverse("catalog:item-list")).content.decode()
    assert client.get(reverse("catalog:item-detail", args=[published[0].pk])).status_code == 404
    assert client.get(reverse("catalog:item-edit", args=[published[0].pk])).status_code == 404


def test_staff_pages_need_login(client, published):
    response = client.get(reverse("catalog:item-list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_create_edit_publish_and_diff_through_the_pages(client, editor, cat_town):
    client.force_login(editor)
    form = {
        "jurisdiction": cat_town.code,
        "name": "食品经营许可",
        "item_type": "01",
        "body_nature": "1",
        "handling_kind": "2",
        "statutory_limit": "20",
        "statutory_unit": "working_days",
        "promised_limit": "3",
        "promised_unit": "working_days",
        "risk_class": "encouraged",
        "department_name": "市场监管所",
        "m-TOTAL_FORMS": "2",
        "m-INITIAL_FORMS": "0",
        "m-0-type_name": "营业执照",
        "m-0-originals": "1",
        "m-0-copies": "0",
        "m-0-essential": "on",
        "m-0-certificate_satisfies": "on",
        "m-1-type_name": "",
        "m-1-originals": "1",
        "m-1-copies": "0",
    }
    response = client.post(reverse("catalog:item-create"), form)
    import re

    assert response.status_code == 302, re.findall(r"errorlist.{0,200}", response.content.decode())
    item = Item.objects.get(name="食品经营许可")
    assert item.materials.get().material_type.certificate_satisfies
    client.post(reverse("catalog:item-publish", args=[item.pk]), {"reason": "首次发布"})
    form.update({"promised_limit": "2", "m-TOTAL_FORMS": "1", "m-INITIAL_FORMS": "1"})
    assert client.post(reverse("catalog:item-edit", args=[item.pk]), form).status_code == 302
    client.post(reverse("catalog:item-publish", args=[item.pk]), {"reason": "压缩时限"})
    assert ItemVersion.objects.filter(item=item).count() == 2
    page = client.get(reverse("catalog:item-versions", args=[item.pk])).content.decode()
    assert "承诺办结时限" in page and "v1 → v2" in page


def test_bad_draft_shows_the_rule_on_the_form(client, editor, cat_town):
    client.force_login(editor)
    response = client.post(
        reverse("catalog:item-create"),
        {
            "jurisdiction": cat_town.code,
            "name": "X",
            "item_type": "01",
            "body_nature": "1",
            "handling_kind": "2",
            "statutory_limit": "5",
            "statutory_unit": "working_days",
            "promised_limit": "9",
            "promised_unit": "working_days",
            "risk_class": "careful",
            "m-TOTAL_FORMS": "0",
            "m-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200 and "承诺时限不能长于法定时限" in response.content.decode()


def test_import_page_flow_with_row_errors_then_commit(client, editor, cat_town):
    client.force_login(editor)
    raw = "事项名称,事项类型,实施编码\n个体工商户登记,01,BS-1\n,01,BS-2\n".encode()
    response = client.post(
        reverse("catalog:import"),
        {"file": SimpleUploadedFile("a.csv", raw), "dry_run": "on", "jurisdiction": cat_town.code},
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("catalog:import-job", args=[job.pk])
    assert "hx-post" in client.get(response["Location"]).content.decode()
    result = client.post(reverse("catalog:import-run", args=[job.pk])).content.decode()
    assert "“事项名称”不能为空" in result and ">3<" in result
    assert Item.objects.count() == 0
    errors = client.get(reverse("catalog:import-errors", args=[job.pk])).content.decode("utf-8-sig")
    assert errors.splitlines()[1].startswith("3,事项名称,")
    # a clean file: dry run, then commit
    raw = "事项名称,事项类型,实施编码\n个体工商户登记,01,BS-1\n".encode()
    client.post(reverse("catalog:import"), {"file": SimpleUploadedFile("b.csv", raw), "dry_run": "on"})
    job = ImportJob.objects.order_by("-id").first()
    client.post(reverse("catalog:import-run", args=[job.pk]))
    progress = client.get(reverse("catalog:import-progress", args=[job.pk])).content.decode()
    assert "1 / 1" in progress and "every 1s" not in progress
    commit = client.post(reverse("catalog:import-commit", args=[job.pk]))
    new = ImportJob.objects.order_by("-id").first()
    client.post(reverse("catalog:import-run", args=[new.pk]))
    assert commit.status_code == 302 and Item.objects.filter(implementation_code="BS-1").count() == 1


def test_template_download_is_an_xlsx(client, editor):
    client.force_login(editor)
    response = client.get(reverse("catalog:import-template", args=["xlsx"]))
    assert response.content[:2] == b"PK"


def test_export_csv_has_the_template_columns(client, editor, published):
    client.force_login(editor)
    body = client.get(reverse("catalog:item-export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("*事项名称,实施编码") and "营业执照相关事项11" in body


def test_stats_page(client, editor, published):
    client.force_login(editor)
    body = client.get(reverse("catalog:stats")).content.decode()
    assert 'data-code="01">12 许可' in body and "echarts" in body and "下放事项类型" in body


def test_public_guide_search_page_and_qr(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        body = client.get(reverse("guide:index"), {"q": "yyzz"}).content.decode()
    assert "营业执照相关事项0" in body
    page = client.get(reverse("guide:item", args=[published[0].pk])).content.decode()
    assert "<svg" in page and "营业执照" in page and "window.print()" in page
    assert client.get(reverse("guide:item-qr", args=[published[0].pk]))["Content-Type"] == "image/svg+xml"


def test_public_guide_hides_drafts(client, make_item):
    draft = make_item("未发布事项")
    assert client.get(reverse("guide:item", args=[draft.pk])).status_code == 404
    assert "未发布事项" not in client.get(reverse("guide:index")).content.decode()


# ---- API ----


def test_api_list_is_scoped_paged_and_query_bounded(
    client, editor, other_editor, published, django_assert_max_num_queries
):
    client.force_login(editor)
    with django_assert_max_num_queries(8):
        data = client.get("/api/v1/catalog/items", {"limit": 5, "q": "yyzz"}).json()
    assert len(data["items"]) == 5 and data["next_cursor"]
    rest = client.get("/api/v1/catalog/items", {"limit": 50, "cursor": data["next_cursor"]}).json()
    assert len(rest["items"]) == 7 and rest["next_cursor"] is None
    client.force_login(other_editor)
    assert client.get("/api/v1/catalog/items").json()["items"] == []
    response = client.get(f"/api/v1/catalog/items/{published[0].pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_api_create_publish_versions(client, editor):
    client.force_login(editor)
    response = client.post(
        "/api/v1/catalog/items",
        {"name": "社会保险登记", "item_type": "20", "promised_limit": 1},
        content_type="application/json",
    )
    assert response.status_code == 201
    item_id = response.json()["id"]
    bad = client.post(f"/api/v1/catalog/items/{item_id}/publish", {"reason": ""}, content_type="application/json")
    assert bad.status_code == 422 and bad.json() == {
        "code": "reason_required",
        "message": "请填写发布理由",
        "field": "reason",
    }
    ok = client.post(f"/api/v1/catalog/items/{item_id}/publish", {"reason": "发布"}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["snapshot"]["promised_limit"] == 1
    versions = client.get(f"/api/v1/catalog/items/{item_id}/versions").json()
    assert [v["number"] for v in versions] == [1]
    snap = client.get(f"/api/v1/catalog/versions/{versions[0]['id']}").json()["snapshot"]
    assert snap["name"] == "社会保险登记"


def test_api_rejects_bad_input_with_field(client, editor):
    client.force_login(editor)
    response = client.post("/api/v1/catalog/items", {"name": "X", "item_type": "99"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "item_type"


def test_api_import_dry_run_lists_row_errors(client, editor, cat_town):
    client.force_login(editor)
    raw = "事项名称,事项类型\n好事项,01\n坏事项,99\n".encode()
    response = client.post(
        "/api/v1/catalog/import",
        {"file": SimpleUploadedFile("a.csv", raw), "dry_run": "true", "jurisdiction": cat_town.code},
    )
    data = response.json()
    assert response.status_code == 200 and not data["ok"]
    assert data["errors"][0]["row"] == 3 and data["errors"][0]["column"] == "事项类型"
    response = client.post(
        "/api/v1/catalog/import", {"file": SimpleUploadedFile("a.pdf", b"x"), "jurisdiction": cat_town.code}
    )
    assert response.status_code == 422 and response.json()["code"] == "bad_format"


def test_api_public_endpoints_need_no_login(client, published):
    data = client.get("/api/v1/catalog/public/items", {"q": "营业执照相关事项1"}).json()
    assert {i["name"] for i in data["items"]} == {"营业执照相关事项1", "营业执照相关事项10", "营业执照相关事项11"}
    snap = client.get(f"/api/v1/catalog/public/items/{published[0].pk}").json()["snapshot"]
    assert snap["materials"][0]["material_type_name"] == "营业执照"
    assert client.get("/api/v1/catalog/items").status_code == 401


def test_api_stats_and_themes(client, editor, published, cat_town):
    client.force_login(editor)
    services.theme_save(actor=editor, jurisdiction=cat_town.code, code="t", name="开办小商店", items=published[:2])
    assert client.get("/api/v1/catalog/stats").json()["by_type"] == {"01": 12}
    themes = client.get("/api/v1/catalog/themes").json()
    assert themes[0]["name"] == "开办小商店" and len(themes[0]["materials"]) == 1
    assert json.dumps(themes, ensure_ascii=False).count("营业执照") >= 1


def test_delegation_page_records_and_serves_the_document_only_in_scope(client, editor, other_editor, make_item):
    item = make_item("违法建设查处", item_type="02")
    client.force_login(editor)
    page = client.get(reverse("catalog:delegations")).content.decode()
    assert f'<option value="{item.implementation_code}">违法建设查处</option>' in page  # type-ahead by 实施编码
    response = client.post(
        reverse("catalog:delegations"),
        {
            "item": item.implementation_code,
            "from_department_name": "区综合行政执法局",
            "mode": "entrust",
            "document_number": "江津府发〔2020〕15号",
            "document_date": "2020-06-30",
            "document_file": SimpleUploadedFile("doc.pdf", b"%PDF-1.4 test"),
        },
    )
    assert response.status_code == 302
    from township.catalog.models import Delegation

    d = Delegation.objects.get()
    assert d.from_jurisdiction_id == "500116" and d.from_department.name == "区综合行政执法局"
    assert client.get(reverse("catalog:delegation-file", args=[d.pk])).status_code == 200
    client.force_login(other_editor)
    assert client.get(reverse("catalog:delegation-file", args=[d.pk])).status_code == 404
    # another town cannot record a delegation onto our item
    response = client.post(
        reverse("catalog:delegations"), {"item": item.pk, "from_department_name": "x", "mode": "entrust"}
    )
    assert response.status_code == 200 and Delegation.objects.count() == 1


def test_theme_page_creates_a_theme_from_own_items(client, editor, other_editor, make_item):
    a = make_item("个体工商户登记")
    b = make_item("食品经营许可")
    client.force_login(editor)
    response = client.post(
        reverse("catalog:themes"), {"name": "开办小餐饮店", "code": "xcy", "items": f"{a.implementation_code}，{b.pk}"}
    )
    assert response.status_code == 302
    assert "开办小餐饮店" in client.get(reverse("catalog:themes")).content.decode()
    client.force_login(other_editor)
    for ref in (a.pk, a.implementation_code):
        response = client.post(reverse("catalog:themes"), {"name": "偷", "code": "t", "items": f"{ref}"})
        assert response.status_code == 200 and f"本单位没有实施编码或编号为“{ref}”的事项" in response.content.decode()


def test_menu_shows_the_catalog_to_staff(client, town_clerk):
    client.force_login(town_clerk)
    body = client.get(reverse("catalog:item-list")).content.decode()
    assert reverse("catalog:item-list") in body and reverse("guide:index") in body


def test_every_page_renders_for_demo_like_data(client, editor, published, cat_town):
    item = published[0]
    services.delegation_create(actor=editor, item=item, from_department_name="区市场监管局", mode="authorise")
    theme = services.theme_save(
        actor=editor, jurisdiction=cat_town.code, code="t", name="开办小商店", items=published[:2]
    )
    client.force_login(editor)
    for url in (
        reverse("catalog:item-detail", args=[item.pk]),
        reverse("catalog:item-edit", args=[item.pk]),
        reverse("catalog:item-create"),
        reverse("catalog:item-versions", args=[item.pk]),
        reverse("catalog:import"),
        reverse("catalog:delegations"),
        reverse("catalog:themes"),
        reverse("catalog:stats"),
        reverse("guide:theme", args=[theme.pk]),
        reverse("guide:index") + "?department=市场监管所&type=01&channel=online&theme=" + str(theme.pk),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    detail = client.get(reverse("catalog:item-detail", args=[item.pk])).content.decode()
    assert "区市场监管局" in detail and "发布新版本" in detail
    guide_theme = client.get(reverse("guide:theme", args=[theme.pk])).content.decode()
    assert guide_theme.count("<td>营业执照</td>") == 1


def test_suspend_and_retire_through_the_page(client, editor, published):
    item = published[0]
    client.force_login(editor)
    client.post(reverse("catalog:item-status", args=[item.pk]), {"action": "suspend", "reason": "暂停"})
    item.refresh_from_db()
    assert item.status == "suspended"
    assert "暂停办理" in client.get(reverse("guide:item", args=[item.pk])).content.decode()
    client.post(reverse("catalog:item-status", args=[item.pk]), {"action": "retire", "reason": "废止"})
    item.refresh_from_db()
    assert item.status == "retired"
    assert client.get(reverse("guide:item", args=[item.pk])).status_code == 404


def test_publish_all_button(client, editor, town_clerk, make_item, cat_town):
    make_item("待发布一")
    make_item("待发布二")
    client.force_login(town_clerk)
    assert "发布全部待发布修改" not in client.get(reverse("catalog:item-list")).content.decode()
    client.post(reverse("catalog:item-publish-all"), {"jurisdiction": cat_town.code, "reason": "批量"})
    assert ItemVersion.objects.count() == 0
    client.force_login(editor)
    assert "发布全部待发布修改" in client.get(reverse("catalog:item-list")).content.decode()
    client.post(reverse("catalog:item-publish-all"), {"jurisdiction": cat_town.code, "reason": "批量"})
    assert ItemVersion.objects.count() == 2


def test_an_item_is_named_by_its_implementation_code_and_an_ambiguous_code_asks_for_the_number(
    editor, other_editor, make_item, cat_town, cat_other_town
):
    from township.catalog import selectors
    from township.core.errors import DomainError
    from township.org.models import Role
    from township.org.testing import user_with_roles

    ours = make_item("个体工商户登记", implementation_code="GT-001")
    theirs = make_item(
        "个体工商户登记", implementation_code="GT-001", jurisdiction=cat_other_town.code, actor=other_editor
    )
    assert selectors.item_find_for_edit(actor=editor, ref=" GT-001 ") == ours
    assert selectors.item_find_for_edit(actor=other_editor, ref="GT-001") == theirs
    both = user_with_roles("cat_both", (cat_town, Role.APPROVAL_HEAD), (cat_other_town, Role.APPROVAL_HEAD))
    with pytest.raises(DomainError) as info:
        selectors.item_find_for_edit(actor=both, ref="GT-001")
    assert info.value.code == "item_ambiguous"
    assert selectors.item_find_for_edit(actor=both, ref=str(theirs.pk)) == theirs
    with pytest.raises(DomainError) as info:
        selectors.item_find_for_edit(actor=editor, ref=str(theirs.pk))  # not ours to edit
    assert info.value.code == "item_not_found"
