"""Search (substring and pinyin initials), scoping between towns and the county, themes."""

from __future__ import annotations

import pytest

from township.catalog import selectors, services
from township.core.errors import NotFound, PermissionRefused


@pytest.fixture
def catalog(make_item, editor):
    a = make_item("营业执照办理（个体工商户）", implementation_code="A1")
    b = make_item("食品经营许可证核发", implementation_code="A2", department_name="食药所")
    c = make_item("社会保险登记", item_type="20", implementation_code="A3", channel_online=True)
    for item in (a, b, c):
        services.item_publish(item=item, actor=editor, reason="发布")
    return a, b, c


@pytest.mark.parametrize(
    "q,expected",
    [
        ("营业执照", ["营业执照办理（个体工商户）"]),
        ("执照", ["营业执照办理（个体工商户）"]),
        ("经营许可", ["食品经营许可证核发"]),
        ("yyzz", ["营业执照办理（个体工商户）"]),
        ("YYZZ", ["营业执照办理（个体工商户）"]),
        ("spjy", ["食品经营许可证核发"]),
        ("shbx", ["社会保险登记"]),
        ("A2", ["食品经营许可证核发"]),
        ("不存在", []),
    ],
)
def test_search_by_substring_and_pinyin_initials(catalog, town_clerk, q, expected):
    assert [i.name for i in selectors.item_list(actor=town_clerk, q=q)] == expected
    assert [i.name for i in selectors.item_public_list(q=q)] == expected


def test_filters(catalog, town_clerk):
    assert [i.name for i in selectors.item_list(actor=town_clerk, item_type="20")] == ["社会保险登记"]
    assert [i.name for i in selectors.item_list(actor=town_clerk, department="食药所")] == ["食品经营许可证核发"]
    assert [i.name for i in selectors.item_list(actor=town_clerk, channel="online")] == ["社会保险登记"]
    assert selectors.item_list(actor=town_clerk, unassigned=True).count() == 3


def test_a_town_sees_and_edits_only_its_own_catalog(catalog, other_editor, editor):
    a, _b, _c = catalog
    assert selectors.item_list(actor=other_editor).count() == 0
    with pytest.raises(NotFound):
        selectors.item_get(actor=other_editor, pk=a.pk)
    with pytest.raises(PermissionRefused):
        services.item_update(actor=other_editor, item=a, data={"name": "改名"})
    with pytest.raises(PermissionRefused):
        services.item_create(actor=other_editor, jurisdiction=a.jurisdiction_id, data={"name": "x", "item_type": "01"})


def test_clerk_reads_but_cannot_edit(catalog, town_clerk):
    a, _b, _c = catalog
    assert selectors.item_get(actor=town_clerk, pk=a.pk) == a
    with pytest.raises(PermissionRefused):
        services.item_update(actor=town_clerk, item=a, data={"name": "改名"})


def test_county_items_are_visible_to_towns_only_when_the_county_decides(
    make_item, county_admin, cat_county, editor, cat_far_town
):
    shown = make_item(
        "区级事项（下放乡镇可见）", jurisdiction=cat_county.code, actor=county_admin, visible_to_towns=True
    )
    hidden = make_item("区级内部事项", jurisdiction=cat_county.code, actor=county_admin)
    draft = make_item("区级草稿事项", jurisdiction=cat_county.code, actor=county_admin, visible_to_towns=True)
    services.item_publish(item=shown, actor=county_admin, reason="发布")
    services.item_publish(item=hidden, actor=county_admin, reason="发布")
    names = {i.name for i in selectors.item_list(actor=editor)}
    assert "区级事项（下放乡镇可见）" in names
    assert "区级内部事项" not in names and "区级草稿事项" not in names
    assert selectors.item_get(actor=editor, pk=shown.pk) == shown
    with pytest.raises(NotFound):
        selectors.item_get(actor=editor, pk=hidden.pk)
    # visible, but the town cannot edit the county's item
    with pytest.raises(PermissionRefused):
        services.item_update(actor=editor, item=shown, data={"name": "改名"})
    # the county sees all its own items, drafts included
    assert selectors.item_list(actor=county_admin).filter(pk=draft.pk).exists()
    # a town in another county sees none of them
    from township.org.models import Role, RoleGrant, User

    far = User.objects.create_user(username="far", password="x-Test-123")
    RoleGrant.objects.create(user=far, jurisdiction=cat_far_town, role=Role.APPROVAL_HEAD)
    assert selectors.item_list(actor=far).count() == 0


