"""Catalog selectors: every read is scoped by the actor.

Interface for other apps (approval, enforcement) — stable, keep it:

    from township.catalog import selectors as catalog

    item = catalog.item_get(actor=user, pk=item_id)          # NotFound outside scope
    version = catalog.item_version_current(item)             # ItemVersion or None (never published)
    version = catalog.item_version_get(pk=version_id)        # by id, no scope (pinned on your own record)
    snap = version.snapshot                                  # immutable dict, schema 1:
        snap["name"], snap["item_type"] ("01" 许可 … "20" 公共服务), snap["implementation_code"],
        snap["statutory_limit"], snap["statutory_unit"],      # int|None, "working_days"|"natural_days"|"working_hours"
        snap["promised_limit"], snap["promised_unit"],        # same units as township.cases ClockUnit
        snap["handling_kind"] ("1" 即办件, "2" 承诺件), snap["risk_class"] ("control"|"careful"|"encouraged"),
        snap["channels"] (subset of "online","no_visit","one_visit","village_agent"),
        snap["gap_rule"] = {"allowed": bool, "deadline": int|None, "unit": "working_days",
                            "material_type_codes": [codes of non-essential materials that may be missing]},
        snap["commitment_rule"] = {"allowed": bool, "text": str, "check_days": int|None, "check_unit": "natural_days"},
        snap["materials"] = [{"material_type_id", "material_type_code", "material_type_name", "name", "issuer",
                              "originals", "copies", "essential", "may_be_missing", "certificate_satisfies", "note"}]
    catalog.item_list(actor=user, q="yyzz", item_type="01")   # QuerySet of Item (own + visible county items)
    catalog.item_public_list(jurisdiction=code)                # published items, no login (portal)
    catalog.theme_materials(theme)                              # merged, de-duplicated materials of a "一件事"
    catalog.items_for_enforcement(actor=user)                   # punitive types 02/03/04/06 in scope
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from township.catalog import pinyin
from township.catalog.models import (
    CHANNEL_FIELDS,
    ITEM_TYPE_SHORT,
    PUNITIVE_TYPES,
    Delegation,
    ImportJob,
    Item,
    ItemStatus,
    ItemVersion,
    Material,
    Theme,
    ThemeItem,
)
from township.catalog.pinyin import initials
from township.core.errors import DomainError, NotFound
from township.core.frozen import INT_MARKER, FrozenQuery
from township.org.models import Department, User
from township.org.scoping import reach

# Roles that may edit drafts and roles that may publish (review) them.
EDIT_ROLES = ("administrator", "approval_head", "approver")
PUBLISH_ROLES = ("administrator", "approval_head", "leader")
LIVE_STATUSES = (ItemStatus.PUBLISHED, ItemStatus.SUSPENDED)


def _county_of(code: str) -> str | None:
    return code[:6] if len(code) == 9 else None


def _visible_units(actor: Any) -> tuple[frozenset[str], list[str]]:
    """(own units, counties whose items shown to their towns the actor sees)."""
    r = reach(actor)
    towns = set(r.codes) | {town for town, _village in r.villages}
    return r.codes, sorted({c for c in (_county_of(t) for t in towns) if c} - set(r.codes))


def visible_q(actor: Any) -> Q:
    """Own jurisdictions' items, plus county items the county made visible to its towns."""
    codes, counties = _visible_units(actor)
    q = Q(pk__in=[])
    if codes:
        q |= Q(jurisdiction_id__in=sorted(codes))
    if counties:
        q |= Q(jurisdiction_id__in=counties, visible_to_towns=True, status__in=LIVE_STATUSES)
    return q


def editable_codes(actor: Any) -> frozenset[str]:
    return reach(actor, EDIT_ROLES).codes


def publish_codes(actor: Any) -> list[str]:
    return sorted(reach(actor, PUBLISH_ROLES).codes)


def can_edit(actor: Any, item: Item) -> bool:
    return item.jurisdiction_id in editable_codes(actor)


def can_publish(actor: Any, item: Item) -> bool:
    return item.jurisdiction_id in reach(actor, PUBLISH_ROLES).codes


