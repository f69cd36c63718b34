"""JSON bodies written once, in C (orjson), for the API's large answers: the map, the GeoJSON, the event lists.

ninja validates a returned value against its response schema, item by item through its getters, and encodes it with
``json.dumps``; for a page of 100 events that was a sixth of the request (docs/performance.md, "Where the time
goes"). An endpoint that builds plain values itself (its ``…_out`` function) may answer ``json_response(data)``
instead: the same JSON value as ninja's answer — dates and times as Django's encoder writes them (milliseconds,
``Z`` for UTC), lazy translations as text — in UTF-8 without escapes. The response schema stays declared on the
operation for the OpenAPI document, and a test compares the two encodings for each such endpoint.
"""

from __future__ import annotations

from typing import Any

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

_DJANGO = DjangoJSONEncoder()


def _default(value: Any) -> Any:
    # datetime, date, time, timedelta, Decimal, UUID, lazy translation strings — as ninja's encoder writes them.
    return _DJANGO.default(value)


def dumps(data: Any) -> bytes:
    return orjson.dumps(data, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME)


def json_response(data: Any, *, status: int = 200, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(dumps(data), status=status, content_type=content_type)
