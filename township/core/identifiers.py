"""Identifier validators and masking: USCC (GB 32100) and resident ID numbers (GB 11643). DOMAIN.md §5.1, §5.2.

Our own USCC validator accepts the letter-prefixed registering bodies (A, N, Y) that ``stdnum.cn.uscc`` rejects,
e.g. ``N2…`` village collective economic organisations. Every refusal is a ``DomainError`` with a stable code
(``uscc_invalid`` / ``resident_id_invalid``), a Chinese message naming the specific problem, the field, and a
machine-readable ``reason`` in ``error.extra``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _

from township.core.errors import DomainError

# --------------------------------------------------------------------------------------------------------------
# Unified social credit code (统一社会信用代码), GB 32100-2015
# --------------------------------------------------------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V; values 0–30
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28

# Position 1 (登记管理部门) → allowed position 2 (机构类别).
USCC_CATEGORIES: dict[str, str] = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 群众团体, 其他
    "2": "19",  # 外交: 外国常驻新闻机构, 其他
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化: 外国在华文化中心, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游
    "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商/市场监管: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}

USCC_REGISTRY_LABELS = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "市场监管（工商）",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}

_SEPARATORS = " -\u3000\t\r\n"


def _normalise(value: Any) -> str:
    """Full-width to half-width (NFKC), drop spaces and hyphens, upper-case."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(ch for ch in text if ch not in _SEPARATORS).upper()