def search_q(q: str) -> Q:
    """Substring of the name, the implementation code, or the pinyin initials (``yyzz`` → 营业执照)."""
    q = (q or "").strip()
    if not q:
        return Q()
    # Chinese has no letter case: plain LIKE (no UPPER() on every row) is several times faster on PostgreSQL.
    cond = Q(name__contains=q) | Q(implementation_code__contains=q)
    if q.isascii():
        cond |= Q(implementation_code__contains=q.upper()) | Q(name__icontains=q)
        key = initials(q)  # name_initials is stored lower-case
        if key:
            cond |= Q(name_initials__contains=key)
    return cond


def _filter(
    qs: QuerySet[Item],
    *,
    q: str = "",
    item_type: str = "",
    department: str = "",
    status: str = "",
    channel: str = "",
    risk_class: str = "",
    jurisdiction: str = "",
    theme: int | None = None,
    unassigned: bool = False,
) -> QuerySet[Item]:
    if q:
        qs = qs.filter(search_q(q))
    if item_type:
        qs = qs.filter(item_type=item_type)
    if department:
        qs = qs.filter(department_name=department)
    if status:
        qs = qs.filter(status=status)
    if channel and channel in CHANNEL_FIELDS:
        qs = qs.filter(**{CHANNEL_FIELDS[channel]: True})  # type: ignore[index]
    if risk_class:
        qs = qs.filter(risk_class=risk_class)
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    if theme:
        item_ids = ThemeItem.objects.filter(theme_id=theme).values("item_id")
        qs = qs.filter(pk__in=item_ids)
    if unassigned:
        qs = qs.filter(responsible_user__isnull=True)
    return qs


def item_list(*, actor: Any, **filters: Any) -> QuerySet[Item]:
    qs = Item.objects.filter(visible_q(actor)).select_related("jurisdiction", "responsible_user")
    return _filter(qs, **filters).order_by("jurisdiction_id", "item_type", "id")


def item_visible(actor: Any, item: Item) -> bool:
    """``visible_q`` for one item already read."""
    codes, counties = _visible_units(actor)
    return item.jurisdiction_id in codes or (
        item.jurisdiction_id in counties and item.visible_to_towns and item.status in LIVE_STATUSES
    )


# an item by its key with what a submission reads of it: compiled once per thread (township.core.frozen)
_item_by_key: FrozenQuery[Item] = FrozenQuery(
    lambda pk: (
        Item.objects.select_related(
            "jurisdiction", "department", "responsible_department", "responsible_user", "current_version"
        )
        .filter(pk=pk)
        .order_by()
    ),
    marker=INT_MARKER,
)


def item_get(*, actor: Any, pk: int | str) -> Item:
    """One item the actor may see, else ``NotFound`` (a foreign and a missing item read the same): read by its key,
    then checked (``item_visible``)."""
    try:
        key = int(pk)
    except (ValueError, TypeError):
        raise NotFound() from None
    item = _item_by_key.first(key)
    if item is None or not item_visible(actor, item):
        raise NotFound()
    return item


def item_get_for_edit(*, actor: Any, pk: int | str) -> Item:
    item = item_get(actor=actor, pk=pk)
    if not can_edit(actor, item):
        raise NotFound()
    return item


def item_find_for_edit(*, actor: Any, ref: str) -> Item:
    """An item the actor may edit, named by its 实施编码 (what clerks copy from the list) or by its number (id).
    Errors: item_not_found, item_ambiguous."""
    from django.utils.translation import gettext as _

    ref = (ref or "").strip()
    codes = sorted(editable_codes(actor))
    matches = (
        list(Item.objects.filter(jurisdiction_id__in=codes, implementation_code=ref).order_by("pk")[:2]) if ref else []
    )
    if len(matches) > 1:
        raise DomainError(
            "item_ambiguous", _("多个单位有实施编码为“%(ref)s”的事项，请改填事项编号") % {"ref": ref}, field="item"
        )
    if matches:
        return matches[0]
    by_number = Item.objects.filter(jurisdiction_id__in=codes, pk=int(ref)).first() if ref.isdigit() else None
    if by_number is not None:
        return by_number
    raise DomainError(
        "item_not_found", _("本单位没有实施编码或编号为“%(ref)s”的事项") % {"ref": ref or "—"}, field="item"
    )


