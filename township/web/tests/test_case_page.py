"""The generic case page: header, timeline, buttons, refusals in Chinese, attachments, scoping (404)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from township.cases.services import case_attach, case_transition

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_case_page_shows_header_timeline_and_buttons(clerk_client, open_toy):
    case = open_toy(title="石门村占道")
    res = clerk_client.get(f"/cases/{case.pk}/")
    html = res.content.decode()
    assert res.status_code == 200
    assert case.number in html and "石门村占道" in html and "白沙镇" in html
    assert "玩具案件" in html and "新建" in html
    assert "处理流程" in html and "窗口甲" in html
    assert 'data-action="accept"' in html and f'action="/cases/{case.pk}/actions/accept/"' in html
    assert 'data-action="decide"' not in html  # approver only
    assert 'name="csrfmiddlewaretoken"' in html


def test_firing_a_transition_moves_the_case(clerk_client, open_toy):
    case = open_toy()
    res = clerk_client.post(
        f"/cases/{case.pk}/transition/", {"name": "accept", "version": case.version, "comment": "材料齐全"}
    )
    assert res.status_code == 302 and res.url == f"/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.state == "working"
    html = clerk_client.get(res.url).content.decode()
    assert "已执行“受理”" in html and "材料齐全" in html and "办理中" in html


def test_refused_transition_shows_the_chinese_message_and_keeps_input(client, open_toy, clerk_a, approver_a):
    case = open_toy()
    case_transition(case=case, name="accept", actor=clerk_a)
    client.force_login(approver_a)
    case.refresh_from_db()
    page = f"/cases/{case.pk}/"
    res = client.post(f"/cases/{case.pk}/actions/decide/", {"comment": "", "next": page}, follow=True)
    html = res.content.decode()
    assert res.redirect_chain == [(page, 302)]
    assert "请填写理由" in html  # the guard's message, beside the action, whose form is open again
    assert 'class="case-action failed" open data-action="decide"' in html
    case.refresh_from_db()
    assert case.state == "working"
    res = client.post(f"/cases/{case.pk}/actions/decide/", {"comment": "符合条件", "next": page})
    assert res.status_code == 302
    case.refresh_from_db()
    assert case.state == "done"


def test_stale_version_is_refused_with_the_engine_message(clerk_client, open_toy, clerk_a):
    case = open_toy()
    stale = case.version
    case_transition(case=case, name="accept", actor=clerk_a)
    res = clerk_client.post(f"/cases/{case.pk}/transition/", {"name": "ask", "version": stale})
    assert res.status_code == 409
    assert "该案件已被他人处理，请刷新后重试" in res.content.decode()


def test_not_allowed_transition_is_refused(clerk_client, open_toy):
    case = open_toy()
    res = clerk_client.post(f"/cases/{case.pk}/transition/", {"name": "supply", "version": case.version})
    assert res.status_code == 409
    assert "不能执行“已补正”" in res.content.decode()


def test_other_town_gets_404_everywhere(client, open_toy, clerk_a, clerk_b):
    case = open_toy()
    att = case_attach(case=case, actor=clerk_a, uploaded_file=SimpleUploadedFile("a.png", PNG))
    client.force_login(clerk_b)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/transition/", {"name": "accept"}).status_code == 404
    up = SimpleUploadedFile("b.png", PNG)
    assert client.post(f"/cases/{case.pk}/attachments/", {"file": up}).status_code == 404
    assert client.get(f"/cases/{case.pk}/attachments/{att.pk}/").status_code == 404
    case.refresh_from_db()
    assert case.state == "new" and case.attachments.count() == 1


def test_upload_and_download_attachment(clerk_client, open_toy):
    case = open_toy()
    res = clerk_client.post(
        f"/cases/{case.pk}/attachments/", {"file": SimpleUploadedFile("现场照片.png", PNG), "purpose": "现场"}
    )
    assert res.status_code == 302
    att = case.attachments.get()
    assert att.content_type == "image/png"
    html = clerk_client.get(f"/cases/{case.pk}/").content.decode()
    assert "现场照片.png" in html
    res = clerk_client.get(f"/cases/{case.pk}/attachments/{att.pk}/")
    assert res.status_code == 200 and b"".join(res.streaming_content) == PNG


def test_bad_upload_shows_inline_error(clerk_client, open_toy):
    case = open_toy()
    res = clerk_client.post(
        f"/cases/{case.pk}/attachments/", {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00" + b"\x00" * 40)}
    )
    assert res.status_code == 415  # the file is refused, not the case's state
    html = res.content.decode()
    assert "不支持此类文件，可上传：PDF、JPG 图片" in html and "x-msdownload" not in html  # no MIME code on the page


def test_attachment_of_another_case_is_404(clerk_client, open_toy, clerk_a):
    one = open_toy()
    two = open_toy()
    att = case_attach(case=two, actor=clerk_a, uploaded_file=SimpleUploadedFile("a.png", PNG))
    assert clerk_client.get(f"/cases/{one.pk}/attachments/{att.pk}/").status_code == 404


def test_paused_clock_is_shown(clerk_client, open_toy, clerk_a):
    case = open_toy()
    case_transition(case=case, name="accept", actor=clerk_a)
    case_transition(case=case, name="ask", actor=clerk_a)
    html = clerk_client.get(f"/cases/{case.pk}/").content.decode()
    assert "暂停计时" in html and "补正" in html


def test_case_page_query_count(clerk_client, open_toy, clerk_a, django_assert_max_num_queries):
    case = open_toy()
    case_transition(case=case, name="accept", actor=clerk_a)
    for i in range(5):
        case_attach(case=case, actor=clerk_a, uploaded_file=SimpleUploadedFile(f"{i}.png", PNG))
    # 11 for the page itself, 1 for its typed links (关联案件), 1 for the 督办 panel the command center adds.
    with django_assert_max_num_queries(13):
        assert clerk_client.get(f"/cases/{case.pk}/").status_code == 200


def test_case_page_and_engine_messages_in_english(clerk_client, open_toy):
    case = open_toy()
    clerk_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    res = clerk_client.post(f"/cases/{case.pk}/transition/", {"name": "supply", "version": case.version})
    html = res.content.decode()
    assert "is not possible now" in html  # the engine's transition_not_allowed message, translated
    assert "Timeline" in html and "Comment (optional)" in html


def test_assignments_are_shown(clerk_client, open_toy, clerk_a, approver_a):
    from township.cases.services import case_assign

    case = open_toy()
    case_assign(case=case, actor=clerk_a, assignee=approver_a, role="lead")
    case_assign(case=case, actor=clerk_a, assignee=clerk_a, role="assist")
    html = clerk_client.get(f"/cases/{case.pk}/").content.decode()
    assert "承办：审批甲" in html and "协办：窗口甲" in html
