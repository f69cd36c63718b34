"""Writes of 社情民意: collection (staff and the portal), 研判分类, 答复, 转办 (through the engine's typed links) and
存档. Items move only through the case type's ``fire``; every closing step writes its outcome in the same
transaction, and what the reporter may read is a ``Notice`` (never the internal note)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases.services import case_forward, case_open, check_transition
from township.cases.types import Intake, case_type_for, find_case_type
from township.core.errors import DomainError, PermissionRefused
from township.opinions.errors import Code
from township.opinions.machine import CASE_TYPE, COLLECTORS
from township.opinions.models import Category, Channel, Kind, Notice, Opinion, Outcome
from township.org.models import Jurisdiction, Level, User
from township.org.scoping import has_role

TRACK_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, no 0/O, 1/I: 12 of them = 60 bits
TRACK_LENGTH = 12
PHONE_RE = re.compile(r"^[0-9+\-]{7,20}$")


@dataclass(frozen=True)
class ForwardTarget:
    key: str  # the receiving case type
    action: str  # the action name on the opinion
    label: str  # 转为…


FORWARD_TARGETS = (
    ForwardTarget("hotline_order", "opinion_to_hotline", "转为12345工单"),
    ForwardTarget("petition", "opinion_to_petition", "转为信访事项"),
    ForwardTarget("grid_event", "opinion_to_grid", "转为网格事件"),
    ForwardTarget("mediation_case", "opinion_to_mediation", "转为调解案件"),
)


def new_track_code() -> str:
    return "".join(secrets.choice(TRACK_ALPHABET) for _i in range(TRACK_LENGTH))


def normalise_track_code(code: str) -> str:
    return re.sub(r"[\s\-]", "", str(code or "")).upper()[:TRACK_LENGTH]


def _feedback_days() -> int:
    return int(getattr(settings, "OPINIONS_FEEDBACK_DAYS", 30))


def _village(village: Jurisdiction | str | None) -> Jurisdiction:
    unit: Jurisdiction | None
    if isinstance(village, Jurisdiction):
        unit = village
    else:
        unit = Jurisdiction.objects.select_related("parent").filter(pk=str(village or ""), active=True).first()
    if unit is None or unit.level != Level.VILLAGE or unit.parent_id is None:
        raise DomainError(Code.VILLAGE_INVALID, _("请选择所在村（社区）"), field="village")
    return unit


def _check_text(title: str, content: str) -> tuple[str, str]:
    content = (content or "").strip()
    if not content:
        raise DomainError(Code.CONTENT_REQUIRED, _("请填写反映的内容"), field="content")
    title = (title or "").strip() or content[:30]
    return title[:120], content


def _check_phone(phone: str) -> str:
    phone = (phone or "").strip().replace(" ", "")
    if phone and not PHONE_RE.match(phone):
        raise DomainError(Code.PHONE_INVALID, _("联系电话格式不正确"), field="reporter_phone")
    return phone


@transaction.atomic
def opinion_collect(
    *,
    actor: User | None,
    village: Jurisdiction | str | None,
    channel: str,
    content: str,
    title: str = "",
    kind: str = Kind.REPORT,
    category: str = "",
    location: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    anonymous: bool = False,
    resident: User | None = None,
    at: Any = None,
) -> Opinion:
    """登记 one item. Staff channels need a collecting role in the village's town (village-limited grants count);
    the portal channel is the resident's own submission (no role; ``actor`` may be anonymous).

    Error codes: opinion_village_invalid, opinion_content_required, opinion_channel_unknown, opinion_phone_invalid,
    opinion_collect_out_of_scope.
    """
    unit = _village(village)
    town = unit.parent
    assert town is not None
    if channel not in Channel.values:
        raise DomainError(Code.CHANNEL_UNKNOWN, _("收集渠道无效"), field="channel")
    if kind not in Kind.values:
        kind = Kind.REPORT
    if category and category not in Category.values:
        raise DomainError(Code.CATEGORY_REQUIRED, _("分类无效"), field="category")
    title, content = _check_text(title, content)
    phone = _check_phone(reporter_phone)
    staff = channel != Channel.PORTAL
    if staff and (actor is None or not has_role(actor, town.pk, COLLECTORS, unit.pk)):
        raise PermissionRefused(
            Code.COLLECT_OUT_OF_SCOPE, _("您不是该村（社区）所在单位的信息员，不能登记此处的社情民意")
        )
    now = at or timezone.now()
    owner = resident if resident is not None and resident.is_authenticated else None
    case = case_open(
        case_type=CASE_TYPE,
        jurisdiction=town,
        actor=actor if staff else owner,
        title=title,
        village=unit,
        # No case owner: a resident follows the item by its code and on "我的意见建议" (public facts only), never
        # on the case page, whose timeline carries the staff's internal opinions.
        owner=None,
        clock_unit="natural_days",
        clock_limit=_feedback_days(),
        data={"channel": channel, "kind": kind, "category": category},
        opened_at=now,
    )
    if anonymous:
        reporter_name, phone = "", ""
    return Opinion.objects.create(
        case=case,
        jurisdiction=town,
        village=unit,
        channel=channel,
        kind=kind,
        category=category,
        title=title,
        content=content,
        location=(location or "")[:200],
        anonymous=anonymous,
        reporter_name=(reporter_name or "").strip()[:64],
        reporter_phone=phone,
        resident=owner,
        collector=actor if staff else None,
        collected_at=now,
        track_code=_unique_code(),
    )


def _unique_code() -> str:
    while True:
        code = new_track_code()
        if not Opinion.objects.filter(track_code=code).exists():
            return code


def opinion_submit_public(
    *,
    actor: User | None,
    village: Jurisdiction | str | None,
    content: str,
    title: str = "",
    kind: str = Kind.SUGGESTION,
    reporter_name: str = "",
    reporter_phone: str = "",
    anonymous: bool = False,
) -> Opinion:
    """A resident's suggestion or complaint from the portal (no sign-in needed); the answer carries the
    follow-up code. A named submission needs a phone or a signed-in account so a reply can reach them."""
    resident = actor if actor is not None and actor.is_authenticated else None
    village = _village(village)
    _check_text(title, content)
    if not anonymous and not resident and not (reporter_phone or "").strip():
        raise DomainError(Code.CONTACT_REQUIRED, _("请填写联系电话，或选择匿名提交"), field="reporter_phone")
    return opinion_collect(
        actor=None,
        village=village,
        channel=Channel.PORTAL,
        content=content,
        title=title,
        kind=kind if kind in (Kind.SUGGESTION, Kind.COMPLAINT) else Kind.SUGGESTION,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        anonymous=anonymous,
        resident=resident,
    )


def _notice(opinion: Opinion, title: str, body: str, at: Any = None) -> Notice:
    return Notice.objects.create(
        jurisdiction_id=opinion.jurisdiction_id,
        opinion=opinion,
        title=title[:200],
        body=body,
        created_at=at or timezone.now(),
    )


def _ct() -> Any:
    return case_type_for(CASE_TYPE)


@transaction.atomic
def opinion_classify(*, opinion: Opinion, actor: User, category: str, note: str = "", at: Any = None) -> Opinion:
    """研判分类: set (or correct) the category. Error code: opinion_category_required."""
    if category not in Category.values:
        category = ""
    _ct().fire(opinion.case, "classify", actor, {"new_category": category, "note": note}, comment=note, at=at)
    now = at or timezone.now()
    Opinion.objects.filter(pk=opinion.pk).update(category=category, assessed_by=actor, assessed_at=now)
    opinion.category, opinion.assessed_by, opinion.assessed_at = category, actor, now
    return opinion


def _close(
    opinion: Opinion, actor: User, outcome: str, reply: str, note: str, forwarded_type: str = "", at: Any = None
) -> None:
    now = at or timezone.now()
    fields = {
        "outcome": outcome,
        "public_reply": reply,
        "internal_note": note,
        "forwarded_type": forwarded_type,
        "closed_by": actor,
        "closed_at": now,
    }
    Opinion.objects.filter(pk=opinion.pk).update(**fields)
    for k, v in fields.items():
        setattr(opinion, k, v)


@transaction.atomic
def opinion_answer(*, opinion: Opinion, actor: User, reply: str, internal_note: str = "", at: Any = None) -> Opinion:
    """答复: the reply to the people is written and sent to the reporter. Error codes: opinion_category_required,
    opinion_reply_required."""
    reply = (reply or "").strip()
    _ct().fire(opinion.case, "answer", actor, {"reply": reply}, comment=internal_note, at=at)
    _close(opinion, actor, Outcome.ANSWERED, reply, internal_note, at=at)
    _notice(opinion, _("您反映的事项已答复"), reply, at=at)
    return opinion


@transaction.atomic
def opinion_archive(*, opinion: Opinion, actor: User, outcome: str, reply: str = "", at: Any = None) -> Opinion:
    """存档 (登记备查, 已知悉 …): the outcome is written; a reply, when given, reaches the reporter.
    Error codes: opinion_category_required, opinion_outcome_required."""
    outcome = (outcome or "").strip()
    reply = (reply or "").strip()
    _ct().fire(opinion.case, "archive", actor, {"outcome": outcome}, comment=outcome, at=at)
    _close(opinion, actor, Outcome.ARCHIVED, reply, outcome, at=at)
    _notice(opinion, _("您反映的事项已登记存档"), reply or _("您反映的情况已登记，供有关部门研究参考。"), at=at)
    return opinion


def forward_target(key: str) -> ForwardTarget:
    for t in FORWARD_TARGETS:
        if t.key == key:
            return t
    raise DomainError(Code.FORWARD_UNAVAILABLE, _("不支持的转办类型"), field="target")


def forward_unavailable(key: str) -> str:
    """Why forwarding to ``key`` is not possible now ("" when it is): the type is not installed or takes no
    forwarded matters."""
    ct = find_case_type(key)
    if ct is None:
        return _("该业务尚未启用，暂不能转办")
    if ct.intake is None:
        return _("%(t)s暂不接收转办事项") % {"t": ct.label}
    return ""


@transaction.atomic
def opinion_forward(
    *,
    opinion: Opinion,
    actor: User,
    target: str,
    note: str = "",
    reply: str = "",
    extra: dict[str, Any] | None = None,
) -> Any:
    """转办: the receiving type creates its case through its own intake, the engine links both (the origin is
    kept on both sides), then this item closes as 已转办 — all in one transaction. Returns the new case.
    Error codes: opinion_forward_unavailable, opinion_category_required, forward_unsupported and the
    receiving type's own codes."""
    forward_target(target)
    reason = forward_unavailable(target)
    if reason:
        raise DomainError(Code.FORWARD_UNAVAILABLE, reason, field="target")
    # State, role and classification first (the input guard — the linked case — is satisfied below).
    check_transition(opinion.case, "forward", actor, by=_ct(), dry_run=True)
    intake = Intake(
        origin=opinion.case,
        actor=actor,
        title=opinion.title,
        description=opinion.content,
        village=opinion.village,
        person_name="" if opinion.anonymous else opinion.reporter_name,
        person_phone="" if opinion.anonymous else opinion.reporter_phone,
        extra={
            "source": "opinion",
            "category": opinion.category,
            "kind": opinion.kind,
            "location": opinion.location,
            "anonymous": opinion.anonymous,
            **(extra or {}),
        },
    )
    created = case_forward(intake=intake, case_type=target, note=note)
    label = str(find_case_type(target).label)  # type: ignore[union-attr]
    _ct().fire(
        opinion.case,
        "forward",
        actor,
        {"forwarded_to": created.pk, "target_type": target, "number": created.number},
        comment=note,
    )
    _close(opinion, actor, Outcome.FORWARDED, reply.strip(), note, forwarded_type=target)
    body = _("您反映的事项已转交%(t)s办理，可继续使用查询码查看办理进度。") % {"t": label}
    if reply.strip():
        body = f"{reply.strip()}\n{body}"
    _notice(opinion, _("您反映的事项已转办"), body)
    return created
