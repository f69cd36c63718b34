"""社情民意 end to end: collection, 研判分类, 答复, 存档, and each rule refused with its code."""

from __future__ import annotations

import pytest

from township.cases.errors import TransitionRefused
from township.core.errors import DomainError, PermissionRefused
from township.opinions import services
from township.opinions.models import Notice, Opinion

pytestmark = pytest.mark.django_db


def test_collect_classify_answer(collect, dispatcher_a):
    o = collect()
    assert o.case.state == "collected" and o.case.number.startswith("白沙情")
    assert len(o.track_code) == 12 and o.track_code.isalnum()
    assert o.case.due_at is not None  # feedback within a month (DOMAIN2 §3)
    services.opinion_classify(opinion=o, actor=dispatcher_a, category="livelihood", note="属民生诉求")
    services.opinion_answer(opinion=o, actor=dispatcher_a, reply="已安排电工本周维修", internal_note="内部：电力所")
    o.refresh_from_db()
    o.case.refresh_from_db()
    assert (o.case.state, o.outcome, o.public_reply) == ("answered", "answered", "已安排电工本周维修")
    assert o.case.closed_at is not None
    assert Notice.objects.filter(opinion=o, body="已安排电工本周维修").exists()


def test_phone_is_encrypted_and_masked(collect):
    o = collect()
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT reporter_phone FROM opinions_opinion WHERE id = %s", [o.pk])
        raw = c.fetchone()[0]
    assert "13812345678" not in raw
    assert o.phone_masked == "138****5678"
    assert o.reporter_masked == "张**"
    from township.core.crypto import blind_index

    assert Opinion.objects.get(reporter_phone_index=blind_index("13812345678")).pk == o.pk


def test_anonymous_keeps_no_identity(collect):
    o = collect(anonymous=True)
    assert (o.reporter_name, o.reporter_phone, o.reporter_masked) == ("", "", "匿名")


def test_unclassified_item_cannot_be_closed(collect, dispatcher_a):
    """Rule: classify before closing (DOMAIN2 §3 分类)."""
    o = collect()
    with pytest.raises(TransitionRefused) as e:
        services.opinion_answer(opinion=o, actor=dispatcher_a, reply="答复")
    assert e.value.code == "opinion_category_required"
    o.case.refresh_from_db()
    assert o.case.state == "collected"


def test_answer_needs_a_reply(collect, dispatcher_a):
    """Rule: 答复 only with the reply written."""
    o = collect(category="policy")
    with pytest.raises(TransitionRefused) as e:
        services.opinion_answer(opinion=o, actor=dispatcher_a, reply="  ")
    assert e.value.code == "opinion_reply_required"


def test_archive_needs_an_outcome(collect, dispatcher_a):
    """Rule: no terminal state without a recorded outcome."""
    o = collect(category="suggestion")
    with pytest.raises(TransitionRefused) as e:
        services.opinion_archive(opinion=o, actor=dispatcher_a, outcome="")
    assert e.value.code == "opinion_outcome_required"
    services.opinion_archive(opinion=o, actor=dispatcher_a, outcome="已汇总报镇党委参考")
    o.refresh_from_db()
    assert (o.case.state, o.outcome, o.internal_note) == ("archived", "archived", "已汇总报镇党委参考")


def test_classify_needs_a_category(collect, dispatcher_a):
    o = collect()
    with pytest.raises(TransitionRefused) as e:
        services.opinion_classify(opinion=o, actor=dispatcher_a, category="nonsense")
    assert e.value.code == "opinion_category_required"


def test_collector_cannot_answer(collect, agent_a):
    """Screening and answering belong to the handlers, not the 信息员."""
    o = collect(category="policy")
    with pytest.raises(TransitionRefused) as e:
        services.opinion_answer(opinion=o, actor=agent_a, reply="x")
    assert e.value.code == "role_required"


def test_collect_out_of_scope_and_bad_input(collect, village_a, town_b, make_user):
    from township.org.models import Role

    stranger = make_user((town_b, Role.VILLAGE_AGENT), username="agent_b")
    with pytest.raises(PermissionRefused) as e:
        collect(actor=stranger)
    assert e.value.code == "opinion_collect_out_of_scope"
    with pytest.raises(DomainError) as e:
        collect(content=" ")
    assert e.value.code == "opinion_content_required"
    with pytest.raises(DomainError) as e:
        collect(village="nope")
    assert e.value.code == "opinion_village_invalid"
    with pytest.raises(DomainError) as e:
        collect(reporter_phone="abc")
    assert e.value.code == "opinion_phone_invalid"


def test_track_codes_are_unique_and_unguessable():
    codes = {services.new_track_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 12 and set(c) <= set(services.TRACK_ALPHABET) for c in codes)
