"""Credit effects bench (issue 13): the effect check on an application next to the baseline, in the same run.

The effect check is what approval does for every application page, API call and acceptance: read the applicant's
computed grade, list status and flags from the credit core (``credit_effects.credit_standing``), then derive every
effect with its reason (绿色通道, 容缺/告知承诺 refused, the post-approval check intensity: ``effects_for``).

Data: ``setup(ctx)`` writes ``ctx.scale`` credit records (bulk) over a pool of 2,000 subjects (each subject carries
``scale / 2000`` records on average, a mix of positive and minor/general/serious negatives), and files 50 food
permit applications in 白沙镇 through the services for subjects of the pool.

    .venv/bin/python bench/credit_effects.py --scale 100000 --db postgres \
        --pg-url postgresql://postgres@127.0.0.1:5432/township_bench_credit
    .venv/bin/python bench/credit_effects.py --scale 10000 --db sqlite -n 300

(the module also follows the workload contract of bench/common.py; ``bench/run.py`` is reused for the run).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Context, Measurement, measure  # noqa: E402

BAISHA = "500116108"
SUBJECTS = 2000
APPLICATIONS = 50


def _records(scale: int, subjects: list[int]) -> None:
    import datetime

    from django.utils import timezone

    from township.credit.models import CreditRecord

    have = CreditRecord.objects.filter(reason__startswith="基准").count()
    if have >= scale:
        return
    rng = random.Random(13)
    today = timezone.localdate()
    now = timezone.now()
    kinds = [("positive", "", True)] * 5 + [("penalty", "minor", False)] * 3
    kinds += [("penalty", "general", False), ("false_commitment", "serious", False)]
    rows = []
    for _i in range(scale - have):
        kind, severity, positive = rng.choice(kinds)
        start = today - datetime.timedelta(days=rng.randint(0, 700))
        rows.append(
            CreditRecord(
                jurisdiction_id=BAISHA,
                subject_id=rng.choice(subjects),
                kind=kind,
                severity=severity,
                positive=positive,
                reason="基准信用记录",
                recorded_at=now,
                valid_from=start,
                valid_until=None
                if positive
                else start + datetime.timedelta(days=365 * (3 if severity == "serious" else 1)),
            )
        )
    CreditRecord.objects.bulk_create(rows, batch_size=2000)


def _subjects() -> list[int]:
    """A pool of enterprises (USCC)."""
    from township.core.identifiers import uscc_check_char
    from township.subjects.models import Subject

    pool = Subject.objects.filter(name__startswith="基准信用主体")
    have = set(pool.values_list("uscc", flat=True))
    for i in range(SUBJECTS):  # saved one by one: the model computes its blind indexes on save
        body = f"91500116MB{i:07d}"
        code = body + uscc_check_char(body)
        if code not in have:
            Subject(kind="org", org_kind="enterprise", uscc=code, name=f"基准信用主体{i}").save()
    return list(pool.order_by("id").values_list("id", flat=True)[:SUBJECTS])


def setup(ctx: Context) -> None:
    from bench.approval_bench import _catalog, _staff
    from township.approval import services as svc
    from township.approval.models import Application
    from township.approval.testing import ensure_holidays
    from township.org.demo import seed_jurisdictions

    seed_jurisdictions()
    ensure_holidays()
    clerk = _staff("bench_clerk", "window_clerk", "基准窗口")
    catalog = _catalog()
    subjects = _subjects()
    _records(ctx.scale, subjects)
    from township.subjects.models import Subject

    apps = list(
        Application.objects.filter(jurisdiction_id=BAISHA, item=catalog["food"], applicant_id__in=subjects)
        .order_by("id")
        .values_list("id", flat=True)[:APPLICATIONS]
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    for pk in subjects[len(apps) : APPLICATIONS]:
        pdf = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        app = svc.application_submit(
            actor=clerk,
            item=catalog["food"],
            applicant=Subject.objects.get(pk=pk),
            channel="window",
            uploads={"sfz": pdf, "yyzz": SimpleUploadedFile("y.pdf", b"%PDF-1.4\n%%EOF\n")},
        )
        apps.append(app.pk)
    ctx.extra["clerk"] = clerk
    ctx.extra["apps"] = apps
    ctx.out(f"  {len(apps)} applications; credit records {ctx.scale:,} over {len(subjects):,} subjects")


def effect_check_service(ctx: Context) -> Measurement:
    """The effect check through the selector (no HTTP): grade, list, flags and every effect with its reason."""
    from township.approval.models import Application
    from township.approval.selectors import application_credit_effects

    apps = list(Application.objects.filter(pk__in=ctx.extra["apps"]).select_related("applicant", "item_version"))

    def call(i: int) -> None:
        application_credit_effects(apps[i % len(apps)])

    return measure(call, ctx.n, note="selector: credit_standing + effects_for")


def effect_check_api(ctx: Context) -> Measurement:
    """``GET /api/v1/approval/applications/{pk}/credit-effects`` as the clerk (same middleware as the baseline)."""
    client = ctx.client(ctx.extra["clerk"])
    apps = ctx.extra["apps"]

    def call(i: int) -> None:
        response = client.get(f"/api/v1/approval/applications/{apps[i % len(apps)]}/credit-effects")
        assert response.status_code == 200, response.content

    return measure(call, ctx.n, note="API: scope + effect check + JSON")


WORKLOADS = {"effect_check_service": effect_check_service, "effect_check_api": effect_check_api}


if __name__ == "__main__":
    import importlib

    import bench.run as runner

    sys.modules["bench.credit_effects_bench"] = importlib.import_module("bench.credit_effects")
    names = runner.available()
    runner.available = lambda: sorted({*names, "credit_effects"})  # type: ignore[assignment]
    sys.argv.insert(1, "credit_effects")
    sys.exit(runner.main())
