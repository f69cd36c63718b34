"""The extension is told to every applicant, whatever the channel (issue 17.2; 行政许可法 Art 42): a sealed
延期告知书 among the documents, a recorded 告知 on the timeline with its channel, and a message to an account."""

from __future__ import annotations

import io

from django.urls import reverse

from township.approval import selectors as sel
from township.approval import services as svc
from township.approval.models import Channel, Notification
from township.approval.tests.conftest import rid
from township.cases.models import CaseEvent
from township.certificates.models import SealedDocument


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages)


def _told(app) -> CaseEvent:
    return CaseEvent.objects.get(case_id=app.case_id, name="extension_told")


def test_an_applicant_without_an_account_filed_by_a_village_agent_gets_a_sealed_letter_and_a_recorded_notice(
    now, client, agent_a, head_a, catalog, village_a, upload
):
    from township.subjects.services import subject_get_or_create_person

    villager = subject_get_or_create_person(
        resident_id=rid("50011619650101002"), name="王大伯", registered_in=village_a.parent, village=village_a
    )
    app = svc.application_submit(
        actor=agent_a,
        item=catalog["licence"],
        applicant=villager,
        channel=Channel.VILLAGE_AGENT,
        uploads={"sfz": upload()},
    )
    assert app.applicant_user_id is None
    svc.application_accept(application=app, actor=agent_a)
    assert ("extension", "延长审批期限告知书") not in sel.document_kinds(app)
    svc.application_extend(application=app, actor=head_a, days=3, reason="需组织专家论证")

    told = _told(app)
    assert told.data["channel"] == "village_agent" and told.data["days"] == 3 and "代办员" in told.label
    assert told.data["seal_code"]
    assert not Notification.objects.filter(application=app).exists()
    assert ("extension", "延长审批期限告知书") in sel.document_kinds(app)
    sealed = SealedDocument.objects.get(kind="approval.extension", source_case=app.case)
    assert sealed.code == told.data["seal_code"]

    client.force_login(agent_a)  # the agent prints it and hands it over
    resp = client.get(reverse("approval:document", args=[app.pk, "extension"]))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    text = _pdf_text(resp.content)
    assert "第四十二条" in text and "延长3个工作日" in text and "需组织专家论证" in text
    assert sealed.code in text.replace(" ", "")
    assert SealedDocument.objects.filter(kind="approval.extension").count() == 1  # printing again keeps the code
    page = client.get(reverse("approval:detail", args=[app.pk])).content.decode()
    assert "延期告知" in page and "延长审批期限告知书" in page


def test_window_and_online_applicants_are_told_too(now, clerk_a, head_a, luo, luo_user, catalog, upload):
    from township.subjects.services import subject_get_or_create_person

    stranger = subject_get_or_create_person(resident_id=rid("50011619700101001"), name="张三")
    at_window = svc.application_submit(
        actor=clerk_a, item=catalog["licence"], applicant=stranger, channel=Channel.WINDOW, uploads={"sfz": upload()}
    )
    svc.application_accept(application=at_window, actor=clerk_a)
    svc.application_extend(application=at_window, actor=head_a, days=2, reason="需现场核查")
    assert _told(at_window).data["channel"] == "window" and "综合窗口" in _told(at_window).label

    online = svc.application_submit(
        actor=luo_user, item=catalog["licence"], applicant=luo, channel=Channel.ONLINE, uploads={"sfz": upload()}
    )
    svc.application_accept(application=online, actor=clerk_a)
    svc.application_extend(application=online, actor=head_a, days=2, reason="需现场核查")
    assert _told(online).data["channel"] == "online"
    assert Notification.objects.filter(user=luo_user, application=online, title__contains="延长").exists()
    assert ("extension", "延长审批期限告知书") in sel.document_kinds(online)
