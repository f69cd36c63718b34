"""Registration of 信访事项 from every channel (Art 19, 21), intake of forwarded matters, recusal (Art 46)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases.models import Case
from township.cases.services import case_note, case_open
from township.cases.types import Intake
from township.core.crypto import blind_index
from township.core.errors import BadInput, DomainError, PermissionRefused
from township.core.identifiers import is_valid_resident_id
from township.org.models import Department, Jurisdiction, User
from township.org.scoping import has_role, reach
from township.petitions import rules
from township.petitions.errors import Code
from township.petitions.machine import CASE_TYPE, OFFICERS
from township.petitions.models import Category, Channel, Petition, Petitioner, Recusal, Source

MAX_PETITIONERS = 5  # Art 20: a group visit elects at most 5 representatives
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def matter_key(title: str) -> str:
    """The matter, normalised for matching the same matter again (whitespace and punctuation dropped)."""
    return _PUNCT.sub("", title or "").lower()[:200]


def petitioner_identity_keys(rows: list[dict[str, Any]]) -> set[str]:
    """Keys that identify a petitioner across items: the blind index of the ID number, else name + phone index."""
    keys: set[str] = set()
    for p in rows:
        rid = str(p.get("resident_id") or "").strip().upper()
        if rid:
            keys.add("id:" + str(blind_index(rid)))
        elif p.get("name") and p.get("phone"):
            keys.add(f"np:{p['name'].strip()}:{blind_index(str(p['phone']).strip())}")
    return keys


def _clean_petitioners(rows: list[dict[str, Any]], anonymous: bool) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for i, raw in enumerate(rows or []):
        name = str(raw.get("name") or "").strip()
        phone = re.sub(r"[\s-]", "", str(raw.get("phone") or ""))
        rid = str(raw.get("resident_id") or "").strip().upper()
        address = str(raw.get("address") or "").strip()
        if not (name or phone or rid or address):
            continue
        if not name:
            raise BadInput(
                Code.PETITIONER_REQUIRED, _("请填写第%(n)s位信访人的姓名") % {"n": i + 1}, field="petitioners"
            )
        if phone and not re.fullmatch(r"\+?\d{7,15}", phone):
            raise BadInput(Code.PHONE_INVALID, _("联系电话格式不正确"), field="petitioners")
        if rid and not is_valid_resident_id(rid):
            raise BadInput(Code.ID_INVALID, _("身份证号码校验不通过"), field="petitioners")
        out.append({"name": name[:64], "phone": phone, "resident_id": rid, "address": address[:200]})
    if len(out) > MAX_PETITIONERS:
        raise BadInput(
            Code.PETITIONERS_TOO_MANY, _("多人信访应推选不超过5名代表（信访工作条例第20条）"), field="petitioners"
        )
    if not out and not anonymous:
        raise BadInput(
            Code.PETITIONER_REQUIRED,
            _("请填写信访人姓名（姓名或住址不清的，请勾选“匿名或姓名住址不清”）"),
            field="petitioners",
        )
    return out


def _department(jurisdiction: str, value: Any) -> Department | None:
    if value in (None, ""):
        return None
    dept = Department.objects.filter(jurisdiction_id=jurisdiction, pk=int(value)).first()
    if dept is None:
        raise BadInput("department_invalid", _("部门不存在"), field="department")
    return dept


@transaction.atomic
def petition_register(
    *,
    actor: User,
    jurisdiction: Jurisdiction | str,
    channel: str,
    category: str,
    title: str,
    description: str = "",
    request: str = "",
    source: str = Source.DIRECT,
    sender_body: str = "",
    sender_deadline: dt.date | None = None,
    anonymous: bool = False,
    urgent: bool = False,
    petitioners: list[dict[str, Any]] | None = None,
    accused_name: str = "",
    accused_department: Any = None,
    accused_user: Any = None,
    village: Jurisdiction | str | None = None,
    received_at: dt.datetime | None = None,
    petitioner_user: User | None = None,
    intake: bool = False,
) -> Petition:
    """Register an item (every item, from every channel, is entered: Art 21). The clock of the registered item is
    the 15-day notice period (Art 23), natural days from receipt.

    Errors: permission_denied, channel_invalid, category_invalid, matter_required, petitioner_required,
    petitioners_too_many, phone_invalid, resident_id_invalid, sender_required, accused_required."""
    code = jurisdiction if isinstance(jurisdiction, str) else jurisdiction.pk
    village_code = village if isinstance(village, str) or village is None else village.pk
    if not intake and not has_role(actor, code, OFFICERS):
        raise PermissionRefused("permission_denied", _("仅信访工作人员可以登记信访事项"))
    if intake and not reach(actor).covers(code, village_code):
        raise PermissionRefused("permission_denied", _("无权在该单位登记信访事项"))
    if channel not in Channel.values:
        raise BadInput(Code.CHANNEL_INVALID, _("请选择信访形式"), field="channel")
    if category not in Category.values:
        raise BadInput(Code.CATEGORY_INVALID, _("请选择信访事项类别"), field="category")
    if source not in Source.values:
        raise BadInput("source_invalid", _("请选择来源"), field="source")
    title = (title or "").strip()
    if not title:
        raise BadInput(Code.MATTER_REQUIRED, _("请填写信访事项"), field="title")
    if source != Source.DIRECT and not sender_body.strip():
        raise BadInput(Code.SENDER_REQUIRED, _("请填写转送/交办机关"), field="sender_body")
    accused_dept = _department(code, accused_department)
    accused = None
    if accused_user not in (None, ""):
        accused = User.objects.filter(pk=int(accused_user)).first()
    if category == Category.ACCUSATION and not (accused_name.strip() or accused_dept or accused):
        raise BadInput(Code.ACCUSED_REQUIRED, _("检举揭发类事项请填写被检举人或单位"), field="accused_name")
    rows = _clean_petitioners(petitioners or [], anonymous)
    received = received_at or timezone.now()
    if received > timezone.now() + dt.timedelta(minutes=5):
        raise BadInput("received_in_future", _("收到时间不能晚于当前时间"), field="received_at")
    case = case_open(
        case_type=CASE_TYPE,
        jurisdiction=code,
        village=village_code,
        actor=actor,
        title=title,
        owner=petitioner_user,
        clock_unit="natural_days",
        clock_limit=rules.NOTICE_DAYS,
        opened_at=received,
        data={"channel": channel, "category": category, "source": source},
    )
    petition = Petition.objects.create(
        jurisdiction_id=code,
        village_id=village_code,
        case=case,
        channel=channel,
        source=source,
        sender_body=sender_body.strip()[:100],
        sender_deadline=sender_deadline,
        category=category,
        title=title[:200],
        matter_key=matter_key(title),
        description=description,
        request=request,
        anonymous=anonymous or not rows,
        urgent=urgent,
        accused_name=accused_name.strip()[:100],
        accused_department=accused_dept,
        accused_user=accused,
        petitioner_user=petitioner_user,
        follow_code=secrets.token_hex(5).upper(),
        received_at=received,
    )
    for row in rows:
        Petitioner.objects.create(jurisdiction_id=code, petition=petition, **row)
    return petition


def petition_intake(intake: Intake) -> Case:
    """``CaseType.intake``: a 社情民意 item or a 12345 order becomes a 信访 item (the engine links both)."""
    origin = intake.origin
    extra = dict(intake.extra or {})
    people = [{"name": intake.person_name, "phone": intake.person_phone}] if intake.person_name else []
    category = str(extra.get("category") or "")
    if category not in Category.values:
        category = Category.CLAIM
    petition = petition_register(
        actor=intake.actor,
        jurisdiction=origin.jurisdiction_id,
        village=intake.village.pk if intake.village is not None else origin.village_id,
        channel=Channel.FORWARDED,
        category=category,
        title=intake.title,
        description=intake.description,
        request=str(extra.get("request") or ""),
        petitioners=people,
        anonymous=not people,
        intake=True,
    )
    return petition.case


@transaction.atomic
def petition_recuse(*, petition: Petition, actor: User, user: Any, reason: str) -> Recusal:
    """Declare that ``user`` has a direct interest and is recused (Art 46): the item disappears for them.

    Errors: reason_required, recusal_invalid."""
    if not reason.strip():
        raise DomainError(Code.REASON_REQUIRED, _("请填写回避理由"), field="reason")
    target = user if isinstance(user, User) else User.objects.filter(pk=int(user or 0)).first()
    if target is None:
        raise DomainError(Code.RECUSAL_INVALID, _("请选择回避人员"), field="user")
    if Recusal.objects.filter(petition=petition, user=target).exists():
        raise DomainError(Code.RECUSAL_INVALID, _("该人员已声明回避"), field="user")
    recusal = Recusal.objects.create(
        jurisdiction_id=petition.jurisdiction_id,
        petition=petition,
        case=petition.case,
        user=target,
        reason=reason.strip()[:300],
        declared_by=actor,
    )
    case_note(
        case=petition.case,
        actor=actor,
        name="recusal",
        label=_("回避声明"),
        data={"user": target.pk, "user_name": target.display_name},
        comment=reason,
    )
    return recusal
