"""Papers in English (issue 16, items 4 and 8): under ``translation.override("en")`` every label and fixed text of a
certificate and a letter (``render_document``) is English; data (names, addresses, item titles
stored in Chinese, the unit's name in the seal) may stay Chinese. Dates print as 2 March 2026.

``cjk_labels`` is the label probe (the text before a colon); ``cjk_left`` takes the data out of the extracted
text and returns what Chinese is left. The mediation, petition and credit papers use both (their apps' test_paper_english.py).
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import translation

from township.certificates import pdf
from township.certificates.tests.test_paper_layout import pdf_text
from township.subjects.services import subject_get_or_create_org

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# the text before a colon, back to the start of the line or the previous separator (", ", "; ", "(")
LABEL = re.compile(r"([^:：,;，；()（）\n]*)[:：]")
BAKERY_USCC = "91500116MA60LWJ12B"


def cjk_labels(text: str, data: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    """Labels (text before a colon) with Chinese in them; a data value before a colon (the addressee) is no label."""
    return [s for label in LABEL.findall(text) if CJK.search(s := label.strip()) and s not in data]


def cjk_left(text: str, data: list[str], seal: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    """The lines that still hold Chinese once the data values are taken out; a line made only of the characters
    of a seal's unit name (drawn one by one along the ring) is the seal. A value may be wrapped over lines."""
    for value in sorted((v for v in data if v), key=len, reverse=True):
        # a value may be wrapped over lines: any whitespace between its characters
        text = re.sub(r"\s*".join(re.escape(ch) for ch in value), "", text)
    ring = set("".join(seal))
    left = []
    for line in text.splitlines():
        bare = line.replace(" ", "")
        if bare and ring and set(bare) <= ring:
            continue
        if CJK.search(line):
            left.append(line)
    return left


def test_the_probes_catch_what_they_must():
    assert cjk_labels("Name:\n罗晓梅\n有效期：2026\nApplicant: 张大山, 联系电话: 139") == ["有效期", "联系电话"]
    assert cjk_labels("Name: 罗晓梅, Phone: 139****1234") == []
    assert cjk_left("Name: 罗晓梅\n白沙\n镇\n扫码核验", ["罗晓梅"], seal=["白沙镇"]) == ["扫码核验"]


def test_dates_print_in_the_language_of_the_request():
    day = dt.date(2026, 3, 2)
    assert pdf.display_date(day) == "2026年03月02日" and pdf.display_value("2026-03-02") == "2026年03月02日"
    assert pdf.display_value(True) == "是" and pdf.display_value(["a", "b"]) == "a、b"
    with translation.override("en"):
        assert pdf.display_date(day) == "2 March 2026"
        assert pdf.display_value("2026-03-02T08:00:00") == "2 March 2026"
        assert pdf.display_value(False) == "No" and pdf.display_value(["a", "b"]) == "a, b"
        assert pdf.label_text("Name") == "Name:"


def _certificates(issue, luo, town_a):
    bakery = subject_get_or_create_org(
        uscc=BAKERY_USCC, name="江津区白沙镇老街面包坊", legal_representative="王小麦", address="白沙镇老街45号"
    )
    day = dt.date(2026, 3, 2)
    return [
        issue(
            luo,
            type_name="营业执照（个体工商户）",
            data={"item": "个体工商户登记", "item_code": "500116108-GTGSH-0001", "case_number": "白沙审〔2026〕1"},
        ),
        issue(
            bakery,
            type_name="食品经营许可证",
            data={"经营场所": "白沙镇老街45号", "主体业态": "食品销售经营者", "经营项目": "预包装食品销售"},
            valid_from=day,
            valid_until=day.replace(year=2031),
        ),
        issue(bakery, type_name="营业执照", data={"类型": "个体工商户", "经营范围": "面包、糕点制售", "kind": ""}),
        issue(luo, type_name="社会保险登记证明", data={"item": "社会保险登记", "remarks": "首次登记"}),
    ]


def test_every_certificate_layout_prints_english_labels(issue, luo, town_a):
    certs = _certificates(issue, luo, town_a)
    for cert in certs:
        with translation.override("en"):
            text = pdf_text(pdf.render_certificate(cert))
        holder = cert.holder
        data = [cert.type_name, holder.name, holder.legal_representative, holder.address, cert.issuer_name]
        data += [str(v) for v in cert.data.values()]
        assert cjk_labels(text) == [], (cert.type_name, text)
        assert cjk_left(text, data, seal=[cert.issuer_name]) == [], (cert.type_name, text)
        assert "Certificate identifier:" in text and "Scan the code to verify this certificate" in text
        # printed in English it is a translation: no seal, the Chinese original named (国家通用语言文字法第九条)
        flat = " ".join(text.split())
        assert "Translation for reference only, not sealed" in flat and "Electronic certificate seal" not in text
        assert "SM2 signature:" in text and "Issue date:" in text
    permit_text = None
    with translation.override("en"):
        permit_text = pdf_text(pdf.render_certificate(certs[1]))
    assert "2 March 2026 to 2 March 2031" in permit_text and "Operator name:" in permit_text
    # the same certificate in Chinese is as it always was
    chinese = pdf_text(pdf.render_certificate(certs[1]))
    assert "2026年03月02日 至 2031年03月02日" in chinese and "经营者名称：" in chinese and "Operator" not in chinese


def test_a_letter_prints_its_fixed_texts_in_english():
    with translation.override("en"):
        body = pdf.render_document(
            title="Notice of acceptance",
            unit_name="白沙镇人民政府",
            paragraphs=["Your application has been accepted. " * 8],
            doc_number="白沙审〔2026〕1号",
            addressee="罗晓梅",
            date=dt.date(2026, 3, 2),
            verify="http://127.0.0.1:8000/v/D1",
        )
    text = pdf_text(body)
    assert "罗晓梅:" in text and "2 March 2026" in text and "Administrative approval seal" in text
    assert "Scan to verify" in text
    assert "accep-" not in text and "accepted." in text  # English breaks between words
    assert cjk_left(text, ["罗晓梅", "白沙镇人民政府", "白沙审〔2026〕1号"], seal=["白沙镇人民政府"]) == []
