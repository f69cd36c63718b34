"""USCC (GB 32100) and resident ID (GB 11643) validators, with the vectors from DOMAIN.md §5.1–5.2."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidFormat

from township.core.errors import DomainError
from township.core.identifiers import (
    USCC_ALPHABET,
    USCC_CATEGORIES,
    is_valid_resident_id,
    is_valid_uscc,
    mask_name,
    mask_phone,
    mask_resident_id,
    resident_id_age,
    resident_id_birth_date,
    resident_id_check_char,
    resident_id_gender,
    uscc_check,
    uscc_check_char,
    uscc_parts,
    validate_resident_id,
    validate_uscc,
)


def reason_of(excinfo) -> str:
    return excinfo.value.extra["reason"]


# ---------------------------------------------------------------------------------------------------------------
# USCC
# ---------------------------------------------------------------------------------------------------------------


def test_known_enterprise_code_is_valid():
    assert validate_uscc("91110000600037341L") == "91110000600037341L"
    assert is_valid_uscc("91110000600037341L")
    assert uscc_check_char("91110000600037341") == "L"


def test_village_collective_n2_code_is_valid_with_ours_while_stdnum_rejects_it():
    first17 = "N2330106MA2C11111"  # 农业 / 村级集体经济组织, 杭州市西湖区
    code = first17 + uscc_check_char(first17)
    assert code == "N2330106MA2C11111N"
    assert validate_uscc(code) == code
    with pytest.raises(InvalidFormat):
        stdnum_uscc.validate(code)
    assert uscc_parts(code)["registry_label"] == "农业"
    assert uscc_parts(code)["area"] == "330106"


@pytest.mark.parametrize("prefix", ["A1", "N1", "N3", "N9", "Y1", "51", "93", "12"])
def test_every_registry_and_category_from_the_table_is_accepted(prefix):
    first17 = prefix + "500116" + "MA5U12345"
    assert is_valid_uscc(first17 + uscc_check_char(first17))


def test_lowercase_spaces_hyphens_and_full_width_are_normalised():
    assert validate_uscc(" 9111 0000-6000 37341l ") == "91110000600037341L"
    assert validate_uscc("９１１１００００６０００３７３４１Ｌ") == "91110000600037341L"


@pytest.mark.parametrize(
    ("code", "reason", "fragment"),
    [
        ("", "empty", "请填写"),
        ("91110000600037341", "length", "应为18位，当前为17位"),
        ("91110000600037341LX", "length", "当前为19位"),
        ("91110000I00037341L", "charset", "第9位“I”"),
        ("9111000060003734SL", "charset", "第17位“S”"),
        ("B1110000600037341L", "registry", "第1位"),
        ("94110000600037341L", "category", "第2位"),
        ("N4330106MA2C11111N", "category", "农业"),
        ("9111A000600037341L", "area", "第3–8位"),
        ("91110000600037341M", "check", "应为“L”，实为“M”"),
    ],
)
def test_invalid_codes_are_refused_with_a_specific_chinese_reason(code, reason, fragment):
    with pytest.raises(DomainError) as excinfo:
        validate_uscc(code)
    assert excinfo.value.code == "uscc_invalid"
    assert excinfo.value.field == "uscc"
    assert reason_of(excinfo) == reason
    assert fragment in excinfo.value.message
    assert not is_valid_uscc(code)


def test_field_name_can_be_chosen_for_form_errors():
    with pytest.raises(DomainError) as excinfo:
        validate_uscc("123", field="legal_person_uscc")
    assert excinfo.value.as_dict()["field"] == "legal_person_uscc"


def test_imported_codes_with_a_bad_check_char_pass_leniently_with_a_warning():
    pilot = "91350100M0001TGQXM"  # Fujian pilot-era code reported as legal (DOMAIN §5.1)
    assert not is_valid_uscc(pilot)
    assert validate_uscc(pilot, lenient=True) == pilot
    ok, warning = uscc_check(pilot.lower())
    assert ok
    assert "校验位错误" in warning
    assert uscc_check(" 91110000600037341l") == (True, None)
    ok, message = uscc_check("B1110000600037341L")
    assert not ok and "第1位" in message
    with pytest.raises(DomainError):  # lenient never accepts a broken structure
        validate_uscc("B1110000600037341L", lenient=True)


def test_uscc_check_char_refuses_bad_input():
    with pytest.raises(ValueError):
        uscc_check_char("9111000060003734")
    with pytest.raises(ValueError):
        uscc_check_char("9111000060003734O")


digit_uscc_body = st.tuples(
    st.sampled_from(sorted(k for k in USCC_CATEGORIES if k.isdigit())),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
)


@settings(max_examples=300, deadline=None)
@given(parts=digit_uscc_body)
def test_prop_check_char_agrees_with_stdnum_for_digit_prefixed_codes(parts):
    registry, rest, body = parts
    first17 = registry + rest + body
    assert uscc_check_char(first17) == stdnum_uscc.calc_check_digit(first17)


@settings(max_examples=300, deadline=None)
@given(
    registry=st.sampled_from(sorted(USCC_CATEGORIES)),
    area=st.text(alphabet="0123456789", min_size=6, max_size=6),
    body=st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
    data=st.data(),
)
def test_prop_any_single_character_change_is_detected(registry, area, body, data):
    first17 = registry + USCC_CATEGORIES[registry][0] + area + body
    code = first17 + uscc_check_char(first17)
    assert is_valid_uscc(code)
    position = data.draw(st.integers(min_value=8, max_value=17))
    replacement = data.draw(st.sampled_from([c for c in USCC_ALPHABET if c != code[position]]))
    assert not is_valid_uscc(code[:position] + replacement + code[position + 1 :])


# ---------------------------------------------------------------------------------------------------------------
# Resident ID
# ---------------------------------------------------------------------------------------------------------------


def test_known_resident_id_is_valid_and_parsed():
    assert validate_resident_id("11010519491231002X") == "11010519491231002X"
    assert resident_id_check_char("11010519491231002") == "X"
    assert resident_id_birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert resident_id_gender("11010519491231002X") == "female"  # sequence 002: even
    assert resident_id_age("11010519491231002X", on=dt.date(2026, 12, 30)) == 76
    assert resident_id_age("11010519491231002X", on=dt.date(2026, 12, 31)) == 77


def test_lowercase_x_and_spaces_are_accepted_and_normalised():
    assert validate_resident_id(" 110105 19491231 002x ") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("", "empty"),
        ("1101051949123100", "length"),
        ("11010519491231002", "length"),
        ("1101051949123100XX", "format"),
        ("11010519491231002Y", "format"),
        ("11010519490231002X", "birth_date"),  # 1949-02-31 does not exist
        ("11010529991231002X", "birth_date"),  # in the future
        ("110105194912310021", "check"),
        ("110105194912310020", "check"),
    ],
)
def test_invalid_resident_ids_are_refused_with_a_reason(number, reason):
    with pytest.raises(DomainError) as excinfo:
        validate_resident_id(number)
    assert excinfo.value.code == "resident_id_invalid"
    assert excinfo.value.field == "resident_id"
    assert reason_of(excinfo) == reason
    assert not is_valid_resident_id(number)


def test_wrong_check_char_message_names_the_expected_character():
    with pytest.raises(DomainError, match="应为“X”，实为“1”"):
        validate_resident_id("110105194912310021")


def test_birthplace_is_checked_only_on_request():
    first17 = "99999919800101001"  # no such county
    made_up = first17 + resident_id_check_char(first17)
    assert is_valid_resident_id(made_up)
    with pytest.raises(DomainError) as excinfo:
        validate_resident_id(made_up, check_birthplace=True)
    assert reason_of(excinfo) == "birthplace"
    assert validate_resident_id("11010519491231002X", check_birthplace=True)


@settings(max_examples=300, deadline=None)
@given(first17=st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_prop_resident_id_check_char_agrees_with_stdnum(first17):
    assert resident_id_check_char(first17) == stdnum_ric.calc_check_digit(first17 + "0")


def test_gender_from_the_sequence_code():
    first17 = "50011619800101001"  # sequence 001: odd
    assert resident_id_gender(first17 + resident_id_check_char(first17)) == "male"


# ---------------------------------------------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------------------------------------------


def test_masking_keeps_only_what_the_rules_allow():
    assert mask_name("张三丰") == "张**"
    assert mask_name("李四") == "李*"
    assert mask_name("王") == "王*"
    assert mask_name("") == ""
    assert mask_name(None) == ""
    assert mask_resident_id("11010519491231002X") == "110105********002X"
    assert mask_resident_id("11010519491231002x") == "110105********002X"
    assert mask_resident_id("12345") == "*****"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_phone("02347451234") == "023****1234"
    assert mask_phone("12345") == "*2345"
    assert mask_phone("") == ""
