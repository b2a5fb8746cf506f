"""Normalisation: folded views and their offset maps back to the text as posted."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redflags.normalize import Normalized, Views, digits_view, fold, keys_view

FOLD_CASES = [
    # (posted, folded)
    ("plain ascii", "plain ascii"),
    ("ｆｕｌｌｗｉｄｔｈ １２３", "fullwidth 123"),
    ("math 𝟑𝟎𝟓", "math 305"),
    ("circled ①②③", "circled 123"),
    ("dingbat ❸❹", "dingbat 34"),
    ("keycap 3️⃣0️⃣5️⃣", "keycap 305"),
    ("keycap ten 🔟", "keycap ten 10"),
    ("arabic-indic ٣٠٥", "arabic-indic 305"),
    ("zero\u200bwidth\u200d joiner", "zerowidth joiner"),
    ("soft\u00adhyphen", "softhyphen"),
    ("accents jóvencita añitos", "accents jovencita anitos"),
    ("combining e\u0301", "combining e"),
    ("many   spaces\n\tand lines", "many spaces and lines"),
    ("cyrillic in latin: Тееn уоung", "cyrillic in latin: Teen young"),
    ("greek in latin: tοken", "greek in latin: token"),
    ("pure russian: молоденькая", "pure russian: молоденькая"),
    ("nbsp\u00a0space", "nbsp space"),
    ("emoji kept 👑🌹", "emoji kept 👑🌹"),
]


@pytest.mark.parametrize(("posted", "folded"), FOLD_CASES)
def test_fold(posted: str, folded: str) -> None:
    assert fold(posted).text == folded


KEYS_CASES = [
    ("So Y.O.U.N.G", "so young"),
    ("y o u n g", "young"),
    ("t-e-e-n", "ten"),  # squeezed; runs keep the double e
    ("yooung and youuuung", "young and young"),
    ("y🌸o🌸u🌸n🌸g", "y🌸o🌸u🌸n🌸g"),
    ("A B", "a b"),  # two single letters are not a spaced-out word
    ("I am a tutor", "i am a tutor"),
    ("NEW  IN   TOWN", "new in town"),
]


@pytest.mark.parametrize(("posted", "keys"), KEYS_CASES)
def test_keys_view(posted: str, keys: str) -> None:
    assert keys_view(fold(posted)).text == keys


def test_keys_view_keeps_run_lengths() -> None:
    k = keys_view(fold("teen ten"))
    assert k.text == "ten ten"
    assert k.runs is not None
    assert k.runs[1] == 2 and k.runs[5] == 1


DIGIT_CASES = [
    ("three oh five 555 o1two3", "305 555 0123"),
    ("Call 3O5 five5five ０１２３", "Call 305 555 0123"),
    ("tres cero cinco cinco cinco cinco cero uno dos tres", "3055550123"),
    ("три ноль пять пять пять пять ноль один два три", "3055550123"),
    ("2l2-S55-OlOO", "212-555-0100"),
    ("call me for fun", "call me for fun"),  # weak words alone stay words
    ("I ate too much", "I ate too much"),
    ("one love", "1 love"),
    ("zero fees, ten items", "0 fees, ten items"),
    ("Boston Oil 2020", "Boston Oil 2020"),  # letters only join runs that are mostly digits
]


@pytest.mark.parametrize(("posted", "digits"), DIGIT_CASES)
def test_digits_view(posted: str, digits: str) -> None:
    assert digits_view(fold(posted)).text == digits


def test_offsets_point_into_the_posted_text() -> None:
    posted = "Call ３️⃣0️⃣5️⃣ five five five"
    v = Views(posted)
    d = v.digits
    i = d.text.index("305")
    a, b = d.original_span(i, i + 3)
    assert posted[a:b] == "３️⃣0️⃣5️⃣"
    j = d.text.index("555")
    a, b = d.original_span(j, j + 3)
    assert posted[a:b] == "five five five"


def test_keys_offsets_for_spaced_word() -> None:
    posted = "so Y.O.U.N.G!"
    k = Views(posted).keys
    i = k.text.index("young")
    a, b = k.original_span(i, i + 5)
    assert posted[a:b] == "Y.O.U.N.G"


def test_identity_for_plain_text() -> None:
    n = fold("hello world")
    assert n.starts == list(range(11))
    assert n.ends == list(range(1, 12))


def test_folded_text_holds_only_ascii_digits() -> None:
    """Every character Python calls a digit folds to ASCII digits (or to nothing digit-like).

    The age and price extractors read numbers off the lower-cased folded text with
    ``str.isdigit`` and ``int``; a surviving "²" would make ``int`` raise and an Arabic-Indic
    "٩" would join an ASCII digit into a number.
    """
    digits = [chr(cp) for cp in range(0x110000) if chr(cp).isdigit()]
    assert len(digits) > 700  # the scan found Python's digits
    for c in digits:
        for text in (f"a {c} b", f"1 {c}", f"{c}9"):
            v = Views(text)
            for low in (v.folded.text, v.lower):
                assert all(ch.isascii() for ch in low if ch.isdigit()), (hex(ord(c)), low)


def _check_map(n: Normalized, original: str) -> None:
    assert len(n.starts) == len(n.text) == len(n.ends)
    prev_start = 0
    for s, e in zip(n.starts, n.ends, strict=True):
        assert 0 <= s < e <= len(original)
        assert s >= prev_start  # monotone: the folded text keeps the posted order
        prev_start = s


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_views_never_crash_and_map_monotonically(text: str) -> None:
    v = Views(text)
    for view in (v.folded, v.keys, v.digits):
        _check_map(view, text)
        for i in range(len(view.text)):
            for j in (i + 1, min(len(view.text), i + 4)):
                a, b = view.original_span(i, j)
                assert text[a:b] == v.original[a:b]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789oOlIsS -.()five three oh"), max_size=60))
def test_digits_view_on_digit_soup(text: str) -> None:
    v = Views(text)
    _check_map(v.digits, text)


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("aalloo1122__²²½½ЖЖжжéé👑👑 .Σσ"), max_size=40)
    | st.text(max_size=40).map(lambda t: "".join(c * 2 for c in t))
    | st.text(max_size=60)
)
def test_letter_runs_equal_the_regex(text: str) -> None:
    """Both ways of finding letter runs find what ([^\\W\\d_])\\1+ finds."""
    from redflags import normalize as nz

    for t in (text, text.lower()):  # keys_view hands over lower-cased text
        expected = [m.span() for m in re.finditer(r"([^\W\d_])\1+", t)]
        assert nz.letter_runs(t) == expected
        assert nz._runs_by_code_point(t) == expected
        assert nz._runs_by_search(t) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZяЖαΣ1_ -.é\u0301²"), max_size=50) | st.text(max_size=50))
def test_mixed_word_matches_the_plain_pattern(text: str) -> None:
    """The word-start anchored pattern finds the words the unanchored one finds."""
    from redflags import normalize as nz

    plain = re.compile(r"[^\W\d_]*[A-Za-z][^\W\d_]*")
    assert [m.span() for m in nz._MIXED_WORD.finditer(text)] == [
        m.span() for m in plain.finditer(text)
    ]


@settings(max_examples=800, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("a1 \t\n\r\x1c\x0b\u00a0\u2028ая👑é\u0301５ß"), max_size=40)
    | st.text(max_size=40),
    st.integers(min_value=0, max_value=45),
)
def test_special_scanner_equals_the_regex(text: str, pos: int) -> None:
    """fold's code-point scanner finds the _FOLD_SPECIAL match the regex search finds."""
    from redflags import normalize as nz

    m = nz._FOLD_SPECIAL.search(text, pos)
    expected = (-1, -1) if m is None else m.span()
    assert nz._next_special_by_code_point(text, pos) == expected
    assert nz._next_special(text, pos) == expected


