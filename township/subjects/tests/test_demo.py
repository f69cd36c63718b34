"""The registry's demo: window and village-agent registrations and one merged duplicate, idempotent."""

from __future__ import annotations

import io

from township.core import demo as core_demo
from township.subjects import demo
from township.subjects.models import RegistrationChannel, Subject, SubjectCorrection
from township.subjects.selectors import subject_by_resident_id, subject_find


def test_demo_registers_and_merges_once(db):
    out = io.StringIO()
    for _ in range(2):
        core_demo.seed(out)
        demo.seed(out)
        demo.finish(out)
    assert Subject.objects.count() == 12
    assert subject_find(demo.WALK_IN[0]).registration_channel == RegistrationChannel.WINDOW
    agent_made = subject_find(demo.AGENT_RESIDENT[0])
    assert agent_made.registration_channel == RegistrationChannel.VILLAGE_AGENT
    assert agent_made.presences.filter(village_id=demo.DEMO_VILLAGE).exists()
    wrong = subject_by_resident_id(demo.DUPLICATE_WRONG[0])
    assert wrong.merged_into == subject_find(demo.DUPLICATE_RIGHT[0])
    assert SubjectCorrection.objects.count() == 1
