"""Case-engine bench: N cases spread over towns and states, then transition throughput and workbench latency.

Data: ``setup(ctx)`` tops the bench database up to ``ctx.scale`` cases of the bench machine below,
spread over every town of the bundled divisions (白沙镇 gets 10 %, as the busiest town), in states
new 20 % / working 40 % / waiting 10 % / done 30 %, each with a correct hash-chained timeline
(open, accept, ask, decide events as the state requires). Rows are written with ``bulk_create`` per
jurisdiction (the Citus rule: never rely on returned ids across jurisdictions); case ids are reserved
up front so each event's hash can include its case id.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from bench.common import Context, Measurement, measure, timed

BENCH = "bench"
STATE_MIX = [("new", 20), ("working", 40), ("waiting", 10), ("done", 30)]
BAISHA = "500116108"
BATCH = 5000


def bench_machine() -> Any:
    from township.cases.machine import OWNER, Clock, Machine, State, Transition
    from township.org.models import Role

    return Machine(
        case_type=BENCH,
        label="基准案件",
        number_prefix="基",
        initial="new",
        states=[
            State("new", "新建"),
            State("working", "办理中"),
            State("waiting", "等待补正"),
            State("done", "已办结", terminal=True),
        ],
        transitions=[
            Transition("bench_accept", "受理", ("new",), "working", (Role.WINDOW_CLERK,), clock=Clock.START),
            Transition(
                "bench_ask",
                "补正",
                ("working",),
                "waiting",
                (Role.WINDOW_CLERK,),
                clock=Clock.PAUSE,
                pause_reason="supplement",
            ),
            Transition(
                "bench_supply", "已补正", ("waiting",), "working", (Role.WINDOW_CLERK, OWNER), clock=Clock.RESUME
            ),
            Transition("bench_decide", "办结", ("working",), "done", (Role.APPROVER,), clock=Clock.STOP),
        ],
    )


def register_machine() -> None:
    from township.cases.registry import register
    from township.cases.types import find_case_type

    if find_case_type(BENCH) is None:
        register(bench_machine())


# --- data generator ----------------------------------------------------------------------------


def _reserve_ids(n: int) -> list[int]:
    from django.db import connection

    from township.cases.models import Case

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('cases_case', 'id')) FROM generate_series(1, %s)", [n]
            )
            return [row[0] for row in cursor.fetchall()]
    start = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    return list(range(start, start + n))


def _events_for(case: Any, rng: random.Random) -> list[Any]:
    from township.cases.hashing import chain_hash, event_content
    from township.cases.models import CaseEvent

    steps = [("open", "open", "", "new")]
    if case.state in ("working", "waiting", "done"):
        steps.append(("transition", "bench_accept", "new", "working"))
    if case.state == "waiting":
        steps.append(("transition", "bench_ask", "working", "waiting"))
    if case.state == "done":
        steps.append(("transition", "bench_decide", "working", "done"))
    events = []
    prev = ""
    at = case.opened_at
    for seq, (kind, name, src, dst) in enumerate(steps, start=1):
        content = event_content(
            case_id=case.pk,
            seq=seq,
            kind=kind,
            name=name,
            from_state=src,
            to_state=dst,
            actor_id=None,
            at=at,
            data={},
            comment="",
            jurisdiction_id=case.jurisdiction_id,
        )
        digest = chain_hash(prev, content)
        events.append(
            CaseEvent(
                case_id=case.pk,
                jurisdiction_id=case.jurisdiction_id,
                seq=seq,
                kind=kind,
                name=name,
                label=name,
                from_state=src,
                to_state=dst,
                at=at,
                data={},
                prev_hash=prev,
                hash=digest,
            )
        )
        prev = digest
        at = at + timedelta(hours=rng.randint(1, 48))
    case.head_seq = len(steps)
    case.head_hash = prev
    case.version = len(steps)
    return events


def generate(
    n: int,
    *,
    towns: list[str],
    villages: dict[str, list[str]],
    out: Any,
    seed: int = 7,
    state_mix: list[tuple[str, int]] | None = None,
) -> None:
    """Create ``n`` more bench cases: 10 % in 白沙镇 (when it is one of ``towns``), the rest evenly over the
    others; states drawn from ``state_mix`` (default ``STATE_MIX``)."""
    from django.db import transaction
    from django.utils import timezone

    from township.cases.models import Case, CaseCounter, CaseEvent

    rng = random.Random(seed + n)
    now = timezone.now()
    others = [t for t in towns if t != BAISHA]
    share = {BAISHA: n // 10} if BAISHA in towns else {}
    rest = n - share.get(BAISHA, 0)
    for i, town in enumerate(others):
        share[town] = rest // len(others) + (1 if i < rest % len(others) else 0)
    states = [s for s, w in (state_mix or STATE_MIX) for _ in range(w)]
    year = timezone.localtime(now).year
    done = 0
    for town, count in share.items():
        counter, _ = CaseCounter.objects.get_or_create(jurisdiction_id=town, case_type=BENCH, year=year)
        short = town[-3:]
        start_no = counter.last
        for offset in range(0, count, BATCH):
            size = min(BATCH, count - offset)
            ids = _reserve_ids(size)
            cases, events = [], []
            for k, pk in enumerate(ids):
                state = rng.choice(states)
                opened = now - timedelta(days=rng.uniform(0, 60))
                due = opened + timedelta(days=28, hours=rng.randint(0, 240))
                case = Case(
                    pk=pk,
                    case_type=BENCH,
                    jurisdiction_id=town,
                    village_id=rng.choice(villages[town]) if villages.get(town) and rng.random() < 0.5 else None,
                    number=f"{short}基〔{year}〕{start_no + offset + k + 1:07d}",
                    title=f"基准案件 {pk}",
                    state=state,
                    opened_at=opened,
                    clock_unit="working_days" if state != "new" else "",
                    clock_limit=20 if state != "new" else None,
                    clock_started_at=opened if state != "new" else None,
                    due_at=due if state != "new" else None,
                    yellow_at=due - timedelta(days=8) if state != "new" else None,
                    red_at=due - timedelta(days=3) if state != "new" else None,
                    clock_paused_at=opened + timedelta(days=2) if state == "waiting" else None,
                    clock_stopped_at=opened + timedelta(days=10) if state == "done" else None,
                    closed_at=opened + timedelta(days=10) if state == "done" else None,
                )
                events.extend(_events_for(case, rng))
                cases.append(case)
            with transaction.atomic():
                _insert(Case, cases, now)
                _insert(CaseEvent, events, now)
            done += size
            if done // 50000 != (done - size) // 50000:
                out(f"    {done:,}/{n:,} cases")
        CaseCounter.objects.filter(pk=counter.pk).update(last=start_no + count)


def _insert(model: Any, objs: list[Any], now: Any) -> None:
    """bulk_create, or PostgreSQL COPY (several times faster) for the generator's volumes."""
    import json

    from django.db import connection, models

    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=BATCH)
        return
    first = objs[0]
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and getattr(first, f.attname) is None)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    auto_now = {f.attname for f in fields if getattr(f, "auto_now", False)}
    raw = connection.connection  # the psycopg connection inside Django's transaction
    with raw.cursor().copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            row = []
            for f in fields:
                value = now if f.attname in auto_now else getattr(obj, f.attname)
                row.append(json.dumps(value) if f.attname in json_fields else value)
            copy.write_row(row)