def item_refs_for_edit(*, actor: Any, limit: int = 3000) -> list[tuple[str, str]]:
    """(实施编码, name) of the items the actor may edit, for the type-ahead list of the forms that name an item."""
    return list(
        Item.objects.filter(jurisdiction_id__in=sorted(editable_codes(actor)))
        .exclude(implementation_code="")
        .order_by("implementation_code")
        .values_list("implementation_code", "name")[:limit]
    )


def item_version_current(item: Item) -> ItemVersion | None:
    """The version an application filed now pins (None if never published or suspended/retired)."""
    if item.status != ItemStatus.PUBLISHED or item.current_version_id is None:
        return None
    return item.current_version


def item_version_get(*, pk: int) -> ItemVersion:
    try:
        return ItemVersion.objects.select_related("item", "approver").get(pk=pk)
    except ItemVersion.DoesNotExist:
        raise NotFound() from None


def item_versions(*, actor: Any, item: Item) -> QuerySet[ItemVersion]:
    item_get(actor=actor, pk=item.pk)
    return ItemVersion.objects.filter(jurisdiction_id=item.jurisdiction_id, item=item).select_related("approver")


def item_materials(item: Item) -> QuerySet[Material]:
    return Material.objects.filter(jurisdiction_id=item.jurisdiction_id, item=item).select_related("material_type")


def items_for_enforcement(*, actor: Any) -> QuerySet[Item]:
    return item_list(actor=actor).filter(item_type__in=[str(t) for t in PUNITIVE_TYPES], status=ItemStatus.PUBLISHED)


# ---- public (portal, no login) -------------------------------------------------------------


def item_public_list(*, jurisdiction: str = "", **filters: Any) -> QuerySet[Item]:
    """Published public service items (``GUIDE_TYPES``; never 处罚/强制/征收/检查), unranked (the public API)."""
    qs = Item.objects.filter(status=ItemStatus.PUBLISHED, item_type__in=GUIDE_TYPES).select_related(
        "jurisdiction", "responsible_user"
    )
    return _filter(qs, jurisdiction=jurisdiction, **filters).order_by("jurisdiction_id", "item_type", "id")


