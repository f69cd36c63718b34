"""SM2-with-SM3: our signatures verify with the openssl command line (an independent implementation)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from township.certificates import crypto

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="openssl command line not installed")


def _openssl_verify(tmp_path, public_pem: str, message: bytes, signature: bytes) -> subprocess.CompletedProcess:
    (tmp_path / "pub.pem").write_text(public_pem)
    (tmp_path / "msg.json").write_bytes(message)
    (tmp_path / "sig.der").write_bytes(signature)
    return subprocess.run(
        [
            OPENSSL,
            "dgst",
            "-sm3",
            "-verify",
            str(tmp_path / "pub.pem"),
            "-signature",
            str(tmp_path / "sig.der"),
            "-sigopt",
            f"distid:{crypto.DEFAULT_USER_ID}",
            str(tmp_path / "msg.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_sign_verify_round_trip_and_tamper():
    pair = crypto.generate_keypair()
    message = crypto.canonical_bytes({"持证主体": "罗晓梅", "b": [1, 2], "a": None})
    signature = crypto.sign(message, private_key=pair.private_key, public_key=pair.public_key)
    assert crypto.verify(message, signature, public_key=pair.public_key)
    assert not crypto.verify(message.replace("罗".encode(), "李".encode()), signature, public_key=pair.public_key)
    other = crypto.generate_keypair()
    assert not crypto.verify(message, signature, public_key=other.public_key)
    assert not crypto.verify(message, "3000", public_key=pair.public_key)


def test_canonical_serialisation_is_sorted_compact_utf8():
    assert crypto.canonical_bytes({"b": 1, "a": "证"}) == '{"a":"证","b":1}'.encode()


@needs_openssl
def test_openssl_cli_verifies_our_signature(tmp_path):
    pair = crypto.generate_keypair()
    message = crypto.canonical_bytes({"identifier": "1.2.156.3005.2.X", "holder": "罗晓梅"})
    signature = bytes.fromhex(crypto.sign(message, private_key=pair.private_key, public_key=pair.public_key))
    result = _openssl_verify(tmp_path, crypto.public_key_pem(pair.public_key), message, signature)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Verified OK" in result.stdout

    tampered = _openssl_verify(tmp_path, crypto.public_key_pem(pair.public_key), message + b" ", signature)
    assert tampered.returncode != 0


@needs_openssl
def test_openssl_reads_the_pem_as_an_sm2_key(tmp_path):
    pair = crypto.generate_keypair()
    (tmp_path / "pub.pem").write_text(crypto.public_key_pem(pair.public_key))
    out = subprocess.run(
        [OPENSSL, "pkey", "-pubin", "-in", str(tmp_path / "pub.pem"), "-text", "-noout"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "SM2" in out
    assert crypto.public_key_from_pem(crypto.public_key_pem(pair.public_key)) == pair.public_key


@needs_openssl
def test_we_verify_a_signature_made_by_openssl(tmp_path):
    key = tmp_path / "key.pem"
    subprocess.run([OPENSSL, "genpkey", "-algorithm", "SM2", "-out", str(key)], check=True, capture_output=True)
    pem = subprocess.run(
        [OPENSSL, "pkey", "-in", str(key), "-pubout"], check=True, capture_output=True, text=True
    ).stdout
    message = crypto.canonical_bytes({"签发": "openssl"})
    (tmp_path / "msg").write_bytes(message)
    subprocess.run(
        [
            OPENSSL,
            "dgst",
            "-sm3",
            "-sign",
            str(key),
            "-sigopt",
            f"distid:{crypto.DEFAULT_USER_ID}",
            "-out",
            str(tmp_path / "sig"),
            str(tmp_path / "msg"),
        ],
        check=True,
        capture_output=True,
    )
    signature = (tmp_path / "sig").read_bytes().hex()
    public_key = crypto.public_key_from_pem(pem)
    assert crypto.verify(message, signature, public_key=public_key)
    assert not crypto.verify(message + b"x", signature, public_key=public_key)


def test_private_key_is_stored_encrypted_and_bound_to_its_public_key(settings):
    pair = crypto.generate_keypair()
    blob = crypto.encrypt_private_key(pair.private_key)
    assert pair.private_key not in blob
    assert crypto.decrypt_private_key(blob, public_key=pair.public_key) == pair.private_key
    settings.TOWNSHIP_SEAL_MASTER_KEY = "another-master-key"
    with pytest.raises(ValueError):
        crypto.decrypt_private_key(blob, public_key=pair.public_key)