def setup(ctx: Context) -> None:
    from township.cases.models import Case
    from township.core.demo import seed as seed_org
    from township.org.models import Jurisdiction, Level

    register_machine()
    seed_org(_Quiet())
    towns = list(Jurisdiction.objects.filter(level=Level.TOWN).order_by("code").values_list("code", flat=True))
    villages: dict[str, list[str]] = {}
    for code, parent in Jurisdiction.objects.filter(level=Level.VILLAGE).values_list("code", "parent_id"):
        villages.setdefault(parent, []).append(code)
    have = Case.objects.filter(case_type=BENCH).count()
    if have < ctx.scale:
        ctx.out(f"  generating {ctx.scale - have:,} bench cases over {len(towns)} towns ({have:,} present)")
        with timed("generated", ctx.out):
            generate(ctx.scale - have, towns=towns, villages=villages, out=ctx.out)
    else:
        ctx.out(f"  {have:,} bench cases present (scale {ctx.scale:,})")
    _analyze()
    ctx.extra["clerk"] = _bench_user("bench_clerk", "window_clerk")


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _bench_user(username: str, role: str) -> Any:
    from township.org.models import RoleGrant, User

    user, created = User.objects.get_or_create(username=username, defaults={"full_name": "基准窗口"})
    RoleGrant.objects.get_or_create(user=user, jurisdiction_id=BAISHA, role=role)
    return user


