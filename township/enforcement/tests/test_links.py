"""Links: a revocation decision revokes the certificate in the library; clues from other apps."""

from __future__ import annotations

import datetime as dt

import pytest

from township.cases.errors import TransitionRefused
from township.core.errors import DomainError
from township.enforcement import services
from township.enforcement.models import Clue, Domain, PenaltyCase
from township.org.models import Role, RoleGrant

D = dt.date


def test_revocation_decision_revokes_the_certificate(world, licensed_shop, travel):
    shop, cert = licensed_shop
    pc = services.penalty_case_file(
        jurisdiction=world.town,
        actor=world.o1,
        approved_by=world.leader,
        party_kind="organisation",
        party_name=shop.name,
        party_id_number=shop.uscc,
        party_address="白沙镇正街8号",
        act_date=D(2026, 2, 1),
        domain=Domain.MARKET,
        investigators=[world.o1.pk, world.o2.pk],
        facts="使用超过保质期的食品原料。",
    )
    assert pc.subject == shop
    services.penalty_act_record(
        penalty_case=pc,
        kind="inspection",
        at=dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC),
        place="白沙镇正街8号",
        officers=[world.o1.pk, world.o2.pk],
        actor=world.o1,
    )
    services.penalty_notice(
        penalty_case=pc,
        actor=world.o1,
        types=["revoke_licence"],
        facts=pc.facts,
        reasons="情节严重",
        basis="《中华人民共和国食品安全法》第一百二十四条",
        served_on=D(2026, 3, 2),
    )
    pc.refresh_from_db()
    assert "hearing" in pc.notice["rights"]  # revocation always carries the hearing right (Art 63)
    # waiving the statement does not waive the hearing: the 5 working days still run (Art 64) …
    services.penalty_statement_record(penalty_case=pc, actor=world.o1, waived=True)
    with pytest.raises(TransitionRefused) as info:
        services.penalty_decide(penalty_case=pc, actor=world.leader, types=["revoke_licence"], certificates=[cert])
    assert info.value.code == "statement_window_open"
    # … unless the party waives the hearing in writing
    services.penalty_statement_record(penalty_case=pc, actor=world.o1, hearing_waived=True)
    services.penalty_decide(penalty_case=pc, actor=world.leader, types=["revoke_licence"], certificates=[cert])
    cert.refresh_from_db()
    assert cert.status == "revoked"
    assert "吊销" in cert.status_reason


def test_grid_and_verification_clues_enter_with_their_source(world):
    from township.cases.services import case_open
    from township.enforcement.machine import SUMMARY_CASE

    src = case_open(case_type=SUMMARY_CASE, jurisdiction=world.town, actor=world.leader)  # any case will do
    clue = services.clue_create_from_verification(
        jurisdiction=world.town, source_case=src, subject=None, actor=None, summary="承诺制审批后核查发现不符"
    )
    assert clue.source == Clue.Source.VERIFICATION and clue.source_ref == src.number
    with pytest.raises(DomainError) as info:
        services.clue_create_from_grid_event(jurisdiction=world.other_town, event_case=src, actor=None, summary="x")
    assert info.value.code == "source_outside"
    rejected = services.clue_reject(clue=clue, reason="经核查不构成违法", actor=world.o1)
    assert rejected.decision == Clue.Decision.NOT_FILED
    with pytest.raises(DomainError) as info:
        services.clue_reject(clue=clue, reason="again", actor=world.o1)
    assert info.value.code == "clue_decided"
    assert not PenaltyCase.objects.exists()


def test_clue_warning_colours(world):
    clue = services.clue_create(jurisdiction=world.town, source="complaint", summary="群众举报噪音扰民", actor=world.o1)
    assert services.clue_warning(clue, clue.decide_by - dt.timedelta(days=10)) == "normal"
    assert services.clue_warning(clue, clue.decide_by - dt.timedelta(days=4)) == "yellow"
    assert services.clue_warning(clue, clue.decide_by) == "red"
    assert services.clue_warning(clue, clue.decide_by + dt.timedelta(days=1)) == "overdue"
    extended = services.clue_extend(clue=clue, days=15, reason="需协查", approved_by=world.leader, actor=world.o1)
    assert extended.decide_by > clue.decide_by


def test_penalty_items_are_imported_from_the_catalogs_published_penalty_items(world):
    from township.catalog import services as catalog_services
    from township.org.scoping import clear_cache

    RoleGrant.objects.create(user=world.leader, jurisdiction=world.town, role=Role.APPROVAL_HEAD)
    clear_cache(world.leader)  # grants are cached on the instance; his 系统管理员 grant edits no catalog (三员分立)
    penalty = catalog_services.item_create(
        actor=world.leader,
        jurisdiction=world.town.code,
        data={
            "name": "对擅自占用城市道路的处罚",
            "item_type": "02",
            "implementation_code": "500116108-CF-0001",
            "department_name": "综合行政执法局",
            "legal_basis": "《城市道路管理条例》第四十二条",
        },
    )
    licence = catalog_services.item_create(
        actor=world.leader,
        jurisdiction=world.town.code,
        data={
            "name": "食品经营许可",
            "item_type": "01",
            "implementation_code": "L-1",
            "department_name": "市场监管所",
            "statutory_limit": 20,
            "promised_limit": 3,
        },
    )
    for item in (penalty, licence):
        catalog_services.item_publish(item=item, actor=world.leader, reason="发布")
    assert services.penalty_items_import_from_catalog(jurisdiction=world.town, actor=world.leader) == 1
    assert services.penalty_items_import_from_catalog(jurisdiction=world.town, actor=world.leader) == 0
    from township.enforcement.models import PenaltyItem

    item = PenaltyItem.objects.get(jurisdiction=world.town)
    assert item.catalog_item_code == "500116108-CF-0001"
    assert item.legal_basis == "《城市道路管理条例》第四十二条"
