"""GB/T 36904 certificate identifiers: ISO 7064 MOD 37,36 check character (DOMAIN §6.2)."""

from __future__ import annotations

import random
import string

import pytest
from stdnum.iso7064 import mod_37_36

from township.certificates import identifier

REAL = [
    # Real identifiers from provincial portals (DOMAIN §6.2), check character verified there.
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
    "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
]


@pytest.mark.parametrize("value", REAL)
def test_real_identifiers_validate(value):
    assert identifier.is_valid(value)
    assert identifier.build(*value.split(".")[5:9]) == value


def test_iso7064_reference_vector():
    assert identifier.check_char("A12425GABC1234002") == "M"  # ISO 7064 Annex example


def test_check_char_agrees_with_python_stdnum_on_random_inputs():
    rng = random.Random(36904)
    for _ in range(500):
        body = "".join(rng.choice(string.digits + string.ascii_uppercase) for _ in range(rng.randint(1, 60)))
        assert identifier.check_char(body) == mod_37_36.calc_check_digit(body)


def test_every_single_character_change_is_detected():
    value = REAL[0]
    head, check = value[:-1], value[-1]
    for position in range(len("1.2.156.3005.2."), len(head)):
        if head[position] == ".":
            continue
        for replacement in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            if replacement != head[position]:
                tampered = head[:position] + replacement + head[position + 1 :] + check
                assert not identifier.is_valid(tampered), tampered


def test_transposed_neighbours_and_wrong_root_are_detected():
    assert not identifier.is_valid(REAL[0].replace("20230000403", "20230004003"))
    assert not identifier.is_valid(REAL[0].replace("1.2.156.3005.2", "1.2.156.3005.3"))
    assert identifier.parse("not an identifier") is None


def test_build_refuses_characters_outside_the_alphabet():
    with pytest.raises(ValueError):
        identifier.build("TYPE-1", "11500116MB1520388J", "2026000001", "001")
