"""SM4 encryption and the HMAC-SM3 blind index of personal data (township.core.crypto)."""

from __future__ import annotations

import base64

import pytest
from gmssl import sm4

from township.core import crypto


def test_round_trip_and_random_iv() -> None:
    a, b = crypto.encrypt("500116199211250428"), crypto.encrypt("500116199211250428")
    assert a.startswith("sm4:1:") and b.startswith("sm4:1:")
    assert a != b  # a fresh IV per value
    assert "500116199211250428" not in a
    assert crypto.decrypt(a) == crypto.decrypt(b) == "500116199211250428"
    for text in ("", "x", "一二三四五六", "0123456789abcdef", "0123456789abcdef0"):
        assert crypto.decrypt(crypto.encrypt(text)) == text


def test_ciphertext_is_standard_sm4_cbc() -> None:
    """What we store decrypts with gmssl's own SM4-CBC under the derived key (no home-made cipher)."""
    stored = crypto.encrypt("13983000001")
    raw = base64.b64decode(stored.removeprefix("sm4:1:"))
    cipher = sm4.CryptSM4()
    cipher.set_key(crypto._keys(crypto.master_key())[0], sm4.SM4_DECRYPT)
    assert cipher.crypt_cbc(raw[:16], raw[16:]) == b"13983000001"


# GB/T 32907-2016 Appendix A, example 1: key = plaintext = 0123456789abcdeffedcba9876543210.
GBT_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")
GBT_CIPHER = bytes.fromhex("681edf34d206965e86b3e94f536e4246")


@pytest.mark.parametrize("path", ["sm4_cbc", "sm4_cbc_python"])
def test_sm4_known_answer(path: str) -> None:
    """One block under a zero IV is the standard's ECB example, on both the OpenSSL and the gmssl path."""
    if path == "sm4_cbc" and not crypto.OPENSSL_SM4:
        pytest.skip("this OpenSSL has no SM4: the pure-Python path is the only one")
    sm4_cbc = getattr(crypto, path)
    assert sm4_cbc(GBT_KEY, bytes(16), GBT_KEY, encrypt=True) == GBT_CIPHER
    assert sm4_cbc(GBT_KEY, bytes(16), GBT_CIPHER, encrypt=False) == GBT_KEY


@pytest.mark.parametrize("text", ["", "x", "13983000001", "500116199211250428", "重庆市渝北区两路街道 12 号" * 3])
def test_openssl_sm4_equals_the_pure_python_one(text: str, monkeypatch) -> None:
    """Same IV, same bytes: values stored by either path decrypt on the other (no re-encryption on upgrade)."""
    if not crypto.OPENSSL_SM4:
        pytest.skip("this OpenSSL has no SM4: the pure-Python path is the only one")
    iv = bytes(range(16))
    fast = crypto.encrypt(text, iv=iv)
    monkeypatch.setattr(crypto, "OPENSSL_SM4", False)
    slow = crypto.encrypt(text, iv=iv)
    assert fast == slow
    assert crypto.decrypt(crypto.encrypt(text)) == text  # pure Python both ways
    monkeypatch.setattr(crypto, "OPENSSL_SM4", True)
    assert crypto.decrypt(slow) == text


def test_wrong_key_or_damage_is_refused(settings) -> None:
    stored = crypto.encrypt("13983000001")
    settings.TOWNSHIP_PERSONAL_DATA_KEY = "another key"
    try:
        clear = crypto.decrypt(stored)
    except crypto.DecryptionError:
        clear = None  # the usual outcome: bad padding
    assert clear != "13983000001"  # (by chance valid padding gives garbage, never the number)
    settings.TOWNSHIP_PERSONAL_DATA_KEY = ""
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("sm4:1:not-base64!")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("sm4:1:" + base64.b64encode(b"short").decode())


def test_hmac_sm3_known_answer() -> None:
    """HMAC-SM3 test vector (GM/T 0042 / OpenSSL `-mac HMAC -macopt key:` with SM3)."""
    key = bytes(range(1, 33))
    message = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    # printf '…' | openssl dgst -sm3 -mac HMAC -macopt hexkey:0102…1f20
    assert crypto.hmac_sm3(key, message).hex() == "be190a66f210be0df56c243d5c1a53e9301fd3f0313244a412f6ae97ab7fe407"


@pytest.mark.parametrize("key_len", [0, 1, 32, 63, 64, 65, 200])
@pytest.mark.parametrize("message", [b"", b"abc", "公民身份号码 110101199003077777".encode(), bytes(range(256)) * 3])
def test_openssl_hmac_sm3_equals_the_pure_python_one(key_len: int, message: bytes) -> None:
    """The fast path (OpenSSL's SM3) and gmssl's give the same HMAC for every key length around the block size:
    blind indexes stored before the switch still match."""
    if not crypto.OPENSSL_SM3:
        pytest.skip("this OpenSSL has no SM3: the pure-Python path is the only one")
    key = bytes((7 * i + 3) % 256 for i in range(key_len))
    assert crypto.hmac_sm3(key, message) == crypto.hmac_sm3_python(key, message)


def test_without_openssl_sm3_the_pure_python_path_answers(monkeypatch) -> None:
    monkeypatch.setattr(crypto, "OPENSSL_SM3", False)
    key = bytes(range(1, 33))
    message = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    assert crypto.hmac_sm3(key, message).hex() == "be190a66f210be0df56c243d5c1a53e9301fd3f0313244a412f6ae97ab7fe407"


def test_blind_index_is_keyed_and_normalised(settings) -> None:
    settings.TOWNSHIP_PERSONAL_DATA_KEY = "k1"
    a = crypto.blind_index("50011619650506001x")
    assert a == crypto.blind_index(" 50011619650506001X ")
    assert a is not None and len(a) == 64 and a != crypto.blind_index("500116197607120313")
    assert crypto.blind_index("") is None and crypto.blind_index(None) is None
    settings.TOWNSHIP_PERSONAL_DATA_KEY = "k2"
    assert crypto.blind_index("50011619650506001X") != a


def test_deploy_check_warns_without_a_key(settings) -> None:
    from township.core.checks import check_personal_data_key

    settings.TOWNSHIP_PERSONAL_DATA_KEY = ""
    assert [m.id for m in check_personal_data_key()] == ["township.W101"]
    settings.TOWNSHIP_PERSONAL_DATA_KEY = "a-real-key"
    assert check_personal_data_key() == []
