"""PDF rendering of a certificate (decision documents use the same layout).

reportlab with the built-in CID font STSong-Light (UniGB-UCS2-H), so Chinese text is extractable
without shipping font files; the seal is drawn with vector shapes from the unit's name; the QR
code (segno) is drawn module by module and points to the public verification page.
"""

from __future__ import annotations

import io
import logging
import math
import re
from typing import Any

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
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
        c.setFont(font, radius * 0.16)
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
DATA_LABELS: dict[str, str] = {
    "item": "许可事项",
    "item_code": "事项实施编码",
    "case_number": "办件编号",
    "holder_address": "住所（经营场所）",
    "address": "住所",
    "business_scope": "经营范围",
    "premises": "经营场所",
    "category": "主体业态",
    "activities": "经营项目",
    "kind": "类型",
    "remarks": "备注",
}

# Per certificate type (matched on the start of ``type_name``): the holder's labels and the order of the data rows.
# Rows not named in ``order`` follow in the order the issuer gave them.
LAYOUTS: dict[str, dict[str, Any]] = {
    "营业执照": {
        "holder": "名称",
        "identifier_org": "统一社会信用代码",
        "representative": "经营者（法定代表人）",
        "order": ["类型", "kind", "经营范围", "business_scope", "item", "item_code", "case_number"],
        "issuer": "登记机关",
    },
    "食品经营许可证": {
        "holder": "经营者名称",
        "identifier_org": "社会信用代码",
        "representative": "法定代表人（负责人）",
        "order": ["经营场所", "premises", "主体业态", "category", "经营项目", "activities", "item", "case_number"],
        "issuer": "发证机关",
    },
}
DEFAULT_LAYOUT: dict[str, Any] = {
    "holder": "持证主体",
    "identifier_org": "统一社会信用代码",
    "representative": "法定代表人/经营者",
    "order": ["item", "item_code", "case_number"],
    "issuer": "颁发单位",
}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?$")


def layout_for(cert: Certificate) -> dict[str, Any]:
    for prefix, layout in LAYOUTS.items():
        if (cert.type_name or "").startswith(prefix):
            return layout
    return DEFAULT_LAYOUT


def display_value(value: Any) -> str:
    """A data value as printed: ISO dates as 2026年03月02日, lists joined with 、, booleans 是/否."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(display_value(v) for v in value if not isinstance(v, dict))
    if hasattr(value, "strftime"):
        return f"{value:%Y年%m月%d日}"
    text = str(value)
    m = _ISO_DATE.match(text)
    return f"{m.group(1)}年{m.group(2)}月{m.group(3)}日" if m else text


def unlabelled_keys(data: dict[str, Any] | None) -> list[str]:
    """Keys that would reach paper as raw identifiers (ASCII and not in ``DATA_LABELS``)."""
    return [str(k) for k in (data or {}) if str(k).isascii() and str(k) not in DATA_LABELS]


def certificate_rows(cert: Certificate, fields: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """The labelled rows of a certificate, laid out for its type (holder, data, validity, issuer)."""
    layout = layout_for(cert)
    holder = cert.holder
    rows: list[tuple[str, str]] = [
        (layout["holder"], holder.name),
        (layout["identifier_org"] if not holder.is_person else "公民身份号码", holder.masked_identifier),
    ]
    if holder.legal_representative:
        rows.append((layout["representative"], holder.legal_representative))
    if holder.address:
        rows.append(("住所", holder.address))
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
        rows.append((DATA_LABELS.get(key, key), display_value(data[key])))
    rows += [
        (
            "有效期",
            f"{cert.valid_from:%Y年%m月%d日} 至 {cert.valid_until:%Y年%m月%d日}"
            if cert.valid_until
            else f"{cert.valid_from:%Y年%m月%d日} 起长期有效",
        ),
        (layout["issuer"], cert.issuer_name),
        ("签发日期", f"{timezone.localtime(cert.issued_at):%Y年%m月%d日}"),
    ]
    return rows


def render_certificate(
    cert: Certificate, *, base_url: str | None = None, fields: list[tuple[str, str]] | None = None
) -> bytes:
    """The certificate as a one-page A4 PDF, laid out for its type with Chinese labels (``certificate_rows``)."""
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
    c.drawCentredString(width / 2, height - 53 * mm, f"证照标识：{cert.identifier}")
    c.setStrokeColor(colors.Color(0.85, 0.8, 0.7))
    y = height - 75 * mm
    label_x, value_x, right = 30 * mm, 72 * mm, width - 30 * mm
    for key, value in certificate_rows(cert, fields):
        lines = _wrap(value, font, 12, right - value_x)[:4]
        c.setFont(font, 12)
        c.setFillColor(colors.Color(0.35, 0.35, 0.35))
        c.drawString(label_x, y, f"{key}：")
        c.setFillColor(colors.black)
        for n, line in enumerate(lines):
            c.drawString(value_x, y - n * 6 * mm, line)
        y -= (len(lines) - 1) * 6 * mm + 9 * mm
        if y < 105 * mm:
            break

    draw_seal(c, width - 60 * mm, 60 * mm, 22 * mm, cert.issuer_name, "电子证照专用章")
    url = verification_url(cert, base_url)
    draw_qr(c, 25 * mm, 30 * mm, 32 * mm, url)
    c.setFont(font, 8)
    c.drawString(25 * mm, 25 * mm, "扫码核验证照真伪")
    c.drawString(25 * mm, 20 * mm, f"SM2签名：{cert.signature[:48]}…")
    c.showPage()
    c.save()
    return buffer.getvalue()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for ch in paragraph:
            if pdfmetrics.stringWidth(line + ch, font, size) > width:
                lines.append(line)
                line = ch
            else:
                line += ch
        lines.append(line)
    return lines


def render_document(
    *,
    title: str,
    unit_name: str,
    paragraphs: list[str],
    doc_number: str = "",
    addressee: str = "",
    date: Any = None,
    seal_label: str = "行政审批专用章",
    verify: str = "",
    footer: str = "",
) -> bytes:
    """A decision letter / notice (受理通知书, 准予许可决定书, 一次性告知书 …) as an A4 PDF.

    Chinese text is extractable; the unit's seal is drawn at the signature; ``verify`` (a URL) adds a
    QR code. Used by the approval app for its documents; certificates use ``render_certificate``.
    """
    font = _font()
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
        c.drawString(left, y, f"{addressee}：")
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
    c.drawRightString(right - 10 * mm, y - leading, f"{day:%Y年%m月%d日}")
    draw_seal(c, right - 35 * mm, y, 21 * mm, unit_name, seal_label)
    if verify:
        draw_qr(c, left, 22 * mm, 28 * mm, verify)
        c.setFont(font, 8)
        c.drawString(left + 30 * mm, 25 * mm, "扫码核验")
    if footer:
        c.setFont(font, 9)
        for i, line in enumerate(_wrap(footer, font, 9, right - left - 35 * mm)):
            c.drawString(left + 32 * mm, 45 * mm - i * 5 * mm, line)
    c.showPage()
    c.save()
    return buffer.getvalue()