def item_public_get(*, pk: int | str) -> Item:
    try:
        return Item.objects.select_related("jurisdiction", "current_version").get(
            pk=int(pk), status__in=LIVE_STATUSES, current_version__isnull=False
        )
    except (Item.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def public_departments(*, jurisdiction: str = "") -> list[tuple[str, int]]:
    qs = Item.objects.filter(status=ItemStatus.PUBLISHED)
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    rows = qs.values("department_name").annotate(n=Count("id")).order_by("-n", "department_name")
    return [(r["department_name"], r["n"]) for r in rows if r["department_name"]]


def public_jurisdictions() -> list[tuple[str, str, int]]:
    """(code, name, published items) of every jurisdiction with a public catalog."""
    rows = (
        Item.objects.filter(status=ItemStatus.PUBLISHED)
        .values("jurisdiction_id", "jurisdiction__name")
        .annotate(n=Count("id"))
        .order_by("jurisdiction_id")
    )
    return [(r["jurisdiction_id"], r["jurisdiction__name"], r["n"]) for r in rows]


def theme_public_list(*, jurisdiction: str = "") -> QuerySet[Theme]:
    qs = Theme.objects.filter(active=True).select_related("jurisdiction")
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    return qs


# ---- the public guide: search as residents type it -------------------------------------------

# What a resident applies for. 处罚/强制/征收/检查 (PUNITIVE_TYPES) and the bare 行政权力 (00) are the
# government's own powers: never listed, searched or shown in the guide.
GUIDE_TYPES = ("01", "05", "07", "08", "09", "10", "20")
GUIDE_CANDIDATES = 3000  # rows scored in Python per search (the rest is never looked at)
GUIDE_TERMS_FILE = Path(__file__).resolve().parent / "data" / "guide_terms.toml"


@lru_cache(maxsize=1)
def guide_terms() -> dict[str, Any]:
    """The maintained list (township/catalog/data/guide_terms.toml): ``synonyms`` {说法: [事项用语]} and
    ``topics`` [{name, slug, terms}] (生活事件)."""
    with GUIDE_TERMS_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    topics = [
        {"slug": f"t{n}", "name": str(t["name"]), "terms": [str(x) for x in t.get("terms", [])]}
        for n, t in enumerate(data.get("topics", []), start=1)
    ]
    synonyms = {str(k): [str(x) for x in v] for k, v in data.get("synonyms", {}).items()}
    return {"synonyms": synonyms, "topics": topics}


def guide_topics() -> list[dict[str, Any]]:
    return guide_terms()["topics"]


def guide_topic(slug: str) -> dict[str, Any] | None:
    return next((t for t in guide_topics() if t["slug"] == slug), None)


def guide_expand(q: str) -> list[str]:
    """The catalog terms a resident's words stand for: ``开饭店`` → 食品经营许可, 小餐饮 …; ``yyzz`` → 营业执照 ….

    A synonym applies when the query is its key, contains its key (``我要开饭店``), is part of it (at least two
    characters: ``饭店``), or spells it in pinyin (``yyzz``, ``yingyezhizhao``)."""
    q = (q or "").strip()
    if not q:
        return []
    out: list[str] = []
    for key, targets in guide_terms()["synonyms"].items():
        hit = key in q or (len(q) >= 2 and q in key)
        if not hit and q.isascii():
            hit = pinyin.match(q, key) == 0 and len(pinyin.normalise(q)) >= 2
        if hit:
            out.extend([key, *targets])
    return [t for t in dict.fromkeys(out) if t and t != q]


def _guide_base(*, jurisdiction: str = "", **filters: Any) -> QuerySet[Item]:
    qs = Item.objects.filter(status=ItemStatus.PUBLISHED, item_type__in=GUIDE_TYPES)
    return _filter(qs, jurisdiction=jurisdiction, **filters)


def _base_name(name: str) -> str:
    """``个体工商户登记（设立）`` → ``个体工商户登记`` (the variant suffix does not make a name less exact)."""
    return re.sub(r"[（(][^（()）]*[)）]$", "", name).strip()


def _text_score(q: str, name: str, base: str, top: int) -> int:
    if not q or q not in name:
        return 0
    if name == q or base == q:
        return top
    if name.startswith(q):
        return top - 10
    return top - 20


def guide_score(item: Item, q: str, terms: list[str]) -> int:
    """Relevance of one item to a query (0 = no match). Best signal wins; each further signal adds a little."""
    name, base = item.name, _base_name(item.name)
    code = item.implementation_code.upper()
    result = item.result_name or ""
    signals = [
        _text_score(q, name, base, 100),
        _text_score(q, result, _base_name(result), 80) - 6,
        _text_score(q, item.main_item or "", item.main_item or "", 60) - 10,
        100 if q and code == q.upper() else (40 if q and q.upper() in code else 0),
    ]
    if q.isascii():
        at = pinyin.match(q, name)
        if at is not None:
            typed = pinyin.normalise(q)
            spelled = ("".join(pinyin.syllables(name)), "".join(pinyin.syllables(base)), initials(name), initials(base))
            whole = typed in spelled
            signals.append(95 if whole else (85 if at == 0 else 75))
    for term in terms:
        signals.append(_text_score(term, name, base, 70))
        signals.append(_text_score(term, result, _base_name(result), 60) - 4)
    hits = sorted((s for s in signals if s > 0), reverse=True)
    if not hits:
        return 0
    return hits[0] + 2 * min(len(hits) - 1, 5)


def _completeness(item: Item) -> int:
    """Items with a full guide (conditions, legal basis, result) come first among equals."""
    return int(bool(item.conditions)) + int(bool(item.legal_basis)) + int(bool(item.result_name))


def guide_search(
    *,
    q: str = "",
    jurisdiction: str = "",
    item_type: str = "",
    department: str = "",
    channel: str = "",
    theme: int | None = None,
    topic: str = "",
) -> list[Item] | QuerySet[Item]:
    """Published public service items (``GUIDE_TYPES`` only), best match first.

    ``q`` is matched on the name, the result (``营业执照（个体工商户）``), the main item and the code, in pinyin
    initials or full pinyin (``yyzz``, ``yingyezhizhao``), and through the synonym list (``开饭店``). Without ``q``
    a QuerySet in catalog order; with ``q`` a ranked list (at most ``GUIDE_CANDIDATES`` rows are scored).
    """
    q = (q or "").strip()[:50]
    qs = _guide_base(
        jurisdiction=jurisdiction, item_type=item_type, department=department, channel=channel, theme=theme
    ).select_related("jurisdiction")
    chosen = guide_topic(topic) if topic else None
    if chosen:
        cond = Q(pk__in=[])
        for term in chosen["terms"]:
            cond |= Q(name__contains=term)
        qs = qs.filter(cond)
    if not q:
        return qs.order_by("jurisdiction_id", "item_type", "id")
    terms = guide_expand(q)
    cond = Q(implementation_code__contains=q) | Q(implementation_code__contains=q.upper())
    for term in [q, *terms]:
        cond |= Q(name__contains=term) | Q(result_name__contains=term) | Q(main_item__contains=term)
    for key in pinyin.initials_candidates(q):
        cond |= Q(name_initials__contains=key)
    fields = ("name", "result_name", "main_item", "implementation_code", "item_type", "department_name")
    fields += ("conditions", "legal_basis", "jurisdiction__name", "status", *CHANNEL_FIELDS.values())
    candidates = list(qs.filter(cond).only(*fields).order_by("id")[:GUIDE_CANDIDATES])
    scored = [(guide_score(item, q, terms), item) for item in candidates]
    ranked = sorted(
        ((s, i) for s, i in scored if s > 0),
        key=lambda row: (-row[0], -_completeness(row[1]), len(row[1].name), row[1].jurisdiction_id, row[1].pk),
    )
    return [item for _score, item in ranked]


def guide_themes(*, q: str = "", jurisdiction: str = "") -> list[Theme]:
    """Active 一件事 themes; with ``q``, those whose name matches the query, its synonyms or its pinyin."""
    themes = list(theme_public_list(jurisdiction=jurisdiction).order_by("jurisdiction_id", "name"))
    q = (q or "").strip()[:50]
    if not q:
        return themes
    terms = [q, *guide_expand(q)]
    return [
        t
        for t in themes
        if any(term in t.name for term in terms) or (q.isascii() and pinyin.match(q, t.name) is not None)
    ]


def guide_departments(*, jurisdiction: str = "") -> list[tuple[str, int]]:
    rows = (
        _guide_base(jurisdiction=jurisdiction)
        .values("department_name")
        .annotate(n=Count("id"))
        .order_by("-n", "department_name")
    )
    return [(r["department_name"], r["n"]) for r in rows if r["department_name"]]


def guide_jurisdictions() -> list[tuple[str, str, int]]:
    """(code, name, public service items) of every jurisdiction with a public guide."""
    rows = (
        _guide_base()
        .values("jurisdiction_id", "jurisdiction__name")
        .annotate(n=Count("id"))
        .order_by("jurisdiction_id")
    )
    return [(r["jurisdiction_id"], r["jurisdiction__name"], r["n"]) for r in rows]


def guide_item_get(*, pk: int | str) -> Item:
    """A public service item's guide (published or suspended); 处罚/强制/征收/检查 items are not found."""
    item = item_public_get(pk=pk)
    if item.item_type not in GUIDE_TYPES:
        raise NotFound()
    return item


# ---- themes ---------------------------------------------------------------------------------


def theme_list(*, actor: Any) -> QuerySet[Theme]:
    return Theme.objects.filter(jurisdiction_id__in=sorted(reach(actor).codes)).prefetch_related(
        Prefetch("theme_items", queryset=ThemeItem.objects.select_related("item"))
    )


def theme_get(*, pk: int | str, actor: Any = None, public: bool = False) -> Theme:
    qs = Theme.objects.all()
    if not public:
        qs = qs.filter(jurisdiction_id__in=sorted(reach(actor).codes))
    try:
        return qs.get(pk=int(pk))
    except (Theme.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def theme_items(theme: Theme) -> list[Item]:
    rows = ThemeItem.objects.filter(jurisdiction_id=theme.jurisdiction_id, theme=theme).select_related("item")
    return [r.item for r in rows]


def theme_materials(theme: Theme) -> list[dict[str, Any]]:
    """Merged materials of all the theme's items, one row per material type (essential if any item needs it)."""
    items = theme_items(theme)
    merged: dict[int, dict[str, Any]] = {}
    mats = Material.objects.filter(jurisdiction_id=theme.jurisdiction_id, item__in=items).select_related(
        "material_type", "item"
    )
    for m in mats:
        row = merged.setdefault(
            m.material_type_id,
            {
                "material_type_id": m.material_type_id,
                "material_type_code": m.material_type.code,
                "name": m.material_type.name,
                "essential": False,
                "originals": 0,
                "copies": 0,
                "certificate_satisfies": m.material_type.certificate_satisfies,
                "items": [],
            },
        )
        row["essential"] = row["essential"] or m.essential
        row["originals"] = max(row["originals"], m.originals)
        row["copies"] = max(row["copies"], m.copies)
        if m.item.name not in row["items"]:
            row["items"].append(m.item.name)
    return sorted(merged.values(), key=lambda r: (not r["essential"], r["name"]))


# ---- delegations, statistics, imports ---------------------------------------------------------


def delegation_list(*, actor: Any, status: str = "") -> QuerySet[Delegation]:
    r = reach(actor)
    qs = Delegation.objects.filter(Q(jurisdiction_id__in=sorted(r.codes)) | Q(from_jurisdiction_id__in=sorted(r.codes)))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("item", "jurisdiction", "from_jurisdiction")


def delegation_get(*, actor: Any, pk: int | str) -> Delegation:
    try:
        return delegation_list(actor=actor).get(pk=int(pk))
    except (Delegation.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def catalog_stats(*, actor: Any, jurisdiction: str = "") -> dict[str, Any]:
    """Counts by type, department, delegation source and channel for the statistics page."""
    r = reach(actor)
    codes = [jurisdiction] if jurisdiction and jurisdiction in r.codes else sorted(r.codes)
    items = Item.objects.filter(jurisdiction_id__in=codes).exclude(status=ItemStatus.RETIRED)
    by_type = {
        row["item_type"]: row["n"] for row in items.values("item_type").annotate(n=Count("id")).order_by("item_type")
    }
    by_department = [
        (row["department_name"] or "—", row["n"])
        for row in items.values("department_name").annotate(n=Count("id")).order_by("-n", "department_name")
    ]
    channels = items.aggregate(**{c: Count("id", filter=Q(**{f: True})) for c, f in CHANNEL_FIELDS.items()})
    delegations = Delegation.objects.filter(jurisdiction_id__in=codes, status="active")
    by_source = [
        (row["from_department_name"], row["n"])
        for row in delegations.values("from_department_name").annotate(n=Count("id")).order_by("-n")
    ]
    by_mode = dict(Counter(delegations.values_list("mode", flat=True)))
    deleg_by_type = {
        row["item__item_type"]: row["n"]
        for row in delegations.values("item__item_type").annotate(n=Count("id")).order_by("item__item_type")
    }
    return {
        "total": sum(by_type.values()),
        "by_type": by_type,
        "by_type_labelled": [(code, str(ITEM_TYPE_SHORT.get(code, code)), n) for code, n in by_type.items()],
        "by_department": by_department,
        "by_channel": channels,
        "delegated_total": sum(n for _s, n in by_source),
        "delegated_by_source": by_source,
        "delegated_by_mode": by_mode,
        "delegated_by_type": deleg_by_type,
        "unassigned": items.filter(responsible_user__isnull=True).count(),
        "drafts": items.filter(dirty=True).count(),
    }


def type_counts(*, jurisdiction: str) -> dict[str, int]:
    rows = Item.objects.filter(jurisdiction_id=jurisdiction).values("item_type").annotate(n=Count("id"))
    return {r["item_type"]: r["n"] for r in rows.order_by("item_type")}


def import_job_get(*, actor: Any, pk: int | str) -> ImportJob:
    try:
        return ImportJob.objects.get(jurisdiction_id__in=sorted(reach(actor).codes), pk=int(pk))
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def departments_for(jurisdiction: str) -> QuerySet[Department]:
    return Department.objects.filter(jurisdiction_id=jurisdiction, active=True)


def staff_for(jurisdiction: str) -> QuerySet[User]:
    return User.objects.filter(grants__jurisdiction_id=jurisdiction).distinct().order_by("id")


def import_job_list(*, actor: Any) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(jurisdiction_id__in=sorted(reach(actor).codes)).select_related("created_by")[:20]


def item_delegations(item: Item) -> QuerySet[Delegation]:
    return Delegation.objects.filter(jurisdiction_id=item.jurisdiction_id, item=item).select_related(
        "from_jurisdiction"
    )
