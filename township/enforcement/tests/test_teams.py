"""Teams, officers, credentials and legal reviewers."""

from __future__ import annotations

import datetime as dt

import pytest

from township.core.errors import DomainError, PermissionRefused
from township.enforcement import services
from township.enforcement.models import Credential, Domain, LegalReviewer, Officer, Team


def test_team_has_zone_and_domains(world):
    team = world.team
    assert team.jurisdiction_id == "500116108"
    assert list(team.zones.values_list("village_id", flat=True)) == ["500116108201"]
    assert team.domain_labels() == ["城市管理", "规划建设"]
    assert services.team_for_village(jurisdiction="500116108", village="500116108201", domain=Domain.CITY) == team


def test_team_village_must_belong_to_the_town(world):
    with pytest.raises(DomainError) as info:
        services.team_create(jurisdiction=world.other_town, name="x", actor=world.stranger, villages=[world.village])
    assert info.value.code in {"village_outside", "permission_denied"}
    with pytest.raises(DomainError) as info:
        services.team_create(
            jurisdiction=world.town, name="二中队", actor=world.leader, villages=["500116108201"], domains=["bogus"]
        )
    assert info.value.code == "domain_invalid"


def test_only_managers_of_the_town_create_teams_and_officers(world):
    with pytest.raises(PermissionRefused):
        services.team_create(jurisdiction=world.town, name="外镇中队", actor=world.stranger)
    with pytest.raises(PermissionRefused):
        services.officer_create(jurisdiction=world.town, user=world.stranger, actor=world.o1)
    assert not Team.objects.filter(name="外镇中队").exists()


def test_credential_dates_and_unique_number(world):
    officer = Officer.objects.get(user=world.o1)
    with pytest.raises(DomainError) as info:
        services.credential_add(
            officer=officer,
            number="N-1",
            issuer="重庆市人民政府",
            valid_from=dt.date(2026, 1, 1),
            valid_until=dt.date(2025, 1, 1),
            actor=world.leader,
        )
    assert info.value.code == "credential_dates"
    with pytest.raises(DomainError) as info:
        services.credential_add(
            officer=officer,
            number="渝执-5001-0001",
            issuer="x",
            valid_from=dt.date(2026, 1, 1),
            valid_until=dt.date(2027, 1, 1),
            actor=world.leader,
        )
    assert info.value.code == "number_taken"
    assert Credential.objects.filter(officer=officer).count() == 1


def test_legal_reviewer_needs_a_qualification_certificate(world):
    with pytest.raises(DomainError) as info:
        services.legal_reviewer_create(
            jurisdiction=world.town,
            user=world.o3,
            qualification=LegalReviewer.Qualification.LEGAL_PROFESSION,
            actor=world.leader,
        )
    assert info.value.code == "qualification_missing"
    assert "法律职业资格" in info.value.message
    # without the qualification only someone who already reviewed before the 2021 law took effect
    for started in (None, dt.date(2021, 7, 15)):
        with pytest.raises(DomainError) as info:
            services.legal_reviewer_create(
                jurisdiction=world.town,
                user=world.o3,
                qualification=LegalReviewer.Qualification.LEGACY,
                qualified_on=started,
                actor=world.leader,
            )
        assert info.value.code == "legacy_reviewer_date"
    veteran = services.legal_reviewer_create(
        jurisdiction=world.town,
        user=world.o3,
        qualification=LegalReviewer.Qualification.LEGACY,
        qualified_on=dt.date(2018, 9, 1),
        actor=world.leader,
    )
    assert veteran.qualification == "legacy"


def test_officer_credentials_checked_on_real_rows(world):
    shown = services.check_officers_for(
        jurisdiction="500116108", user_ids=[world.o1.pk, world.o2.pk], on=dt.date(2026, 3, 2), domain=Domain.CITY
    )
    assert shown == ["渝执-5001-0001", "渝执-5001-0002"]
    with pytest.raises(DomainError) as info:
        services.check_officers_for(
            jurisdiction="500116108", user_ids=[world.o1.pk, world.reviewer.pk], on=dt.date(2026, 3, 2), domain=None
        )
    assert info.value.code == "credential_invalid"
    with pytest.raises(DomainError):
        services.check_officers_for(
            jurisdiction="500116108", user_ids=[world.o1.pk, world.o2.pk], on=dt.date(2029, 1, 1), domain=None
        )
