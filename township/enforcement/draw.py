"""The 双随机 draw as a pure, reproducible function (DOMAIN §4).

Given the pool snapshot (targets with their credit class, inspectors per department, conflicts of interest),
the plan's parameters and a seed, ``draw`` returns the same visits on every run, on every machine:
``random.Random(seed)`` (string seeds are hashed with SHA-512, independent of PYTHONHASHSEED) consumed in a fixed
order over lists sorted by id. ``pool_hash`` is the SHA-256 of the canonical JSON snapshot, so an auditor can
check both the pool and the result (``python manage.py verify_draw PLAN``).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from township.enforcement.errors import Code

CLASSES = ("A", "B", "C", "D")


class DrawError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def canonical(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sha256(data: Any) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    targets: list[tuple[int, str]]  # (target id, credit class), sorted by id
    inspectors: dict[str, list[int]]  # department id (as str) → sorted officer ids
    conflicts: list[tuple[int, int]]  # (officer id, target id), sorted
    params: dict[str, Any]  # departments, ratios, min_count, inspectors_per_check, items (and domains) by department
    # officer id (as str) → the domains their valid credentials cover, only for officers limited to some domains
    # (a credential without domains covers every domain); absent from snapshots recorded before issue 17
    coverage: dict[str, list[str]] | None = None

    def as_json(self, *, pairs_as_lists: bool = True) -> dict[str, Any]:
        """The snapshot as JSON data. ``pairs_as_lists=False`` leaves the (target, class) and (officer, target)
        pairs as the tuples they are: the same JSON text, for ``canonical`` (no copy of 100,000 pairs)."""
        out: dict[str, Any] = {
            "targets": [list(t) for t in self.targets] if pairs_as_lists else self.targets,
            "inspectors": {k: list(v) for k, v in sorted(self.inspectors.items())},
            "conflicts": [list(c) for c in self.conflicts] if pairs_as_lists else self.conflicts,
            "params": self.params,
        }
        if self.coverage:
            out["coverage"] = {k: sorted(v) for k, v in sorted(self.coverage.items())}
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        return cls(
            targets=[(int(t[0]), str(t[1])) for t in data["targets"]],
            inspectors={str(k): [int(x) for x in v] for k, v in data["inspectors"].items()},
            conflicts=[(int(c[0]), int(c[1])) for c in data["conflicts"]],
            params=data["params"],
            coverage={str(k): [str(d) for d in v] for k, v in data.get("coverage", {}).items()} or None,
        )

    def canonical(self) -> bytes:
        """``canonical(self.as_json())``, byte for byte, without copying 100,000 pairs into lists first (issue 18):
        ``json`` writes a tuple as an array, so the pairs are handed over as they are."""
        return canonical(self.as_json(pairs_as_lists=False))

    @property
    def hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


def sample_size(population: int, ratio: float) -> int:
    """Share of a class to draw, rounded up (a ratio above zero never draws nobody from a non-empty class)."""
    if population <= 0 or ratio <= 0:
        return 0
    return min(population, math.ceil(population * ratio - 1e-9))


def draw(snapshot: Snapshot, seed: str) -> dict[str, Any]:
    """The visits: each drawn subject once, with every department that drew it and its inspectors."""
    params = snapshot.params
    rng = random.Random(seed)
    by_class: dict[str, list[int]] = {c: [] for c in CLASSES}
    for tid, cls in snapshot.targets:
        by_class.setdefault(cls or "B", []).append(tid)
    departments = [str(d) for d in params["departments"]]
    ratios = {c: float(params["ratios"].get(c, 0)) for c in CLASSES}
    min_count = int(params.get("min_count", 0))
    per_check = int(params["inspectors_per_check"])

    drawn: dict[int, list[str]] = {}
    for dept in departments:
        chosen: list[int] = []
        for cls in CLASSES:
            members = by_class.get(cls, [])
            chosen.extend(rng.sample(members, sample_size(len(members), ratios[cls])))
        if len(chosen) < min_count:
            taken = set(chosen)
            rest = [tid for tid, _c in snapshot.targets if tid not in taken]
            chosen.extend(rng.sample(rest, min(len(rest), min_count - len(chosen))))
        for tid in sorted(chosen):
            drawn.setdefault(tid, []).append(dept)

    conflicted: dict[int, set[int]] = {}
    for officer, target in snapshot.conflicts:
        conflicted.setdefault(target, set()).add(officer)

    dept_lists = {d: list(snapshot.inspectors.get(d, [])) for d in departments}
    unions: dict[tuple[str, ...], list[int]] = {}
    items_by: dict[tuple[str, ...], list[int]] = {}
    visits = []
    for tid in sorted(drawn):
        depts = drawn[tid]
        key = tuple(depts)
        if key not in unions:
            unions[key] = sorted({o for d in depts for o in dept_lists.get(d, [])})
            items_by[key] = sorted({int(i) for d in depts for i in params.get("items", {}).get(d, [])})
        banned = conflicted.get(tid, set())
        picked: list[int] = []
        # one inspector from each participating department first (one visit, several checks) …
        for dept in depts:
            if len(picked) >= per_check:
                break
            choice = _pick_one(rng, dept_lists.get(dept, []), banned, picked)
            if choice is not None:
                picked.append(choice)
        # … then fill up from all participating departments' inspectors. A uniform sample of need + |excluded|
        # candidates, minus the excluded, is a uniform sample of the rest (no scan of the whole pool per visit).
        need = per_check - len(picked)
        if need > 0:
            excluded = banned | set(picked)
            union = unions[key]
            candidates = rng.sample(union, min(len(union), need + len(excluded)))
            fill = [o for o in candidates if o not in excluded][:need]
            if len(fill) < need:
                raise DrawError(Code.INSPECTORS_INSUFFICIENT, target=tid, need=per_check)
            picked.extend(fill)
        _cover_domains(rng, snapshot, depts, dept_lists, unions[key], banned, picked, tid)
        visits.append({"target": tid, "departments": depts, "inspectors": sorted(picked), "items": items_by[key]})
    return {"visits": visits}


def covers(snapshot: Snapshot, officer: int, domain: str) -> bool:
    """Whether the officer's valid credentials cover ``domain`` (unlimited unless listed in ``coverage``)."""
    limited = (snapshot.coverage or {}).get(str(officer))
    return limited is None or domain in limited


