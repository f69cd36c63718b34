"""PDF rendering of a certificate (decision documents use the same layout).

reportlab with the built-in CID font STSong-Light (UniGB-UCS2-H), so Chinese text is extractable
without shipping font files; the seal is drawn with vector shapes from the unit's name; the QR
code (segno) is drawn module by module and points to the public verification page.
"""

from __future__ import annotations

import datetime
import io
import logging
import math
import re
from typing import Any

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from township.certificates.models import Certificate

logger = logging.getLogger(__name__)

FONT = "STSong-Light"
SEAL_RED = colors.Color(0.85, 0.1, 0.1)


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def verification_url(cert: Certificate, base_url: str | None = None) -> str:
    base = (base_url or getattr(settings, "TOWNSHIP_PUBLIC_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("certificates:verify", args=[cert.identifier])


def draw_seal(c: canvas.Canvas, cx: float, cy: float, radius: float, unit_name: str, label: str = "") -> None:
    """A red round seal: double ring, five-pointed star, the unit's name along the upper arc."""
    font = _font()
    c.saveState()
    c.setStrokeColor(SEAL_RED)
    c.setFillColor(SEAL_RED)
    c.setLineWidth(radius * 0.06)
    c.circle(cx, cy, radius, stroke=1, fill=0)
    c.setLineWidth(radius * 0.015)
    c.circle(cx, cy, radius * 0.9, stroke=1, fill=0)
    # star
    star = c.beginPath()
    outer, inner = radius * 0.28, radius * 0.11
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        angle = math.pi / 2 + i * math.pi / 5
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        if i == 0:
            star.moveTo(x, y)
        else:
            star.lineTo(x, y)
    star.close()
    c.drawPath(star, stroke=0, fill=1)
    # name along the arc, from lower left over the top to lower right
    chars = list(unit_name)
    span = math.radians(min(250, 24 * len(chars)))
    start = math.pi / 2 + span / 2
    step = span / max(len(chars) - 1, 1)
    size = min(radius * 0.24, radius * 0.7 * step * 0.92)  # never wider than the arc spacing
    for i, ch in enumerate(chars):
        angle = start - i * step
        x, y = cx + radius * 0.7 * math.cos(angle), cy + radius * 0.7 * math.sin(angle)
        c.saveState()
        c.translate(x, y)
        c.rotate(math.degrees(angle) - 90)
        c.setFont(font, size)
        c.drawCentredString(0, -size / 3, ch)
        c.restoreState()
    if label:
        size = radius * 0.16
        size = min(size, size * radius * 1.3 / max(pdfmetrics.stringWidth(label, font, size), 1))  # within the ring
        c.setFont(font, size)
        c.drawCentredString(cx, cy - radius * 0.55, label)
    c.restoreState()


def draw_qr(c: canvas.Canvas, x: float, y: float, size: float, data: str) -> None:
    qr = segno.make(data, error="m", micro=False)
    matrix = list(qr.matrix)
    n = len(matrix)
    cell = size / n
    c.saveState()
    c.setFillColor(colors.black)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                c.rect(x + col * cell, y + size - (row + 1) * cell, cell, cell, stroke=0, fill=1)
    c.restoreState()


# ---- certificate layout: labels per certificate type ---------------------------------------------------------

# Labels of the keys issuers put into ``Certificate.data`` (approval: ``application_issue``). Every ASCII key must be
# here: an unknown key is left off the paper (and logged) rather than printed raw; the paper test fails on one.
# The Chinese keys of issuers' data (the demo's permits) are labelled too, so they print in the request's language.
DATA_LABELS: dict[str, Any] = {
    "item": gettext_lazy("许可事项"),
    "item_code": gettext_lazy("事项实施编码"),
    "case_number": gettext_lazy("办件编号"),
    "holder_address": gettext_lazy("住所（经营场所）"),
    "address": gettext_lazy("住所"),
    "business_scope": gettext_lazy("经营范围"),
    "premises": gettext_lazy("经营场所"),
    "category": gettext_lazy("主体业态"),
    "activities": gettext_lazy("经营项目"),
    "kind": gettext_lazy("类型"),
    "remarks": gettext_lazy("备注"),
    "类型": gettext_lazy("类型"),
    "经营范围": gettext_lazy("经营范围"),
    "经营场所": gettext_lazy("经营场所"),
    "主体业态": gettext_lazy("主体业态"),
    "经营项目": gettext_lazy("经营项目"),
    "备注": gettext_lazy("备注"),
}

# Per certificate type (matched on the start of ``type_name``): the holder's labels and the order of the data rows.
# Rows not named in ``order`` follow in the order the issuer gave them.
LAYOUTS: dict[str, dict[str, Any]] = {
    "营业执照": {
        "holder": gettext_lazy("名称"),
        "identifier_org": gettext_lazy("统一社会信用代码"),
        "representative": gettext_lazy("经营者（法定代表人）"),
        "order": ["类型", "kind", "经营范围", "business_scope", "item", "item_code", "case_number"],
        "issuer": gettext_lazy("登记机关"),
    },
    "食品经营许可证": {
        "holder": gettext_lazy("经营者名称"),
        "identifier_org": gettext_lazy("社会信用代码"),
        "representative": gettext_lazy("法定代表人（负责人）"),
        "order": ["经营场所", "premises", "主体业态", "category", "经营项目", "activities", "item", "case_number"],
        "issuer": gettext_lazy("发证机关"),
    },
}
DEFAULT_LAYOUT: dict[str, Any] = {
    "holder": gettext_lazy("持证主体"),
    "identifier_org": gettext_lazy("统一社会信用代码"),
    "representative": gettext_lazy("法定代表人/经营者"),
    "order": ["item", "item_code", "case_number"],
    "issuer": gettext_lazy("颁发单位"),
}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?$")


def layout_for(cert: Certificate) -> dict[str, Any]:
    for prefix, layout in LAYOUTS.items():
        if (cert.type_name or "").startswith(prefix):
            return layout
    return DEFAULT_LAYOUT


def display_date(day: Any) -> str:
    """A date as printed on paper, in the active language: 2026年03月02日 in Chinese, 2 March 2026 in English.

    The format is itself translated (``pgettext("paper date format", …)``, Django's ``date`` format characters), so
    every paper of every app prints dates one way."""
    return dateformat.format(day, pgettext("paper date format", "Y年m月d日"))


def display_value(value: Any) -> str:
    """A data value as printed: ISO dates through :func:`display_date`, lists joined with 、, booleans 是/否."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (list, tuple)):
        return _("、").join(display_value(v) for v in value if not isinstance(v, dict))
    if hasattr(value, "strftime"):
        return display_date(value)
    text = str(value)
    m = _ISO_DATE.match(text)
    if not m:
        return text
    try:
        return display_date(datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    except ValueError:  # not a real day: printed as written (in Chinese in the date's form, as it always was)
        return f"{m.group(1)}年{m.group(2)}月{m.group(3)}日" if prints_chinese() else text


def unlabelled_keys(data: dict[str, Any] | None) -> list[str]:
    """Keys that would reach paper as raw identifiers (ASCII and not in ``DATA_LABELS``)."""
    return [str(k) for k in (data or {}) if str(k).isascii() and str(k) not in DATA_LABELS]


def certificate_rows(cert: Certificate, fields: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """The labelled rows of a certificate, laid out for its type (holder, data, validity, issuer)."""
    layout = layout_for(cert)
    holder = cert.holder
    rows: list[tuple[str, str]] = [
        (str(layout["holder"]), holder.name),
        (str(layout["identifier_org"]) if not holder.is_person else _("公民身份号码"), holder.masked_identifier),
    ]
    if holder.legal_representative:
        rows.append((str(layout["representative"]), holder.legal_representative))
    if holder.address:
        rows.append((_("住所"), holder.address))
    data = {str(k): v for k, v in (cert.data or {}).items() if not isinstance(v, dict)}
    skipped = unlabelled_keys(data)
    if skipped:
        logger.warning("certificate %s: data keys without a label left off the paper: %s", cert.pk, skipped)
    if holder.address and data.get("holder_address") == holder.address:
        data.pop("holder_address")
    order = [k for k in layout["order"] if k in data] + [k for k in data if k not in layout["order"]]
    for label, value in fields or []:
        rows.append((label, display_value(value)))
    for key in order:
        if key in skipped or data[key] in ("", None, []):
            continue
        rows.append((str(DATA_LABELS.get(key, key)), display_value(data[key])))
    start = display_date(cert.valid_from)
    rows += [
        (
            _("有效期"),
            _("%(start)s 至 %(end)s") % {"start": start, "end": display_date(cert.valid_until)}
            if cert.valid_until
            else _("%(start)s 起长期有效") % {"start": start},
        ),
        (str(layout["issuer"]), cert.issuer_name),
        (_("签发日期"), display_date(timezone.localtime(cert.issued_at))),
    ]
    return rows


def render_certificate(
    cert: Certificate, *, base_url: str | None = None, fields: list[tuple[str, str]] | None = None
) -> bytes:
    """The certificate as a one-page A4 PDF, laid out for its type with labels in the active language
    (``certificate_rows``)."""
    font = _font()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.setTitle(f"{cert.type_name} {cert.identifier}")
    c.setAuthor(cert.issuer_name)
    c.setSubject(cert.identifier)
    width, height = A4
    c.setStrokeColor(colors.Color(0.7, 0.55, 0.2))
    c.setLineWidth(2)
    c.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    c.setLineWidth(0.6)
    c.rect(17 * mm, 17 * mm, width - 34 * mm, height - 34 * mm)
    c.setFont(font, 26)
    c.drawCentredString(width / 2, height - 45 * mm, cert.type_name)
    c.setFont(font, 9)
    c.drawCentredString(width / 2, height - 53 * mm, _("证照标识：%(id)s") % {"id": cert.identifier})
    c.setStrokeColor(colors.Color(0.85, 0.8, 0.7))
    y = height - 75 * mm
    label_x, value_x, right = 30 * mm, 72 * mm, width - 30 * mm
    for key, value in certificate_rows(cert, fields):
        lines = _wrap(value, font, 12, right - value_x)[:4]
        c.setFillColor(colors.Color(0.35, 0.35, 0.35))
        label_lines, label_size = _fit_label(label_text(key), font, 12, value_x - label_x - 1.5 * mm)
        for n, line in enumerate(label_lines):
            c.setFont(font, label_size)
            c.drawString(label_x, y - n * 5 * mm, line)
        c.setFont(font, 12)
        c.setFillColor(colors.black)
        for n, line in enumerate(lines):
            c.drawString(value_x, y - n * 6 * mm, line)
        y -= max((len(lines) - 1) * 6 * mm, (len(label_lines) - 1) * 5 * mm) + 9 * mm
        if y < 105 * mm:
            break

    if (translation.get_language() or settings.LANGUAGE_CODE) == settings.LANGUAGE_CODE:
        draw_seal(c, width - 60 * mm, 60 * mm, 22 * mm, cert.issuer_name, _("电子证照专用章"))
    else:  # a translation for reference: the certificate in force is the Chinese one (国家通用语言文字法第九条)
        c.setFont(font, 9)
        for n, line in enumerate(_wrap(translation_note(cert.identifier), font, 9, 80 * mm)[:5]):
            c.drawString(width - 100 * mm, 70 * mm - n * 5 * mm, line)
    url = verification_url(cert, base_url)
    draw_qr(c, 25 * mm, 30 * mm, 32 * mm, url)
    c.setFont(font, 8)
    c.drawString(25 * mm, 25 * mm, _("扫码核验证照真伪"))
    c.drawString(25 * mm, 20 * mm, _("SM2签名：%(signature)s…") % {"signature": cert.signature[:48]})
    c.showPage()
    c.save()
    return buffer.getvalue()


def label_text(label: str) -> str:
    """A label as printed before its value: 名称： in Chinese, Name: in English."""
    return _("%(label)s：") % {"label": label}


def prints_chinese() -> bool:
    """The active language is Chinese (the papers' own language)."""
    return (translation.get_language() or settings.LANGUAGE_CODE).lower().startswith("zh")


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of at most ``width``: Chinese breaks after any character (as it always has); in other languages a line
    breaks at the last space where there is one, so English words are not cut."""
    words = not prints_chinese()
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for ch in paragraph:
            if pdfmetrics.stringWidth(line + ch, font, size) > width:
                # inside a Latin word, go back to the last space; Chinese (and its punctuation) breaks anywhere
                latin_word = ch != " " and ch < "\u2e80" and line[-1:] not in ("", " ") and line[-1] < "\u2e80"
                cut = line.rfind(" ") if words and latin_word else -1
                if cut > 0:
                    lines.append(line[:cut])
                    line = line[cut + 1 :] + ch
                else:
                    lines.append(line)
                    line = "" if words and ch == " " else ch
            else:
                line += ch
        lines.append(line)
    return lines


def _fit_label(text: str, font: str, size: float, width: float, smallest: float = 9.5) -> tuple[list[str], float]:
    """A row label within ``width``: as it is, else in a smaller size down to ``smallest``, else wrapped at that size
    (long English labels such as "Legal representative (person in charge):")."""
    actual = pdfmetrics.stringWidth(text, font, size)
    if actual <= width:
        return [text], size
    fitted = size * width / actual
    if fitted >= smallest:
        return [text], fitted
    return _wrap(text, font, smallest, width), smallest


def translation_note(code: str) -> str:
    return _("译文，仅供参考，不加盖印章；具有效力的是中文原件（电子签章核验码：%(code)s）。") % {"code": code}


def render_document(
    *,
    title: str,
    unit_name: str,
    paragraphs: list[str],
    doc_number: str = "",
    addressee: str = "",
    date: Any = None,
    seal_label: str | None = None,
    verify: str = "",
    footer: str = "",
    translation_of: str = "",
) -> bytes:
    """A decision letter / notice (受理通知书, 准予许可决定书, 一次性告知书 …) as an A4 PDF.

    Chinese text is extractable; the unit's seal is drawn at the signature; ``verify`` (a URL) adds a
    QR code. Used by the approval app for its documents; certificates use ``render_certificate``. Fixed texts
    (the seal's label, 扫码核验, the date) are in the active language; ``seal_label`` None is 行政审批专用章.
    """
    font = _font()
    if seal_label is None:
        seal_label = _("行政审批专用章")
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.setTitle(title)
    c.setAuthor(unit_name)
    width, height = A4
    left, right = 25 * mm, width - 25 * mm
    y = height - 30 * mm
    c.setFont(font, 20)
    c.drawCentredString(width / 2, y, title)
    y -= 10 * mm
    if doc_number:
        c.setFont(font, 11)
        c.drawCentredString(width / 2, y, doc_number)
        y -= 10 * mm
    size, leading = 12, 7.5 * mm
    c.setFont(font, size)
    if addressee:
        c.drawString(left, y, label_text(addressee))
        y -= leading
    for paragraph in paragraphs:
        for i, line in enumerate(_wrap(paragraph, font, size, right - left - 2 * size)):
            if y < 60 * mm:
                c.showPage()
                c.setFont(font, size)
                y = height - 30 * mm
            c.drawString(left + (2 * size if i == 0 else 0), y, line)
            y -= leading
    y = min(y - 10 * mm, 95 * mm)
    day = date or timezone.localdate()
    c.drawRightString(right - 10 * mm, y, unit_name)
    c.drawRightString(right - 10 * mm, y - leading, display_date(day))
    if translation_of:
        # a translation for reference (certificates.services.official_language): no seal; the sealed original's code
        c.setFont(font, 9)
        for n, line in enumerate(_wrap(translation_note(translation_of), font, 9, right - left)[:3]):
            c.drawString(left, y - 2 * leading - n * 5 * mm, line)
    else:
        draw_seal(c, right - 35 * mm, y, 21 * mm, unit_name, seal_label)
    if verify:
        draw_qr(c, left, 22 * mm, 28 * mm, verify)
        c.setFont(font, 8)
        c.drawString(left + 30 * mm, 25 * mm, _("扫码核验"))
    if footer:
        c.setFont(font, 9)
        for i, line in enumerate(_wrap(footer, font, 9, right - left - 35 * mm)):
            c.drawString(left + 32 * mm, 45 * mm - i * 5 * mm, line)
    c.showPage()
    c.save()
    return buffer.getvalue()
