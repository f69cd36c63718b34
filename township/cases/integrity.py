"""Verification of the hash-chained timeline and the periodic checkpoint over all case heads."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from township.cases.hashing import hash_of_event
from township.cases.models import Case, CaseEvent, CaseSeal, Checkpoint


@dataclass
class Problem:
    case_id: int
    seq: int | None
    kind: str  # edited | deleted | reordered | truncated | missing_case | checkpoint
    detail: str

    def __str__(self) -> str:
        where = f"case {self.case_id}" + (f" event {self.seq}" if self.seq is not None else "")
        return f"{where}: {self.kind}: {self.detail}"


def verify_case_events(case_id: int, events: list[CaseEvent]) -> list[Problem]:
    problems: list[Problem] = []
    prev_hash = ""
    expected_seq = 1
    for ev in events:
        if ev.seq != expected_seq:
            kind = "deleted" if ev.seq > expected_seq else "reordered"
            problems.append(Problem(case_id, expected_seq, kind, f"expected event {expected_seq}, found {ev.seq}"))
            expected_seq = ev.seq
        if ev.prev_hash != prev_hash:
            problems.append(Problem(case_id, ev.seq, "reordered", "link to the previous event is broken"))
        if hash_of_event(ev) != ev.hash:
            problems.append(Problem(case_id, ev.seq, "edited", "content does not match its hash"))
        prev_hash = ev.hash
        expected_seq += 1
    return problems


def _events_by_case(batch: int = 5000) -> Iterator[tuple[int, list[CaseEvent]]]:
    current: int | None = None
    bucket: list[CaseEvent] = []
    for ev in CaseEvent.objects.order_by("case_id", "seq").iterator(chunk_size=batch):
        if current is not None and ev.case_id != current:
            yield current, bucket
            bucket = []
        current = ev.case_id
        bucket.append(ev)
    if current is not None:
        yield current, bucket


def verify_all() -> tuple[int, list[Problem]]:
    """Check every case's chain against its events, its recorded head and its seal."""
    problems: list[Problem] = []
    heads = dict(Case.objects.values_list("pk", "head_seq"))
    seals = {s.case_id_sealed: s for s in CaseSeal.objects.all()}
    checked = 0
    seen: set[int] = set()
    for case_id, events in _events_by_case():
        checked += 1
        seen.add(case_id)
        problems.extend(verify_case_events(case_id, events))
        last = events[-1]
        head = heads.get(case_id)
        if head is None:
            problems.append(Problem(case_id, None, "missing_case", "events exist for a case that is gone"))
        elif last.seq < head:
            problems.append(Problem(case_id, head, "deleted", f"the case records {head} events, found {last.seq}"))
        seal = seals.get(case_id)
        if seal is not None:
            sealed = next((e for e in events if e.seq == seal.seq), None)
            if sealed is None:
                problems.append(Problem(case_id, seal.seq, "truncated", "a sealed event is missing"))
            elif sealed.hash != seal.hash:
                problems.append(Problem(case_id, seal.seq, "edited", "a sealed event differs from its seal"))
    for case_id, head in heads.items():
        if head and case_id not in seen:
            problems.append(Problem(case_id, None, "deleted", "all events of the case are gone"))
    for case_id in set(seals) - seen:
        problems.append(Problem(case_id, None, "missing_case", "a sealed case has no events any more"))
    problems.extend(verify_checkpoints())
    return checked, problems


def _seals_digest() -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for case_id, seq, h in CaseSeal.objects.order_by("case_id_sealed").values_list("case_id_sealed", "seq", "hash"):
        digest.update(f"{case_id}:{seq}:{h}\n".encode())
        count += 1
    return count, digest.hexdigest()


def _checkpoint_hash(prev: str, at_iso: str, count: int, seals_digest: str) -> str:
    return hashlib.sha256(f"{prev}\n{at_iso}\n{count}\n{seals_digest}".encode()).hexdigest()


@transaction.atomic
def checkpoint_create() -> Checkpoint:
    """Seal the current head of every case whose head moved, then chain a checkpoint over all seals."""
    now = timezone.now()
    seals = {s.case_id_sealed: s for s in CaseSeal.objects.all()}
    new, changed = [], []
    for pk, jur, seq, h in Case.objects.filter(head_seq__gt=0).values_list(
        "pk", "jurisdiction_id", "head_seq", "head_hash"
    ):
        seal = seals.get(pk)
        if seal is None:
            new.append(CaseSeal(case_id_sealed=pk, jurisdiction_id=jur, seq=seq, hash=h, sealed_at=now))
        elif seal.seq != seq:
            seal.seq, seal.hash, seal.sealed_at = seq, h, now
            changed.append(seal)
    CaseSeal.objects.bulk_create(new, batch_size=2000)
    CaseSeal.objects.bulk_update(changed, ["seq", "hash", "sealed_at"], batch_size=2000)
    count, seals_digest = _seals_digest()
    prev = Checkpoint.objects.order_by("-id").values_list("hash", flat=True).first() or ""
    at_iso = now.isoformat(timespec="microseconds")
    return Checkpoint.objects.create(
        at=now,
        seal_count=count,
        seals_digest=seals_digest,
        prev_hash=prev,
        hash=_checkpoint_hash(prev, at_iso, count, seals_digest),
    )


def heads_unsealed() -> bool:
    """True when a case's head has moved past its seal (or was never sealed), or no checkpoint exists yet."""
    sealed = CaseSeal.objects.filter(
        jurisdiction_id=OuterRef("jurisdiction_id"), case_id_sealed=OuterRef("pk"), seq=OuterRef("head_seq")
    )
    moved = Case.objects.filter(head_seq__gt=0).exclude(Exists(sealed)).exists()
    return moved or not Checkpoint.objects.exists()


def verify_checkpoints() -> list[Problem]:
    problems: list[Problem] = []
    prev = ""
    last: Checkpoint | None = None
    for cp in Checkpoint.objects.order_by("id"):
        expected = _checkpoint_hash(prev, cp.at.isoformat(timespec="microseconds"), cp.seal_count, cp.seals_digest)
        if cp.prev_hash != prev or cp.hash != expected:
            problems.append(Problem(0, None, "checkpoint", f"checkpoint {cp.pk} is broken"))
        prev = cp.hash
        last = cp
    if last is not None:
        count, digest = _seals_digest()
        if count < last.seal_count:
            problems.append(Problem(0, None, "checkpoint", f"{last.seal_count - count} sealed case(s) are gone"))
        elif count == last.seal_count and digest != last.seals_digest and not _seals_moved_since(last):
            problems.append(Problem(0, None, "checkpoint", "the seals differ from the last checkpoint"))
    return problems


def _seals_moved_since(cp: Checkpoint) -> bool:
    return CaseSeal.objects.filter(sealed_at__gt=cp.at).exists()