@settings(max_examples=800, deadline=None)
@given(
    st.binary(max_size=30).map(lambda b: bytes(b"d-La "[x % 5] for x in b))
    | st.binary(max_size=30)
)
def test_digit_by_letters_equals_the_two_searches(cls: bytes) -> None:
    """The one-pass letter-digit prefilter answers what the forward and reversed searches do."""
    from redflags import normalize as nz

    expected = (
        nz._DIGIT_THEN_LETTERS.search(cls) is not None
        or nz._DIGIT_THEN_LETTERS.search(cls[::-1]) is not None
    )
    assert nz._digit_by_letters(cls) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aAbeEoOlLsS1 .-_ёЁжЖßİ\u0301\u00a0ǅ"), max_size=60))
def test_squeezed_fast_path_equals_the_map_builder(text: str) -> None:
    """keys_view's inline squeeze (from letter_runs) builds what _squeeze_into builds."""
    from redflags import normalize as nz

    folded = fold(text)
    low = folded.text.lower()
    if len(low) != len(folded.text):
        return  # keys_view maps such text per character first
    fast = nz._squeezed(folded, low)
    b = nz._MapBuilder()
    runs: list[tuple[int, int]] = []
    nz._squeeze_into(b, runs, low, 0, len(low))
    run_list = [1] * b.n
    for k, r in runs:
        run_list[k] = r
    slow = b.build(folded.original, folded, run_list)
    assert (fast.text, fast.runs) == (slow.text, slow.runs)
    assert (fast.starts, fast.ends) == (slow.starts, slow.ends)


