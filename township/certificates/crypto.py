"""SM2-with-SM3 signatures (GB/T 32918, GM/T 0009) on top of the pure-Python ``gmssl`` package.

Why gmssl: it is the maintained pure-Python SM2/SM3/SM4 implementation already pinned in
requirements.txt, and its ``sign_with_sm3`` computes the Z value with the default user ID
``1234567812345678`` as GM/T 0009 requires, so OpenSSL 3 verifies our DER signatures with
``-sigopt distid:1234567812345678`` (see tests/test_crypto.py, which runs the openssl CLI).

What we add around gmssl:
- key generation and the per-signature nonce ``k`` come from ``secrets`` (gmssl's own helper uses
  ``random``, which is not a CSPRNG);
- the public key is set after construction (gmssl strips a leading "04" with ``lstrip``, which
  would also eat leading 0/4 digits of x);
- SubjectPublicKeyInfo PEM export with the SM2 curve OID 1.2.156.10197.1.301;
- the private key is stored SM4-CBC-encrypted under a key derived from the master secret.

Limits (documented in docs/certificates.md): pure Python, not constant-time; keys live in the
database, not in a hardware security module or a CA-issued seal certificate.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from gmssl import sm2, sm4

DEFAULT_USER_ID = "1234567812345678"  # GM/T 0009 default distinguishing ID (gmssl hard-codes it)
_CURVE = sm2.default_ecc_table
_N = int(_CURVE["n"], 16)
# SEQUENCE { SEQUENCE { id-ecPublicKey, sm2p256v1 (1.2.156.10197.1.301) }, BIT STRING 04||x||y }
_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d03420004")
SM2_CURVE_OID = "1.2.156.10197.1.301"
SM2_WITH_SM3_OID = "1.2.156.10197.1.501"


def canonical_bytes(data: Any) -> bytes:
    """The signed serialisation: sorted keys, compact separators, UTF-8, no ASCII escaping."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _engine(private_hex: str, public_xy_hex: str) -> sm2.CryptSM2:
    engine = sm2.CryptSM2(private_key=private_hex, public_key="00" * 64, asn1=True)
    engine.public_key = public_xy_hex  # bypass gmssl's lstrip("04") on the constructor argument
    return engine


def _xy(public_key: str) -> str:
    public_key = public_key.lower()
    if len(public_key) == 130 and public_key.startswith("04"):
        return public_key[2:]
    if len(public_key) != 128:
        raise ValueError("SM2 public key must be 64 bytes (x||y) or 65 bytes (04||x||y)")
    return public_key


@dataclass(frozen=True)
class KeyPair:
    private_key: str  # 64 hex digits
    public_key: str  # 130 hex digits, 04||x||y


def generate_keypair() -> KeyPair:
    d = secrets.randbelow(_N - 2) + 1
    engine = _engine(f"{d:064x}", "00" * 64)
    xy = engine._kg(d, _CURVE["g"])
    return KeyPair(private_key=f"{d:064x}", public_key="04" + xy)


def public_key_for(private_key: str) -> str:
    d = int(private_key, 16)
    return "04" + _engine(private_key, "00" * 64)._kg(d, _CURVE["g"])


def sign(message: bytes, *, private_key: str, public_key: str) -> str:
    """SM2 signature of SM3(Z || message) as DER hex (SEQUENCE { r INTEGER, s INTEGER })."""
    engine = _engine(private_key, _xy(public_key))
    while True:
        k = f"{secrets.randbelow(_N - 2) + 1:064x}"
        signature = engine.sign_with_sm3(message, k)
        if signature:
            return signature


def verify(message: bytes, signature_hex: str, *, public_key: str) -> bool:
    try:
        return bool(_engine("00", _xy(public_key)).verify_with_sm3(signature_hex, message))
    except (ValueError, TypeError, IndexError):
        return False


def public_key_pem(public_key: str) -> str:
    """SubjectPublicKeyInfo PEM (id-ecPublicKey with the SM2 curve OID), as ``openssl pkey`` reads it."""
    der = _SPKI_PREFIX + bytes.fromhex(_xy(public_key))
    body = base64.encodebytes(der).decode("ascii")
    return f"-----BEGIN PUBLIC KEY-----\n{body}-----END PUBLIC KEY-----\n"


def public_key_from_pem(pem: str) -> str:
    lines = [line for line in pem.strip().splitlines() if not line.startswith("-----")]
    der = base64.b64decode("".join(lines))
    if not der.startswith(_SPKI_PREFIX) or len(der) != len(_SPKI_PREFIX) + 64:
        raise ValueError("not an SM2 SubjectPublicKeyInfo")
    return "04" + der[len(_SPKI_PREFIX) :].hex()


# --- private key at rest -------------------------------------------------------------------------


def _wrapping_key() -> bytes:
    master = getattr(settings, "TOWNSHIP_SEAL_MASTER_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(f"township-seal-key-v1:{master}".encode()).digest()[:16]


def encrypt_private_key(private_key: str) -> str:
    """``sm4cbc$<iv>$<ciphertext>`` (hex). Integrity is checked on load (d·G must equal the public key)."""
    iv = secrets.token_bytes(16)
    cipher = sm4.CryptSM4()
    cipher.set_key(_wrapping_key(), sm4.SM4_ENCRYPT)
    ciphertext = cipher.crypt_cbc(iv, bytes.fromhex(private_key))
    return f"sm4cbc${iv.hex()}${ciphertext.hex()}"


def decrypt_private_key(blob: str, *, public_key: str) -> str:
    scheme, iv_hex, ct_hex = blob.split("$")
    if scheme != "sm4cbc":
        raise ValueError("unknown private key scheme")
    cipher = sm4.CryptSM4()
    cipher.set_key(_wrapping_key(), sm4.SM4_DECRYPT)
    private_key = cipher.crypt_cbc(bytes.fromhex(iv_hex), bytes.fromhex(ct_hex)).hex()
    if len(private_key) != 64 or public_key_for(private_key) != public_key.lower():
        raise ValueError("seal key does not decrypt under the current master key")
    return private_key
