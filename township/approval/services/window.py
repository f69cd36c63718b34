"""The window desk (综合窗口): file a walk-in's application and settle it at the counter in one step.

``window_file`` files one item or a 一件事 bundle through the window (or village-agent) channel with the materials
of the subject's library pre-attached (一库共享) and what the clerk took at the counter, then, by ``mode``:

- ``auto``: 当场受理 when every essential material is there, else filed to wait (待受理);
- ``accept``: 当场受理 — refused (and nothing filed) when an essential material is missing;
- ``gap``: 容缺受理 of the listed non-essential materials still missing, with the applicant's pledge;
- ``notice``: filed and the one-time notice (一次性告知书) of every missing essential material issued;
- ``file``: filed only.

All in one transaction: what the clerk sees as done is done, or nothing is (no "当场受理" ticked and not accepted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from township.approval.errors import Code, error
from township.approval.models import Application, Channel, SupplementNotice
from township.approval.services.applications import (
    application_accept,
    application_accept_gap,
    application_bundle_submit,
    application_request_supplement,
    application_submit,
)
from township.core.errors import DomainError
from township.org.models import Role, User
from township.org.scoping import reach

WINDOW_MODES = ("auto", "accept", "gap", "notice", "file")


@dataclass(frozen=True)
class WindowFiling:
    application: Application
    outcome: str  # accepted | gap | notice | filed
    notice: SupplementNotice | None = None


def window_channel(actor: User | None, town: str) -> str:
    """The window channel for the town's clerks, the village-agent channel for its agents."""
    clerk_here = town in reach(actor, (Role.WINDOW_CLERK, Role.APPROVER, Role.APPROVAL_HEAD)).codes
    return Channel.WINDOW if clerk_here else Channel.VILLAGE_AGENT


@transaction.atomic
def window_file(
    *,
    actor: User | None,
    town: str,
    subject: Any,
    items: list[Any],
    theme: Any = None,
    uploads: dict[str, Any] | None = None,
    paper: Iterable[str] = (),
    mode: str = "auto",
    pledge: str = "",
) -> WindowFiling:
    """File and settle at the counter (see the module). Errors: items_required, bad_input (mode),
    materials_incomplete (accept), gap_* (gap), and those of ``application_submit`` / ``application_accept``."""
    from township.approval.selectors import window_material_plan

    if mode not in WINDOW_MODES:
        raise DomainError("bad_input", _("受理方式有误"), field="mode")
    items = list(dict.fromkeys(items))
    if not items:
        raise error(Code.ITEMS_REQUIRED, field="items")
    uploads = uploads or {}
    paper = list(paper)
    plan = window_material_plan(subject=subject, items=items, provided=[*paper, *uploads])
    if mode == "accept" and not plan["complete"]:
        names = [r["name"] for r in plan["materials"] if r["code"] in plan["missing_essential"]]
        raise DomainError("materials_incomplete", _("必备材料不齐，不能当场受理：%(m)s") % {"m": "、".join(names)})
    if mode == "gap" and not plan["gap_offered"]:
        raise DomainError("gap_not_offered", _("本件不符合容缺受理条件"), field="mode")
    if mode == "notice" and plan["complete"]:
        raise DomainError("nothing_missing", _("必备材料齐全，无需一次性告知"), field="mode")
    channel = window_channel(actor, town)
    if len(items) > 1 or theme is not None:
        app = application_bundle_submit(
            actor=actor, items=items, theme=theme, applicant=subject, channel=channel, uploads=uploads, paper=paper
        )
    else:
        app = application_submit(
            actor=actor, item=items[0], applicant=subject, channel=channel, uploads=uploads, paper=paper
        )
    if mode == "accept" or (mode == "auto" and plan["complete"]):
        application_accept(application=app, actor=actor)
        return WindowFiling(app, "accepted")
    if mode == "gap":
        pledge = pledge.strip() or _("本人承诺在规定期限内补齐容缺材料，逾期未补齐的视为撤回申请。")
        application_accept_gap(application=app, actor=actor, missing=plan["gap_codes"], pledge=pledge)
        return WindowFiling(app, "gap")
    if mode == "notice":
        notice = application_request_supplement(
            application=app, actor=actor, material_codes=plan["missing_essential"], note=_("窗口收件时一次性告知")
        )
        return WindowFiling(app, "notice", notice)
    return WindowFiling(app, "filed")
