"""Catalog bench: search over N items (substring and pinyin initials) and the filtered item list, p95 latency.

Contract of bench/common.py: ``setup(ctx)`` tops a bench town up to ``ctx.scale`` items (bulk insert,
idempotent); ``WORKLOADS`` time the real endpoints through Django's test client (API search, staff list
page with filters, public guide search) and the selector alone. ``bench/run.py catalog`` runs them next to
the baseline. ``run(n_items=10000) -> dict`` does the same without run.py and returns p50/p95 per workload.
"""

from __future__ import annotations

import random
import time
from typing import Any

from bench.common import Context, Measurement, measure

BENCH_TOWN = "990000001"
BENCH_COUNTY = "990000"


def _names(n: int) -> list[tuple[str, str, str]]:
    from township.catalog import demo

    pools = {
        "01": demo.LICENSING_BAISHA,
        "02": demo.PENALTY_SUNING,
        "07": demo.CONFIRMATION_POOL,
        "05": demo.BENEFIT_POOL,
        "20": demo.PUBLIC_SERVICES_BAISHA + [f"{s}{a}" for s in demo.SOCIAL_SUBJECTS for a in demo.SOCIAL_ACTIONS],
        "10": demo.OTHER_POOL,
    }
    departments = ["行政审批局", "综合行政执法局", "社会事务局", "农业农村服务局", "规划建设管理局", "经济发展局"]
    rng = random.Random(20261122)
    out = []
    for i in range(n):
        item_type = rng.choice(list(pools))
        name = f"{rng.choice(pools[item_type])}（{i:05d}）"
        out.append((item_type, name, rng.choice(departments)))
    return out


def _bench_user() -> Any:
    from township.org.models import DataScope, Role, RoleGrant, User

    user, _ = User.objects.get_or_create(username="catalog_bench", defaults={"full_name": "基准测试"})
    RoleGrant.objects.get_or_create(
        user=user,
        jurisdiction_id=BENCH_TOWN,
        role=Role.APPROVAL_HEAD,
        department=None,
        defaults={"data_scope": DataScope.UNIT},
    )
    return user


def setup(ctx: Context) -> None:
    """A bench town (990000001, not a real division) with ``ctx.scale`` items; existing rows are kept."""
    from township.catalog.models import Item, ItemStatus
    from township.catalog.pinyin import initials
    from township.org.models import Jurisdiction, Level

    county, _ = Jurisdiction.objects.get_or_create(
        code=BENCH_COUNTY, defaults={"name": "基准测试县", "level": Level.COUNTY}
    )
    Jurisdiction.objects.get_or_create(
        code=BENCH_TOWN, defaults={"name": "基准测试镇", "level": Level.TOWN, "parent": county}
    )
    _bench_user()
    have = Item.objects.filter(jurisdiction_id=BENCH_TOWN).count()
    if have >= ctx.scale:
        ctx.out(f"  {have:,} bench items present (scale {ctx.scale:,})")
        return
    ctx.out(f"  generating {ctx.scale - have:,} bench items")
    names = _names(ctx.scale)[have:]
    rows = [
        Item(
            jurisdiction_id=BENCH_TOWN,
            name=name,
            name_initials=initials(name),
            implementation_code=f"BENCH-{i:07d}",
            item_type=item_type,
            department_name=dept,
            status=ItemStatus.PUBLISHED if i % 10 else ItemStatus.DRAFT,
            channel_online=bool(i % 3),
            promised_limit=5,
        )
        for i, (item_type, name, dept) in enumerate(names, start=have)
    ]
    Item.objects.bulk_create(rows, batch_size=1000)


def _get(client: Any, url: str, params: dict[str, str]) -> Any:
    def call(_i: int) -> None:
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code

    return call


def api_search(ctx: Context) -> dict[str, Measurement]:
    client = ctx.client(_bench_user())
    url = "/api/v1/catalog/items"
    return {
        "catalog API search substring": measure(_get(client, url, {"q": "营业执照"}), ctx.n),
        "catalog API search pinyin initials": measure(_get(client, url, {"q": "spjyxk"}), ctx.n),
        "catalog API search no hit": measure(_get(client, url, {"q": "不存在的事项"}), ctx.n),
    }


def staff_list(ctx: Context) -> dict[str, Measurement]:
    client = ctx.client(_bench_user())
    url = "/catalog/"
    return {
        "catalog list page, no filter": measure(_get(client, url, {}), ctx.n),
        "catalog list page, type+dept+status": measure(
            _get(client, url, {"item_type": "01", "department": "行政审批局", "status": "published"}), ctx.n
        ),
        "catalog list page, search + page 5": measure(_get(client, url, {"q": "登记", "page": "5"}), ctx.n),
    }


def public_search(ctx: Context) -> Measurement:
    client = ctx.client()
    return measure(_get(client, "/guide/", {"q": "yyzz", "j": BENCH_TOWN}), ctx.n, note="portal, no login")


def selector_search(ctx: Context) -> Measurement:
    from township.catalog import selectors
    from township.org.scoping import clear_cache

    user = _bench_user()

    def call(_i: int) -> None:
        clear_cache(user)
        qs = selectors.item_list(actor=user, q="营业执照")
        qs.count()
        list(qs[:20])

    return measure(call, ctx.n, note="selector only: count + first page")


WORKLOADS = {
    "api_search": api_search,
    "staff_list": staff_list,
    "public_search": public_search,
    "selector_search": selector_search,
}


def run(n_items: int = 10000, n: int = 50) -> dict[str, Any]:
    """Set up ``n_items`` items and return {workload: {"p50_ms", "p95_ms"}} (Django must be set up)."""
    ctx = Context(scale=n_items, db="current", n=n, out=lambda _s: None)
    t0 = time.perf_counter()
    setup(ctx)
    out: dict[str, Any] = {"n_items": n_items, "setup_s": round(time.perf_counter() - t0, 2)}
    for fn in WORKLOADS.values():
        result = fn(ctx)
        items = result.items() if isinstance(result, dict) else [(fn.__name__, result)]
        for name, m in items:
            out[name] = {"p50_ms": round(m.p50_ms, 2), "p95_ms": round(m.p95_ms, 2)}
    return out
