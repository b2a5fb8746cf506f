"""The word scans must find exactly what the Aho-Corasick automata find.

Compiled, :class:`~redflags.indicators.catalog.Catalog` matches by words instead of walking its
automaton character by character, and :mod:`redflags.extract.places` lets its automaton read
only the part of a text where a place can be; the pure build keeps the automata reading all
(C speed from Python).  These tests run both forms on the same text, so a change to a key, a
word boundary rule or the hit order cannot make them drift apart silently.
"""

from __future__ import annotations

from dataclasses import astuple
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from redflags.extract import Context, places
from redflags.indicators import catalog
from redflags.indicators.catalog import Catalog, CommerceModel, _compile_term, default_catalog
from redflags.normalize import Views

_CAT = default_catalog()
_KEYS = sorted(
    {g[0].key for b in _CAT._by_first if b is not None for f in b for g in f.groups}
)
_ODD = [g[0].key for gs in _CAT._odd.values() for g in gs]
_TERMS = sorted(
    {t for ind in _CAT.indicators for ts in ind.terms.values() for t in ts}
)
#: separators and attached punctuation that make words of a token ("young," "24/7" "(new")
_GLUE = ["", " ", "  ", ".", ",", "-", "/", "'", "!!", "(", ")", "\n", "\t", "_", "%", "é", "x",
         "1", "ee", "OO", "Y.O.U.N.G", "tеen", "ｎｅｗ", "🌹", "\u00a0", "|"]
_PIECES = _KEYS + _ODD + _TERMS + _GLUE


def _both(cat: Catalog, text: str) -> tuple[list[Any], list[Any]]:
    keys = Views(text).keys
    words: list[Any] = []
    auto: list[Any] = []
    cat._match_words(keys, words)
    cat._match_automaton(keys, auto)
    return [astuple(h) for h in words], [astuple(h) for h in auto]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14), st.booleans())
def test_catalog_words_equal_the_automaton(pieces: list[str], upper: bool) -> None:
    text = "".join(pieces)
    words, auto = _both(_CAT, text.upper() if upper else text)
    assert words == auto


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_catalog_words_equal_the_automaton_on_any_text(text: str) -> None:
    words, auto = _both(_CAT, text)
    assert words == auto


#: keys that share first words, nest, overlap, repeat themselves, end or begin with punctuation
_ODD_TERMS = ["ab", "ab cd", "ab cd ef", "cd", "cd ef", "b", "abab", "x.", "x.y", "-z", "z-",
              "..", "a1", "1 a", "ef!", "🌹", "🌹🌹", "ab/cd", "cd/ab", "é"]


def _odd_catalog() -> Catalog:
    commerce = CommerceModel(bias=0.0, threshold=0.5, categories={}, hourly_price=1.0)
    terms = [_compile_term(f"t{k}", raw, 0.5) for k, raw in enumerate(_ODD_TERMS)]
    terms.append(_compile_term("again", "ab", 0.25))  # two terms with one key
    return Catalog("odd", 1, [], commerce, terms)


_ODD_CAT = _odd_catalog()


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_ODD_TERMS + _GLUE + ["a", "c", "e", "f", "y", "z"]),
                max_size=14))
def test_words_equal_the_automaton_for_odd_keys(pieces: list[str]) -> None:
    words, auto = _both(_ODD_CAT, "".join(pieces))
    assert words == auto


def test_words_find_overlapping_and_nested_keys() -> None:
    words, auto = _both(_ODD_CAT, "ab cd ef abab ab/cd/ab x.y -z- 🌹🌹🌹")
    assert words == auto
    assert len(words) > 10


# --------------------------------------------------------------------------- places

_PLACE_KEYS = sorted(places._KEYS)
#: place keys as posted (capitalised, the exact aliases), what comes after a city, and words
#: that end or begin like a key ("alas vegas": "las vegas" inside "alas" must not hide "vegas")
_PLACE_WORDS = (
    _PLACE_KEYS[::3]
    + [k.title() for k in _PLACE_KEYS[1::3]]
    + [k.upper() for k in _PLACE_KEYS[2::5]]
    + ["LA", "ATL", "SF", "DC", "NYC", ", FL", " FL", ", Ontario", ", UK", " area", "in ", "en ",
       "alas", "xnew", "newx", "sant", "Las", "Vegas", "St.", "D.C.", "L.A.", "в ", "Москва",
       "москве", "-", ".", "1", "é", "🌹", "Ю"]
)


