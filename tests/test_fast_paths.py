"""Fast paths must agree with the straightforward code they replace.

Screening speed comes from prefilters, C-speed scans and lazily built offset maps; each test
here pins one of them to the simple definition it stands for, so a change to a word list,
a regex or a fold table cannot make the two drift apart silently.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redflags import normalize as nz
from redflags.extract import emails, handles, phones
from redflags.model import Finding
from redflags.normalize import Views

#: pieces that exercise the folding, spacing, squeezing and number-word rules together
PIECES = [
    "a", "B", "é", "e\u0301", " ", "  ", "\n", "\t", "3️⃣", "\U0001f51f", "５", "①", "\u200b",
    "\u200d", "y.o.u.n.g", "t e e n", "ooo", "Тееn", "молоденькая", "й", "и\u0306", "three",
    "oh", "five", "3O5", "2l2-S55-OlOO", "İ", "ß", "ﬁ", "👑", "!", "|", "´", "\u00a0", "\x1c",
    "-", ".", "one", "0ne", "x", "ı", "ς", "Σ", "@", "$", "/", "snap", "s.n.a.p", "k1k", "OF",
    "X", "at", "[at]", "dot", "com", "me/", "555", "0123", "tres", "два", "ᲂ",
]
texts = st.lists(st.sampled_from(PIECES), max_size=14).map("".join) | st.text(max_size=60)


# --------------------------------------------------------------------------- normalize


def test_identity_letters_never_compose() -> None:
    """fold() copies Greek/Cyrillic letters verbatim; NFKC must not join two of them."""
    letters = nz._IDENTITY
    assert "а" in letters and "й" in letters and "ё" not in letters
    for a in letters:
        assert nz._fold_unit(a) == a
        for b in letters:
            assert unicodedata.normalize("NFKC", a + b) == a + b


def test_is_letter_is_the_regex_class() -> None:
    letter = re.compile(r"[^\W\d_]")
    for cp in range(0x3000):
        c = chr(cp)
        assert nz._is_letter(c) == bool(letter.fullmatch(c)), hex(cp)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_number_words_match_the_regex(text: str) -> None:
    expected = [(m.start(), m.end(), m.group().lower()) for m in nz._WORD_RE.finditer(text)]
    assert nz._number_words(text) == expected


@settings(max_examples=300, deadline=None)
@given(texts)
def test_lazy_offset_maps_equal_the_lists(text: str) -> None:
    """Spans answered from the compact maps equal those of the materialised lists."""
    lazy, eager = Views(text), Views(text)
    for name in ("folded", "keys", "digits"):
        a, b = getattr(lazy, name), getattr(eager, name)
        n = len(a.text)
        spans = [a.original_span(i, j) for i in range(n) for j in range(i + 1, min(n, i + 4) + 1)]
        starts, ends = b.starts, b.ends
        assert len(starts) == len(ends) == n
        assert spans == [
            (starts[i], ends[j - 1]) for i in range(n) for j in range(i + 1, min(n, i + 4) + 1)
        ]
        assert a.original_span(n, n) == (len(text), len(text))


@settings(max_examples=300, deadline=None)
@given(texts)
def test_plain_ascii_means_fold_is_identity(text: str) -> None:
    if nz._plain_ascii(text):
        assert nz._SPECIAL.search(text) is None


# --------------------------------------------------------------------------- extractors


@settings(max_examples=400, deadline=None)
@given(texts)
def test_email_prefilter_and_at_regex(text: str) -> None:
    folded = nz.fold(text).text
    assert emails._may_have_at(folded) == (emails._PREFILTER.search(folded) is not None)
    old_at = re.compile(
        r"(?i)@| @ |\s?[\[({<]\s?(?:at|arroba|собака|собачка|@)\s?[\])}>]\s?"
        r"|\s(?:at|arroba|собака|собачка)\s|[-_*](?:at)[-_*]"
    )
    assert [m.span() for m in emails._AT.finditer(folded)] == [
        m.span() for m in old_at.finditer(folded)
    ]


def _platform_words_reference(text: str) -> bool:
    """The str-only prefilter that the bytes version of handles reproduces ("$@!|" read as
    separators, and a word spelt across one of them left to ``_glue_joins``)."""
    if ("OF" in text or "X" in text) and handles._CASED.search(text):
        return True
    if handles._glue_joins(text):
        return True
    squeezed = handles._REPEAT.sub(r"\1", text.lower().translate(handles._DELEET_DIGITS))
    toks = handles._TOKEN.findall(squeezed)
    for k, tok in enumerate(toks):
        if tok in handles._PREFIXES:
            if tok in handles._FULL:
                return True
            if k + 1 < len(toks) and handles._squeeze(tok + toks[k + 1]) in handles._PREFIXES:
                return True
    return False


@settings(max_examples=400, deadline=None)
@given(texts)
def test_handle_prefilter(text: str) -> None:
    folded = nz.fold(text).text
    assert handles._may_have_platform_word(folded) == _platform_words_reference(folded)
    old_cashtag = re.compile(r"(?<![\w$])\$(?P<h>[A-Za-z][A-Za-z0-9_]{0,19})(?![\w$])")
    assert [m.span() for m in handles._CASHTAG.finditer(folded)] == [
        m.span() for m in old_cashtag.finditer(folded)
    ]
    if handles._URL.search(folded):
        assert handles._URL_HINT.search(folded)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_letter_digit_hint(text: str) -> None:
    old = re.compile(rf"[0-9][-.]?[{nz._LD_CLASS}]|[{nz._LD_CLASS}][-.]?[0-9]")
    assert (nz._LETTER_DIGIT_NEAR.search(text) is None) == (old.search(text) is None)
    assert phones._LETTER_DIGIT is nz._LETTER_DIGIT_NEAR


# --------------------------------------------------------------------------- scoring


def test_score_rebuilds_every_finding_field() -> None:
    """score() builds Findings field by field instead of dataclasses.replace: keep in step."""
    names = [f.name for f in dataclasses.fields(Finding)]
    assert names == [
        "indicator", "category", "weight", "version", "source", "explanation", "evidence",
        "matched", "contribution",
    ]


@pytest.mark.parametrize("fn", ["minor_age", "age_18_19", "crypto_wallet", "p2p_handle",
                                "disguised_phone", "disguised_contact", "low_price"])
def test_every_catalog_function_has_a_predicate(fn: str) -> None:
    from redflags import screen
    from redflags.indicators.catalog import FUNCTIONS

    assert fn in FUNCTIONS
    assert fn in screen._PREDICATES and fn in screen._FUNCTION_KINDS


def test_catalog_terms_are_in_plain_form() -> None:
    """Catalog.match skips _plain() when the posted text equals term.plain exactly; that is
    only right while every term.plain is its own _plain() form."""
    from redflags.indicators import catalog

    cat = catalog.default_catalog()
    terms = [t for _key, group in cat._automaton.items() for t in group]
    assert terms
    for term in terms:
        assert catalog._plain(term.plain) == term.plain, term
