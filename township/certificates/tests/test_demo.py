"""The demo data of subjects and certificates loads, twice (idempotent), with working certificates. (The credit
demo is tested by the credit app: certificates does not import credit, which builds on it.)"""

from __future__ import annotations

import datetime
import io

from township.certificates import demo as certificates_demo
from township.certificates.models import Certificate
from township.certificates.selectors import certificate_verify
from township.core import demo as core_demo
from township.subjects import demo as subjects_demo
from township.subjects.models import Subject
from township.subjects.selectors import subject_find

JUNE = datetime.date(2026, 6, 1)


def test_demo_seeds_idempotently(db):
    out = io.StringIO()
    for _ in range(2):
        core_demo.seed(out)
        subjects_demo.seed(out)
        certificates_demo.seed(out)
    assert Subject.objects.count() == 8
    assert sorted(Subject.objects.exclude(credit_class="").values_list("credit_class", flat=True)) == list("ABBCD")
    luo = subject_find(subjects_demo.LUO_RESIDENT_ID)
    assert luo.name == "罗晓梅" and luo.gender == "female"
    statuses = sorted(certificate_verify(c.identifier, on=JUNE)["status"] for c in Certificate.objects.all())
    assert statuses == ["revoked", "valid"]
    assert luo.library_items.count() == 1
