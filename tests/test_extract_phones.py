"""Phone extraction: plain and disguised numbers, hard negatives, spans, conformance vectors.

Own cases use fictional numbers only: NANP 555-0100..0199 and UK 020 7946 0xxx.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redflags import normalize as nz
from redflags.extract import Context, phones
from redflags.extract.phones import extract
from redflags.model import Entity
from redflags.normalize import Views


def run(text: str, region: str = "US", field: str = "body") -> list[Entity]:
    return extract(Views(text), field, Context(country=region))


def found(text: str, region: str = "US") -> list[tuple[str, str, bool]]:
    out = []
    for e in run(text, region):
        assert e.kind == "phone"
        assert e.value == e.data
        assert e.span is not None
        assert e.span.text == text[e.span.start : e.span.end]
        out.append((str(e.value), e.span.text, e.disguised))
    return out


US = "+13055550123"
UK = "+442079460123"

# (posted text, region, [(E.164, span text, disguised), ...])
MATCH: list[tuple[str, str, list[tuple[str, str, bool]]]] = [
    # --- ordinary formats: not disguised
    ("(305) 555-0123", "US", [(US, "(305) 555-0123", False)]),
    ("305-555-0123", "US", [(US, "305-555-0123", False)]),
    ("305.555.0123", "US", [(US, "305.555.0123", False)]),
    ("3055550123", "US", [(US, "3055550123", False)]),
    ("+1 305 555 0123", "US", [(US, "+1 305 555 0123", False)]),
    ("1-305-555-0123", "US", [(US, "1-305-555-0123", False)]),
    ("1 (305) 555-0123", "US", [(US, "1 (305) 555-0123", False)]),
    ("+1 (305) 555-0123", "US", [(US, "+1 (305) 555-0123", False)]),
    ("(305)555-0123", "US", [(US, "(305)555-0123", False)]),
    ("305 5550123", "US", [(US, "305 5550123", False)]),
    ("call me 305 555 0123 anytime", "US", [(US, "305 555 0123", False)]),
    ("Call 305-555-0123!!!", "US", [(US, "305-555-0123", False)]),
    ("call me at 305 555 0123.", "US", [(US, "305 555 0123", False)]),
    ("call3055550123", "US", [(US, "3055550123", False)]),
    ("3055550123call me", "US", [(US, "3055550123", False)]),
    ("whatsapp:+13055550123", "US", [(US, "+13055550123", False)]),
    ("wa.me/13055550123", "US", [(US, "13055550123", False)]),
    ("call 305-555-0123 ext 12", "US", [(US, "305-555-0123", False)]),
    ("305-555-0123 x12", "US", [(US, "305-555-0123", False)]),
    # --- junk next to the number is left out
    ("age 25 305 555 0123", "US", [(US, "305 555 0123", False)]),
    ("25 3055550123", "US", [(US, "3055550123", False)]),
    ("$200 305-555-0123", "US", [(US, "305-555-0123", False)]),
    ("305-555-0123 200$", "US", [(US, "305-555-0123", False)]),
    ("25% off 3055550123", "US", [(US, "3055550123", False)]),
    ("3:30 3055550123", "US", [(US, "3055550123", False)]),
    ("5 ft 4 305.555.0123", "US", [(US, "305.555.0123", False)]),
    ("Miami FL 33101 305-555-0123", "US", [(US, "305-555-0123", False)]),
    ("call 305-555-0123 24 7", "US", [(US, "305-555-0123", False)]),
    # --- two numbers
    (
        "305-555-0123 / 305-555-0124",
        "US",
        [(US, "305-555-0123", False), ("+13055550124", "305-555-0124", False)],
    ),
    (
        "3055550123 3055550124",
        "US",
        [(US, "3055550123", False), ("+13055550124", "3055550124", False)],
    ),
    (
        "call 305.555.0100 or 305.555.0199",
        "US",
        [("+13055550100", "305.555.0100", False), ("+13055550199", "305.555.0199", False)],
    ),
    (
        "text 305 555 0123 - 305 555 0124",
        "US",
        [(US, "305 555 0123", False), ("+13055550124", "305 555 0124", False)],
    ),
    # --- disguised: letters for digits, number words, emoji, look-alikes, odd separators
    ("call me 3O5 555 Ol23", "US", [(US, "3O5 555 Ol23", True)]),
    ("3O5-SSS-O1Z3", "US", [(US, "3O5-SSS-O1Z3", True)]),
    ("305-SSS-0123", "US", [(US, "305-SSS-0123", True)]),
    ("2l2-S55-OlOO", "US", [("+12125550100", "2l2-S55-OlOO", True)]),
    (
        "three oh five five five five zero one two three",
        "US",
        [(US, "three oh five five five five zero one two three", True)],
    ),
    ("three0five-555-0one23", "US", [(US, "three0five-555-0one23", True)]),
    ("305-five five five-0123", "US", [(US, "305-five five five-0123", True)]),
    ("THREE OH FIVE 555 0123", "US", [(US, "THREE OH FIVE 555 0123", True)]),
    ("thr33 zer0 f1ve 555 0123", "US", [(US, "thr33 zer0 f1ve 555 0123", True)]),
    ("3 0 5 5 5 5 0 1 2 3", "US", [(US, "3 0 5 5 5 5 0 1 2 3", True)]),
    ("3*0*5*5*5*5*0*1*2*3", "US", [(US, "3*0*5*5*5*5*0*1*2*3", True)]),
    ("305*555*0123", "US", [(US, "305*555*0123", True)]),
    ("305|555|0123", "US", [(US, "305|555|0123", True)]),
    ("305_555_0123", "US", [(US, "305_555_0123", True)]),
    ("305/555/0123", "US", [(US, "305/555/0123", True)]),
    ("305 🌹 555 🌹 0123", "US", [(US, "305 🌹 555 🌹 0123", True)]),
    ("3️⃣0️⃣5️⃣5️⃣5️⃣5️⃣0️⃣1️⃣2️⃣3️⃣", "US", [(US, "3️⃣0️⃣5️⃣5️⃣5️⃣5️⃣0️⃣1️⃣2️⃣3️⃣", True)]),
    ("３０５-５５５-０１２３", "US", [(US, "３０５-５５５-０１２３", True)]),
    ("𝟑𝟎𝟓𝟓𝟓𝟓𝟎𝟏𝟐𝟑", "US", [(US, "𝟑𝟎𝟓𝟓𝟓𝟓𝟎𝟏𝟐𝟑", True)]),
    ("❸⓪❺ 555 0123", "US", [(US, "❸⓪❺ 555 0123", True)]),
    ("٣٠٥٥٥٥٠١٢٣", "US", [(US, "٣٠٥٥٥٥٠١٢٣", True)]),
    ("305\n555\n0123", "US", [(US, "305\n555\n0123", True)]),
    ("305  555  0123", "US", [(US, "305  555  0123", True)]),
    ("3055 550 123", "US", [(US, "3055 550 123", True)]),
    ("30 55 55 01 23", "US", [(US, "30 55 55 01 23", True)]),
    ("3\u200b0\u200b5\u200b5550123", "US", [(US, "3\u200b0\u200b5\u200b5550123", True)]),
    # --- Spanish number words
    (
        "tres cero cinco, cinco cinco cinco, cero uno dos tres",
        "US",
        [(US, "tres cero cinco, cinco cinco cinco, cero uno dos tres", True)],
    ),
    (
        "llamame al tres cero cinco 555 cero uno dos tres",
        "US",
        [(US, "tres cero cinco 555 cero uno dos tres", True)],
    ),
    ("CINCO cinco cinco 0123 area 305", "US", []),
    (
        "llama al cero dos cero 7946 cero uno dos tres",
        "GB",
        [(UK, "cero dos cero 7946 cero uno dos tres", True)],
    ),
    # --- Russian number words
    (
        "звони три ноль пять пять пять пять ноль один два три",
        "US",
        [(US, "три ноль пять пять пять пять ноль один два три", True)],
    ),
    (
        "ноль два ноль семь девять четыре шесть ноль один два три",
        "GB",
        [(UK, "ноль два ноль семь девять четыре шесть ноль один два три", True)],
    ),
    ("тел. 305 пять пять пять 0123", "US", [(US, "305 пять пять пять 0123", True)]),
    ("звони +44 20 7946 0123", "RU", [(UK, "+44 20 7946 0123", False)]),
    # --- UK and region handling
    ("call 020 7946 0123", "GB", [(UK, "020 7946 0123", False)]),
    ("+44 20 7946 0123", "GB", [(UK, "+44 20 7946 0123", False)]),
    ("+44 (0)20 7946 0123", "GB", [(UK, "+44 (0)20 7946 0123", False)]),
    ("+44 20 7946 0123", "US", [(UK, "+44 20 7946 0123", False)]),
    ("011 44 20 7946 0123", "US", [(UK, "011 44 20 7946 0123", False)]),
    ("0 2 0 7 9 4 6 0 1 2 3", "GB", [(UK, "0 2 0 7 9 4 6 0 1 2 3", True)]),
    ("020-7946-0123", "uk", [(UK, "020-7946-0123", False)]),
    ("+1 305 555 0123", "ZZ", [(US, "+1 305 555 0123", False)]),
]

# (posted text, region): nothing may be extracted
NO_MATCH: list[tuple[str, str]] = [
    ("", "US"),
    ("no digits at all, just a friendly hello", "US"),
    ("the one and only, two girls for you", "US"),
    ("$300 hour", "US"),
    ("$150 half hour $250 full hour", "US"),
    ("roses 150 200 300 400", "US"),
    ("prices 100/150/200/300", "US"),
    ("$3055550123", "US"),
    ("3055550123$", "US"),
    ("€3055550123", "US"),
    ("3055550123%", "US"),
    ("Available 10:30 to 11:45", "US"),
    ("from 10:30 to 22:00 daily", "US"),
    ("2024-12-25 08:00", "US"),
    ("born 1995 visit 2024", "US"),
    ("1999 2000 2001", "US"),
    ("12/25/2024", "US"),
    ("25.12.2024", "DE"),
    ("I am 25 years old 5'4 120lbs 34C", "US"),
    ("34-24-36", "US"),
    ("1,500 roses", "US"),
    ("zip 33101", "US"),
    ("zip 33101-1234", "US"),
    ("SSN 123-45-6789", "US"),
    ("card 4111 1111 1111 1111", "US"),
    ("ip 192.168.1.1", "US"),
    ("ISBN 978-3-16-148410-0", "US"),
    ("order 12345678901", "US"),
    ("order #: 3055550123", "US"),
    ("ref 3055550123", "US"),
    ("open 9-5 mon-fri", "US"),
    ("abc3055550123", "US"),
    ("3055550123abc", "US"),
    ("305-555-0123def", "US"),
    ("555-0123", "US"),
    ("123-456-7890", "US"),
    ("305-555-01xx", "US"),
    ("xx 305 555 0123", "US"),
    ("305-555-0123--305-555-0124", "US"),
    ("305-555-0123-4567-8901", "US"),
    ("0 3055550123", "ZZ"),
    ("020 7946 0123", "ZZ"),
    ("3055550123", "GB"),
    ("tres cero cinco cinco cinco cinco cero uno dos tres", "ES"),
]


@pytest.mark.parametrize(("text", "region", "expected"), MATCH)
def test_match(text: str, region: str, expected: list[tuple[str, str, bool]]) -> None:
    assert found(text, region) == expected


@pytest.mark.parametrize(("text", "region"), NO_MATCH)
def test_no_match(text: str, region: str) -> None:
    assert found(text, region) == []


def test_span_offsets_are_original() -> None:
    text = "Hi 👋 new in town!! call ３O5 five5five 0123 or 305-555-0124 xoxo"
    ents = run(text, field="title")
    assert [e.value for e in ents] == [US, "+13055550124"]
    first, second = (e.span for e in ents)
    assert first is not None and second is not None
    assert first.field == "title"
    start = text.index("３O5")
    assert (first.start, first.end, first.text) == (start, start + 18, "３O5 five5five 0123")
    assert text[second.start : second.end] == "305-555-0124"
    assert [e.disguised for e in ents] == [True, False]


def test_phone_field_and_duplicates() -> None:
    ents = run("305-555-0123, 305-555-0123", field="phone")
    assert [e.value for e in ents] == [US, US]
    assert all(e.span is not None and e.span.field == "phone" for e in ents)


def test_default_region_decides_national_numbers() -> None:
    assert [e.value for e in run("020 7946 0123", "GB")] == [UK]
    assert run("020 7946 0123", "US") == []


def test_exclamation_after_digits_is_not_a_digit() -> None:
    assert Views("Call 305-555-0123!").digits.text == "Call 305-555-0123!"


def test_pipe_separator_is_not_a_digit() -> None:
    assert Views("305|555|0123").digits.text == "305|555|0123"


@pytest.mark.parametrize("text", ["Contact: Z02-S5s-0146", "Contact: 2OZ S5s O146"])
def test_letter_heavy_groups(text: str) -> None:
    assert [e.value for e in run(text)] == ["+12025550146"]


def test_misspelt_number_word() -> None:
    assert [e.value for e in run("808 five f1ve fiv3 oh one six nine")] == ["+18085550169"]


def test_unknown_region_reads_only_international_numbers() -> None:
    assert [e.value for e in run("+1 305 555 0123", region="")] == [US]
    assert run("305 555 0123", region="XX") == []


# --------------------------------------------------------------------------- properties

_PIECES = st.sampled_from(
    [
        "0",
        "1",
        "3",
        "5",
        "9",
        "305",
        "555",
        "0123",
        " ",
        "-",
        ".",
        "(",
        ")",
        "+",
        "/",
        "*",
        "|",
        "_",
        ":",
        "$",
        "%",
        "x",
        "xx",
        "ext",
        "O",
        "l",
        "S",
        "five",
        "oh",
        "cinco",
        "пять",
        "3️⃣",
        "５",
        "❸",
        "🌹",
        "\n",
        "  ",
        "call",
        "é",
        "\u200b",
        "!",
        "#",
        "20",
        "7946",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(_PIECES, max_size=40).map("".join)))
def test_never_crashes_and_spans_are_original(text: str) -> None:
    for region in ("US", "GB"):
        for e in run(text, region):
            assert e.span is not None
            assert e.span.text == text[e.span.start : e.span.end]
            assert 0 <= e.span.start < e.span.end <= len(text)
            assert isinstance(e.value, str) and e.value.startswith("+")


# --------------------------------------------------------------------------- conformance

VECTORS = Path(__file__).resolve().parents[2] / "shared" / "eval-vectors" / "libphonenumber.jsonl"


def _vectors() -> list[Any]:
    if not VECTORS.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{VECTORS} not present"))]
    cases = [json.loads(line) for line in VECTORS.read_text("utf-8").splitlines() if line]
    return [pytest.param(c, id=c["id"]) for c in cases]


@pytest.mark.parametrize("case", _vectors())
def test_libphonenumber_vectors(case: dict[str, Any]) -> None:
    region = case["meta"]["default_region"] or "ZZ"
    expected = [e["value"] for e in case["expected"] if e["type"] == "phone"]
    got = [e.value for e in run(case["input"], region)]
    assert got == expected, case["meta"]["group"]


# --------------------------------------------------------------------------- fast == slow

#: pieces that exercise the prefilters: digit-letters glued to digits or to words, number words
#: inside and outside words, "xx" masks, reference words and the case-folding traps
_FAST_PIECES = st.sampled_from(
    [
        " ",
        *"0 1 2 5 8 305 555 0123 7946 44 - . ( ) + $ : @ ! | # x xx XX O o l I S s Z g T A E"
        " b bliss lbs one for ate oh five f1ve zer0 someone cinco пять order Ref sku ı ſ İ K"
        " 3️⃣ ~ 0-1 5.5".split(),
    ]
)


def _slow_extract(text: str, region: str) -> list[Entity]:
    """``extract`` without the view prefilter: always scan the digits view."""
    v = Views(text)
    return phones._extract_from(v, v.digits, "body", Context(country=region))


def _reference_chunks(text: str, a: int, z: int) -> list[tuple[int, int, str, bool]]:
    """Digit groups joined while the separator between them is tight (the plain definition)."""
    out: list[list[Any]] = []
    for m in re.finditer(r"[0-9]+", text[a:z]):
        s, e = m.start() + a, m.end() + a
        if out and set(text[out[-1][1] : s]) <= set("-.~()"):
            out[-1][1:3] = [e, out[-1][2] + m.group()]
            continue
        if out:
            out[-1][3] = text[out[-1][1] : s].strip(" )") != ""
        out.append([s, e, m.group(), False])
    return [(s, e, d, strong) for s, e, d, strong in out]


@settings(max_examples=400, deadline=None)
@given(st.lists(_FAST_PIECES, max_size=30).map("".join))
def test_chunks_are_tight_groups(text: str) -> None:
    for run in phones._RUN.finditer(text):
        chunks, n_digits = phones._chunks(text, *run.span())
        got = [
            (c.start, c.end, c.digits, phones._strong_after(text, chunks, i))
            for i, c in enumerate(chunks)
        ]
        assert got == _reference_chunks(text, *run.span())
        assert n_digits == sum(ch in "0123456789" for ch in run.group())


@settings(max_examples=300, deadline=None)
@given(st.lists(_FAST_PIECES, max_size=30).map("".join))
def test_run_lookahead_only_drops_short_runs(text: str) -> None:
    plain = re.compile(rf"[0-9](?:[{phones._SEP}]{{0,5}}[0-9])*")
    long_runs = [m.span() for m in plain.finditer(text) if m.end() - m.start() >= 7]
    assert [m.span() for m in phones._RUN.finditer(text) if m.end() - m.start() >= 7] == long_runs


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(_FAST_PIECES, max_size=30).map("".join)))
def test_prefilters_change_nothing(text: str) -> None:
    for region in ("US", "GB"):
        assert run(text, region) == _slow_extract(text, region)


_LETTERISH = st.lists(
    st.sampled_from(list("0123456789oOlIiSsZzgqTAEbxy-. _@/") + ["lbs", "bliss", "2OZ"]),
    max_size=30,
).map("".join)


@settings(max_examples=600, deadline=None)
@given(st.one_of(_LETTERISH, st.text(max_size=40)))
def test_letter_digit_prefilter_is_exact(text: str) -> None:
    """Where the prefilter skips ``_letters_to_digits``, the full rewrite changes nothing."""
    folded = nz.fold(text)
    assert nz._letters_to_digits(folded).text == nz._rewrite_letters(folded).text


@settings(max_examples=400, deadline=None)
@given(st.one_of(_LETTERISH, st.text(max_size=40)))
def test_char_classes_answer_the_regexes(text: str) -> None:
    classes = nz._char_classes(text)
    assert classes.count(b"d") == len(re.findall("[0-9]", text))
    # a whole run of digit-letters right after or right before a digit, across one "-" or "."
    run_by_digit = re.compile(
        rf"[0-9][-.]?[{nz._LD_CLASS}]+(?![A-Za-z])|(?<![A-Za-z])[{nz._LD_CLASS}]+[-.]?[0-9]"
    )
    expected = run_by_digit.search(text) is not None
    assert nz._may_rewrite_letters(text) == nz._may_rewrite_letters(text, classes) == expected
    if expected:  # a narrowing of the older hint
        assert nz._LETTER_DIGIT_NEAR.search(text) is not None


@settings(max_examples=300, deadline=None)
@given(
    st.from_regex(r"1[0-9]{10}", fullmatch=True)
    | st.sampled_from(["13055550123", "12125550100", "12025550146", "18765550123", "10305550123"])
)
def test_plus_one_shortcut_is_what_parse_returns(digits: str) -> None:
    parsed = phonenumbers.parse("+" + digits, None)
    expected = parsed if phonenumbers.is_valid_number(parsed) else None
    assert phones._validate.__wrapped__(digits, True, "US") == expected


def test_case_folding_traps_are_listed() -> None:
    """Lower-casing finds every reference word and "xx" the case-insensitive regexes find."""
    letters = set("".join(phones._REFERENCE_WORDS))
    ignorecase = re.compile(f"(?i)[{''.join(sorted(letters))}]")
    for cp in range(0x110000):
        c = chr(cp)
        if ignorecase.fullmatch(c) and c.lower() not in letters:
            assert phones._REFERENCE_TRAPS.fullmatch(c), hex(cp)
        if "x" in c.lower():
            assert c in "xX", hex(cp)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        _FAST_PIECES | st.sampled_from(["ORDER", "İsbn", "ſku", "RefErence", " #"]), max_size=12
    ).map("".join)
)
def test_reference_prefilter(window: str) -> None:
    if phones._REFERENCE.search(window):
        assert phones._may_be_reference(window)
