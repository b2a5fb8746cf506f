"""The compiled build's one-pass handle scans must agree with the plain forms they replace.

``_may_have_by_code_point`` (the prefilter) and ``_words_by_code_point`` (the platform-word
scan) walk the prefix tree over class tables; these tests pin them to the squeeze-and-split
prefilter and to trying every ``_TOKEN`` token with ``_word_at``, on any text.  Both functions
also run from Python, so the tests hold in the pure build too.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redflags.extract import handles
from redflags.normalize import fold

#: platform words, disguises and the characters whose case or leet reading is special
_PIECES = st.sampled_from(
    ["snap", "SNAP", "s.n.a.p", "sn@p", "snaaap", "k1k", "K1K", "k-i-k", "k|k", "ca$h", " app",
     "whats", "tg", "TG", "s s", "i i", "ooo o", "OF", "X", "@", "$", "|", "!", "·", "•", " ",
     "  ", ": ", "\n", "jenny_22", "wa", "sc", "ig", "line", "insta", "1nsta", "телега", "ТЕЛЕГА",
     "тг", "инста", "é", "👻", "1", "0", "5", "7", "ss", "sss", "t", "g", "_", "-", "'", "/",
     "\u212a", "İ", "ı", "Σ", "ς", "ﬁ", "Ⅰ", "²", "٣", "a\u0301", "x"]
)
_TEXT = st.one_of(st.text(max_size=60), st.lists(_PIECES, max_size=14).map("".join))


def _words_plain(text: str) -> list[tuple[int, int, str]]:
    """_platform_words' general path: every token of the text tried with _word_at."""
    out: list[tuple[int, int, str]] = []
    pos = 0
    for m in handles._TOKEN.finditer(text):
        if m.start() < pos:
            continue
        found = handles._word_at(text, m.group(), m.end())
        if found is not None:
            pos = found[0]
            out.append((m.start(), pos, found[1]))
    return out


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
def test_code_point_prefilter_equals_the_str_one(text: str) -> None:
    for t in (text, fold(text).text):
        assert handles._may_have_by_code_point(t) == handles._may_have_plain(t)


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
def test_code_point_words_equal_every_token_tried(text: str) -> None:
    for t in (text, fold(text).text):
        if handles._has_cased_word(t):
            continue  # the compiled scan is only used without "OF"/"X" words
        assert handles._words_by_code_point(t) == _words_plain(t)


@pytest.mark.parametrize(
    "text",
    ["\u212aik: jenny_22", "\u212a1\u212a jenny_22", "İg: jenny_22", "ig: jenny_22",
     "k i k: jenny_22", "s.n.a.p: jenny_xo", "ca$h app $jenny", "телеграм: jenny_22",
     "ТЕЛЕГРАМ jenny_22", "snap", "x$kik: jenny_22", "snaaap:jenny", "w.a: jenny_22"],
)
def test_code_point_scans_on_edge_cases(text: str) -> None:
    assert handles._may_have_by_code_point(text) == handles._may_have_plain(text)
    if not handles._has_cased_word(text):
        assert handles._words_by_code_point(text) == _words_plain(text)


def test_class_tables_equal_their_functions() -> None:
    """Code points below _TABLE_SIZE are read from the tables, the rest through the same
    functions; each platform-word letter has a class of its own."""
    for cp in range(handles._TABLE_SIZE):
        c = chr(cp)
        assert ord(handles._CLASS_TEXT[cp]) == handles._class_of_text(c)
        assert ord(handles._CLASS_POSTED[cp]) == handles._class_of_posted(c)
    assert handles._class_of_posted("\u212a") == handles._class_of_posted("k") >= 2
    assert handles._class_of_text("\u212a") == handles._class_of_text("K") >= 2
    assert sorted(handles._LETTER_CLASS.values()) == list(range(2, handles._CLASSES))


def test_lower_is_one_character_for_one_but_for_dotted_capital_i() -> None:
    """The prefilter reads classes of the posted characters in place of ``text.lower()``:
    right while lower() maps every character to one (only "İ" maps to two: such texts are
    lower-cased first) and lower-casing twice changes nothing (the table is read on them)."""
    two = [chr(cp) for cp in range(0x110000) if len(chr(cp).lower()) != 1]
    assert two == ["\u0130"]
    for cp in range(0x110000):
        low = chr(cp).lower()
        assert low.lower() == low


@settings(max_examples=3000, deadline=None)
@given(_TEXT)
def test_prefilter_passes_every_text_with_a_platform_word(text: str) -> None:
    """The prefilter may pass a text with no platform word, never reject one that has one."""
    for t in (text, fold(text).text):
        if _words_plain(t):
            assert handles._may_have_word(t), t


@pytest.mark.parametrize(
    "text",
    ["kik! jenny_22", "$kik jenny_22", "@snap jenny_22", "telegram! @jenny_xo22", "IG! @jenny_22",
     "whatsapp!! jenny_22x", "snap| jenny_22", "x$kik: jenny_22", "ca$happ!jenny", "x$ca$h app"],
)
def test_prefilter_around_glue_characters(text: str) -> None:
    """"$@!|" are letters only inside a word ("sn@p", "ca$h"); beside one they are punctuation."""
    assert _words_plain(text)
    assert handles._may_have_word(text)
