"""Stated ages: match / no-match tables, exact original spans, and a never-crash property."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.purepy import load_source

from redflags.extract import Context
from redflags.extract import ages as ages_mod
from redflags.extract.ages import extract, word_number
from redflags.normalize import Views, lower_one_to_one

#: a source copy whose globals a test may patch (the compiled module ignores setattr)
_PURE_AGES = load_source("redflags.extract.ages")

CTX = Context()


def ages(text: str) -> list[int]:
    return [int(e.value) for e in extract(Views(text), "body", CTX)]


# text -> the ages stated in it
MATCH: list[tuple[str, list[int]]] = [
    # "Name, NN" / "Name (NN)": the commonest way ads state an age
    ("Hey guys I'm Candy, 23, sweet and petite 5'2 110lbs 34B", [23]),
    ("I'm Nina, 17\nSpecials $185 hh", [17]),
    ("Meet Olga (22)\nIn London for a few days", [22]),
    ("Ruby here, 27, independent and easygoing", [27]),
    ("Paola, 21 and sweet", [21]),
    # English, digits
    ("22yo", [22]),
    ("sweet 22 y/o latina", [22]),
    ("22 yrs old", [22]),
    ("22yrs old, new in town", [22]),
    ("I'm 19", [19]),
    ("Hi im 19 and new", [19]),
    ("I am 19!", [19]),
    ("I’m 19 😘", [19]),
    ("hey,i'm 19", [19]),
    ("19 years old", [19]),
    ("19-year-old girl", [19]),
    ("19 y.o.", [19]),
    ("19 y. o.", [19]),
    ("25 years young", [25]),
    ("19 years of age", [19]),
    ("Age: 22", [22]),
    ("age 22", [22]),
    ("my age is 22", [22]),
    ("Height 5'4 Weight 120 Age 22", [22]),
    ("Age 19 - 5'4 - 34C", [19]),
    ("I'm 22, 5'5, 120lbs", [22]),
    ("aged 19", [19]),
    ("just turned 18", [18]),
    ("I just turned 18 last week", [18]),
    ("16yo", [16]),
    ("I'm only 16", [16]),
    ("I'm barely 18", [18]),
    ("I'm a 19 year old girl", [19]),
    ("she is 17 years old", [17]),
    ("She's 17", [17]),
    ("he is 20 years old", [20]),
    ("Jessica, 19 yrs, new in town", [19]),
    ("19yo single mom", [19]),
    ("I'm 19 and 5'2", [19]),
    ("I'm 21 and up for anything", [21]),
    ("I'm 19 yo, 20 in june", [19]),
    # English, number words and digit tricks
    ("I am seventeen", [17]),
    ("age: nineteen", [19]),
    ("I'm twenty two", [22]),
    ("I'm twenty-two", [22]),
    ("I'm twenty2", [22]),
    ("nineteen yrs old", [19]),
    ("I'm 1 9 yo", [19]),
    ("1-7 y/o", [17]),
    ("I am one nine yo", [19]),
    ("Hi I'm １７", [17]),
    ("sweet 1️⃣7️⃣ y/o", [17]),
    ("ten years old", [10]),
    # Spanish
    ("edad 18", [18]),
    ("Edad: 18", [18]),
    ("mi edad es 21", [21]),
    ("tengo 17 añitos", [17]),
    ("17 anitos", [17]),
    ("18 años", [18]),
    ("tengo 18 años y soy nueva", [18]),
    ("tengo 18", [18]),
    ("yo tengo 16", [16]),
    ("Sofía, 19 años, latina", [19]),
    ("chica de 16 añitos", [16]),
    ("jovencita de 15 años", [15]),
    ("colombiana de 20 años", [20]),
    ("la chica tiene 16 años", [16]),
    ("acabo de cumplir 18", [18]),
    ("20 años de edad", [20]),
    ("17 primaveras", [17]),
    ("tengo diecisiete añitos", [17]),
    ("tengo diecinueve años", [19]),
    ("tengo veintidós años", [22]),
    ("tengo veintidos", [22]),
    ("tengo veinte años", [20]),
    ("tengo once años", [11]),
    ("tengo treinta y dos años", [32]),
    ("tengo diez y siete años", [17]),
    ("tenho 17 anos", [17]),
    # Russian
    ("мне 17 лет", [17]),
    ("17 лет", [17]),
    ("Мне 18", [18]),
    ("мне уже 18", [18]),
    ("Катя, 19 лет, стройная", [19]),
    ("девушка 18 лет", [18]),
    ("возраст: 20", [20]),
    ("мне исполнилось 18", [18]),
    ("мне семнадцать лет", [17]),
    ("мне двадцать два года", [22]),
    ("Мне девятнадцать", [19]),
    ("17-летняя девушка", [17]),
    ("16 годиков", [16]),
    ("ей 16 лет", [16]),
    # several in one text
    ("I'm 19, my friend is 20 y/o", [19, 20]),
    ("Моей подруге 20 лет, а мне 17", [17]),
    ("tengo diecisiete añitos, 17 лет", [17, 17]),
    # realistic lines
    ("NEW!! 19 YO BLONDE TEEN, call 305-555-0142", [19]),
    ("TEEN 18 YO", [18]),
    ("Hot MILF 45yo", [45]),
    ("i m 19", [19]),
    ("Iʼm 19", [19]),
    ("Im 19yrs", [19]),
    ("Soy Valentina, tengo 18 añitos, recién cumplidos", [18]),
    ("Me llamo Ana, 22 años, colombiana", [22]),
    ("Catalina 19 años recien llegada", [19]),
    ("Hola! Катя 19 лет", [19]),
    ("Девушка 19 лет, ищу спонсора", [19]),
    ("Я студентка, 20 лет", [20]),
    ("Мне 17, ищу работу", [17]),
    ("Age: 19 | Height: 5'3 | Weight: 115", [19]),
    ("age:19", [19]),
    ("I'm 25, you must be 30+", [25]),
]

# texts that state no age of the person advertised
NO_MATCH: list[str] = [
    # admission rules and ranges
    "18+",
    "18+ only",
    "Age: 18+",
    "must be 18 or older",
    "must be 18 years old",
    "you must be at least 18 years old to enter",
    "18 and over",
    "18 years and older",
    "ages 18-25 preferred",
    "age 18-25",
    "between 18 and 25 years old",
    "over 21 only",
    "I'm over 18",
    "Im 21 and up",
    "I'm 18 or older",
    "All models were 18 years of age or older",
    "mayores de 18 años",
    "solo mayores de 18",
    "de 18 a 25 años",
    "edad 18 a 25 años",
    "más de 18 años",
    "старше 18 лет",
    "от 18 лет",
    "мне 18+",
    "since I turned 15 I have been working",
    "I'm almost 18",
    # other quantities
    "18 years of experience",
    "I'm 19 years in the business",
    "tengo 20 años de experiencia",
    "Experiencia: 20 años.",
    "Опыт работы 20 лет",
    "20 лет назад",
    "5 years in business",
    "3 year warranty",
    "open 24 hours",
    "I'm 24/7 available",
    "Im 100% real",
    "I'm 5'6 and 36DD",
    "I'm 34c",
    "I'm 36 dd",
    "I'm 20 min away",
    "I'm 20 minutes from downtown",
    "She's 20 minutes away",
    "I'm 10 out of 10",
    "I'm a 10",
    "I'm ten toes down",
    "I'm once again available",
    "I'm 30 something",
    "tengo 20 fotos",
    "tengo 30 minutos",
    "мне 20 минут ехать",
    "I'm 5 4",
    "call 1 9 0 0",
    "$80/hr 305-555-0123",
    "19th street",
    "Call me at 10:30",
    "19.99 each",
    "room 22",
    "hh 120 h 200 qv 60",
    "Precio 50 yo hago todo",
    "a las 10 yo te espero",
    # somebody else's age, or a thing's
    "2 years old car",
    "a 12 year old car",
    "15 year old truck, runs great",
    "scotch aged 12 years",
    "my son is 5",
    "my son is 12",
    "my daughter is 15 years old",
    "my daughter, she's 15",
    "My 15 year old son",
    "selling my 16 yo daughter's bike",
    "la casa tiene 20 años",
    "mi hijo tiene 15 años",
    "10-летний опыт",
    "моему сыну 12 лет",
    "Vendo Toyota 10 años",
    "Selling 2012 Toyota, 150,000 miles, 10 years old battery",
    "Looking for a nanny for my 2 kids ages 3 and 5",
    "Hiring waitresses 18+, must be 21 to serve alcohol",
    "Exotic dancer, 21 and over club, ladies free before 11",
    "Busco chica mayor de 18 años",
    "Работаю уже 10 лет",
    "Возраст 18-25 лет",
    "Available for 19 hours",
    # a bare number is never an age; nor is a future one
    "Sweet girl, 19, new in town",
    "Turning 18 soon",
    # "Name, NN" needs a capitalised name that is not a place, a date or a thing
    "Miami, 33 roses for you",
    "Open Monday, 10.",
    "Sale ends March, 22!",
    "Room 5, 22 people max",
    "Rates, 80",
    "she's hot 17",
    "chica 18",
]

# text, expected (start, end, span text) of each age, in original offsets
SPANS: list[tuple[str, list[tuple[int, int, str]]]] = [
    ("Hi, I'm 19 :)", [(4, 10, "I'm 19")]),
    ("sweet 22yo", [(6, 10, "22yo")]),
    ("Age:  nineteen", [(0, 14, "Age:  nineteen")]),
    ("tengo   17 añitos!!", [(0, 17, "tengo   17 añitos")]),
    ("мне 17 лет", [(0, 10, "мне 17 лет")]),
    ("hey 💋 １９ y/o", [(6, 12, "１９ y/o")]),
    ("x 1️⃣7️⃣yo", [(2, 10, "1️⃣7️⃣yo")]),
    ("I´m TWENTY-TWO", [(0, 14, "I´m TWENTY-TWO")]),
    ("la chica tiene 16 años", [(9, 22, "tiene 16 años")]),
]


@pytest.mark.parametrize(("text", "expected"), MATCH)
def test_match(text: str, expected: list[int]) -> None:
    assert ages(text) == expected


@pytest.mark.parametrize("text", NO_MATCH)
def test_no_match(text: str) -> None:
    assert ages(text) == []


@pytest.mark.parametrize(("text", "expected"), SPANS)
def test_original_spans(text: str, expected: list[tuple[int, int, str]]) -> None:
    got = []
    for e in extract(Views(text), "title", CTX):
        assert e.span is not None and e.span.field == "title"
        got.append((e.span.start, e.span.end, e.span.text))
    assert got == expected


@pytest.mark.parametrize(
    ("text", "disguised"),
    [
        ("I'm 19", False),
        ("19 y/o", False),
        ("I'm nineteen", True),
        ("I'm 1 9 yo", True),
        ("I'm １９", True),
        ("tengo diecinueve años", True),
    ],
)
def test_disguised(text: str, disguised: bool) -> None:
    (e,) = extract(Views(text), "body", CTX)
    assert e.disguised is disguised
    assert e.kind == "age" and e.value == e.data == 19


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("seventeen", 17), ("twenty-two", 22), ("twenty 2", 22), ("ninety nine", 99),
        ("treinta y dos", 32), ("diez y siete", 17), ("veintidos", 22),
        ("двадцать два", 22), ("семнадцать", 17), ("1 9", 19), ("one nine", 19),
        ("twenty twenty", None), ("banana", None), ("one two three", None),
    ],
)
def test_word_number(text: str, value: int | None) -> None:
    assert word_number(text) == value


def test_country_does_not_matter() -> None:
    assert [e.value for e in extract(Views("I'm 19"), "body", Context(country="GB"))] == [19]


def test_acute_accent_apostrophe_stays_inside_the_word() -> None:
    assert Views("I´m 19").folded.text in ("I´m 19", "I'm 19")


def test_cyrillic_short_i_is_kept() -> None:
    assert Views("мой ей").folded.text == "мой ей"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_never_crashes_and_spans_are_original(text: str) -> None:
    for e in extract(Views(text), "body", CTX):
        assert e.span is not None
        assert e.span.text == text[e.span.start : e.span.end]
        assert isinstance(e.value, int) and 10 <= e.value <= 99


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["I'm", "19", "yo", "años", "tengo", "мне", "лет", "nineteen", " ", ", ", "+",
             "💋", "１", "7", "-", "must be", "age:", "twenty", "two", "y/o", "\n"]
        ),
        max_size=12,
    ).map("".join)
)
def test_ad_like_fragments(text: str) -> None:
    for e in extract(Views(text), "body", CTX):
        assert e.span is not None and e.span.text == text[e.span.start : e.span.end]


# --------------------------------------------------------------------------- fast paths
# Each prefilter in ages.py is pinned here to the slower code it stands for.

#: pieces that put cues, markers, names, separators and digit runs next to each other
_PIECES = [
    "I'm", "i m", "im", "Nina", "Olga", "Miami", " here", ", ", ",", "(", " (", "( ", ")", "19",
    ",\n", ", \n", "(\n",
    "7", "1 9", "$", "#", "+", "£", ".", ":", "/", "-", " ", "  ", "\n", "yo", "y/o", "y.o.",
    "years old", "yrs", "años", "añitos", "primaveras", "лет", "года", "годиков", "-летняя",
    "tengo", "мне", "age:", "aged", "she's", "tiene", "chica de", "just", "a", "an", "only",
    "my son is", "must be", "twenty", "two", "diez y siete", "x", "Ä", "ß", "é", "’",
]
_FRAGMENTS = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join) | st.text(max_size=40)


def _slow_word_start(low: str, end: int) -> int:
    i = end
    while i > 0 and (low[i - 1].isalpha() or low[i - 1] in ages_mod._APOS):
        i -= 1
    return i


class _Everything(frozenset[str]):
    """A set that holds every string: switches a set-membership prefilter off."""

    def __contains__(self, item: object) -> bool:
        return True


@settings(max_examples=300, deadline=None)
@given(_FRAGMENTS)
def test_word_start_fast_path(text: str) -> None:
    low = lower_one_to_one(text)
    for end in range(len(low) + 1):
        assert ages_mod._word_start(low, end) == _slow_word_start(low, end)


@settings(max_examples=300, deadline=None)
@given(_FRAGMENTS)
def test_find_cue_no_word_shortcut(text: str) -> None:
    """_find_cue() gives up on the character before the gap exactly when _word_start() would
    find no word there (its former test)."""
    low = lower_one_to_one(text)
    for j in range(len(low) + 1):
        no_word = not j or not (low[j - 1].isalpha() or low[j - 1] in ages_mod._APOS)
        assert no_word == (ages_mod._word_start(low, j) == j)


@settings(max_examples=300, deadline=None)
@given(_FRAGMENTS)
def test_cue_and_marker_prefilters_change_nothing(text: str) -> None:
    """The cue-word and marker-letter sets only skip work whose answer is "nothing"."""
    low = lower_one_to_one(Views(text).folded.text)
    fast = [ages_mod._find_cue(low, i) for i in range(len(low) + 1)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_PURE_AGES, "_CUE_LEAD", _Everything())
        assert fast == [_PURE_AGES._find_cue(low, i) for i in range(len(low) + 1)]
    for i in range(len(low) + 1):
        if ages_mod._STRONG_SUFFIX.match(low, i) or ages_mod._WEAK_SUFFIX.match(low, i):
            assert low[i] in ages_mod._MARKER_FIRST or low[i].isspace()


@settings(max_examples=300, deadline=None)
@given(_FRAGMENTS)
def test_name_gap_prefilter(text: str) -> None:
    """_name_cue() gives up early unless the text before the number ends in "," or "(", maybe
    plus a space and a line break; :data:`_NAME_GAP` never matches anywhere else."""
    for start in range(len(text) + 1):
        if ages_mod._NAME_GAP.search(text, max(0, start - 28), start) is not None:
            assert re.search(r"[,(] ?\n?\Z", text[:start]), text[:start]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Nina,\n19", [19]), ("Nina, \n19\nhi", [19]), ("Meet Olga (\n22)", [22])],
)
def test_name_then_a_line_break(text: str, expected: list[int]) -> None:
    assert ages(text) == expected


_OLD_RUN_RE = re.compile(r"[0-9](?<![0-9][0-9])[0-9]?(?![0-9])")


@settings(max_examples=300, deadline=None)
@given(_FRAGMENTS)
def test_digit_runs_skip_currency_signs_in_the_regex(text: str) -> None:
    low = lower_one_to_one(Views(text).folded.text)
    old = [m.span() for m in _OLD_RUN_RE.finditer(low) if not low[m.start() - 1 : m.start()]
           or low[m.start() - 1] not in "$€£¥₽#+"]
    assert [m.span() for m in ages_mod._RUN_RE.finditer(low)] == old


@settings(max_examples=300, deadline=None)
@given(_FRAGMENTS)
def test_plain_digits_of_an_unmapped_view_are_never_disguised(text: str) -> None:
    """extract() skips the posted-text comparison for two plain digits of an identity view."""
    folded = Views(text).folded
    if folded.text is not folded.original:
        return
    for start, end, value, lang, split in ages_mod._numbers(lower_one_to_one(folded.text)):
        if not lang and not split and value >= ages_mod.MIN_AGE:
            assert folded.original_text(start, end) == str(value)


# ---------------------------------------------------------------------------- fast paths

#: Digits, what :func:`ages._numbers` looks at around them, and number words.
_NUMBER_TEXT = st.lists(
    st.sampled_from(
        list("0123456789 .,:/-_$€+#a\n٣")
        + [" one", " nine", "teen", " twenty", " y dos", " diez", " двадцать", " два", "ñ"]
    ),
    max_size=25,
).map("".join)


def _numbers_by_regex(low: str) -> list[tuple[int, int, int, str, bool]]:
    """:func:`ages._numbers` as it read with :data:`ages._RUN_RE` and the automaton on every
    text (the reference for its digit search by hand and its number-word prefilter)."""
    nums: list[tuple[int, int, int, str, bool]] = []
    n = len(low)
    skip = -1
    for m in ages_mod._RUN_RE.finditer(low):
        s, e = m.span()
        if s < skip:
            continue
        if s and low[s - 1] in ".,:/" and s >= 2 and low[s - 2].isdigit():
            continue
        if e - s == 1:
            if e + 1 < n and low[e] in " .-_" and low[e + 1].isdigit() and (
                e + 2 == n or not low[e + 2].isdigit()
            ):
                skip = e + 2
                if e + 3 < n and low[e + 2] in ".,:" and low[e + 3].isdigit():
                    continue
                nums.append((s, e + 2, int(low[s] + low[e + 1]), "", True))
            continue
        if e + 1 < n and low[e] in ".,:" and low[e + 1].isdigit():
            continue
        nums.append((s, e, int(low[s:e]), "", False))
    return sorted(nums + ages_mod._number_words(low))


@settings(max_examples=1500, deadline=None)
@given(_NUMBER_TEXT)
def test_numbers_match_the_regex_reading(text: str) -> None:
    """:func:`ages._numbers` (digits searched by hand, number words only when a run of letters
    may be one) finds what the regex and the automaton find."""
    assert ages_mod._numbers(text) == _numbers_by_regex(text)


# ------------------------------------------------------------ number-word pre-check

_WORDISH = st.lists(
    st.sampled_from(
        ["one", "two", "tres", "diecisiete", "veinticuatro", "the", "once", "ten", "x", "ab",
         "phone", "uno", "Uno", "ONE", " ", "\t", "  ", "seis", "oneone", "nine", "nineteen",
         "q", "eightteen", "zzzzzzzzzzzzzzz"]
    ),
    max_size=8,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_WORDISH | st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC \t", max_size=30) | st.text())
def test_number_word_precheck_by_code_point_is_the_split(text: str) -> None:
    """ages._has_word_by_code_point (the compiled form of ages._has_ascii_word) answers what
    the split does, on any text made the way _numbers makes it."""
    scan = text.encode("ascii", "replace").translate(ages_mod._SCAN_TABLE).decode("ascii")
    expected = not ages_mod._ASCII_WORDS.isdisjoint(scan.split())
    assert ages_mod._has_word_by_code_point(scan) == expected
    assert ages_mod._has_ascii_word(scan) == expected


_NAME_TEXT = st.lists(
    st.sampled_from(
        ["Nina", "Olga", "Al", "Abcdefghijklmnopq", " ", ",", "(", " here", " aqui", " здесь",
         "\n", "Катя", "x", "1", "²", "_", "Ruby", "here", ", ", " (", "( "]
    ),
    max_size=10,
).map("".join)


def _name_gap_by_regex(text: str, start: int) -> tuple[int, int, bool] | None:
    m = ages_mod._NAME_GAP.search(text, max(0, start - 28), start)
    return None if m is None else (m.start(), m.end("name"), "(" in m.group("sep"))


@settings(max_examples=3000, deadline=None)
@given(_NAME_TEXT | st.text(max_size=40))
def test_name_gap_backwards_is_the_regex(text: str) -> None:
    """ages._name_gap (read backwards from the number) finds what :data:`ages._NAME_GAP`'s
    search of the window does."""
    for start in range(len(text) + 1):
        assert ages_mod._name_gap(text, start) == _name_gap_by_regex(text, start), (text, start)
