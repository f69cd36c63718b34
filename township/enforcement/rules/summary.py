"""The summary procedure and on-the-spot collection (Art 51, 68–71)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.enforcement.errors import Code
from township.enforcement.rules.law import (
    ON_SPOT_COLLECTION_MAX,
    SUMMARY_FINE_ORGANISATION,
    SUMMARY_FINE_PERSON,
    SUMMARY_TYPES,
    _money,
    agency_deadline,
)

# ---------------------------------------------------------------------------------------------
# Art 51, 68: summary procedure and on-the-spot collection
# ---------------------------------------------------------------------------------------------


def check_summary_penalty(*, party_kind: str, types: Iterable[str], fine: Any, evidence_count: int) -> None:
    """行政处罚法第51条: on the spot only a warning or a fine ≤ 200 (citizen) / 3,000 yuan (organisation)."""
    types = set(types)
    if not types or types - SUMMARY_TYPES:
        raise TransitionRefused(
            Code.SUMMARY_TYPE_NOT_ALLOWED,
            _("简易程序只能当场作出警告或者罚款（行政处罚法第五十一条）"),
            field="types",
        )
    cap = SUMMARY_FINE_PERSON if party_kind == "person" else SUMMARY_FINE_ORGANISATION
    if "fine" in types and (_money(fine) > cap or _money(fine) <= 0):
        raise TransitionRefused(
            Code.SUMMARY_FINE_CAP,
            _("适用简易程序，对公民罚款不得超过二百元，对法人或者其他组织不得超过三千元（行政处罚法第五十一条）"),
            field="fine",
        )
    if evidence_count < 1:
        raise TransitionRefused(
            Code.SUMMARY_EVIDENCE_REQUIRED,
            _("当场处罚须违法事实确凿，并有证据（行政处罚法第五十一条、第五十二条）"),
            field="evidence",
        )


def check_on_spot_collection(*, amount: Any, hard_to_enforce: bool = False) -> None:
    """行政处罚法第68条: collect on the spot only fines ≤ 100 yuan, or when later enforcement would be hard."""
    if _money(amount) > ON_SPOT_COLLECTION_MAX and not hard_to_enforce:
        raise TransitionRefused(
            Code.ON_SPOT_COLLECTION_CAP,
            _("当场收缴罚款仅限一百元以下，或者不当场收缴事后难以执行的情形（行政处罚法第六十八条）"),
            field="amount",
        )


CASH_HAND_OVER_WORKING_DAYS = 2  # Art 71 (二日 → working days, Art 85)


def check_summary_rights_told(*, rights_told: bool) -> None:
    """行政处罚法第44条: also on the spot, the party is told the intended penalty, its facts, reasons and basis, and
    the right to state and defend, before the decision."""
    if not rights_told:
        raise TransitionRefused(
            Code.SUMMARY_RIGHTS_NOT_TOLD,
            _(
                "当场作出处罚决定前，应当告知当事人拟作出的行政处罚内容及事实、理由、依据，并告知其依法享有的陈述、"
                "申辩权利（行政处罚法第四十四条）"
            ),
            field="rights_told",
        )


def check_receipt(*, receipt_number: str) -> None:
    """行政处罚法第70条: on-the-spot collection only against the official receipt for fines."""
    if not (receipt_number or "").strip():
        raise TransitionRefused(
            Code.RECEIPT_REQUIRED,
            _("当场收缴罚款的，必须向当事人出具财政部门统一制发的专用票据，请填写票据号（行政处罚法第七十条）"),
            field="receipt_number",
        )


def check_cash_to_hand_over(*, collected_on_spot: bool, handed_over: bool) -> None:
    """行政处罚法第71条: only cash collected on the spot is handed over, once."""
    if not collected_on_spot:
        raise TransitionRefused(Code.NOT_COLLECTED_ON_SPOT, _("本案罚款不是当场收缴的"))
    if handed_over:
        raise TransitionRefused(Code.ALREADY_HANDED_OVER, _("罚款已交至行政机关"))


def check_revocation(*, types: Iterable[str], named: int, revocable: int) -> None:
    """A decision that revokes a licence names the certificate it revokes (when the party holds one in the library);
    naming a certificate without revoking is refused (行政处罚法第9条、第59条)."""
    revokes = "revoke_licence" in set(types)
    if named and not revokes:
        raise TransitionRefused(
            Code.CERTIFICATE_WITHOUT_REVOCATION, _("处罚种类不含吊销许可证件，不能吊销证照"), field="certificates"
        )
    if revokes and revocable and not named:
        raise TransitionRefused(
            Code.CERTIFICATE_REQUIRED, _("吊销许可证件的，须指明被吊销的证照"), field="certificates"
        )


def cash_hand_over_late(*, collected_on: dt.date, handed_over_on: dt.date) -> bool:
    """行政处罚法第71条: cash collected on the spot reaches the agency within 2 (working) days. Late hand-over is
    flagged, not refused — the money must still be handed over."""
    return handed_over_on > agency_deadline(collected_on, CASH_HAND_OVER_WORKING_DAYS)