def _cover_domains(
    rng: random.Random,
    snapshot: Snapshot,
    depts: list[str],
    dept_lists: dict[str, list[int]],
    union: list[int],
    banned: set[int],
    picked: list[int],
    target: int,
) -> None:
    """行政处罚法第42条 in a (joint) visit: each department's check is done by at least two of the visit's inspectors
    whose credentials cover the check's domain. Short of that, inspectors who cover it are added (the department's
    own first, then the other participating departments'); when there are not two, the draw is refused naming the
    department and the domain. Nothing is drawn when every credential covers every domain (older draws reproduce)."""
    if not snapshot.coverage:
        return
    domains_by = snapshot.params.get("domains", {})
    for dept in depts:
        for domain in domains_by.get(dept, []):
            have = [o for o in picked if covers(snapshot, o, domain)]
            for pool in (dept_lists.get(dept, []), union):
                if len(have) >= 2:
                    break
                eligible = [o for o in pool if o not in banned and o not in picked and covers(snapshot, o, domain)]
                added = rng.sample(eligible, min(len(eligible), 2 - len(have)))
                picked.extend(added)
                have.extend(added)
            if len(have) < 2:
                raise DrawError(
                    Code.INSPECTORS_DOMAIN_INSUFFICIENT, target=target, department=dept, domain=domain, have=len(have)
                )


def _pick_one(rng: random.Random, pool: list[int], banned: set[int], picked: list[int]) -> int | None:
    """A uniform choice among ``pool`` minus banned and picked: a few rejection tries, then an exact filter."""
    if not pool:
        return None
    for _ in range(8):
        choice = pool[rng.randrange(len(pool))]
        if choice not in banned and choice not in picked:
            return choice
    rest = [o for o in pool if o not in banned and o not in picked]
    return rest[rng.randrange(len(rest))] if rest else None


def result_hash(result: dict[str, Any]) -> str:
    return sha256(result)


def verify(snapshot_json: str, seed: str, pool_hash: str, stored_result: dict[str, Any]) -> tuple[bool, list[str]]:
    """Re-run a recorded draw; returns (ok, problems)."""
    problems: list[str] = []
    snap = Snapshot.from_json(json.loads(snapshot_json))
    if snap.hash != pool_hash:
        problems.append("pool snapshot does not match its recorded SHA-256")
    again = draw(snap, seed)
    if canonical(again) != canonical(stored_result):
        problems.append("re-running the draw gives a different result")
    return (not problems, problems)


def snapshot_json(snapshot: Snapshot) -> str:
    return snapshot.canonical().decode("utf-8")


def targets_of(result: dict[str, Any]) -> Sequence[int]:
    return [v["target"] for v in result.get("visits", [])]
