"""The phone extractor's fast paths give exactly the answers of the plain forms they replace."""

from __future__ import annotations

import phonenumbers
from hypothesis import example, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumber, PhoneNumberFormat

from redflags.extract import phones

_NANP_REGIONS = sorted(phones._NANPA)

#: ten-digit national numbers: any digits, and ones led by a real NANP area code or a
#: Caribbean region's leading digits (so each region's patterns are reached)
_AREA = st.sampled_from(
    ["201", "212", "305", "415", "555", "800", "833", "900", "500", "523", "524", "268", "264",
     "684", "246", "441", "242", "767", "809", "829", "849", "473", "671", "658", "876", "869",
     "345", "758", "670", "664", "787", "939", "721", "649", "868", "784", "284", "340", "310",
     "983", "600", "700", "911", "456"]
)
_TEN = st.from_regex(r"[2-9][0-9]{9}", fullmatch=True) | st.builds(
    lambda a, b: a + b, _AREA, st.from_regex(r"[0-9]{7}", fullmatch=True)
).filter(lambda d: d[0] not in "01")


def _phonenumbers_valid(d: str, region: str | None) -> bool:
    """``phones._valid`` on the NANP number ``d`` (what ``_nanp_valid`` replaces)."""
    n = PhoneNumber(country_code=1, national_number=int(d))
    if region is not None and phonenumbers.is_valid_number_for_region(n, region):
        return True
    return bool(phonenumbers.is_valid_number(n))


@settings(max_examples=1500, deadline=None)
@given(_TEN, st.sampled_from([None, *_NANP_REGIONS]))
@example("3055550123", "US")
@example("2685550123", "US")
@example("8095550123", "CA")
@example("8001234567", None)
@example("3101234567", "CA")
def test_nanp_valid_is_phonenumbers(d: str, region: str | None) -> None:
    assert phones._nanp_valid(d, region) == _phonenumbers_valid(d, region)


def _plain_e164(digits: str, plus: bool, region: str | None) -> str | None:
    n = phones._validate.__wrapped__(digits, plus, region)
    return None if n is None else phonenumbers.format_number(n, PhoneNumberFormat.E164)


_DIGITS = (
    _TEN
    | _TEN.map(lambda d: "1" + d)
    | st.from_regex(r"[0-9]{7,17}", fullmatch=True)
    | st.sampled_from(["01144207946012", "442079460123", "13055550123", "011305555012"])
)


@settings(max_examples=1500, deadline=None)
@given(_DIGITS, st.booleans(), st.sampled_from([None, "US", "CA", "JM", "PR", "GB", "DE", "RU"]))
def test_valid_e164_is_validate_then_format(digits: str, plus: bool, region: str | None) -> None:
    assert phones._valid_e164.__wrapped__(digits, plus, region) == _plain_e164(
        digits, plus, region
    )


#: number words, digit-letters, digits and the separators between them
_PHONE_PIECES = st.sampled_from(
    ["two", "one", "five", "zero", "three", "seven", "oh", "ten", "O", "l", "S", "SSS", "OlOO",
     "Ol", "lZ", "E", "Z", "I", "OO", "SS", "2", "5", "0", "555", "-", " ", ".", "(", ")", "é",
     "a", "call"]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PHONE_PIECES, min_size=3, max_size=14).map("".join))
@example("seven-OlSSSSSSS-")  # three or fewer number words, the rest digit-letters beside them
@example("SSlZlSSZE.zero")
def test_view_choice_loses_no_phone(text: str) -> None:
    """``_view`` skips the digits view only where that view would find no other phone."""
    from redflags.extract import Context
    from redflags.normalize import Views

    ctx = Context(country="US")
    chosen = [e.value for e in phones.extract(Views(text), "body", ctx)]
    original = phones._view
    try:
        phones._view = lambda v: v.digits  # type: ignore[assignment]
        digits = [e.value for e in phones.extract(Views(text), "body", ctx)]
    finally:
        phones._view = original
    assert chosen == digits
