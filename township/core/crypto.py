"""Personal data at rest: SM4-CBC encryption and a keyed SM3 blind index (GB/T 39786, 等保 8.1.4.8).

Every personal value (resident ID, phone number, ID number of a party) is stored as
``sm4:1:<base64(iv || ciphertext)>``: SM4-CBC under a 128-bit key with a fresh random IV per value, PKCS#7
padding. ``1`` is the key/format version, so a later key rotation can tell old values from new ones.

Exact lookups go through a *blind index*: HMAC-SM3 of the normalised clear value under a second key, as
64 hex digits in its own column (``resident_id_index``), unique where the clear value was unique. Equal
values have equal indexes, so ``filter(resident_id_index=blind_index(x))`` finds a person without
decrypting any row; the index reveals nothing about the value without the key.

Both keys derive from ``settings.TOWNSHIP_PERSONAL_DATA_KEY`` (env ``PERSONAL_DATA_KEY``); without it, from
``SECRET_KEY`` (development only; ``check --deploy`` warns, see :mod:`township.core.checks`).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

from django.conf import settings
from gmssl import sm3, sm4

try:  # SM4 in C through OpenSSL (the `cryptography` package); gmssl's pure Python where it is missing
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
except ImportError:  # pragma: no cover - cryptography is in requirements.txt
    Cipher = None  # type: ignore[assignment,misc]

PREFIX = "sm4:1:"
_BLOCK = 16
_HMAC_BLOCK = 64


class DecryptionError(ValueError):
    """A stored value does not decrypt under the current key (wrong key, or a damaged value)."""


def _openssl_has_sm3() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


# OpenSSL 3 ships SM3 (GB/T 32905) in its default provider: in C, several hundred times faster than gmssl's pure
# Python (one HMAC 0.9 ms → 2.5 µs, measured; docs/performance.md, "Where the time goes"). gmssl stays the
# fallback for an OpenSSL built without it; both give the same digests (township/core/tests/test_crypto.py).
OPENSSL_SM3 = _openssl_has_sm3()


def _sm3_python(data: bytes) -> bytes:
    return bytes.fromhex(sm3.sm3_hash(list(data)))


def hmac_sm3(key: bytes, message: bytes) -> bytes:
    """HMAC (RFC 2104) with SM3 as the hash: 32 bytes."""
    if OPENSSL_SM3:
        return hmac.digest(key, message, "sm3")
    return hmac_sm3_python(key, message)


def hmac_sm3_python(key: bytes, message: bytes) -> bytes:
    """HMAC-SM3 on gmssl's SM3 (pure Python): the fallback, and the reference the tests compare OpenSSL's with."""
    if len(key) > _HMAC_BLOCK:
        key = _sm3_python(key)
    key = key.ljust(_HMAC_BLOCK, b"\0")
    inner = _sm3_python(bytes(b ^ 0x36 for b in key) + message)
    return _sm3_python(bytes(b ^ 0x5C for b in key) + inner)


def master_key() -> str:
    """The configured personal-data key, or the development fallback derived from ``SECRET_KEY``."""
    configured = str(getattr(settings, "TOWNSHIP_PERSONAL_DATA_KEY", "") or "")
    return configured or f"dev-from-secret-key:{settings.SECRET_KEY}"


@functools.lru_cache(maxsize=8)
def _keys(master: str) -> tuple[bytes, bytes]:
    """(SM4 key, index key): two independent keys derived from the master key with HMAC-SM3."""
    raw = master.encode("utf-8")
    return hmac_sm3(raw, b"township/personal-data/sm4/v1")[:_BLOCK], hmac_sm3(raw, b"township/personal-data/index/v1")


def _openssl_has_sm4() -> bool:
    if Cipher is None:  # pragma: no cover
        return False
    try:
        Cipher(algorithms.SM4(bytes(_BLOCK)), modes.CBC(bytes(_BLOCK))).encryptor()
    except Exception:  # UnsupportedAlgorithm: an OpenSSL built without SM4
        return False
    return True


# SM4-CBC in C: one 18-digit ID 0.12 ms → 3.4 µs (×36, measured; docs/performance.md, "Where the time goes").
# Every loaded row of an encrypted field decrypts once (a list page of events, the signed-in user), so it counts.
# gmssl's pure Python stays the fallback and the reference the tests compare with (same bytes both ways).
OPENSSL_SM4 = _openssl_has_sm4()


def sm4_cbc(key: bytes, iv: bytes, data: bytes, *, encrypt: bool) -> bytes:
    """Raw SM4-CBC (no padding) of whole blocks: OpenSSL's when it has SM4, else gmssl's."""
    if OPENSSL_SM4:
        cipher = Cipher(algorithms.SM4(key), modes.CBC(iv))
        op = cipher.encryptor() if encrypt else cipher.decryptor()
        return op.update(data) + op.finalize()
    return sm4_cbc_python(key, iv, data, encrypt=encrypt)


def _xor(a: list[int], b: list[int]) -> list[int]:
    return [x ^ y for x, y in zip(a, b, strict=True)]


def sm4_cbc_python(key: bytes, iv: bytes, data: bytes, *, encrypt: bool) -> bytes:
    """SM4-CBC on gmssl's block function (pure Python): the fallback, and the tests' reference."""
    cipher = sm4.CryptSM4()
    cipher.set_key(key, sm4.SM4_ENCRYPT if encrypt else sm4.SM4_DECRYPT)
    previous, out = list(iv), []
    for i in range(0, len(data), _BLOCK):
        block = list(data[i : i + _BLOCK])
        if encrypt:
            previous = cipher.one_round(cipher.sk, _xor(block, previous))
            out += previous
        else:
            out += _xor(cipher.one_round(cipher.sk, block), previous)
            previous = block
    return bytes(out)


def encrypt(value: str, *, iv: bytes | None = None) -> str:
    """``sm4:1:…`` for a clear text (a fresh random IV each time, so equal values encrypt differently;
    ``iv`` only for the tests' known answers)."""
    data = value.encode("utf-8")
    pad = _BLOCK - len(data) % _BLOCK
    iv = iv if iv is not None else secrets.token_bytes(_BLOCK)
    out = sm4_cbc(_keys(master_key())[0], iv, data + bytes([pad]) * pad, encrypt=True)
    return PREFIX + base64.b64encode(iv + out).decode("ascii")


def is_encrypted(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def decrypt(stored: str) -> str:
    """The clear text of an ``sm4:1:…`` value. Raises :class:`DecryptionError` if it does not decrypt cleanly."""
    try:
        raw = base64.b64decode(stored[len(PREFIX) :], validate=True)
    except ValueError as exc:
        raise DecryptionError("not base64") from exc
    if not stored.startswith(PREFIX) or len(raw) < 2 * _BLOCK or len(raw) % _BLOCK:
        raise DecryptionError("not an sm4:1 value")
    out = sm4_cbc(_keys(master_key())[0], raw[:_BLOCK], raw[_BLOCK:], encrypt=False)
    pad = out[-1]
    if not 1 <= pad <= _BLOCK or out[-pad:] != bytes([pad]) * pad:
        raise DecryptionError("bad padding: wrong key or damaged value")
    try:
        return out[:-pad].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecryptionError("not UTF-8: wrong key or damaged value") from exc


def normalise(value: str) -> str:
    """The form a blind index is computed over: no surrounding or inner spaces, upper case (x → X)."""
    return "".join(str(value).split()).upper()


def blind_index(value: str | None) -> str | None:
    """HMAC-SM3 (hex) of the normalised value under the index key; None for an empty value."""
    if value is None:
        return None
    text = normalise(value)
    if not text:
        return None
    return hmac_sm3(_keys(master_key())[1], text.encode("utf-8")).hex()
