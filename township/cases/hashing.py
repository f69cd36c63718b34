"""The per-case hash chain of the timeline (SHA-256 over a canonical JSON serialisation)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def event_content(
    *,
    case_id: int,
    seq: int,
    kind: str,
    name: str,
    from_state: str,
    to_state: str,
    actor_id: int | None,
    at: datetime,
    data: Any,
    comment: str,
    jurisdiction_id: str,
) -> dict[str, Any]:
    return {
        "case": case_id,
        "seq": seq,
        "kind": kind,
        "name": name,
        "from": from_state,
        "to": to_state,
        "actor": actor_id,
        # In UTC, as the database gives it back: a caller's local time (+08:00) must hash as the stored value does.
        "at": (at.astimezone(UTC) if at.tzinfo is not None else at).isoformat(timespec="microseconds"),
        "data": data,
        "comment": comment,
        "jurisdiction": jurisdiction_id,
    }


def chain_hash(prev_hash: str, content: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(content)).hexdigest()


def hash_of_event(event: Any) -> str:
    """Recompute the stored hash of a CaseEvent row from its own columns."""
    content = event_content(
        case_id=event.case_id,
        seq=event.seq,
        kind=event.kind,
        name=event.name,
        from_state=event.from_state,
        to_state=event.to_state,
        actor_id=event.actor_id,
        at=event.at,
        data=event.data,
        comment=event.comment,
        jurisdiction_id=event.jurisdiction_id,
    )
    return chain_hash(event.prev_hash, content)