class _Quiet:
    def write(self, *_a: Any, **_k: Any) -> None:
        pass


# --- workloads ---------------------------------------------------------------------------------


def _new_case_ids(n: int) -> list[int]:
    from township.cases.models import Case

    ids = list(
        Case.objects.filter(jurisdiction_id=BAISHA, case_type=BENCH, state="new")
        .order_by("id")
        .values_list("id", flat=True)[: n + 20]
    )
    if len(ids) < n + 10:
        raise SystemExit("not enough new bench cases left in 白沙镇: re-run with a larger --scale")
    return ids


def transition_api(ctx: Context) -> Measurement:
    """POST /api/v1/cases/{id}/transitions (受理: new → working, starts the clock) as a window clerk."""
    client = ctx.client(ctx.extra["clerk"])
    ids = iter(_new_case_ids(ctx.n + 5))

    def fire(_i: int) -> None:
        response = client.post(
            f"/api/v1/cases/{next(ids)}/transitions", {"name": "bench_accept"}, content_type="application/json"
        )
        assert response.status_code == 200, response.content[:300]

    return measure(fire, ctx.n, note="API, one transition per request")


def transition_service(ctx: Context) -> Measurement:
    """cases.services.case_transition directly (no HTTP): the engine's own cost."""
    from township.cases.models import Case
    from township.cases.services import case_transition

    clerk = ctx.extra["clerk"]
    ids = iter(_new_case_ids(ctx.n + 5))

    def fire(_i: int) -> None:
        case = Case.objects.get(pk=next(ids))
        case_transition(case=case, name="bench_accept", actor=clerk)

    return measure(fire, ctx.n, note="service call")


def workbench_api(ctx: Context) -> dict[str, Measurement]:
    """GET /api/v1/cases/workbench: first page, and the next page through the keyset cursor."""
    client = ctx.client(ctx.extra["clerk"])
    first = client.get("/api/v1/cases/workbench?limit=20").json()
    cursor = first.get("next_cursor")
    assert first["items"], "the bench clerk has an empty workbench"

    def page1(_i: int) -> None:
        assert client.get("/api/v1/cases/workbench?limit=20").status_code == 200

    def page2(_i: int) -> None:
        assert client.get(f"/api/v1/cases/workbench?limit=20&cursor={cursor}").status_code == 200

    def overdue(_i: int) -> None:
        assert client.get("/api/v1/cases/workbench?limit=20&warning=overdue").status_code == 200

    return {
        "workbench API page 1": measure(page1, ctx.n),
        "workbench API page 2 (cursor)": measure(page2, ctx.n),
        "workbench API overdue filter": measure(overdue, ctx.n),
    }


def workbench_html(ctx: Context) -> Measurement:
    """GET / (我的待办, the HTML page) as the window clerk."""
    client = ctx.client(ctx.extra["clerk"])

    def page(_i: int) -> None:
        assert client.get("/").status_code == 200

    return measure(page, ctx.n)


WORKLOADS = {
    "transition (API)": transition_api,
    "transition (service)": transition_service,
    "workbench (API)": workbench_api,
    "workbench (HTML)": workbench_html,
}
