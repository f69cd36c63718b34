"""Values kept per process by key, at most ``size`` of them, the oldest dropped first: the serialised bodies by ETag
(``core.jsonout.BodyCache``) and the compiled reads (``core.fetch.CompiledReads``). Reads take no lock (a dict read
is atomic); adding takes one, so two threads never drop past the bound. ``clear_all()`` empties every one of this
process (the tests: a rolled-back database repeats its versions)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._values: dict[K, V] = {}
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self, key: K) -> V | None:
        return self._values.get(key)

    def put(self, key: K, value: V) -> V:
        with self._lock:
            while len(self._values) >= self.size:
                self._values.pop(next(iter(self._values)))
            self._values[key] = value
        return value

    def get_or_build(self, key: K, build: Callable[[], V]) -> V:
        value = self._values.get(key)
        return self.put(key, build()) if value is None else value

    def __len__(self) -> int:
        return len(self._values)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_ALL: list[Kept[Any, Any]] = []


def clear_all() -> None:
    """Empty every kept value of this process."""
    for kept in _ALL:
        kept.clear()