#: the characters that decide between fold's one-to-one and general paths: line breaks and
#: space runs, emoji and bullets (fold to themselves), accents and fullwidth digits (one
#: character each), keycaps and variation selectors (fold away), combining marks, a ligature
#: (two characters), no-break and ideographic spaces, Cyrillic look-alikes
_FOLD_SOUP = "ab 5\n\t\r  •💋ñí５£\u20e3\ufe0f\u0301ﬁ\u00a0\u3000ас"


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from(_FOLD_SOUP), max_size=40) | st.text(max_size=40))
def test_fold_one_to_one_path_equals_the_map_builder(text: str) -> None:
    """Whenever fold's one-to-one path answers, it answers what the general path builds."""
    from redflags import normalize as nz

    if nz._plain_ascii(text):
        return
    first = nz._next_special(text, 0)
    if first[0] < 0:
        return
    fast = nz._fold_one_to_one(text, first)
    slow = nz._fold_general(text, first)
    if fast is None:
        return
    assert len(fast) == len(text)
    assert nz._fold_confusables(Normalized(text, fast, None, None)).text == slow.text
    assert (slow.starts, slow.ends) == (list(range(len(text))), list(range(1, len(text) + 1)))


def test_fold_one_to_one_path_is_taken_for_everyday_text() -> None:
    from redflags import normalize as nz

    everyday = "Hi\nthere • 💋 niña ５"
    for text in (everyday, "Línea\r\nnueva", "a \nb", "a\n\nb", "5\u20e3 x", "ﬁx é"):
        first = nz._next_special(text, 0)
        assert first[0] >= 0
        took = nz._fold_one_to_one(text, first) is not None
        assert took == (text == everyday), text


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from(_FOLD_SOUP + "привет ΑΒΓ\u00a0\x1c\x0b"), max_size=40)
       | st.text(max_size=40))
def test_fold_special_regex_equals_its_plain_alternation(text: str) -> None:
    """The prefix-scanning form of _FOLD_SPECIAL finds exactly what the plain one finds."""
    import re

    from redflags import normalize as nz

    plain = re.compile(nz._FOLD_SPECIAL_PLAIN)
    for pos in range(len(text) + 1):
        a, b = plain.search(text, pos), nz._FOLD_SPECIAL.search(text, pos)
        assert (a and a.span()) == (b and b.span()), (text, pos)


@pytest.mark.parametrize(
    ("posted", "digits"),
    [
        ("call sıx 3o5 555 0123", "call 6 305 555 0123"),  # dotless i
        ("ſix 305 555 0123", "6 305 555 0123"),  # long s
        ("SİX three 0ne", "631"),  # dotted capital I
    ],
)
def test_number_words_with_case_fold_traps(posted: str, digits: str) -> None:
    """Letters that the case-insensitive word regex equates with ASCII ones but lower() does
    not still name their number word (this once raised KeyError and stopped the screening)."""
    assert digits_view(fold(posted)).text == digits
