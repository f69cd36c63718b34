"""The public guide finds what residents type, on the demo catalog (白沙镇's 242-item hall catalog, 尚村镇, 葛店镇):
names, results (营业执照), synonyms (开饭店), pinyin initials (yyzz) and full pinyin; only public service items, never
the 处罚/强制/征收/检查 powers; pages of 20."""

from __future__ import annotations

import io
import re

import pytest
from django.db import transaction
from django.urls import reverse

from township.catalog import demo, pinyin, selectors
from township.catalog.models import PUNITIVE_TYPES, Item, ItemStatus, Theme

BAISHA = demo.BAISHA
PUNITIVE = {str(t) for t in PUNITIVE_TYPES}


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    """The demo catalog, seeded once for the module (about 2,000 items) and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo.seed(io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def catalog(_seeded, db):
    return None


# (what a resident types, the item that must come first)
SEARCHES = [
    ("营业执照", "个体工商户登记"),  # the result's name (营业执照（个体工商户）) and the synonym list
    ("办执照", "个体工商户登记"),
    ("yyzz", "个体工商户登记"),  # the box's own example: initials of a synonym key
    ("YYZZ", "个体工商户登记"),
    ("yingyezhizhao", "个体工商户登记"),  # full pinyin
    ("开饭店", "食品经营许可"),
    ("我要开饭店", "食品经营许可"),
    ("kfd", "食品经营许可"),
    ("食品经营许可", "食品经营许可"),
    ("spjyxk", "食品经营许可"),  # initials of the name
    ("shipinjingying", "食品经营许可"),  # full pinyin of the name
    ("shipinjy", "食品经营许可"),  # mixed, as an input method takes it
    ("社会保险登记", "社会保险登记"),
    ("shbxdj", "社会保险登记"),
    ("低保", "城乡低保申请"),
    ("残疾证", "残疾人证办理"),
    ("婚姻登记", "婚姻登记预约服务"),
    ("500116108-SPJY-0001", "食品经营许可"),  # the implementation code
]


def _first(q: str, **kw) -> str:
    rows = selectors.guide_search(q=q, **kw)
    return rows[0].name if rows else ""


def test_each_search_returns_the_right_item_first(catalog):
    wrong = []
    for q, expected in SEARCHES:
        for kw in ({}, {"jurisdiction": BAISHA}):
            got = _first(q, **kw)
            if got != expected:
                wrong.append((q, kw, got))
    assert wrong == []
    # a resident's word through the synonym list; 葛店镇's 补领结婚证 says 结婚 itself, so it may come first there
    assert _first("结婚", jurisdiction=BAISHA) == "婚姻登记预约服务"
    assert _first("结婚") in ("婚姻登记预约服务", "补领结婚证")
    # the first 营业执照 item is 白沙镇's full guide (the one with conditions and legal basis), not a bare name
    assert selectors.guide_search(q="营业执照")[0].jurisdiction_id == BAISHA


def test_the_search_finds_the_one_stop_theme_of_a_life_event(catalog):
    assert [t.name for t in selectors.guide_themes(q="开饭店")] == ["开办小餐饮店"]
    assert [t.name for t in selectors.guide_themes(q="kbxcyd")] == ["开办小餐饮店"]
    assert selectors.guide_themes(q="残疾证") == []
    assert {t.name for t in selectors.guide_themes()} >= {"开办小餐饮店", "开办小商店"}


def test_nothing_found_is_nothing(catalog):
    assert selectors.guide_search(q="火星移民") == []
    assert selectors.guide_search(q="qqqqqq") == []
    assert selectors.guide_search(q="dibao")[0].name in ("城乡低保申请", "城乡低保金给付")
    # pinyin is typed syllable by syllable: "di" + "bao" is not 点(dian)保
    assert not any("重点保护" in i.name for i in selectors.guide_search(q="dibao"))


PENALTY_QUERIES = [
    "处罚",
    "行政处罚",
    "食品",
    "查封",
    "扣押",
    "监督检查",
    "征收",
    "xzcf",
    "chufa",
    "违法",
    "油烟",
    "罚款",
]


def test_penalty_and_enforcement_powers_never_appear(catalog, client):
    punitive = Item.objects.filter(status=ItemStatus.PUBLISHED, item_type__in=PUNITIVE)
    assert punitive.count() > 100  # the demo has them, so the probes below can fail
    leaks = [
        (q, i.name)
        for q in PENALTY_QUERIES + [""]
        for i in list(selectors.guide_search(q=q))[:500]
        if i.item_type in PUNITIVE
    ]
    assert leaks == []
    # the pages: index, every page of a broad search, departments, the typeahead, the item page itself
    names = set(punitive.values_list("name", flat=True)) - set(
        Item.objects.exclude(item_type__in=PUNITIVE).values_list("name", flat=True)
    )
    body = client.get(reverse("guide:index")).content.decode()
    assert "综合行政执法局" not in body  # a department that only holds enforcement powers
    for q in ("处罚", "查封", "食品"):
        page = client.get(reverse("guide:index"), {"q": q}).content.decode()
        assert not [n for n in names if f">{n}<" in page], q
        found = client.get(reverse("guide:search-json"), {"q": q}).json()["results"]
        assert not [r for r in found if r["name"] in names], q
    # the public API and the approval portal read item_public_list: the same rule
    assert not selectors.item_public_list().filter(item_type__in=PUNITIVE).exists()
    api = client.get("/api/v1/catalog/public/items", {"q": "处罚", "limit": 100}).json()
    assert not [r for r in api["items"] if r["name"] in names]
    penalty = punitive.order_by("pk").first()
    assert client.get(reverse("guide:item", args=[penalty.pk])).status_code == 404
    assert client.get(reverse("guide:item-qr", args=[penalty.pk])).status_code == 404
    assert client.get(reverse("guide:index"), {"type": "02"}).status_code == 200  # a forged filter is ignored
    assert (
        "对未经许可擅自从事食品生产经营活动的行政处罚"
        not in client.get(reverse("guide:index"), {"type": "02", "all": "1"}).content.decode()
    )


def test_pagination_of_results(catalog, client):
    rows = selectors.guide_search(q="登记")
    assert len(rows) > 40
    url = reverse("guide:index")
    first = client.get(url, {"q": "登记"}).content.decode()
    second = client.get(url, {"q": "登记", "page": 2}).content.decode()
    last = client.get(url, {"q": "登记", "page": 999}).content.decode()  # past the end: the last page
    links = re.compile(r'class="name" href="/guide/items/(\d+)/"')
    assert len(links.findall(first)) == 20 and len(links.findall(second)) == 20
    assert not set(links.findall(first)) & set(links.findall(second))
    assert int(links.findall(first)[0]) == rows[0].pk and int(links.findall(second)[0]) == rows[20].pk
    total_pages = (len(rows) + 19) // 20
    assert f"第 {total_pages} / {total_pages} 页，共 {len(rows)} 条" in last
    assert "page=2" in first and "q=%E7%99%BB%E8%AE%B0" in first  # the next link keeps the query


def test_the_guide_page_as_a_resident_sees_it(catalog, client, django_assert_max_num_queries):
    url = reverse("guide:index")
    with django_assert_max_num_queries(8):
        body = client.get(url, {"q": "yyzz"}).content.decode()
    first = re.search(r'class="name" href="/guide/items/\d+/">([^<]+)<', body)
    assert first and first.group(1) == "个体工商户登记"
    home = client.get(url).content.decode()
    for topic in selectors.guide_topics():
        assert topic["name"] in home
    assert "开办小餐饮店" in home and reverse("approval:login") in home and reverse("approval:register") in home
    # a life event lists its items
    topic = next(t for t in selectors.guide_topics() if t["name"] == "开店经营")
    page = client.get(url, {"topic": topic["slug"], "j": BAISHA}).content.decode()
    assert ">个体工商户登记<" in page and ">食品经营许可<" in page
    # a department lists its items
    n = dict(selectors.guide_departments(jurisdiction=BAISHA))["社会事务局"]
    page = client.get(url, {"department": "社会事务局", "j": BAISHA}).content.decode()
    assert n > 20 and f"共 {n} 条" in page and len(re.findall(r'class="name" href', page)) == 20
    # the item page offers online application through the resident's login, not the staff login
    food = Item.objects.get(jurisdiction_id=BAISHA, name="食品经营许可")
    item_page = client.get(reverse("guide:item", args=[food.pk])).content.decode()
    assert f"{reverse('approval:login')}?next=" in item_page
    # an item finished on the spot says so, not "0 工作日"
    licence = Item.objects.get(jurisdiction_id=BAISHA, name="个体工商户登记")
    licence_page = client.get(reverse("guide:item", args=[licence.pk])).content.decode()
    assert "当场办结" in licence_page and "0 工作日" not in licence_page


def test_typeahead(catalog, client):
    body = client.get(reverse("guide:search-json"), {"q": "kfd", "j": BAISHA}).json()
    assert body["results"][0]["name"] == "食品经营许可" and body["themes"][0]["name"] == "开办小餐饮店"
    assert client.get(reverse("guide:search-json"), {"q": ""}).json() == {"results": [], "themes": []}


def test_every_maintained_term_finds_something_in_the_demo(catalog):
    """A synonym or a life event that points at nothing is stale: fix the list (data/guide_terms.toml)."""
    terms = selectors.guide_terms()
    themes = list(Theme.objects.values_list("name", flat=True))
    public = Item.objects.filter(status=ItemStatus.PUBLISHED, item_type__in=selectors.GUIDE_TYPES)

    def finds(term: str) -> bool:
        return public.filter(name__contains=term).exists() or public.filter(result_name__contains=term).exists()

    stale = [
        (key, t)
        for key, targets in terms["synonyms"].items()
        for t in targets
        if not finds(t) and not any(t in name for name in themes)
    ]
    stale += [(topic["name"], t) for topic in terms["topics"] for t in topic["terms"] if not finds(t)]
    assert stale == []
    assert all(selectors.guide_search(q=key) for key in terms["synonyms"])


@pytest.mark.parametrize(
    "q,text,at",
    [
        ("yyzz", "营业执照（个体工商户）", 0),
        ("yingyezhizhao", "营业执照", 0),
        ("yingyezz", "营业执照", 0),
        ("yyzhizh", "营业执照", 0),  # the last syllable cut short, as typing goes on
        ("zhizhao", "办理营业执照", 4),
        ("Ying Ye", "营业执照", 0),
        ("dibao", "重点保护", None),  # di is not a typed-out dian
        ("xian", "西安", 0),
        ("yyzz", "社会保险", None),
        ("a1", "A1类", 0),
    ],
)
def test_pinyin_match(q, text, at):
    assert pinyin.match(q, text) == at


def test_pinyin_initials_candidates_cover_the_match():
    assert pinyin.initials_candidates("yingyezhizhao")[0] == "yyzz"
    assert "yyzz" in pinyin.initials_candidates("yyzhizh")
    assert pinyin.initials_candidates("y") == [] and pinyin.initials_candidates("营业") == []
