"""GB/T 36904 certificate identifiers (证照标识), DOMAIN §6.2.

``1.2.156.3005.2.<type code>.<issuer USCC>.<serial>.<version>.<check>``: the check character is
ISO 7064 MOD 37,36 over the concatenation type code + issuer code + serial + version (no dots),
over the alphabet 0-9A-Z. Verified against real identifiers (``…11430000006122244L.20230000403.001.U``).
"""

from __future__ import annotations

import re

ROOT = "1.2.156.3005.2"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PART = re.compile(r"^[0-9A-Z]+$")


def check_char(body: str) -> str:
    """ISO 7064 MOD 37,36 (hybrid system, M = 36) check character for ``body`` (0-9, A-Z)."""
    modulus = len(_ALPHABET)
    product = modulus
    for char in body.upper():
        value = _ALPHABET.index(char)
        total = (product + value) % modulus or modulus
        product = (total * 2) % (modulus + 1)
    return _ALPHABET[(modulus + 1 - product) % modulus]


def build(type_code: str, issuer_uscc: str, serial: str, version: str) -> str:
    parts = [p.upper() for p in (type_code, issuer_uscc, serial, version)]
    for part in parts:
        if not _PART.match(part):
            raise ValueError(f"identifier part {part!r} must be 0-9/A-Z")
    return ".".join([ROOT, *parts, check_char("".join(parts))])


def parse(identifier: str) -> dict[str, str] | None:
    """The parts of a well-formed identifier whose check character matches, else None."""
    identifier = (identifier or "").strip().upper()
    if not identifier.startswith(ROOT + "."):
        return None
    parts = identifier[len(ROOT) + 1 :].split(".")
    if len(parts) != 5 or not all(_PART.match(p) for p in parts) or len(parts[4]) != 1:
        return None
    type_code, issuer, serial, version, check = parts
    if check_char(type_code + issuer + serial + version) != check:
        return None
    return {"type_code": type_code, "issuer_uscc": issuer, "serial": serial, "version": version, "check": check}


def is_valid(identifier: str) -> bool:
    return parse(identifier) is not None