def test_theme_merges_and_deduplicates_materials(make_item, editor, cat_town):
    licence = services.material_type_for("营业执照", certificate_satisfies=True)
    idcard = services.material_type_for("居民身份证")
    lease = services.material_type_for("经营场所证明")
    reg = make_item("个体工商户登记")
    food = make_item("食品经营许可")
    social = make_item("社会保险登记", item_type="20")
    services.item_set_materials(
        actor=editor, item=reg, materials=[{"material_type": idcard}, {"material_type": lease, "essential": False}]
    )
    services.item_set_materials(
        actor=editor, item=food, materials=[{"material_type": licence}, {"material_type": idcard, "copies": 1}]
    )
    services.item_set_materials(
        actor=editor, item=social, materials=[{"material_type": licence}, {"material_type": lease}]
    )
    theme = services.theme_save(
        actor=editor, jurisdiction=cat_town.code, code="xiaocanyin", name="开办小餐饮店", items=[reg, food, social]
    )
    merged = selectors.theme_materials(theme)
    assert [(m["name"], m["essential"]) for m in merged] == [
        ("居民身份证", True),
        ("经营场所证明", True),  # essential for one item → essential for the bundle
        ("营业执照", True),
    ]
    assert next(m for m in merged if m["name"] == "居民身份证")["copies"] == 1
    assert next(m for m in merged if m["name"] == "营业执照")["certificate_satisfies"] is True


def test_theme_refuses_items_of_another_town(make_item, editor, other_editor, cat_town, cat_other_town):
    theirs = make_item("他镇事项", jurisdiction=cat_other_town.code, actor=other_editor)
    from township.core.errors import DomainError

    with pytest.raises(DomainError):
        services.theme_save(actor=editor, jurisdiction=cat_town.code, code="x", name="x", items=[theirs])


def test_delegation_statistics(make_item, editor, cat_town, cat_county):
    a = make_item("A")
    b = make_item("B", item_type="02")
    c = make_item("C", item_type="02")
    services.delegation_create(
        actor=editor,
        item=a,
        from_department_name="区市场监管局",
        mode="entrust",
        document_number="江津府发〔2020〕12号",
    )
    services.delegation_create(actor=editor, item=b, from_department_name="区综合执法局", mode="authorise")
    d = services.delegation_create(actor=editor, item=c, from_department_name="区综合执法局", mode="authorise")
    services.delegation_set_status(actor=editor, delegation=d, status="revoked")
    stats = selectors.catalog_stats(actor=editor)
    assert stats["delegated_total"] == 2
    assert stats["delegated_by_source"] == [("区市场监管局", 1), ("区综合执法局", 1)] or stats[
        "delegated_by_source"
    ] == [("区综合执法局", 1), ("区市场监管局", 1)]
    assert stats["delegated_by_type"] == {"01": 1, "02": 1}
    assert stats["by_type"] == {"01": 1, "02": 2}
    assert stats["unassigned"] == 3
    assert d.from_jurisdiction_id == cat_county.code


def test_one_item_s_visibility_is_the_list_s(make_item, county_admin, cat_county, editor, town_clerk, cat_far_town):
    """``item_get`` reads by the key, then checks ``item_visible``: the same answer as ``visible_q`` for every
    item and actor (own unit, a county's item shown or not, a draft, another county's town)."""
    from township.core.errors import NotFound
    from township.org.models import Role, RoleGrant, User

    shown = make_item("区级可见", jurisdiction=cat_county.code, actor=county_admin, visible_to_towns=True)
    hidden = make_item("区级内部", jurisdiction=cat_county.code, actor=county_admin)
    draft = make_item("区级草稿", jurisdiction=cat_county.code, actor=county_admin, visible_to_towns=True)
    own = make_item("本镇事项")
    for item in (shown, hidden):
        services.item_publish(item=item, actor=county_admin, reason="发布")
    far = User.objects.create_user(username="far_v", password="x-Test-123")
    RoleGrant.objects.create(user=far, jurisdiction=cat_far_town, role=Role.APPROVAL_HEAD)
    for actor in (editor, town_clerk, county_admin, far):
        listed = set(selectors.Item.objects.filter(selectors.visible_q(actor)).values_list("pk", flat=True))
        for item in (shown, hidden, draft, own):
            item.refresh_from_db()
            assert selectors.item_visible(actor, item) == (item.pk in listed), (actor.username, item.name)
            if item.pk in listed:
                assert selectors.item_get(actor=actor, pk=str(item.pk)).pk == item.pk
            else:
                with pytest.raises(NotFound):
                    selectors.item_get(actor=actor, pk=item.pk)
    for bad in ("x", None, 2**63, -1):
        with pytest.raises(NotFound):
            selectors.item_get(actor=editor, pk=bad)
