"""案卷评查: a seeded draw of closed files and reviewers that reproduces from its seed; reviewers never score files
they worked on; scores, grades and rectification."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from township.cases.models import Case
from township.cases.services import case_open
from township.command.errors import CommandError
from township.command.models import FileReviewItem, FileReviewPlan
from township.command.review import review_plan_create, review_rectified, review_score, review_verify
from township.org.models import Role

pytestmark = pytest.mark.django_db

FULL = {"subject": 10, "facts": 25, "law": 20, "procedure": 25, "discretion": 10, "documents": 10}


@pytest.fixture
def reviewers(make_user, town_a):
    return [make_user((town_a, Role.LEGAL_REVIEWER), username=f"legal{i}", full_name=f"法制{i}") for i in range(4)]


@pytest.fixture
def closed_files(town_a, clerk_a, reviewers):
    cases = []
    for i in range(12):
        # the first reviewer worked on every even file: they may never review those
        actor = reviewers[0] if i % 2 == 0 else clerk_a
        case = case_open(case_type="toy", jurisdiction=town_a, actor=actor, title=f"案卷{i}")
        closed = timezone.make_aware(datetime(2026, 11, 3 + i, 10))
        Case.objects.filter(pk=case.pk).update(state="done", closed_at=closed, clock_stopped_at=closed)
        cases.append(case)
    return cases


def _plan(leader, town, seed="公开种子-2026-11", count=5, per_file=2):
    return review_plan_create(
        actor=leader,
        jurisdiction=town,
        title="2026年11月执法案卷评查",
        case_type="toy",
        closed_from=date(2026, 11, 1),
        closed_to=date(2026, 11, 30),
        count=count,
        reviewers_per_file=per_file,
        seed=seed,
    )


def _drawn(plan):
    return [(i.case_id, sorted(u.pk for u in i.reviewers.all())) for i in plan.items.order_by("case_id")]


def test_same_seed_same_files_and_reviewers_and_it_verifies(leader_a, town_a, closed_files, reviewers):
    first = _plan(leader_a, town_a)
    second = _plan(leader_a, town_a)
    assert len(_drawn(first)) == 5 and _drawn(first) == _drawn(second)
    assert review_verify(first) == (True, [])
    third = _plan(leader_a, town_a, seed="另一个种子")
    assert _drawn(third) != _drawn(first)


def test_tampering_is_detected(leader_a, town_a, closed_files, reviewers):
    plan = _plan(leader_a, town_a)
    item = plan.items.first()
    other = next(c for c in closed_files if not plan.items.filter(case=c).exists())
    FileReviewItem.objects.filter(pk=item.pk).update(case=other)
    ok, problems = review_verify(plan)
    assert not ok and problems


def test_nobody_reviews_a_file_they_worked_on(leader_a, town_a, closed_files, reviewers):
    plan = _plan(leader_a, town_a, count=12)
    worked = {c.pk for i, c in enumerate(closed_files) if i % 2 == 0}
    for case_id, who in _drawn(plan):
        assert not (case_id in worked and reviewers[0].pk in who)


def test_score_grade_and_rectification(leader_a, town_a, closed_files, reviewers):
    plan = _plan(leader_a, town_a, per_file=1)
    item = plan.items.first()
    reviewer = item.reviewers.first()
    outsider = next(r for r in reviewers if r != reviewer)
    with pytest.raises(CommandError) as e:
        review_score(item=item, actor=outsider, scores=FULL, findings="")
    assert e.value.code == "review_not_reviewer"
    with pytest.raises(CommandError) as e:
        review_score(item=item, actor=reviewer, scores={**FULL, "facts": 26}, findings="")
    assert e.value.code == "review_score_invalid"
    with pytest.raises(CommandError) as e:
        review_score(item=item, actor=reviewer, scores={**FULL, "facts": 5, "procedure": 5}, findings="")
    assert e.value.code == "review_findings_required"  # 60 < 75: 不合格 needs findings
    item = review_score(
        item=item, actor=reviewer, scores={**FULL, "facts": 5, "procedure": 5}, findings="证据不足，送达程序缺失"
    )
    assert item.total == 60 and item.rectification_required
    item = review_rectified(item=item, actor=leader_a, note="已补充证据并重新送达")
    assert item.rectified_at is not None
    with pytest.raises(CommandError):
        review_rectified(item=item, actor=leader_a, note="再次")


def test_refusals(leader_a, clerk_a, town_a, closed_files, reviewers):
    with pytest.raises(CommandError) as e:
        _plan(clerk_a, town_a)
    assert e.value.code == "review_role_required"
    with pytest.raises(CommandError) as e:
        review_plan_create(
            actor=leader_a,
            jurisdiction=town_a,
            title="",
            case_type="toy",
            closed_from=date(2025, 1, 1),
            closed_to=date(2025, 1, 31),
            count=3,
        )
    assert e.value.code == "review_pool_empty"
    with pytest.raises(CommandError) as e:
        _plan(leader_a, town_a, per_file=4, count=12)  # 4 per file, but the first reviewer worked on even files
    assert e.value.code == "review_params_invalid"  # at most 3 per file
    reviewers[1].grants.all().delete()
    with pytest.raises(CommandError) as e:
        _plan(leader_a, town_a, per_file=3, count=12)  # 2 free reviewers on even files: not enough for 3
    assert e.value.code == "review_reviewers_insufficient"
    assert not FileReviewPlan.objects.exists()


def test_pages(client, leader_a, town_a, closed_files, reviewers, town_b, make_user):
    client.force_login(leader_a)
    r = client.post(
        "/command/reviews/",
        {
            "unit": town_a.code,
            "title": "十一月评查",
            "case_type": "toy",
            "closed_from": "2026-11-01",
            "closed_to": "2026-11-30",
            "count": 3,
            "reviewers_per_file": 1,
            "seed": "abc",
        },
    )
    assert r.status_code == 302
    plan = FileReviewPlan.objects.get()
    html = client.get(f"/command/reviews/{plan.pk}/").content.decode()
    assert "抽取结果已复核一致" in html and "abc" in html
    item = plan.items.first()
    reviewer = item.reviewers.first()
    client.force_login(reviewer)
    data = {f"score_{k}": v for k, v in FULL.items()} | {"findings": "规范"}
    assert client.post(f"/command/reviews/items/{item.pk}/score/", data).status_code == 302
    item.refresh_from_db()
    assert item.total == 100 and not item.rectification_required
    client.force_login(make_user((town_b, Role.LEADER), username="lb"))
    assert client.get(f"/command/reviews/{plan.pk}/").status_code == 404
    assert timezone.now() - plan.created_at < timedelta(minutes=5)


def test_api(client, leader_a, town_a, closed_files, reviewers):
    client.force_login(leader_a)
    body = {
        "unit": town_a.code,
        "case_type": "toy",
        "closed_from": "2026-11-01",
        "closed_to": "2026-11-30",
        "count": 4,
        "seed": "s1",
    }
    r = client.post("/api/v1/command/reviews", body, content_type="application/json")
    assert r.status_code == 201, r.content
    plan = r.json()
    assert plan["verified"] and len(plan["items"]) == 4
    again = client.post("/api/v1/command/reviews", body, content_type="application/json").json()
    assert [i["case_id"] for i in again["items"]] == [i["case_id"] for i in plan["items"]]
    empty = client.post(
        "/api/v1/command/reviews",
        body | {"closed_from": "2025-01-01", "closed_to": "2025-01-02"},
        content_type="application/json",
    )
    assert empty.status_code == 400 and empty.json()["code"] == "review_pool_empty"
    item = FileReviewItem.objects.get(pk=plan["items"][0]["id"])
    client.force_login(item.reviewers.first())
    r = client.post(f"/api/v1/command/reviews/items/{item.pk}/score", {"scores": FULL}, content_type="application/json")
    assert r.status_code == 200 and r.json()["grade"] == "优秀"
