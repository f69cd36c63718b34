"""The demo data of subjects, credit and certificates loads, twice (idempotent), with working certificates."""

from __future__ import annotations

import datetime
import io

from township.certificates import demo as certificates_demo
from township.certificates.models import Certificate
from township.certificates.selectors import certificate_verify
from township.core import demo as core_demo
from township.credit import demo as credit_demo
from township.credit.selectors import credit_has_false_commitment, credit_is_blacklisted
from township.subjects import demo as subjects_demo
from township.subjects.models import Subject
from township.subjects.selectors import subject_find

JUNE = datetime.date(2026, 6, 1)


def test_demo_seeds_idempotently(db):
    out = io.StringIO()
    for _ in range(2):
        core_demo.seed(out)
        subjects_demo.seed(out)
        credit_demo.seed(out)
        certificates_demo.seed(out)
    assert Subject.objects.count() == 8
    assert sorted(Subject.objects.exclude(credit_class="").values_list("credit_class", flat=True)) == list("ABBCD")
    luo = subject_find(subjects_demo.LUO_RESIDENT_ID)
    assert luo.name == "罗晓梅" and luo.gender == "female"
    assert credit_is_blacklisted(subject_find("91500116MA5YQ7N61J"), on=JUNE)
    assert credit_has_false_commitment(subject_find("92500116MA5U7G8H24"), on=JUNE)
    statuses = sorted(certificate_verify(c.identifier, on=JUNE)["status"] for c in Certificate.objects.all())
    assert statuses == ["revoked", "valid"]
    assert luo.library_items.count() == 1
