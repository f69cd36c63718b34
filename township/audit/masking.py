"""What the operation log may store of a value: personal data masked, secrets never, big values summarised.

A field is classed by its name (``resident_id``, ``*phone*``, ``password``, ``*_hash``…); every other text is
also scanned, so a resident ID or a mobile number typed into a free-text field or an object's name is masked
too. Masking uses township.core.identifiers (110105********002X, 138****5678).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from township.core.identifiers import is_valid_resident_id, mask_phone, mask_resident_id

SECRET_MARK = "******"  # noqa: S105 - the mask shown instead of a secret, not a secret
MAX_VALUE_CHARS = 500

_SECRET_PARTS = ("password", "secret", "private_key", "key_hash", "key_sha256", "token")
_SECRET_SUFFIXES = ("_hash", "_digest", "_encrypted", "_cipher", "_ciphertext", "_enc", "_mac", "_index")
_RESIDENT_PARTS = ("resident_id", "id_number", "id_card", "idcard", "id_no")
_PHONE_PARTS = ("phone", "mobile", "telephone")

_RESIDENT_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def field_class(name: str) -> str | None:
    """ "secret", "resident_id", "phone" or None (an ordinary field) for a field name."""
    n = name.lower().replace("secretary", "")  # a party secretary (书记) is a person, not a secret
    if any(p in n for p in _SECRET_PARTS) or n.endswith(_SECRET_SUFFIXES):
        return "secret"
    if any(p in n for p in _RESIDENT_PARTS):
        return "resident_id"
    if any(p in n for p in _PHONE_PARTS):
        return "phone"
    return None


def scrub_text(text: str) -> str:
    """Mask every valid resident ID and every mobile number inside a free text."""
    text = _RESIDENT_RE.sub(lambda m: mask_resident_id(m[0]) if is_valid_resident_id(m[0]) else m[0], text)
    return _PHONE_RE.sub(lambda m: mask_phone(m[0]), text)


def _plain(value: Any) -> Any:
    """A JSON-ready copy of a model value (dates ISO 8601, decimals as text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, list | tuple | dict):
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return str(value)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    return value


def _summarise(value: Any) -> Any:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(text) <= MAX_VALUE_CHARS:
        return value
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return f"<{len(text)} chars, sha256 {digest}…>"


def loggable(name: str, value: Any) -> Any:
    """The value of field ``name`` as the operation log stores it."""
    if value is None or value == "":
        return value
    kind = field_class(name)
    if kind == "secret":
        return SECRET_MARK
    if kind == "resident_id":
        return mask_resident_id(value)
    if kind == "phone":
        return mask_phone(value)
    return _summarise(_scrub(_plain(value)))
