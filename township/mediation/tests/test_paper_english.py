"""The mediation papers in the language of the request (issue 16, items 4 and 8): asked in English, every document of
the dossier and the 司法确认 pack has English labels and fixed texts; what the parties and the mediator wrote stays as
written. Asked in Chinese they are as they always were."""

from __future__ import annotations

from django.utils import translation

from township.certificates.tests.test_paper_english import cjk_labels, cjk_left
from township.certificates.tests.test_paper_layout import pdf_text
from township.mediation import documents, selectors, services
from township.mediation.tests.conftest import AGREEMENT, PARTIES


def _data(m) -> list[str]:
    """What was typed in (and the names of the committee, village and people): allowed to stay Chinese."""
    values = [m.committee.name, m.village.name, m.case.number, m.summary, m.claims, m.court_name, m.mediator_chosen_by]
    values += [str(v) for k, v in AGREEMENT.items() if k != "performance_deadline"]
    values += [p["name"] for p in PARTIES] + [p["address"] for p in PARTIES]
    if m.mediator:
        values.append(m.mediator.get_full_name())
    agreement = selectors.agreement_of(m)
    if agreement is not None:
        values.append(agreement.number)
    for p in m.parties.all():
        values += [p.name, p.address]
    return [v for v in values if v]


def _get(client, url: str, language: str) -> str:
    r = client.get(url, headers={"Accept-Language": language})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf", (url, r.status_code)
    return pdf_text(r.content)


def test_every_mediation_paper_is_english_when_asked_in_english(client, mediator, effective):
    client.force_login(mediator)
    case_id = effective.case_id
    data, seal = _data(effective), [effective.committee.name]
    with translation.override("en"):
        keys = [d["key"] for d in documents.document_list(effective)]
        labels = [d["label"] for d in documents.document_list(effective)]
    assert keys == ["registration", "sessions", "agreement"] or keys == ["registration", "agreement"]
    assert "Application and registration form for people's mediation" in labels
    urls = [f"/mediation/cases/{case_id}/documents/{key}.pdf" for key in keys]
    urls.append(f"/mediation/cases/{case_id}/confirmation-pack.pdf?matter=civil")
    for url in urls:
        text = _get(client, url, "en")
        assert cjk_labels(text, data) == [], (url, text)
        assert cjk_left(text, data, seal=seal) == [], (url, text)
    agreement = _get(client, urls[keys.index("agreement")], "en")
    # the sealed agreement printed in English is a translation: unsealed, naming the Chinese original's code
    assert "People's mediation agreement" in agreement and "Seal of the people's mediation committee" not in agreement
    assert "Translation for reference only, not sealed" in " ".join(agreement.split())
    assert any("\u4e00" <= ch <= "\u9fff" for ch in effective.agreement.sealed_document.content)  # sealed in Chinese
    assert "Time limit for performance: by " in agreement
    pack = " ".join(_get(client, urls[-1], "en").split())
    assert "Article 205 of the Civil Procedure Law of the PRC" in pack
    assert "Article 33 of the People's Mediation Law of the PRC" in pack
    # asked in Chinese: the papers are as they always were
    chinese = _get(client, urls[keys.index("agreement")], "zh-hans")
    assert "人民调解协议书" in chinese and "履行期限：" in chinese and "People's" not in chinese


def test_the_notice_of_other_routes_in_english(client, mediating, mediator):
    with translation.override("en"):  # recorded in Chinese whatever the language (the engine's rule reads it)
        services.mediation_fail(mediation=mediating, actor=mediator, reason="The parties disagree on the amount")
    mediating.refresh_from_db()
    assert "第二十六条" in mediating.routes_notice and "仲裁" in mediating.routes_notice
    client.force_login(mediator)
    text = _get(client, f"/mediation/cases/{mediating.case_id}/documents/routes.pdf", "en")
    assert "Notice of termination of mediation" in text
    assert "Article 26 of the People's Mediation Law of the PRC" in " ".join(text.split())
    data = _data(mediating)
    assert cjk_labels(text, data) == [] and cjk_left(text, data, seal=[mediating.committee.name]) == [], text
    chinese = _get(client, f"/mediation/cases/{mediating.case_id}/documents/routes.pdf", "zh-hans")
    assert "第二十六条" in chinese and "Article" not in chinese
