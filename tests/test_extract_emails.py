"""E-mail extraction: plain and spelt-out addresses, hard negatives, spans."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redflags.extract import Context, emails
from redflags.extract.emails import extract
from redflags.model import Entity
from redflags.normalize import Views


def run(text: str, field: str = "body") -> list[Entity]:
    return extract(Views(text), field, Context())


def found(text: str) -> list[tuple[str, str, bool]]:
    out = []
    for e in run(text):
        assert e.kind == "email"
        assert e.value == e.data == str(e.value).lower()
        assert e.span is not None
        assert e.span.text == text[e.span.start : e.span.end]
        out.append((str(e.value), e.span.text, e.disguised))
    return out


J = "jenny22@example.com"

# (posted text, [(value, span text, disguised), ...])
MATCH: list[tuple[str, list[tuple[str, str, bool]]]] = [
    # --- plain
    ("email jenny22@example.com now", [(J, "jenny22@example.com", False)]),
    (
        "Jenny.Smith+ads@Example.COM",
        [("jenny.smith+ads@example.com", "Jenny.Smith+ads@Example.COM", False)],
    ),
    (
        "mail: kim_99@mail.example.co.uk!",
        [("kim_99@mail.example.co.uk", "kim_99@mail.example.co.uk", False)],
    ),
    ("a@b.co", [("a@b.co", "a@b.co", False)]),
    ("(jenny22@example.com)", [(J, "jenny22@example.com", False)]),
    ("<jenny22@example.com>", [(J, "jenny22@example.com", False)]),
    ("mailto:jenny22@example.com", [(J, "jenny22@example.com", False)]),
    ("jenny22@example.com. Call me", [(J, "jenny22@example.com", False)]),
    ("jenny22@example.com. Us too", [(J, "jenny22@example.com", False)]),
    ("jenny22@example.museum", [("jenny22@example.museum", "jenny22@example.museum", False)]),
    (
        "jen-ny@my-site.example.org",
        [("jen-ny@my-site.example.org", "jen-ny@my-site.example.org", False)],
    ),
    (
        "tel 3055550123 or jen@example.com or kim [at] example [dot] org",
        [
            ("jen@example.com", "jen@example.com", False),
            ("kim@example.org", "kim [at] example [dot] org", True),
        ],
    ),
    (
        "a@example.com, b@example.net",
        [("a@example.com", "a@example.com", False), ("b@example.net", "b@example.net", False)],
    ),
    # --- spelt out / spaced / bracketed: disguised
    ("jenny22 at example dot com", [(J, "jenny22 at example dot com", True)]),
    ("jenny22 [at] example (dot) com", [(J, "jenny22 [at] example (dot) com", True)]),
    ("jenny22 [at] example [dot] com", [(J, "jenny22 [at] example [dot] com", True)]),
    ("jenny22(at)example.com", [(J, "jenny22(at)example.com", True)]),
    ("jenny22 (at) example (dot) com", [(J, "jenny22 (at) example (dot) com", True)]),
    ("jenny22{at}example{dot}com", [(J, "jenny22{at}example{dot}com", True)]),
    ("jenny22 <at> example <dot> com", [(J, "jenny22 <at> example <dot> com", True)]),
    ("jenny22 @ example . com", [(J, "jenny22 @ example . com", True)]),
    ("jenny22@example . com", [(J, "jenny22@example . com", True)]),
    ("jenny22 [@] example [.] com", [(J, "jenny22 [@] example [.] com", True)]),
    ("JENNY22 AT EXAMPLE DOT COM", [(J, "JENNY22 AT EXAMPLE DOT COM", True)]),
    ("Jenny22 At Example Dot Com", [(J, "Jenny22 At Example Dot Com", True)]),
    ("jenny22-at-example.com", [(J, "jenny22-at-example.com", True)]),
    ("contact jenny at gmail dot com", [("jenny@gmail.com", "jenny at gmail dot com", True)]),
    ("jenny at gmail.com", [("jenny@gmail.com", "jenny at gmail.com", True)]),
    ("jenny22 at example.com", [(J, "jenny22 at example.com", True)]),
    ("Jenny AT example.com", [("jenny@example.com", "Jenny AT example.com", True)]),
    (
        "jen.ny at example dot co dot uk",
        [("jen.ny@example.co.uk", "jen.ny at example dot co dot uk", True)],
    ),
    # --- look-alikes
    (
        "ｊｅｎｎｙ２２＠ｅｘａｍｐｌｅ．ｃｏｍ",
        [(J, "ｊｅｎｎｙ２２＠ｅｘａｍｐｌｅ．ｃｏｍ", True)],
    ),
    ("jеnny22@ехample.com", [(J, "jеnny22@ехample.com", True)]),
    ("jenny22\u200b@example.com", [(J, "jenny22\u200b@example.com", True)]),
    # --- Spanish
    (
        "escribe a jenny22 arroba gmail punto com",
        [("jenny22@gmail.com", "jenny22 arroba gmail punto com", True)],
    ),
    (
        "correo: jenny22 ARROBA example PUNTO es",
        [("jenny22@example.es", "jenny22 ARROBA example PUNTO es", True)],
    ),
    ("jenny22(arroba)example(punto)com", [(J, "jenny22(arroba)example(punto)com", True)]),
    # --- Russian
    ("пиши masha собака mail точка ru", [("masha@mail.ru", "masha собака mail точка ru", True)]),
    # "собачка" alone once slipped past the prefilter, which looked only for "собак"
    (
        "пиши jenny22 собачка example точка com",
        [("jenny22@example.com", "jenny22 собачка example точка com", True)],
    ),
    (
        "пиши jenny22 СОБАЧКА mail точка ru",
        [("jenny22@mail.ru", "jenny22 СОБАЧКА mail точка ru", True)],
    ),
    (
        "почта: masha22 (собака) example (точка) com",
        [("masha22@example.com", "masha22 (собака) example (точка) com", True)],
    ),
    ("masha@mail.ru пиши", [("masha@mail.ru", "masha@mail.ru", False)]),
]

NO_MATCH: list[str] = [
    "",
    "meet at the mall dot",
    "available at 9",
    "at home",
    "email me at gmail dot com",
    "I am at work. Call me",
    "we are at hotel.com lobby",
    "staying at hotel.com tonight",
    "jenny at example.com",
    "I'm at jenny dot com",
    "see you at 10. Com on",
    "jenny@localhost",
    "jenny@example.c",
    "jenny@example.com123",
    "jenny@123.123.123.123",
    "jenny..x@example.com",
    "@jenny_xo on insta",
    "IG @jenny.xo",
    "snap @jenny22",
    "price @ 100 dot",
    "jenny22 at example dot",
    "jenny22 at example dot xyzzy",
    "at at at dot dot",
    "meet me at the park dot com",
    "escríbeme al correo",
    "пиши мне на почту",
    "100% @ 5.00",
    "jenny22@-example.com",
]


@pytest.mark.parametrize(("text", "expected"), MATCH)
def test_match(text: str, expected: list[tuple[str, str, bool]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", NO_MATCH)
def test_no_match(text: str) -> None:
    assert found(text) == []


def test_span_field_and_offsets() -> None:
    text = "Hey 👋 write me: kim [at] example [dot] org ok"
    (ent,) = run(text, field="email")
    assert ent.span is not None
    assert ent.span.field == "email"
    start = text.index("kim")
    assert (ent.span.start, ent.span.end) == (start, start + len("kim [at] example [dot] org"))


_PIECES = st.sampled_from(
    [
        "jenny",
        "22",
        "@",
        " at ",
        "[at]",
        "(at)",
        " dot ",
        "(dot)",
        ".",
        " . ",
        "com",
        "ru",
        "example",
        " ",
        "arroba",
        "punto",
        "собака",
        "точка",
        "ｊ",
        "＠",
        "-",
        "_",
        "\n",
        "é",
        "\u200b",
        "me",
        "gmail",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(_PIECES, max_size=30).map("".join)))
def test_never_crashes_and_spans_are_original(text: str) -> None:
    for e in run(text):
        assert e.span is not None
        assert e.span.text == text[e.span.start : e.span.end]
        assert "@" in str(e.value)


_LOCAL_TEXT = st.lists(
    st.sampled_from(["jenny", "22", ".", "-", "+", "%", "_", " ", "\n", "K", "ſ", "é", "x" * 40]),
    max_size=12,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_LOCAL_TEXT, st.text(max_size=80)))
def test_local_part_equals_the_regex_search(text: str) -> None:
    """The backwards read equals the leftmost regex match ending at the "at" (when it ends
    there: the regex's "$" may also stop before a final newline, a reading extract refuses)."""
    old = re.compile(r"(?i)[a-z0-9][a-z0-9._%+\-]{0,63}$")
    at = len(text)
    m = old.search(text, max(0, at - 64), at)
    expected = m.group() if m is not None and m.end() == at else ""
    assert emails._local_part(text, at) == expected


_AT_TEXT = st.lists(
    st.sampled_from(
        [
            "@", " @ ", "at", "AT", "aT", " at ", "[at]", "( at )", "{@}", "<AT>", "-at-", "*at_",
            "arroba", "ARROBA", "собака", "СОБАЧКА", "собачка", "ᲃобака", "сᲂбачка", "İ", "x",
            "jenny", "ma", "9", " ", "  ", "\t", "\n", "\u00a0", "[", "(", "<", ")", "]", ">",
            "-", "_", "*", ".", "dot", "com",
        ]
    ),
    max_size=16,
).map("".join)


def _at_reference(text: str) -> list[tuple[int, int]]:
    """What extract iterated before _at_matches: the prefilter, then the plain finditer."""
    if not emails._may_have_at(text):
        return []
    return [m.span() for m in emails._AT.finditer(text)]


@settings(max_examples=1500, deadline=None)
@given(st.one_of(_AT_TEXT, st.text(max_size=60)))
def test_at_matches_equal_the_prefiltered_finditer(text: str) -> None:
    for t in (text, Views(text).folded.text):
        assert [m.span() for m in emails._at_matches(t, t.lower())] == _at_reference(t)


def test_only_one_character_lengthens_when_lowered() -> None:
    """_at_matches relies on it to know when ``text.lower()`` keeps the offsets."""
    longer = [cp for cp in range(0x110000) if len(chr(cp).lower()) != 1]
    assert longer == [0x130]


def test_at_first_characters() -> None:
    """The characters _at_matches lets through to ``_AT.match`` are those its first class takes."""
    first = re.compile(r"(?i)[@\s\[({<\-_*]")
    for cp in range(0x110000):
        c = chr(cp)
        assert (c in emails._AT_FIRST or c.isspace()) == bool(first.match(c)), hex(cp)
    assert emails._AT.pattern.startswith(r"(?i)[@\s\[({<\-_*]")


def test_is_letter_is_the_regex_class() -> None:
    letter = re.compile(r"[^\W\d_]")
    for cp in range(0x110000):
        c = chr(cp)
        assert emails._is_letter(c) == bool(letter.fullmatch(c)), hex(cp)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(_AT_TEXT, st.text(max_size=60)))
def test_prefilter_passes_every_text_with_an_at(text: str) -> None:
    """The prefilter may let through texts without an "at", never miss one that has it."""
    for t in (text, Views(text).folded.text):
        if emails._AT.search(t) is not None:
            assert emails._may_have_at(t), t


@settings(max_examples=500, deadline=None)
@given(st.one_of(_AT_TEXT, st.text(max_size=60)))
def test_at_anchors_gate_is_the_prefilter(text: str) -> None:
    if "\u0130" not in text:
        assert emails._at_anchors(text.lower())[1] == emails._may_have_at(text)


def test_local_part_sets_are_the_regex_classes() -> None:
    run = re.compile(r"(?i)[a-z0-9._%+\-]")
    for cp in range(0x110000):
        c = chr(cp)
        assert (c in emails._LOCAL_CHARS) == bool(run.fullmatch(c)), hex(cp)
        assert (c in emails._LOCAL_FIRST_CHARS) == bool(emails._LOCAL_FIRST.fullmatch(c)), hex(cp)
    assert emails._LOCAL_RUN.pattern == r"(?i)[a-z0-9._%+\-]*"
