"""Credit grade bench (issue 13): grade recomputation for ``--scale`` subjects next to the baseline, in the same run.

Workloads:
- ``recompute_all``: ``credit_grades_recompute_all(everyone=True)`` over every subject (one pass over the records in force,
  bulk ``.update()`` of ``Subject.credit_class``, bulk history) — the nightly job; each sample first clears the
  grades (untimed) so that every grade is written again. Reported per call (the whole population) and per subject.
- ``recompute_one``: ``credit_grade_recompute`` of one subject (what every record change does).
- ``grade_read``: ``credit_grade`` of one subject (what the effects read for every application).

Data: ``setup(ctx)`` creates ``ctx.scale`` enterprises (bulk) with 1–3 records each for 60 % of them (a mix of
positive, minor, general, serious and blacklist records).

    .venv/bin/python bench/credit_grades.py --scale 100000 --db sqlite -n 200
    .venv/bin/python bench/credit_grades.py --scale 100000 --db postgres \
        --pg-url postgresql://postgres@127.0.0.1:5432/township_bench_grades
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Context, Measurement, measure, timed  # noqa: E402

BAISHA = "500116108"
PREFIX = "基准分级主体"
RUNS_ALL = 3


def _subjects(scale: int) -> list[int]:
    from township.core.identifiers import uscc_check_char
    from township.subjects.models import Subject

    pool = Subject.objects.filter(name__startswith=PREFIX)
    have = pool.count()
    if have < scale:
        rows = []
        for i in range(have, scale):
            body = f"91500116MC{i:07d}"
            rows.append(
                Subject(
                    kind="org",
                    org_kind="enterprise",
                    uscc=body + uscc_check_char(body),
                    name=f"{PREFIX}{i}",
                    registered_in_id=BAISHA,
                )
            )
        Subject.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return list(pool.order_by("id").values_list("id", flat=True)[:scale])


def _records(subjects: list[int]) -> None:
    import datetime

    from django.utils import timezone

    from township.credit.models import CreditRecord
    from township.credit.periods import publication_for

    if CreditRecord.objects.filter(reason="基准分级记录").exists():
        return
    rng = random.Random(13)
    today = timezone.localdate()
    now = timezone.now()
    mix = [("positive", "", True)] * 3 + [("penalty", "minor", False)] * 3 + [("penalty", "general", False)] * 2
    mix += [("penalty", "serious", False), ("blacklist", "serious", False)]
    rows = []
    for pk in subjects:
        if rng.random() >= 0.6:
            continue
        for _ in range(rng.randint(1, 3)):
            kind, severity, positive = rng.choice(mix)
            start = today - datetime.timedelta(days=rng.randint(0, 500))
            pub = publication_for(severity, start) if severity else None
            rows.append(
                CreditRecord(
                    jurisdiction_id=BAISHA,
                    subject_id=pk,
                    kind=kind,
                    severity=severity,
                    positive=positive,
                    public=bool(pub and pub.public),
                    source="other",
                    reason="基准分级记录",
                    recorded_at=now,
                    valid_from=start,
                    valid_until=pub.max_until if pub else start + datetime.timedelta(days=365),
                    published_from=pub.start if pub else None,
                    min_until=pub.min_until if pub else None,
                    max_until=pub.max_until if pub else None,
                )
            )
        if len(rows) >= 5000:
            CreditRecord.objects.bulk_create(rows, batch_size=2000)
            rows = []
    CreditRecord.objects.bulk_create(rows, batch_size=2000)


def setup(ctx: Context) -> None:
    from township.org.demo import seed_jurisdictions

    seed_jurisdictions()
    with timed("subjects", ctx.out):
        subjects = _subjects(ctx.scale)
    with timed("records", ctx.out):
        _records(subjects)
    from township.credit.models import CreditRecord

    ctx.extra["subjects"] = subjects
    ctx.out(f"  {len(subjects):,} subjects; {CreditRecord.objects.filter(reason='基准分级记录').count():,} records")


def recompute_all(ctx: Context) -> dict[str, Measurement]:
    """The whole population per call; clearing the grades before each call is not timed."""
    import time

    from township.credit.models import CreditGradeHistory
    from township.credit.services import credit_grades_recompute_all
    from township.subjects.models import Subject

    samples: list[float] = []
    result: dict[str, int] = {}
    for _ in range(RUNS_ALL):
        CreditGradeHistory.objects.filter(subject__name__startswith=PREFIX).delete()
        Subject.objects.filter(name__startswith=PREFIX).update(credit_class="")
        t0 = time.perf_counter()
        result = credit_grades_recompute_all(everyone=True)
        samples.append(time.perf_counter() - t0)
        ctx.out(f"  recompute_all: {result['subjects']:,} subjects, {result['changed']:,} changed, {samples[-1]:.1f}s")
    n = max(result.get("subjects", 1), 1)
    best = min(samples)
    whole = Measurement(
        n=RUNS_ALL,
        p50_ms=sorted(samples)[len(samples) // 2] * 1000,
        p95_ms=max(samples) * 1000,
        mean_ms=sum(samples) / len(samples) * 1000,
        per_second=RUNS_ALL / sum(samples),
        note="whole population per call",
    )
    per_subject = Measurement(
        n=n,
        p50_ms=best * 1000 / n,
        p95_ms=max(samples) * 1000 / n,
        mean_ms=sum(samples) / len(samples) * 1000 / n,
        per_second=n / best,
        note="per subject (bulk)",
    )
    return {"recompute_all (whole)": whole, "recompute_all (per subject)": per_subject}


def recompute_one(ctx: Context) -> Measurement:
    from township.credit.services import credit_grade_recompute
    from township.subjects.models import Subject

    subjects = list(Subject.objects.filter(pk__in=ctx.extra["subjects"][: ctx.n * 10 : 10]))

    def call(i: int) -> None:
        credit_grade_recompute(subject=subjects[i % len(subjects)], jurisdiction=BAISHA)

    return measure(call, ctx.n, note="one subject, as on a record change")


def grade_read(ctx: Context) -> Measurement:
    from township.credit.selectors import credit_grade
    from township.subjects.models import Subject

    subjects = list(Subject.objects.filter(pk__in=ctx.extra["subjects"][: ctx.n * 10 : 10]))

    def call(i: int) -> None:
        credit_grade(subjects[i % len(subjects)])

    return measure(call, ctx.n, note="credit_grade (computed)")


WORKLOADS = {"recompute_all": recompute_all, "recompute_one": recompute_one, "grade_read": grade_read}


if __name__ == "__main__":
    import importlib

    import bench.run as runner

    sys.modules["bench.credit_grades_bench"] = importlib.import_module("bench.credit_grades")
    names = runner.available()
    runner.available = lambda: sorted({*names, "credit_grades"})
    sys.argv.insert(1, "credit_grades")
    sys.exit(runner.main())
