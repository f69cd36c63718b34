"""Case numbers taken last (issue 18): a town's case counter is one row, locked from the statement that takes a number
until the commit, so that numbers have no gaps and no duplicates. Every opening of the town waits for it. Inside
``numbers_last`` a new case is written at once under a provisional number, and its real number is taken by the
scope's last statement — the counter, the day count and the case's number in one — so the row stays locked only for
that statement and the commit, not for the rest of the request.

Outside a scope nothing changes: ``case_open`` takes the number before it returns. On SQLite (one writer at a time)
and on a Citus coordinator the number is always taken at once.

Code that needs the number inside a scope registers it with ``when_numbered``: it runs as soon as the numbers are
known (at once outside a scope)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import transaction

_state = threading.local()


def _pending() -> list[Callable[[], None]] | None:
    pending: list[Callable[[], None]] | None = getattr(_state, "pending", None)
    return pending


@contextmanager
def numbers_last() -> Iterator[None]:
    """One transaction (no savepoint inside a caller's) whose new cases take their numbers at its end. Nested
    scopes leave it to the outermost; an error discards what is pending with the transaction."""
    outer = _pending()
    if outer is not None:
        mark = len(outer)
        try:
            yield
        except BaseException:
            del outer[mark:]  # this scope's steps go with its work (a caller may go on after a savepoint)
            raise
        return
    _state.pending = []
    try:
        with transaction.atomic(savepoint=False):
            yield
            pending: list[Callable[[], None]] = _state.pending
            while pending:  # in the order registered: numbers first, then what waits for them
                pending.pop(0)()
    finally:
        _state.pending = None


def provisional() -> str:
    """A new case's number until it takes its own (unique per town, as the real one; never committed)."""
    return f"~{uuid.uuid4().hex}"


def later(step: Callable[[], None]) -> bool:
    """Queue ``step`` for the end of the open scope; False (nothing queued) outside one."""
    pending = _pending()
    if pending is None:
        return False
    pending.append(step)
    return True


def when_numbered(step: Callable[[], None]) -> None:
    """Run ``step`` once the new cases of the open scope have their numbers (at once outside a scope)."""
    if not later(step):
        step()
