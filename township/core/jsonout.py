"""JSON bodies written once, in C (orjson), for the API's large answers: the map, the GeoJSON, the event lists.

ninja validates a returned value against its response schema, item by item through its getters, and encodes it with
``json.dumps``; for a page of 100 events that was a sixth of the request (docs/performance.md, "Where the time
goes"). An endpoint that builds plain values itself (its ``…_out`` function) may answer ``json_response(data)``
instead: the same JSON value as ninja's answer — dates and times as Django's encoder writes them (milliseconds,
``Z`` for UTC), lazy translations as text — in UTF-8 without escapes. The response schema stays declared on the
operation for the OpenAPI document, and a test compares the two encodings for each such endpoint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from township.core.kept import Kept, clear_all

_DJANGO = DjangoJSONEncoder()


def _default(value: Any) -> Any:
    # datetime, date, time, timedelta, Decimal, UUID, lazy translation strings — as ninja's encoder writes them.
    return _DJANGO.default(value)


def dumps(data: Any) -> bytes:
    return orjson.dumps(data, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME)


def json_response(data: Any, *, status: int = 200, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(dumps(data), status=status, content_type=content_type)


class BodyCache(Kept[str, bytes]):
    """Serialised bodies by ETag, per process, the oldest dropped past ``size`` entries: for answers whose ETag
    comes from a cheap stamp of what they show (the grids' outlines, the map's open points)."""


def clear_caches() -> None:
    """Empty every body cache of this process (the tests: a rolled-back database repeats its versions), and every
    other value kept per process (``core.kept``)."""
    clear_all()


def etag_of(stamp: Any) -> str:
    """A strong ETag from a stamp's ``repr`` (SHA-256, 32 hex digits)."""
    return '"' + hashlib.sha256(repr(stamp).encode("utf-8")).hexdigest()[:32] + '"'


def etag_response(
    request: HttpRequest,
    stamp: Any,
    build: Callable[[], bytes],
    *,
    cache: BodyCache,
    content_type: str = "application/json",
    cache_control: str = "private, no-cache",
) -> HttpResponse:
    """The body ``build`` makes, served under the ETag of ``stamp``: ``If-None-Match`` with it answers 304, and the
    body is built once per stamp in this process."""
    etag = etag_of(stamp)
    resp: HttpResponse
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        resp = HttpResponseNotModified()
    else:
        resp = HttpResponse(cache.get_or_build(etag, build), content_type=content_type)
    resp["ETag"] = etag
    resp["Cache-Control"] = cache_control
    return resp