def normalise_uscc(code: Any) -> str:
    """The compact upper-case form of a USCC (spaces, hyphens and full-width characters handled)."""
    return _normalise(code)


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character for the first 17 characters of a USCC."""
    body = _normalise(first17)
    if len(body) != 17 or any(ch not in USCC_ALPHABET for ch in body):
        raise ValueError("17 characters from the USCC alphabet are required")
    total = sum(USCC_ALPHABET.index(ch) * weight for ch, weight in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _uscc_error(message: str, reason: str, field: str | None) -> DomainError:
    return DomainError("uscc_invalid", message, field, reason=reason)


def _uscc_structure(code: str, field: str | None) -> None:
    """Everything except the check character; raises DomainError with a specific reason."""
    if not code:
        raise _uscc_error(_("请填写统一社会信用代码"), "empty", field)
    if len(code) != 18:
        raise _uscc_error(
            _("统一社会信用代码应为18位，当前为%(n)s位") % {"n": len(code)},
            "length",
            field,
        )
    for position, ch in enumerate(code, start=1):
        if ch not in USCC_ALPHABET:
            raise _uscc_error(
                _("统一社会信用代码第%(pos)s位“%(ch)s”不是有效字符（只用数字和除I、O、Z、S、V以外的大写字母）")
                % {"pos": position, "ch": ch},
                "charset",
                field,
            )
    registry, category = code[0], code[1]
    if registry not in USCC_CATEGORIES:
        raise _uscc_error(
            _("统一社会信用代码第1位（登记管理部门代码）“%(ch)s”无效，应为1–9、A、N或Y") % {"ch": registry},
            "registry",
            field,
        )
    if category not in USCC_CATEGORIES[registry]:
        raise _uscc_error(
            _("统一社会信用代码第2位（机构类别代码）“%(ch)s”不属于登记管理部门“%(reg)s”，可用：%(allowed)s")
            % {
                "ch": category,
                "reg": USCC_REGISTRY_LABELS[registry],
                "allowed": "、".join(USCC_CATEGORIES[registry]),
            },
            "category",
            field,
        )
    if not code[2:8].isdigit():
        raise _uscc_error(
            _("统一社会信用代码第3–8位（登记管理机关行政区划码）应为6位数字"),
            "area",
            field,
        )


def _uscc_check_error(code: str, field: str | None) -> DomainError | None:
    expected = uscc_check_char(code[:17])
    if code[17] == expected:
        return None
    return _uscc_error(
        _("统一社会信用代码校验位错误：第18位应为“%(expected)s”，实为“%(actual)s”，请核对")
        % {"expected": expected, "actual": code[17]},
        "check",
        field,
    )


def validate_uscc(code: Any, *, lenient: bool = False, field: str | None = "uscc") -> str:
    """Validate a USCC and return its compact form; raise ``DomainError("uscc_invalid", …)`` otherwise.

    ``lenient=True`` (imported data only, DOMAIN §5.1: some pilot-era codes fail the check digit) accepts a wrong
    check character; use :func:`uscc_check` to get the warning text as well. New data entry stays strict.
    """
    normalised = _normalise(code)
    _uscc_structure(normalised, field)
    error = _uscc_check_error(normalised, field)
    if error is not None and not lenient:
        raise error
    return normalised


def is_valid_uscc(code: Any) -> bool:
    try:
        validate_uscc(code)
    except DomainError:
        return False
    return True


class UsccCheck(NamedTuple):
    """Result of :func:`uscc_check`: ``ok`` is False for structural errors; ``warning`` names the problem."""

    ok: bool
    warning: str | None


def uscc_check(code: Any) -> UsccCheck:
    """For imports: ``(True, None)`` valid; ``(True, warning)`` structure fine but the check character is wrong
    (keep it with the warning, an officer confirms); ``(False, message)`` not a USCC at all.
    The stored form is :func:`normalise_uscc` (or ``validate_uscc(code, lenient=True)``)."""
    normalised = _normalise(code)
    try:
        _uscc_structure(normalised, None)
    except DomainError as exc:
        return UsccCheck(False, exc.message)
    error = _uscc_check_error(normalised, None)
    return UsccCheck(True, error.message if error else None)


def uscc_parts(code: Any) -> dict[str, str]:
    """The parts of a valid USCC: registry, category, area code (GB/T 2260), body (organisation code), check."""
    normalised = validate_uscc(code)
    return {
        "registry": normalised[0],
        "registry_label": USCC_REGISTRY_LABELS[normalised[0]],
        "category": normalised[1],
        "area": normalised[2:8],
        "body": normalised[8:17],
        "check": normalised[17],
    }


# --------------------------------------------------------------------------------------------------------------
# Resident identity card number (居民身份证号码), GB 11643-1999
# --------------------------------------------------------------------------------------------------------------

RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2^(17-i) mod 11
RESIDENT_ID_CHECK_MAP = "10X98765432"  # sum mod 11 → check character (ISO 7064 MOD 11-2)


def resident_id_check_char(first17: str) -> str:
    """The 18th character (0–9 or X) for the first 17 digits (ISO 7064 MOD 11-2, as stdnum computes it)."""
    body = _normalise(first17)
    if len(body) != 17 or not body.isdigit() or not body.isascii():
        raise ValueError("17 digits are required")
    total = sum(int(ch) * weight for ch, weight in zip(body, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK_MAP[total % 11]


def _rid_error(message: str, reason: str, field: str | None) -> DomainError:
    return DomainError("resident_id_invalid", message, field, reason=reason)


def _birth_date(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def validate_resident_id(number: Any, *, check_birthplace: bool = False, field: str | None = "resident_id") -> str:
    """Validate an 18-character resident ID number and return it compact with an upper-case X.

    Checks the length, the digits, that the birth date exists and is not in the future, and the check character.
    ``check_birthplace=True`` also checks the address code against stdnum's county list (only where the place of
    birth matters: made-up or recently re-coded areas fail it).
    """
    normalised = _normalise(number)
    if not normalised:
        raise _rid_error(_("请填写居民身份证号码"), "empty", field)
    if len(normalised) != 18:
        raise _rid_error(
            _("居民身份证号码应为18位，当前为%(n)s位") % {"n": len(normalised)},
            "length",
            field,
        )
    if not (normalised[:17].isdigit() and normalised[:17].isascii()) or normalised[17] not in "0123456789X":
        raise _rid_error(_("居民身份证号码前17位应为数字，最后一位为数字或X"), "format", field)
    birth = _birth_date(normalised)
    if birth is None or birth.year < 1850 or birth > timezone.localdate():
        raise _rid_error(
            _("居民身份证号码中的出生日期“%(value)s”无效") % {"value": normalised[6:14]},
            "birth_date",
            field,
        )
    expected = resident_id_check_char(normalised[:17])
    if normalised[17] != expected:
        raise _rid_error(
            _("居民身份证号码校验位错误：第18位应为“%(expected)s”，实为“%(actual)s”，请核对")
            % {"expected": expected, "actual": normalised[17]},
            "check",
            field,
        )
    if check_birthplace:
        from stdnum.cn import ric
        from stdnum.exceptions import ValidationError

        try:
            ric.get_birth_place(normalised)
        except ValidationError as exc:
            raise _rid_error(
                _("居民身份证号码前6位“%(code)s”不是出生时有效的县级行政区划代码") % {"code": normalised[:6]},
                "birthplace",
                field,
            ) from exc
    return normalised


def is_valid_resident_id(number: Any, *, check_birthplace: bool = False) -> bool:
    try:
        validate_resident_id(number, check_birthplace=check_birthplace)
    except DomainError:
        return False
    return True


def resident_id_birth_date(number: Any) -> dt.date:
    """The birth date in a valid resident ID number."""
    normalised = validate_resident_id(number)
    birth = _birth_date(normalised)
    assert birth is not None  # validated above
    return birth


def resident_id_gender(number: Any) -> str:
    """ "male" or "female": the 17th digit (sequence code) is odd for men, even for women."""
    normalised = validate_resident_id(number)
    return "male" if int(normalised[16]) % 2 else "female"


def resident_id_age(number: Any, on: dt.date | None = None) -> int:
    """Age in full years on ``on`` (default: today, Asia/Shanghai)."""
    birth = resident_id_birth_date(number)
    on = on or timezone.localdate()
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --------------------------------------------------------------------------------------------------------------
# Masking personal data for display and export (个人信息保护法: minimum necessary)
# --------------------------------------------------------------------------------------------------------------


def mask_name(name: Any) -> str:
    """张三丰 → 张**; 李四 → 李*; a single character stays visible with one star."""
    text = str(name or "").strip()
    if not text:
        return ""
    return text[0] + "*" * max(1, len(text) - 1)


def mask_resident_id(number: Any) -> str:
    """Keep the first 6 and the last 4 characters: 110105********002X."""
    text = _normalise(number)
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_phone(phone: Any) -> str:
    """Keep the first 3 and the last 4 digits: 13812345678 → 138****5678."""
    text = _normalise(phone)
    if len(text) >= 8:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    if len(text) > 4:
        return "*" * (len(text) - 4) + text[-4:]
    return "*" * len(text)


def validate_identifier(value: Any, *, field: str | None = None) -> str:
    """A resident ID or a USCC, validated with its check digit and returned compact. A value valid as either is
    accepted; otherwise the refusal names the specific problem of the kind its shape suggests (17 digits first:
    a resident ID) and the field."""
    normalised = _normalise(value)
    if not normalised:
        raise DomainError("identifier_invalid", _("请填写身份证号码或统一社会信用代码"), field)
    if is_valid_resident_id(normalised):
        return normalised
    if is_valid_uscc(normalised):
        return normalised
    if normalised[:17].isdigit() and normalised[:17].isascii() and len(normalised) == 18:
        return validate_resident_id(normalised, field=field)
    return validate_uscc(normalised, field=field)
