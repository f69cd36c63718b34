"""The contract others code against: periods per tier, computed grades, history, listing, overrides by two people."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from township.core.errors import DomainError, PermissionRefused
from township.credit import grading
from township.credit.models import CreditGradeHistory, CreditKind, CreditRecord, PublicationEnd
from township.credit.periods import add_months, publication_for
from township.credit.selectors import (
    credit_grade,
    credit_grade_reason,
    credit_is_listed,
    public_records,
)
from township.credit.services import (
    credit_grade_override_decide,
    credit_grade_override_propose,
    credit_publications_expire,
    credit_record_create,
    credit_record_repair,
)
from township.org.models import Role
from township.subjects.models import Subject
from township.subjects.services import subject_get_or_create_org

D = datetime.date


@pytest.fixture
def shop(town_a):
    return subject_get_or_create_org(uscc="92500116MA5U7G8H24", name="罗记土特产店", registered_in=town_a)


@pytest.fixture
def officer(make_user, town_a):
    return make_user((town_a, Role.CREDIT_OFFICER), username="credit_officer_t", full_name="信用管理员")


@pytest.fixture
def leader(make_user, town_a):
    return make_user((town_a, Role.LEADER), username="credit_leader_t", full_name="分管领导")


def test_minor_tier_not_published_and_at_most_three_months():
    p = publication_for("minor", D(2026, 4, 10))
    assert (p.start, p.min_until, p.max_until, p.public) == (D(2026, 4, 10), D(2026, 4, 10), D(2026, 7, 10), False)


def test_general_tier_three_months_to_one_year():
    p = publication_for("general", D(2026, 4, 10))
    assert (p.min_until, p.max_until, p.public) == (D(2026, 7, 10), D(2027, 4, 10), True)


def test_serious_tier_one_to_three_years():
    p = publication_for("serious", D(2026, 4, 10))
    assert (p.min_until, p.max_until) == (D(2027, 4, 10), D(2029, 4, 10))


def test_month_end_is_clamped():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2028, 2, 29), 12) == D(2029, 2, 28)


def test_unknown_severity_refused(shop, town_a, officer):
    with pytest.raises(DomainError) as exc:
        credit_record_create(
            subject=shop, kind=CreditKind.PENALTY, reason="x", actor=officer, jurisdiction=town_a, severity="huge"
        )
    assert exc.value.code == "invalid_severity"


def test_grade_rule_defaults():
    assert grading.compute_grade(grading.Counts()).grade == "B"
    assert grading.compute_grade(grading.Counts(positive=1)).grade == "A"
    assert grading.compute_grade(grading.Counts(minor=1)).grade == "B"
    assert grading.compute_grade(grading.Counts(general=1)).grade == "C"
    assert grading.compute_grade(grading.Counts(serious=1)).grade == "D"
    assert grading.compute_grade(grading.Counts(positive=5, listed=True)).grade == "D"


def test_grade_reason_in_the_request_language():
    """The reason is one sentence per language (gettext), not Chinese fragments glued together."""
    from django.utils import translation

    counts = grading.Counts(serious=1, minor=2, positive=1)
    with translation.override("zh-hans"):
        zh = grading.compute_grade(counts)
        assert (
            zh.reason
            == f"在公示期内有严重失信记录1条、轻微失信记录2条、守信记录1条，信用分{zh.score}，评为{zh.grade}类。"
        )
        assert grading.compute_grade(grading.Counts(listed=True)).reason.startswith("列入严重失信主体名单且未移出")
    with translation.override("en"):
        en = grading.compute_grade(counts)
        assert en.reason == (
            "Within their publication period: 1 serious untrustworthy record(s), 2 minor untrustworthy record(s), "
            f"1 trustworthy record(s); credit score {en.score}, grade {en.grade}."
        )
        assert "信用" not in grading.compute_grade(grading.Counts()).reason
        assert credit_grade_reason(None) == "No subject on record: grade B by the default rule."
    assert credit_grade_reason(None) == "无主体信息，按默认规则为B类。"


def test_grade_is_configurable_per_town(shop, town_a, officer):
    from township.credit.models import CreditGradeScheme

    credit_record_create(subject=shop, kind=CreditKind.PENALTY, reason="罚款", actor=officer, jurisdiction=town_a)
    assert credit_grade(shop) == "C"
    CreditGradeScheme.objects.create(jurisdiction=town_a, weight_general=5)
    assert credit_grade(shop) == "B"


def test_record_recomputes_grade_and_writes_history(shop, town_a, officer):
    assert credit_grade(shop) == "B"
    assert "默认" in credit_grade_reason(shop)
    r = credit_record_create(
        subject=shop,
        kind=CreditKind.PENALTY,
        reason="超范围经营",
        actor=officer,
        jurisdiction=town_a,
        severity="serious",
    )
    assert r.severity == "serious" and r.min_until and r.max_until and r.public
    shop.refresh_from_db()
    assert shop.credit_class == "D" == credit_grade(shop)
    assert "严重失信记录1条" in credit_grade_reason(shop)
    credit_record_repair(record=r, actor=officer, reason="已履行处罚决定并作出信用承诺")
    shop.refresh_from_db()
    assert shop.credit_class == "B"
    history = list(CreditGradeHistory.objects.filter(subject=shop).order_by("id"))
    assert [h.grade for h in history] == ["D", "B"]
    assert history[0].valid_to is not None and history[1].valid_to is None and history[1].previous == "D"


def test_positive_record_gives_a(shop, town_a, officer):
    credit_record_create(subject=shop, kind=CreditKind.POSITIVE, reason="诚信示范", actor=officer, jurisdiction=town_a)
    assert Subject.objects.get(pk=shop.pk).credit_class == "A"


def test_listed_until_removed(shop, town_a, officer):
    r = credit_record_create(
        subject=shop, kind=CreditKind.BLACKLIST, reason="列入名单", actor=officer, jurisdiction=town_a
    )
    assert r.severity == "serious"
    assert credit_is_listed(shop) and credit_grade(shop) == "D"
    from township.credit.services import credit_publication_end

    credit_publication_end(record=r, why=PublicationEnd.REMOVED, when=timezone.now() - datetime.timedelta(days=1))
    assert not credit_is_listed(shop)


def test_records_leave_public_view_by_themselves(shop, town_a, officer):
    start = timezone.localdate() - datetime.timedelta(days=400)
    r = credit_record_create(
        subject=shop, kind=CreditKind.PENALTY, reason="旧处罚", actor=officer, jurisdiction=town_a, valid_from=start
    )
    assert r.max_until < timezone.localdate()
    assert credit_publications_expire() == 1
    r.refresh_from_db()
    assert r.publication_end_reason == PublicationEnd.EXPIRED
    assert not public_records().filter(pk=r.pk).exists()
    assert credit_publications_expire() == 0


def test_timed_job_is_registered():
    from township.cases.timed import timed_jobs

    assert "credit.publications" in {job.name for job in timed_jobs()}


def test_override_needs_two_people_and_a_reason(shop, town_a, officer, leader):
    with pytest.raises(DomainError) as exc:
        credit_grade_override_propose(subject=shop, grade="A", reason=" ", actor=officer, jurisdiction=town_a)
    assert exc.value.code == "reason_required"
    with pytest.raises(PermissionRefused):
        credit_grade_override_propose(subject=shop, grade="A", reason="表彰", actor=leader, jurisdiction=town_a)
    o = credit_grade_override_propose(
        subject=shop, grade="A", reason="县级诚信表彰", actor=officer, jurisdiction=town_a
    )
    assert credit_grade(shop) == "B"  # a proposal changes nothing
    with pytest.raises(DomainError) as exc:
        credit_grade_override_decide(override=o, actor=officer, approve=True)
    assert exc.value.code == "override_same_person"
    credit_grade_override_decide(override=o, actor=leader, approve=True, note="同意")
    assert credit_grade(shop) == "A" and Subject.objects.get(pk=shop.pk).credit_class == "A"
    assert "人工调整" in credit_grade_reason(shop)
    with pytest.raises(DomainError) as exc:
        credit_grade_override_decide(override=o, actor=leader, approve=True)
    assert exc.value.code == "override_decided"


def test_old_signature_still_works(shop, town_a, approver_a):
    r = credit_record_create(
        subject=shop, kind="false_commitment", reason="虚假承诺", actor=approver_a, jurisdiction=town_a
    )
    assert r.severity == "general" and r.source == "commitment"
    assert CreditRecord.objects.filter(subject=shop).count() == 1


def test_bulk_recompute_matches_the_per_subject_rule(shop, town_a, officer):
    from township.credit.services import credit_grades_recompute_all

    other = subject_get_or_create_org(uscc="91500116MA60LWJ12B", name="白沙老街食品", registered_in=town_a)
    credit_record_create(subject=shop, kind=CreditKind.PENALTY, reason="罚款", actor=officer, jurisdiction=town_a)
    credit_record_create(subject=other, kind=CreditKind.POSITIVE, reason="示范", actor=officer, jurisdiction=town_a)
    Subject.objects.filter(pk__in=[shop.pk, other.pk]).update(credit_class="")  # drifted by hand
    result = credit_grades_recompute_all()
    assert result["subjects"] == 2 and result["changed"] == 0  # history already right; only credit_class restored
    assert dict(Subject.objects.filter(pk__in=[shop.pk, other.pk]).values_list("pk", "credit_class")) == {
        shop.pk: credit_grade(shop),
        other.pk: credit_grade(other),
    }
    CreditRecord.objects.filter(subject=shop).update(valid_until=D(2000, 1, 1))  # no longer in force
    assert credit_grades_recompute_all()["changed"] == 1
    assert Subject.objects.get(pk=shop.pk).credit_class == "B"
    assert CreditGradeHistory.objects.filter(subject=shop, valid_to__isnull=True).get().grade == "B"
