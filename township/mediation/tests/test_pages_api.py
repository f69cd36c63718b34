"""Pages, API, Excel export (masked), the PDF documents and pack, the intake from another case type, tenancy."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest

from township.cases.actions import act
from township.cases.models import CaseLink
from township.cases.services import case_forward, case_open
from township.cases.types import Intake
from township.mediation.machine import S
from township.mediation.models import Agreement, Mediation
from township.mediation.tests.conftest import AGREEMENT, parties_of
from township.org.models import Role

pytestmark = pytest.mark.django_db


def test_pages_render_for_the_mediator(client, mediator, effective):
    client.force_login(mediator)
    case_id = effective.case_id
    for url in (
        "/mediation/",
        "/mediation/apply/",
        "/mediation/stats/",
        "/mediation/committees/",
        f"/mediation/committees/{effective.committee_id}/",
        f"/mediation/cases/{case_id}/",
        f"/mediation/cases/{case_id}/dossier/",
        "/mediation/?q=张&state=effective&village=500116108201",
    ):
        r = client.get(url)
        assert r.status_code == 200, url
    page = client.get(f"/mediation/cases/{case_id}/").content.decode()
    assert "139****1234" in page and "13983001234" not in page
    assert "生成司法确认申请材料" in page
    for key in ("registration", "sessions", "agreement"):
        r = client.get(f"/mediation/cases/{case_id}/documents/{key}.pdf")
        assert r.status_code in (200, 404) and (r.status_code == 404 or r["Content-Type"] == "application/pdf")
    r = client.get(f"/mediation/cases/{case_id}/confirmation-pack.pdf?matter=civil")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    r = client.get(f"/mediation/cases/{case_id}/confirmation-pack.pdf?matter=identity")
    assert r.status_code == 302  # refused with the article, back to the case page


def test_excel_export_is_masked(client, mediator, effective):
    from openpyxl import load_workbook

    client.force_login(mediator)
    r = client.get("/mediation/export.xlsx")
    assert r.status_code == 200
    ws = load_workbook(BytesIO(r.content)).active
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row)
    assert effective.case.number in text
    assert "13983001234" not in text and "139****1234" in text
    assert "张大山" not in text and "张**" in text


def test_apply_form_registers_a_case(client, mediator, committee):
    client.force_login(mediator)
    r = client.post(
        "/mediation/apply/",
        {
            "committee": committee.pk,
            "source": "application",
            "dispute_type": "homestead",
            "summary": "宅基地界址争议",
            "applicant_name": "王一",
            "applicant_phone": "13900000001",
            "respondent_name": "赵二",
        },
    )
    assert r.status_code == 302
    m = Mediation.objects.get()
    assert m.case.state == S.APPLIED and m.parties.count() == 2


def test_steps_through_the_engine_actions(mediation, mediator):
    ps = parties_of(mediation)
    for p in ps.values():
        act(mediation.case, "mediation_consent", mediator, {"party": str(p.pk), "agreed": "yes"})
    act(mediation.case, "mediation_appoint", mediator, {"mediator": str(mediator.pk), "chosen_by": "parties"})
    act(mediation.case, "mediation_accept", mediator, {})
    mediation.case.refresh_from_db()
    assert mediation.case.state == S.MEDIATING and mediation.case.due_at is not None
    act(
        mediation.case,
        "mediation_session",
        mediator,
        {"held_on": "2026-12-01", "place": "村调解室", "present": "双方", "summary": "释法说理"},
    )
    data = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in AGREEMENT.items()}
    act(mediation.case, "mediation_agreement", mediator, data)
    for p in ps.values():
        act(mediation.case, "mediation_sign", mediator, {"signer": str(p.pk), "method": "fingerprint"})
    act(mediation.case, "mediation_sign", mediator, {"signer": "mediator", "method": "sign"})
    act(mediation.case, "mediation_seal", mediator, {})
    mediation.case.refresh_from_db()
    assert mediation.case.state == S.EFFECTIVE


def test_api_list_detail_and_register(client, mediator, effective, committee):
    client.force_login(mediator)
    r = client.get("/api/v1/mediation/cases")
    assert r.status_code == 200 and r.json()["count"] == 1
    r = client.get(f"/api/v1/mediation/cases/{effective.case_id}")
    body = r.json()
    assert body["state"] == "effective" and body["agreement"]["seal_code"]
    assert body["parties"][0]["phone"].startswith("139****")
    r = client.post(
        "/api/v1/mediation/cases",
        {"committee": committee.pk, "dispute_type": "nope", "summary": "x", "parties": []},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["field"] == "dispute_type"
    r = client.get("/api/v1/mediation/stats")
    assert r.status_code == 200 and r.json()["total"] == 1
    r = client.get(f"/api/v1/mediation/cases/{effective.case_id}/confirmation-pack.pdf?matter=property_title")
    assert r.status_code == 409 and r.json()["code"] == "matter_not_confirmable"


def test_other_town_gets_404(client, make_user, town_b, effective):
    other = make_user((town_b, Role.MEDIATOR), username="med_b")
    client.force_login(other)
    assert client.get(f"/mediation/cases/{effective.case_id}/").status_code == 404
    assert client.get(f"/mediation/committees/{effective.committee_id}/").status_code == 404
    assert client.get(f"/api/v1/mediation/cases/{effective.case_id}").status_code == 404
    assert client.get(f"/mediation/cases/{effective.case_id}/documents/agreement.pdf").status_code == 404
    assert client.get("/api/v1/mediation/cases").json()["count"] == 0


def test_forwarded_matter_becomes_a_mediation_case(committee, make_user, town_a, village_a, mediator):
    agent = make_user((town_a, Role.WINDOW_CLERK), username="agent1")
    origin = case_open(
        case_type="approval_application", jurisdiction=town_a, village=village_a, actor=agent, title="邻里噪音投诉"
    )
    created = case_forward(
        intake=Intake(
            origin=origin,
            actor=agent,
            title="邻里噪音纠纷",
            description="楼上深夜噪音",
            village=village_a,
            person_name="陈某",
            person_phone="13800000000",
            extra={"dispute_type": "neighbour", "respondent_name": "周某"},
        ),
        case_type="mediation_case",
    )
    m = Mediation.objects.get(case=created)
    assert m.source == "referral" and m.committee == committee and m.case.state == S.APPLIED
    assert {p.side for p in m.parties.all()} == {"applicant", "respondent"}
    assert CaseLink.objects.filter(source=origin, target=created, kind="forwarded").exists()


def test_forward_refused_where_no_committee(make_user, town_a, county):
    from township.core.errors import DomainError
    from township.org.models import Jurisdiction, Level

    other_village = Jurisdiction.objects.create(code="500116108203", name="金盆村", level=Level.VILLAGE, parent=town_a)
    agent = make_user((town_a, Role.WINDOW_CLERK), username="agent2")
    origin = case_open(
        case_type="approval_application", jurisdiction=town_a, village=other_village, actor=agent, title="x"
    )
    with pytest.raises(DomainError) as exc:
        case_forward(
            intake=Intake(origin=origin, actor=agent, title="x", village=other_village), case_type="mediation_case"
        )
    assert exc.value.code == "committee_missing"
    assert not Mediation.objects.exists()


def test_indicator_success_rate(effective, committee):
    from django.utils import timezone

    from township.mediation.case_type import _success_rate

    now = timezone.now()
    assert _success_rate([committee.jurisdiction_id], now - dt.timedelta(days=1), now + dt.timedelta(days=1)) == (1, 1)
    assert Agreement.objects.count() == 1
