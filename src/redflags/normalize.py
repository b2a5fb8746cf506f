"""Fold disguised text while keeping an offset map back to the text *as posted*.

Posters beat banned-word lists and scrapers with look-alike characters, emoji digits, number
words, letters used as digits and punctuation inserted into words.  Each function here returns
a :class:`Normalized`: the folded text plus, for every folded character, the span of original
characters it came from, so every piece of evidence can be reported in original offsets.

Three views are built lazily per field (see :class:`Views`):

``folded``
    Unicode NFKC; accents and zero-width/format characters removed; keycap, circled,
    fullwidth, mathematical and other-script digits become ASCII digits; Cyrillic/Greek
    look-alike letters inside Latin words become Latin; runs of whitespace become one space.
    Case is kept (crypto addresses are case-sensitive).
``keys``
    ``folded`` lower-cased, words spelt with inserted separators joined ("y.o.u.n.g" ->
    "young") and repeated letters squeezed ("yooung" -> "young").  ``runs[i]`` keeps how many
    times the i-th letter was repeated so matchers can refuse "ten" for "teen".
``digits``
    ``folded`` with number words (English, Spanish, Russian) turned into digits and letters used
    as digits inside digit runs ("3O5" -> "305", "l" -> "1", "S" -> "5").

>>> v = Views("Call 3O5 five5five ０１２３")
>>> v.digits.text
'Call 305 555 0123'
>>> v.digits.original_span(5, 8)
(5, 8)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cached_property

__all__ = ["FOLD_TABLE_VERSION", "Normalized", "Views", "digits_view", "fold", "keys_view"]

#: Bumped whenever a fold table changes, so stored assessments say what produced them.
FOLD_TABLE_VERSION = 1


class Normalized:
    """Folded text with, for each folded character, its ``[start, end)`` in the original."""

    __slots__ = ("original", "text", "starts", "ends", "runs")

    def __init__(
        self,
        original: str,
        text: str,
        starts: list[int],
        ends: list[int],
        runs: list[int] | None = None,
    ) -> None:
        self.original = original
        self.text = text
        self.starts = starts
        self.ends = ends
        self.runs = runs

    @classmethod
    def identity(cls, original: str) -> Normalized:
        n = len(original)
        return cls(original, original, list(range(n)), list(range(1, n + 1)))

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of ``text[start:end]`` (``end > start``)."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def original_text(self, start: int, end: int) -> str:
        a, b = self.original_span(start, end)
        return self.original[a:b]

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Normalized({self.text!r})"


class _Builder:
    """Accumulates output characters with the original span each one came from."""

    __slots__ = ("parts", "starts", "ends", "runs")

    def __init__(self, with_runs: bool = False) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.runs: list[int] | None = [] if with_runs else None

    def add(self, s: str, start: int, end: int, run: int = 1) -> None:
        self.parts.append(s)
        n = len(s)
        self.starts.extend([start] * n)
        self.ends.extend([end] * n)
        if self.runs is not None:
            self.runs.extend([run] * n)

    def add_identity(self, s: str, start: int) -> None:
        """Copy ``s`` unchanged; it sits at ``start`` in the original."""
        self.parts.append(s)
        end = start + len(s)
        self.starts.extend(range(start, end))
        self.ends.extend(range(start + 1, end + 1))
        if self.runs is not None:
            self.runs.extend([1] * len(s))

    def add_slice(
        self, text: str, a: int, z: int, starts: list[int], ends: list[int]
    ) -> None:
        """Copy ``text[a:z]`` of a parent view together with its offsets."""
        self.parts.append(text[a:z])
        self.starts.extend(starts[a:z])
        self.ends.extend(ends[a:z])
        if self.runs is not None:
            self.runs.extend([1] * (z - a))

    def build(self, original: str) -> Normalized:
        return Normalized(original, "".join(self.parts), self.starts, self.ends, self.runs)


# --------------------------------------------------------------------------- fold tables

#: Cyrillic and Greek letters that look like Latin ones (UTS #39 confusables, the subset seen
#: in evasive ads).  Applied only inside words that also contain Latin letters, so Russian and
#: Greek text is left alone.
_CONFUSABLES: dict[str, str] = {
    # Cyrillic lower
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ԛ": "q", "ԝ": "w",
    "ь": "b", "п": "n", "г": "r", "л": "n",
    # Cyrillic upper
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q", "Ԝ": "W",
    # Greek lower
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "γ": "y", "ω": "w",
    # Greek upper
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}

#: letters whose mark makes a different letter, not an accent (Cyrillic short i)
_KEEP = frozenset("йЙ")
#: marks used as apostrophes ("I´m"): NFKC would split them into a space and a combining mark
_APOSTROPHES = {"\u00b4": "'", "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u0060": "'"}

_KEYCAP = "\u20e3"
_VS16 = "\ufe0f"
_KEYCAP_TEN = "\U0001f51f"


def _fold_char(ch: str) -> str:
    """Fold one code point (after NFKC) to its matching form, keeping case."""
    if ch.isascii():
        return ch
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me", "Cf"):
        return ""
    if cat == "Nd":
        return str(unicodedata.digit(ch))
    d = unicodedata.digit(ch, None)
    if d is not None:  # dingbat / negative circled digits that NFKC leaves alone
        return str(d)
    if cat == "No":
        num = unicodedata.numeric(ch, None)
        if num is not None and num == int(num) and 0 <= num <= 20:
            return str(int(num))
    if cat.startswith("Z"):
        return " "
    if ch in _KEEP:
        return ch
    apostrophe = _APOSTROPHES.get(ch)
    if apostrophe is not None:
        return apostrophe
    decomposed = unicodedata.normalize("NFD", ch)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return stripped or ch


_FOLD_CACHE: dict[str, str] = {}


def _fold_unit(unit: str) -> str:
    cached = _FOLD_CACHE.get(unit)
    if cached is not None:
        return cached
    if unit == _KEYCAP_TEN:
        out = "10"
    elif unit[0] in _APOSTROPHES:
        out = _APOSTROPHES[unit[0]]
    else:
        nfkc = unicodedata.normalize("NFKC", unit)
        out = "".join(_fold_char(c) for c in nfkc)
    if len(_FOLD_CACHE) < 100_000:
        _FOLD_CACHE[unit] = out
    return out


#: what the fast path cannot copy verbatim: any non-ASCII character, or a whitespace run that
#: is not a single plain space
_SPECIAL = re.compile(r"[^\x00-\x7f]|\s{2,}|[\t\n\r\x0b\x0c]")
_MIXED_WORD = re.compile(r"[^\W\d_]*[A-Za-z][^\W\d_]*")


def fold(original: str) -> Normalized:
    """NFKC + digit/format/whitespace folding; see the module docstring.

    Characters that fold to nothing (zero-width, variation selectors, keycap marks) are
    attached to the character before them, so an evidence span over "5️⃣" covers all of it.

    >>> fold("ｃａｌｌ ３️⃣0️⃣5️⃣").text
    'call 305'
    """
    first = _SPECIAL.search(original)
    if first is None:
        return Normalized.identity(original)
    b = _Builder()
    n = len(original)
    pos = 0
    m: re.Match[str] | None = first
    while m is not None:
        i = m.start()
        if i > pos:
            b.add_identity(original[pos:i], pos)
        unit_end = m.end()
        ch = original[i]
        if ch.isspace():
            j = i + 1
            while j < n and original[j].isspace():
                j += 1
            _add_space(b, i, j)
            pos = j
        else:
            j = i + 1
            # keep combining marks and keycap/variation selectors with their base character
            while j < n and (original[j] in (_KEYCAP, _VS16) or unicodedata.combining(original[j])):
                j += 1
            out = _fold_unit(original[i:j])
            if out and out.isspace():
                _add_space(b, i, j)
            elif out:
                b.add(out, i, j)
            elif b.ends and b.ends[-1] == i:
                b.ends[-1] = j  # dropped mark joins the character it decorates
            pos = max(j, unit_end)
        m = _SPECIAL.search(original, pos)
    if pos < n:
        b.add_identity(original[pos:], pos)
    return _fold_confusables(b.build(original))


def _add_space(b: _Builder, i: int, j: int) -> None:
    if b.parts and b.parts[-1].endswith(" ") and b.ends[-1] == i:
        b.ends[-1] = j  # widen the previous space instead of adding another
    else:
        b.add(" ", i, j)


def _fold_confusables(norm: Normalized) -> Normalized:
    """Map Cyrillic/Greek look-alikes to Latin inside words that also have Latin letters."""
    text = norm.text
    if text.isascii():
        return norm
    chars: list[str] | None = None
    for m in _MIXED_WORD.finditer(text):
        word = m.group()
        if word.isascii():
            continue
        for k, c in enumerate(word):
            rep = _CONFUSABLES.get(c)
            if rep is not None:
                if chars is None:
                    chars = list(text)
                chars[m.start() + k] = rep
    if chars is None:
        return norm
    return Normalized(norm.original, "".join(chars), norm.starts, norm.ends)


# --------------------------------------------------------------------------- keys view

#: Separators posters put between the letters of a word ("y.o.u.n.g", "t-e-e-n", "y o u n g").
_SPACED = re.compile(
    r"(?<![^\W\d_])[^\W\d_](?:[ .\-_*·•|/~+'’,]{1,2}[^\W\d_](?![^\W\d_])){2,}", re.UNICODE
)
_LETTER_RUN = re.compile(r"([^\W\d_])\1+")


def keys_view(folded: Normalized) -> Normalized:
    """Lower-case, join letter-spaced words, squeeze repeated letters (runs kept in ``runs``).

    >>> keys_view(fold("So Y.O.U.N.G and yooung")).text
    'so young and young'
    """
    text = folded.text.lower()
    if len(text) != len(folded.text):  # rare: lower() changed the length; map per character
        b0 = _Builder()
        for k, c in enumerate(folded.text):
            b0.add(c.lower(), folded.starts[k], folded.ends[k])
        folded = b0.build(folded.original)
        text = folded.text
    starts, ends = folded.starts, folded.ends
    b = _Builder(with_runs=True)
    pos = 0
    joins = [(m.start(), m.end()) for m in _SPACED.finditer(text)]
    if not joins and not _LETTER_RUN.search(text):
        return Normalized(folded.original, text, starts, ends, [1] * len(text))
    for a, z in joins:
        _squeeze_into(b, text, pos, a, starts, ends)
        # keep only the letters of a spaced-out word
        letters = [(k, text[k]) for k in range(a, z) if text[k].isalpha()]
        _squeeze_letters(b, letters, starts, ends)
        pos = z
    _squeeze_into(b, text, pos, len(text), starts, ends)
    return b.build(folded.original)


def _squeeze_into(
    b: _Builder, text: str, a: int, z: int, starts: list[int], ends: list[int]
) -> None:
    """Copy ``text[a:z]``, squeezing letter runs; plain stretches are copied in bulk."""
    pos = a
    for m in _LETTER_RUN.finditer(text, a, z):
        if m.start() > pos:
            b.add_slice(text, pos, m.start(), starts, ends)
        b.add(m.group(1), starts[m.start()], ends[m.end() - 1], m.end() - m.start())
        pos = m.end()
    if z > pos:
        b.add_slice(text, pos, z, starts, ends)


def _squeeze_letters(
    b: _Builder, letters: list[tuple[int, str]], starts: list[int], ends: list[int]
) -> None:
    k = 0
    while k < len(letters):
        idx, c = letters[k]
        j = k + 1
        while j < len(letters) and letters[j][1] == c:
            j += 1
        b.add(c, starts[idx], ends[letters[j - 1][0]], j - k)
        k = j


# --------------------------------------------------------------------------- digits view

_NUMBER_WORDS: dict[str, str] = {
    # English (with common misspellings and digit-letter mixes)
    "zero": "0", "oh": "0", "zer0": "0", "one": "1", "0ne": "1", "won": "1", "two": "2",
    "tw0": "2", "too": "2", "three": "3", "thr33": "3", "four": "4", "f0ur": "4", "for": "4",
    "five": "5", "f1ve": "5", "six": "6", "s1x": "6", "seven": "7", "sevin": "7", "eight": "8",
    "e1ght": "8", "ate": "8", "nine": "9", "n1ne": "9", "nein": "9", "ten": "10",
    # digit-for-letter spellings seen in evasive ads
    "z3ro": "0", "on3": "1", "0n3": "1", "thr3": "3", "thre3": "3", "f1v3": "5", "fiv3": "5",
    "s3ven": "7", "sev3n": "7", "s3v3n": "7", "31ght": "8", "3ight": "8", "n1n3": "9",
    "nin3": "9",
    # Spanish
    "cero": "0", "uno": "1", "una": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5",
    "seis": "6", "siete": "7", "ocho": "8", "nueve": "9", "diez": "10",
    # Russian
    "ноль": "0", "нуль": "0", "один": "1", "одна": "1", "два": "2", "две": "2", "три": "3",
    "четыре": "4", "пять": "5", "шесть": "6", "семь": "7", "восемь": "8", "девять": "9",
}

#: Words that are digits only when they sit next to other digits ("for", "too", "ate", "oh",
#: "won", "una", "dos" ... are ordinary words elsewhere).
_WEAK_WORDS = frozenset({"oh", "won", "too", "for", "ate", "nein", "ten", "una", "uno", "dos"})

_WORD_RE = re.compile(
    r"(?<![^\W\d_])(" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True))
    + r")(?![^\W\d_])",
    re.IGNORECASE,
)

#: Letters read as digits inside a digit run ("3O5", "2l2", "S55").
_LETTER_DIGITS: dict[str, str] = {
    "o": "0", "O": "0", "l": "1", "I": "1", "i": "1", "S": "5", "s": "5",
    "Z": "2", "z": "2", "g": "9", "q": "9", "T": "7", "A": "4", "E": "3",
}
_LD_CLASS = re.escape("".join(_LETTER_DIGITS))
#: A run mixing digits and digit-letters, needing at least 2 real digits and starting or ending
#: with a digit; letters count only when digits sit on at least one side within the run.
_MIXED_RUN = re.compile(rf"(?<![A-Za-z])[0-9{_LD_CLASS}]*[0-9][0-9{_LD_CLASS}]*(?![A-Za-z])")


def digits_view(folded: Normalized) -> Normalized:
    """Number words and digit-letters become digits; used by the phone and age extractors.

    >>> digits_view(fold("three oh five, 555 o1two3")).text
    '305, 555 0123'
    """
    text = folded.text
    words = list(_WORD_RE.finditer(text))
    if not words and not _has_letter_digit(text):
        return folded
    # pass 1: number words -> digits, gluing neighbouring numbers ("three oh five" -> "305")
    b = _Builder()
    pos = 0
    kept: list[tuple[int, int, str]] = []
    for idx, m in enumerate(words):
        w = m.group().lower()
        if w in _WEAK_WORDS and not _near_number(text, words, idx):
            continue
        kept.append((m.start(), m.end(), _NUMBER_WORDS[w]))
    starts, ends = folded.starts, folded.ends
    for k, (a, z, digit) in enumerate(kept):
        _copy(b, text, pos, a, starts, ends)
        b.add(digit, starts[a], ends[z - 1])
        pos = z
        # drop the single space/hyphen that separated two spelled digits
        if k + 1 < len(kept):
            gap = text[z : kept[k + 1][0]]
            if gap in (" ", "-", " - ", ", ", "", "_", "."):
                pos = kept[k + 1][0]
    _copy(b, text, pos, len(text), starts, ends)
    step1 = b.build(folded.original) if kept else folded
    return _letters_to_digits(step1)


def _near_number(text: str, words: list[re.Match[str]], idx: int) -> bool:
    """A weak number word counts when another number (word or digit) is within 3 chars."""
    m = words[idx]
    before = text[max(0, m.start() - 3) : m.start()]
    after = text[m.end() : m.end() + 3]
    if any(c.isdigit() for c in before + after):
        return True
    for j in (idx - 1, idx + 1):
        if 0 <= j < len(words):
            other = words[j]
            gap = m.start() - other.end() if j < idx else other.start() - m.end()
            if 0 <= gap <= 3 and other.group().lower() not in _WEAK_WORDS:
                return True
    return False


def _has_letter_digit(text: str) -> bool:
    """Cheap pre-check: is there any digit run touching a digit-letter at all?"""
    return (
        any(not m.group().isdigit() for m in _MIXED_RUN.finditer(text))
        or _LETTER_GROUP.search(text) is not None
        or _PHONE_SHAPE.search(text) is not None
    )


def _copy(b: _Builder, text: str, a: int, z: int, starts: list[int], ends: list[int]) -> None:
    if z > a:
        b.add_slice(text, a, z, starts, ends)


#: A group made only of digit-letters counts when a dash or dot ties it to a digit group
#: ("2l2-S55-OlOO"); a space is not enough ("Oil 2020" stays words).
_LETTER_GROUP = re.compile(
    rf"(?<=[0-9][-.])[{_LD_CLASS}]{{2,}}(?![A-Za-z0-9])"
    rf"|(?<![A-Za-z0-9])[{_LD_CLASS}]{{2,}}(?=[-.][0-9])"
)


#: A phone-shaped sequence of 2-4 character groups where every group has a real digit
#: ("2OZ S5s O146"): the letters in it are digits even when a group has only one real digit.
_PHONE_GROUP = rf"[0-9{_LD_CLASS}]{{2,4}}"
_PHONE_SHAPE = re.compile(
    rf"(?<![A-Za-z0-9]){_PHONE_GROUP}(?:[-. ]{_PHONE_GROUP}){{2,3}}(?![A-Za-z0-9])"
)


def _phone_shaped(run: str) -> bool:
    groups = re.split(r"[-. ]", run)
    chars = sum(len(g) for g in groups)
    real = sum(c.isdigit() for c in run)
    return 10 <= chars <= 12 and real * 5 >= chars * 2 and all(
        any(c.isdigit() for c in g) for g in groups
    )


def _letters_to_digits(norm: Normalized) -> Normalized:
    text = norm.text
    chars: list[str] | None = None
    for m in _MIXED_RUN.finditer(text):
        run = m.group()
        digits = sum(c.isdigit() for c in run)
        if digits < 2 or digits == len(run):
            continue
        if chars is None:
            chars = list(text)
        for k, c in enumerate(run):
            if not c.isdigit():
                chars[m.start() + k] = _LETTER_DIGITS[c]
    if chars is not None:
        text = "".join(chars)
    for m in _LETTER_GROUP.finditer(text):
        if chars is None:
            chars = list(text)
        for k, c in enumerate(m.group()):
            chars[m.start() + k] = _LETTER_DIGITS[c]
    for m in _PHONE_SHAPE.finditer(text):
        if not _phone_shaped(m.group()):
            continue
        if chars is None:
            chars = list(text)
        for k, c in enumerate(m.group()):
            if c in _LETTER_DIGITS:
                chars[m.start() + k] = _LETTER_DIGITS[c]
    if chars is None:
        return norm
    return Normalized(norm.original, "".join(chars), norm.starts, norm.ends)


# --------------------------------------------------------------------------- views


class Views:
    """The lazily built views of one field's text; see the module docstring."""

    def __init__(self, original: str) -> None:
        self.original = original

    @cached_property
    def folded(self) -> Normalized:
        return fold(self.original)

    @cached_property
    def keys(self) -> Normalized:
        return keys_view(self.folded)

    @cached_property
    def digits(self) -> Normalized:
        return digits_view(self.folded)

    def span(self, view: Normalized, start: int, end: int, field: str) -> tuple[int, int, str]:
        """Original ``(start, end, text)`` of ``view.text[start:end]``."""
        a, b = view.original_span(start, end)
        return a, b, self.original[a:b]


Transform = Callable[[Normalized], Normalized]