def _place_values(text: str, country: str) -> tuple[list[object], list[object]]:
    v = Views(text)
    ctx = Context(country=country)
    a, b = places._reading_range(v.lower)
    read = places._extract_in(v, "body", ctx, a, b)
    whole = places._extract_in(v, "body", ctx, 0, len(v.lower))
    return [(e.value, e.span) for e in read], [(e.value, e.span) for e in whole]


@settings(max_examples=800, deadline=None)
@given(
    st.lists(st.sampled_from(_PLACE_WORDS + _GLUE), max_size=12),
    st.sampled_from(["US", "MX", "GB", ""]),
)
def test_places_read_range_finds_what_the_whole_text_does(
    pieces: list[str], country: str
) -> None:
    read, whole = _place_values("".join(pieces), country)
    assert read == whole


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_places_read_range_on_any_text(text: str) -> None:
    read, whole = _place_values(text, "US")
    assert read == whole


def _whole_words_reference(low: str) -> list[tuple[int, int, str]]:
    """Every place key found with ``str.find``, kept when written as whole words, then taken
    leftmost first and, of those starting together, longest, none overlapping."""
    n = len(low)
    found = []
    for key in places._KEYS:
        s = low.find(key)
        while s >= 0:
            e = s + len(key)
            whole = not (s and low[s - 1].isalnum()) and not (e < n and low[e].isalnum())
            if whole and not (key[-1] == "." and e < n and low[e].isalpha()):
                found.append((s, e, key))
            s = low.find(key, s + 1)
    out: list[tuple[int, int, str]] = []
    end = 0
    for s, e, key in sorted(found, key=lambda t: (t[0], -t[1])):
        if s >= end:
            out.append((s, e, key))
            end = e
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PLACE_WORDS + _GLUE), max_size=12))
@example(["alas", " ", "vegas"])
def test_places_whole_words_are_leftmost_longest(pieces: list[str]) -> None:
    low = Views("".join(pieces)).lower
    assert places._whole_words(low, 0, len(low)) == _whole_words_reference(low)


def test_places_read_range_and_a_key_inside_a_word() -> None:
    """A longer match that is not whole words ("las vegas" inside "alas") hides nothing."""
    assert places._reading_range("alas vegas") == (0, 10)
    read, whole = _place_values("alas vegas", "US")
    assert read == whole
    assert [value for value, _span in read] == ["las vegas|nv|us"]
    assert places._reading_range("hi, las vegas! 22") == (3, 13)
    assert places._reading_range("no place here") == (0, 0)


def test_alnum_tables_are_str_isalnum() -> None:
    for c in range(places._LOW_END):
        assert bool(places._ALNUM_LOW[c]) == chr(c).isalnum()
        assert bool(catalog._ALNUM_LOW[c]) == chr(c).isalnum()
        assert bool(places._KEY_CHAR_LOW[c]) == (chr(c) in places._KEY_CHARS)


def test_a_word_with_a_first_word_hash_is_compared() -> None:
    """Words that share a first word's hash (and length) are not taken for it."""
    import itertools

    words = ("".join(p) for p in itertools.product("abcdefghijklmnopqrstuvwxyz", repeat=3))
    h = catalog._word_hash("abc", catalog._HASH_MASK)
    twin = next(w for w in words if w != "abc" and catalog._word_hash(w, catalog._HASH_MASK) == h)
    commerce = CommerceModel(bias=0.0, threshold=0.5, categories={}, hourly_price=1.0)
    cat = Catalog("twins", 1, [], commerce, [_compile_term("t", "abc", 0.5)])
    words_, auto = _both(cat, f"{twin} abc {twin}")
    assert words_ == auto and len(words_) == 1
