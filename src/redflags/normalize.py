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
import types
import unicodedata
from bisect import bisect_right
from typing import TYPE_CHECKING, Final

import ahocorasick

if TYPE_CHECKING:  # native 64-bit ints in the compiled loops; plain ints from Python
    from mypy_extensions import i64

__all__ = [
    "FOLD_TABLE_VERSION",
    "Normalized",
    "Views",
    "digits_view",
    "fold",
    "keys_view",
    "lower_one_to_one",
]


#: Bumped whenever a fold table changes, so stored assessments say what produced them.
FOLD_TABLE_VERSION: Final = 1


def _probe() -> None:
    """Nothing: :data:`COMPILED` looks at what kind of function this is."""


#: Whether this module runs compiled by mypyc (its functions are then not Python functions).
#: A few hot loops come in two forms: a per-code-point loop, which compiled is the fastest,
#: and C-speed string searches, which are the fastest from Python.
COMPILED: Final = not isinstance(_probe, types.FunctionType)


class Normalized:
    """Folded text with, for each folded character, its ``[start, end)`` in the original.

    The per-character ``starts``/``ends`` lists are built only when read.  Screening asks
    for a handful of spans per field, so views keep a compact map instead: nothing when
    ``text[i]`` is ``original[i]`` (plain fields), otherwise segments over the *parent* view's
    characters (:class:`_MapBuilder`), resolved through the parent on demand, instead of two
    ``int`` lists per view copied again for every derived view.
    """

    __slots__ = ("original", "text", "runs", "_starts", "_ends", "_parent", "_segs")

    def __init__(
        self,
        original: str,
        text: str,
        starts: list[int] | None,
        ends: list[int] | None,
        runs: list[int] | None = None,
    ) -> None:
        # starts/ends None (and no segments): character i of text is character i of original
        self.original = original
        self.text = text
        self.runs = runs
        self._starts = starts
        self._ends = ends
        self._parent: Normalized | None = None
        self._segs: _Segments | None = None

    @classmethod
    def identity(cls, original: str) -> Normalized:
        return cls(original, original, None, None)

    @classmethod
    def _mapped(
        cls,
        original: str,
        parent: Normalized | None,
        text: str,
        segs: _Segments | None,
        runs: list[int] | None,
    ) -> Normalized:
        """A view whose character i covers the ``parent`` characters ``segs`` says (``parent``
        None: the original's).  ``segs`` None: character i is the parent's character i."""
        if segs is None:
            if parent is None:
                return cls(original, text, None, None, runs)
            return parent._with_text(text, runs)
        view = cls(original, text, None, None, runs)
        if parent is not None and parent._segs is None and parent._starts is None:
            parent = None  # the parent is the original itself: map straight to it
        view._parent = parent
        view._segs = segs
        return view

    def _with_text(self, text: str, runs: list[int] | None = None) -> Normalized:
        """The same offset map with another text of the same length (1:1 replacements)."""
        view = Normalized(self.original, text, self._starts, self._ends, runs)
        view._parent = self._parent
        view._segs = self._segs
        return view

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = self._materialize(True)
        return self._starts

    @property
    def ends(self) -> list[int]:
        if self._ends is None:
            self._ends = self._materialize(False)
        return self._ends

    def _materialize(self, starts: bool) -> list[int]:
        n = len(self.text)
        segs = self._segs
        if segs is None:  # identity to the original
            return list(range(n)) if starts else list(range(1, n + 1))
        parent = self._parent
        out: list[int] = []
        bounds, lows, highs = segs
        last = len(bounds) - 1
        if parent is None:  # segments over the original text
            for k, a in enumerate(bounds):
                size = (bounds[k + 1] if k < last else n) - a
                lo, hi = lows[k], highs[k]
                if hi < 0:
                    out.extend(range(lo, lo + size) if starts else range(lo + 1, lo + size + 1))
                else:
                    out.extend([lo if starts else hi + 1] * size)
            return out
        up = parent.starts if starts else parent.ends
        for k, a in enumerate(bounds):
            size = (bounds[k + 1] if k < last else n) - a
            lo, hi = lows[k], highs[k]
            if hi < 0:  # linear: one parent character per character
                out.extend(up[lo : lo + size])
            else:
                out.extend([up[lo] if starts else up[hi]] * size)
        return out

    def _start_of(self, i: int) -> int:
        """Original start of character ``0 <= i < len(text)``."""
        view: Normalized | None = self
        while view is not None:
            if view._starts is not None:
                return view._starts[i]
            segs = view._segs
            if segs is None:
                return i
            bounds, lows, highs = segs
            k = bisect_right(bounds, i) - 1
            i = lows[k] + (i - bounds[k]) if highs[k] < 0 else lows[k]
            view = view._parent
        return i

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of ``text[start:end]`` (``end > start``)."""
        n = len(self.text)
        if 0 <= start < end <= n:
            # first and last character, mapped down the chain of views in one loop
            a, z = start, end - 1
            view: Normalized | None = self
            while view is not None:
                starts, ends = view._starts, view._ends
                if starts is not None and ends is not None:
                    return starts[a], ends[z]
                segs = view._segs
                if segs is None:
                    break
                bounds, lows, highs = segs
                k = bisect_right(bounds, a) - 1
                if k + 1 < len(bounds) and z >= bounds[k + 1]:  # z in a later segment
                    a = lows[k] + (a - bounds[k]) if highs[k] < 0 else lows[k]
                    k = bisect_right(bounds, z) - 1
                elif highs[k] < 0:
                    a = lows[k] + (a - bounds[k])
                else:
                    a = lows[k]
                z = lows[k] + (z - bounds[k]) if highs[k] < 0 else highs[k]
                view = view._parent
            return a, z + 1
        if end <= start and 0 <= start:
            pos = self._start_of(start) if start < n else len(self.original)
            return pos, pos
        # out-of-range arguments: whatever the lists do (IndexError, negative indices)
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def original_text(self, start: int, end: int) -> str:
        a, b = self.original_span(start, end)
        return self.original[a:b]

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Normalized({self.text!r})"


#: (segment start in the view, first parent index, last parent index or -1 when linear)
_Segments = tuple[list[int], list[int], list[int]]


class _MapBuilder:
    """Accumulates a view's text with the parent characters each output character covers.

    Output characters come in segments: *linear* ones copy consecutive parent characters
    (output ``i`` covers parent ``lo + (i - segment start)``), the others cover one parent
    range ``[lo, hi]`` each (a folded emoji digit, a space for a whitespace run, a squeezed
    letter run, a number word's digit).  For :func:`fold` the parent is the original text.
    """

    __slots__ = ("parts", "bounds", "lows", "highs", "n")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.bounds: list[int] = []
        self.lows: list[int] = []
        self.highs: list[int] = []
        self.n = 0

    def linear(self, s: str, lo: int) -> None:
        """Copy ``s``, which is parent ``[lo, lo + len(s))``."""
        if not s:
            return
        self.parts.append(s)
        if self.highs and self.highs[-1] < 0 and self.lows[-1] + self.n - self.bounds[-1] == lo:
            self.n += len(s)  # continues the previous linear segment
            return
        self.bounds.append(self.n)
        self.lows.append(lo)
        self.highs.append(-1)
        self.n += len(s)

    def point(self, s: str, lo: int, hi: int) -> None:
        """Add ``s``; each of its characters covers parent ``[lo, hi]``."""
        self.parts.append(s)
        self.bounds.append(self.n)
        self.lows.append(lo)
        self.highs.append(hi)
        self.n += len(s)

    def last_high(self) -> int:
        """Last parent index covered by the last output character (``-1`` if none)."""
        if not self.n:
            return -1
        hi = self.highs[-1]
        return self.lows[-1] + self.n - 1 - self.bounds[-1] if hi < 0 else hi

    def set_last_high(self, hi: int) -> None:
        """Widen the last output character to end at parent index ``hi``."""
        last = self.n - 1
        k = len(self.bounds) - 1
        if self.highs[k] >= 0 and self.bounds[k] == last:
            self.highs[k] = hi
            return
        lo = self.lows[k] + last - self.bounds[k] if self.highs[k] < 0 else self.lows[k]
        self.bounds.append(last)  # split the last character off into its own segment
        self.lows.append(lo)
        self.highs.append(hi)

    def last_char(self) -> str:
        return self.parts[-1][-1] if self.parts else ""

    def build(
        self, original: str, parent: Normalized | None, runs: list[int] | None = None
    ) -> Normalized:
        """The view (``parent`` None: over the original text)."""
        text = "".join(self.parts)
        size = len(original) if parent is None else len(parent.text)
        if self.n == size and (
            not self.bounds or (len(self.bounds) == 1 and self.highs[0] < 0 and self.lows[0] == 0)
        ):
            segs = None  # character i is the parent's character i
        else:
            segs = (self.bounds, self.lows, self.highs)
        if not text:
            return Normalized(original, text, [], [], runs)
        return Normalized._mapped(original, parent, text, segs, runs)


# --------------------------------------------------------------------------- fold tables

#: Cyrillic and Greek letters that look like Latin ones (UTS #39 confusables, the subset seen
#: in evasive ads).  Applied only inside words that also contain Latin letters, so Russian and
#: Greek text is left alone.
_CONFUSABLES: Final[dict[str, str]] = {
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

_CONFUSABLE_CHAR: Final = re.compile("[" + "".join(_CONFUSABLES) + "]")

#: letters whose mark makes a different letter, not an accent (Cyrillic short i)
_KEEP: Final = frozenset("йЙ")
#: marks used as apostrophes ("I´m"): NFKC would split them into a space and a combining mark
_APOSTROPHES: Final = {"\u00b4": "'", "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u0060": "'"}

_KEYCAP: Final = "\u20e3"
_VS16: Final = "\ufe0f"
_KEYCAP_TEN: Final = "\U0001f51f"


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


_FOLD_CACHE: Final[dict[str, str]] = {}


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
#: is not a single plain space (``redflags.link.templates`` mirrors fold with this one)
_SPECIAL: Final = re.compile(r"[^\x00-\x7f]|\s{2,}|[\t\n\r\x0b\x0c]")
#: a word (maximal letter run) with a Latin letter in it; matches start only where a word
#: starts, so a Cyrillic or Greek word is tried once, not from each of its letters (which made
#: the plain ``[^\W\d_]*[A-Za-z][^\W\d_]*`` quadratic in the word's length)
_MIXED_WORD: Final = re.compile(r"(?<![^\W\d_])[^\W\d_]*[A-Za-z][^\W\d_]*")


def _identity_letters() -> str:
    """Greek and Cyrillic characters that :func:`_fold_unit` leaves as they are.

    Russian ads are made of them; sending each one through the per-character path of
    :func:`fold` cost ~100 µs per Russian ad.  Only characters that NFKC cannot compose with a
    neighbour from the same set qualify (checked by a test), and one followed by a mark or any
    other non-ASCII character still takes the slow path, which keeps base + mark together.
    """
    out = []
    for cp in range(0x370, 0x530):
        c = chr(cp)
        if unicodedata.category(c) == "Cn" or c.isspace() or unicodedata.combining(c):
            continue
        if unicodedata.normalize("NFKC", c) == c and _fold_unit(c) == c:
            out.append(c)
    return "".join(out)


_IDENTITY: Final = _identity_letters()
_IDENTITY_CLASS: Final = re.escape(_IDENTITY)
#: :data:`_SPECIAL` minus the identity letters (unless a non-ASCII character follows them):
#: a non-identity non-ASCII character; an identity letter before one; a whitespace run; a line
#: break or tab.  Written as one leading character class (any non-ASCII or whitespace
#: character) and then which of those four it is, in that order: the regex engine then skips
#: at C speed to candidate characters instead of trying four alternatives at every position
#: (a test pins it to the plain alternation, ``_FOLD_SPECIAL_PLAIN``).
_FOLD_SPECIAL_PLAIN: Final = (
    rf"[^\x00-\x7f{_IDENTITY_CLASS}]|[{_IDENTITY_CLASS}](?=[^\x00-\x7f{_IDENTITY_CLASS}])"
    r"|\s{2,}|[\t\n\r\x0b\x0c]"
)
_FOLD_SPECIAL: Final = re.compile(
    rf"[\s\x80-\U0010ffff](?:(?<=[^\x00-\x7f{_IDENTITY_CLASS}])"
    rf"|(?<=[{_IDENTITY_CLASS}])(?=[^\x00-\x7f{_IDENTITY_CLASS}])"
    r"|(?<=\s)\s+|(?<=[\t\n\r\x0b\x0c]))"
)
#: the identity letters' code points, and which ASCII code points are whitespace
_IDENTITY_CODES: Final = frozenset(map(ord, _IDENTITY))
_ASCII_SPACE: Final = [chr(c).isspace() for c in range(128)]


def _next_special(text: str, pos: int) -> tuple[int, int]:
    """``(start, end)`` of the first :data:`_FOLD_SPECIAL` match at or after ``pos``, or
    ``(-1, -1)``: compiled, one pass over the code points (most are ASCII and skipped at
    once); from Python, the regex search.  A test pins both to the regex.
    """
    if COMPILED:
        return _next_special_by_code_point(text, pos)
    m = _FOLD_SPECIAL.search(text, pos)
    return (-1, -1) if m is None else m.span()


def _next_special_by_code_point(text: str, pos: int) -> tuple[int, int]:
    n: i64 = len(text)
    i: i64
    c: i64
    for i in range(pos, n):
        c = ord(text[i])
        if c < 128:
            if not _ASCII_SPACE[c]:
                continue
            if i + 1 < n and text[i + 1].isspace():  # a whitespace run
                j: i64 = i + 2
                while j < n and text[j].isspace():
                    j += 1
                return (i, j)
            if 9 <= c <= 13:  # a line break or tab on its own
                return (i, i + 1)
        elif c not in _IDENTITY_CODES:  # any other non-ASCII character, whitespace included
            return (i, i + 1)
        elif i + 1 < n:  # an identity letter before a non-identity non-ASCII character
            d: i64 = ord(text[i + 1])
            if d >= 128 and d not in _IDENTITY_CODES:
                return (i, i + 1)
    return (-1, -1)


#: ASCII whitespace other than " " (and the separators \x1c-\x1f): always special in fold
_ASCII_HARD_WS: Final = ("\t", "\n", "\r", "\x0b", "\x0c")


def _plain_ascii(text: str) -> bool:
    """ASCII text that :func:`fold` returns unchanged (a few C-speed scans, no regex)."""
    if not text.isascii() or "  " in text:
        return False
    if text.isprintable():  # no control character at all (one C loop): no hard whitespace
        return True
    if any(map(text.__contains__, _ASCII_HARD_WS)):
        return False
    return _SPECIAL.search(text) is None  # rare: other controls; let the regex decide


def fold(original: str) -> Normalized:
    """NFKC + digit/format/whitespace folding; see the module docstring.

    Characters that fold to nothing (zero-width, variation selectors, keycap marks) are
    attached to the character before them, so an evidence span over "5️⃣" covers all of it.

    >>> fold("ｃａｌｌ ３️⃣0️⃣5️⃣").text
    'call 305'
    """
    if _plain_ascii(original):
        return Normalized.identity(original)
    first = _next_special(original, 0)
    if first[0] < 0:  # only identity letters; they may still be look-alikes in Latin words
        return _fold_confusables(Normalized.identity(original))
    text = _fold_one_to_one(original, first)
    if text is not None:  # character i of text is character i of original
        return _fold_confusables(Normalized(original, text, None, None))
    return _fold_general(original, first)


def _fold_one_to_one(original: str, first: tuple[int, int]) -> str | None:
    """What :func:`fold` makes of ``original`` when every special character folds to exactly
    one character on its own (a line break between words, a bullet, an emoji, "ñ", a
    fullwidth digit), so the offset map is the identity; None otherwise (a keycap or variation
    selector that folds away, a whitespace run, a mark, a ligature), for the general path.

    Most non-ASCII fields are like that, and the general path's map builder costs ~10x more.
    A test pins this to :func:`_fold_general` on arbitrary text.
    """
    n = len(original)
    parts: list[str] = []
    pos = 0
    i, end = first
    while i >= 0:
        if end != i + 1:
            return None
        nxt = original[i + 1] if i + 1 < n else ""
        if nxt and (nxt in (_KEYCAP, _VS16) or unicodedata.combining(nxt)):
            return None
        ch = original[i]
        if ch.isspace():
            if nxt.isspace():
                return None
            out = " "
        else:
            out = _fold_unit(ch)
            if len(out) != 1:
                return None
        if out == " ":
            # a space right after another (posted or folded) widens it in the general path
            if i > pos:
                if original[i - 1] == " ":
                    return None
            elif parts and parts[-1] == " ":
                return None
        if i > pos:
            parts.append(original[pos:i])
        parts.append(out)
        pos = i + 1
        i, end = _next_special(original, pos)
    if pos < n:
        parts.append(original[pos:])
    return "".join(parts)


def _fold_general(original: str, first: tuple[int, int]) -> Normalized:
    """:func:`fold` for text whose specials do not all fold one-to-one: builds an offset map."""
    b = _MapBuilder()
    n = len(original)
    pos = 0
    i, unit_end = first
    while i >= 0:
        if i > pos:
            b.linear(original[pos:i], pos)
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
                b.point(out, i, j - 1)
            elif b.n and b.last_high() == i - 1:
                b.set_last_high(j - 1)  # dropped mark joins the character it decorates
            pos = max(j, unit_end)
        i, unit_end = _next_special(original, pos)
    if pos < n:
        b.linear(original[pos:], pos)
    return _fold_confusables(b.build(original, None))


def _add_space(b: _MapBuilder, i: int, j: int) -> None:
    if b.last_char() == " " and b.last_high() == i - 1:
        b.set_last_high(j - 1)  # widen the previous space instead of adding another
    else:
        b.point(" ", i, j - 1)


def _fold_confusables(norm: Normalized) -> Normalized:
    """Map Cyrillic/Greek look-alikes to Latin inside words that also have Latin letters."""
    text = norm.text
    if text.isascii() or _CONFUSABLE_CHAR.search(text) is None:
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
    return norm._with_text("".join(chars))


# --------------------------------------------------------------------------- keys view

#: Separators posters put between the letters of a word ("y.o.u.n.g", "t-e-e-n", "y o u n g").
#: the same separator throughout ("y.o.u.n.g"), so a list like "y.o.u.n.g, t e e n" is two words
_SPACED: Final = re.compile(
    r"(?<![^\W\d_])[^\W\d_](?P<sep>[ .\-_*·•|/~+'’]{1,2})[^\W\d_](?![^\W\d_])"
    r"(?:(?P=sep)[^\W\d_](?![^\W\d_]))+",
    re.UNICODE,
)
_LETTER_RUN: Final = re.compile(r"([^\W\d_])\1+")
#: :data:`_LETTER_RUN` for lower-cased ASCII text, where the only letters are a-z
_ASCII_LETTER_RUN: Final = re.compile(r"([a-z])\1+")


#: A cheap necessary condition for :data:`_SPACED` (two separator + single-letter steps); the
#: full pattern costs ~3x more and matches in fewer than 1% of fields.
_SPACED_HINT: Final = re.compile(
    r"[ .\-_*·•|/~+'’,][^\W\d_][ .\-_*·•|/~+'’,]{1,2}[^\W\d_](?![^\W\d_])", re.UNICODE
)


def keys_view(folded: Normalized, lowered: str | None = None) -> Normalized:
    """Lower-case, join letter-spaced words, squeeze repeated letters (runs kept in ``runs``).

    ``lowered`` is ``folded.text.lower()`` when the caller has it already.

    >>> keys_view(fold("So Y.O.U.N.G and yooung")).text
    'so young and young'
    """
    text = folded.text.lower() if lowered is None else lowered
    if len(text) != len(folded.text):  # rare: lower() changed the length; map per character
        b0 = _MapBuilder()
        for k, c in enumerate(folded.text):
            b0.point(c.lower(), k, k)
        folded = b0.build(folded.original, folded)
        text = folded.text
    if _SPACED_HINT.search(text) is None:
        joins = []
    else:
        joins = [(m.start(), m.end()) for m in _SPACED.finditer(text)]
    if not joins:
        return _squeezed(folded, text)
    b = _MapBuilder()
    runs: list[tuple[int, int]] = []  # (output index, run length) of squeezed letters
    pos = 0
    for a, z in joins:
        _squeeze_into(b, runs, text, pos, a)
        # keep only the letters of a spaced-out word
        letters = [(k, text[k]) for k in range(a, z) if text[k].isalpha()]
        _squeeze_letters(b, runs, letters)
        pos = z
    _squeeze_into(b, runs, text, pos, len(text))
    run_list = [1] * b.n
    for k, r in runs:
        run_list[k] = r
    return b.build(folded.original, folded, run_list)


def letter_runs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every run of two or more equal letters, in order: the matches of
    ``_LETTER_RUN.finditer(text)`` (a letter is what its class means by one: alphanumeric
    and not a decimal digit).  Tests pin both ways of finding them to the regex.

    The regex tries a backreference at every letter of every field. Compiled, one pass over
    the code points costs less; in pure Python a C-speed substring search per doubled letter
    (``"ll" in text``) does.

    >>> letter_runs("call me soooon")
    [(2, 4), (9, 13)]
    """
    return _runs_by_code_point(text) if COMPILED else _runs_by_search(text)


def _runs_by_code_point(text: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    n: i64 = len(text)
    i: i64 = 0
    c: i64
    while i < n - 1:
        c = ord(text[i])
        if ord(text[i + 1]) != c:
            i += 1
            continue
        j: i64 = i + 2  # text[i:j] is a run of one character, as long as it goes
        while j < n and ord(text[j]) == c:
            j += 1
        if 97 <= c <= 122 or 65 <= c <= 90 or (c > 127 and _is_letter(chr(c))):
            found.append((i, j))
        i = j
    return found


#: "aa" .. "zz": the doubled letters :func:`_runs_by_search` looks for in lower-cased ASCII
_ASCII_DOUBLES: Final = [(c + c, c) for c in "abcdefghijklmnopqrstuvwxyz"]


def _runs_by_search(text: str) -> list[tuple[int, int]]:
    if text.isascii() and text == text.lower():
        doubles = [(cc, c) for cc, c in _ASCII_DOUBLES if cc in text]
    else:
        doubles = []
        for c in set(text):
            cc = c + c
            if cc in text and _is_letter(c):
                doubles.append((cc, c))
    found: list[tuple[int, int]] = []
    n = len(text)
    for cc, c in doubles:
        i = text.find(cc)
        while i >= 0:  # a run starts here: the character before it is not c (see below)
            j = i + 2
            while j < n and text[j] == c:
                j += 1
            found.append((i, j))
            # text[j] is not c, so the next "cc" at or after j starts a new run
            i = text.find(cc, j)
    if len(doubles) > 1:
        found.sort()
    return found


def _squeezed(folded: Normalized, text: str) -> Normalized:
    """:func:`keys_view` when no word is spaced out (nearly always): squeeze letter runs.

    The same segments :func:`_squeeze_into` would add, built inline from :func:`letter_runs`:
    this runs for every title and body.
    """
    found = letter_runs(text)
    if not found:
        return folded._with_text(text, [1] * len(text))
    size = len(text)
    for s, e in found:
        size -= e - s - 1
    runs = [1] * size
    parts: list[str] = []
    bounds: list[int] = []
    lows: list[int] = []
    highs: list[int] = []
    out = pos = 0  # position in the keys text and in text
    for s, e in found:
        if s > pos:  # plain stretch: one linear segment
            parts.append(text[pos:s])
            bounds.append(out)
            lows.append(pos)
            highs.append(-1)
            out += s - pos
        parts.append(text[s])  # the run's letter covers the whole run
        bounds.append(out)
        lows.append(s)
        highs.append(e - 1)
        runs[out] = e - s
        out += 1
        pos = e
    if pos < len(text):
        parts.append(text[pos:])
        bounds.append(out)
        lows.append(pos)
        highs.append(-1)
    keys = "".join(parts)
    return Normalized._mapped(folded.original, folded, keys, (bounds, lows, highs), runs)


def _squeeze_into(
    b: _MapBuilder, runs: list[tuple[int, int]], text: str, a: int, z: int
) -> None:
    """Copy ``text[a:z]``, squeezing letter runs; plain stretches are copied in bulk."""
    pos = a
    # same matches as _LETTER_RUN: in lower-cased ASCII text the only letters are a-z
    letter_run = _ASCII_LETTER_RUN if text.isascii() else _LETTER_RUN
    for m in letter_run.finditer(text, a, z):
        s, e = m.span()
        if s > pos:
            b.linear(text[pos:s], pos)
        if e - s > 1:
            runs.append((b.n, e - s))
        b.point(text[s], s, e - 1)
        pos = e
    if z > pos:
        b.linear(text[pos:z], pos)


def _squeeze_letters(
    b: _MapBuilder, runs: list[tuple[int, int]], letters: list[tuple[int, str]]
) -> None:
    k = 0
    while k < len(letters):
        idx, c = letters[k]
        j = k + 1
        while j < len(letters) and letters[j][1] == c:
            j += 1
        if j - k > 1:
            runs.append((b.n, j - k))
        b.point(c, idx, letters[j - 1][0])
        k = j


# --------------------------------------------------------------------------- digits view

_NUMBER_WORDS: Final[dict[str, str]] = {
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
_WEAK_WORDS: Final = frozenset(
    {"oh", "won", "too", "for", "ate", "nein", "ten", "una", "uno", "dos"}
)

_WORD_RE: Final = re.compile(
    r"(?<![^\W\d_])(" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True))
    + r")(?![^\W\d_])",
    re.IGNORECASE,
)

#: Letters read as digits inside a digit run ("3O5", "2l2", "S55").
_LETTER_DIGITS: Final[dict[str, str]] = {
    "o": "0", "O": "0", "l": "1", "I": "1", "i": "1", "S": "5", "s": "5",
    "Z": "2", "z": "2", "g": "9", "q": "9", "T": "7", "A": "4", "E": "3",
}
_LD_CLASS: Final = re.escape("".join(_LETTER_DIGITS))
#: A run mixing digits and digit-letters, needing at least 2 real digits and starting or ending
#: with a digit; letters count only when digits sit on at least one side within the run.
_MIXED_RUN: Final = re.compile(rf"(?<![A-Za-z])[0-9{_LD_CLASS}]*[0-9][0-9{_LD_CLASS}]*(?![A-Za-z])")
#: A digit with a digit-letter right before or after it, optionally across one "-" or ".".
#: Every letter :func:`_letters_to_digits` rewrites sits so (a mixed run, a letter group tied to
#: digits, a phone-shaped group with a real digit), so without a match it changes nothing.
#: Written to start with the digit, so the regex engine skips to digits at C speed.
#: (Kept as the plain statement of that fact; :func:`_may_rewrite_letters` narrows it.)
_LETTER_DIGIT_NEAR: Final = re.compile(
    rf"[0-9](?:[-.]?[{_LD_CLASS}]|(?<=[{_LD_CLASS}][0-9])|(?<=[{_LD_CLASS}][-.][0-9]))"
)


def _classes_table() -> bytes:
    """The ``bytes.translate`` table of :func:`_char_classes`."""
    table = bytearray(b" " * 256)  # everything else, including every byte of a non-ASCII char
    for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz":
        table[ord(c)] = ord("L") if c in _LETTER_DIGITS else ord("a")
    for c in "0123456789":
        table[ord(c)] = ord("d")
    table[ord("-")] = table[ord(".")] = ord("-")
    return bytes(table)


_CLASSES: Final = _classes_table()


def _char_classes(text: str) -> bytes:
    """``text`` as one byte per UTF-8 byte: ``d`` ASCII digit, ``L`` digit-letter, ``a`` other
    ASCII letter, ``-`` for "-" and ".", a space for anything else.

    Two C-speed calls; the letter-digit prefilter below then searches these bytes with a
    literal-led pattern instead of running a regex with lookbehinds over the text.
    ``count(b"d")`` is the number of ASCII digits.
    """
    return text.encode("utf-8", "surrogatepass").translate(_CLASSES)


#: A digit, then a whole run of ASCII letters that are all digit-letters (across at most one "-"
#: or "."), in :func:`_char_classes` bytes.  Searched forwards and in the reversed bytes (a run
#: *before* a digit), it is what every rewrite of :func:`_letters_to_digits` needs: a letter it
#: rewrites lies in a mixed run, a letter group or a phone-shaped group, each bounded by
#: non-letters, so the letter's whole letter run is inside it and touches a digit there.
#: Handles and emails ("bliss44", "reyes41@", "120lbs") pass :data:`_LETTER_DIGIT_NEAR` but not
#: this.  Starting with a literal byte, it skips ahead at C speed (no lookbehind at each byte).
_DIGIT_THEN_LETTERS: Final = re.compile(rb"d-?L+(?![aL])")


def _may_rewrite_letters(text: str, classes: bytes | None = None) -> bool:
    """False when :func:`_letters_to_digits` is sure to leave ``text`` as it is.

    ``classes`` is ``_char_classes(text)`` when the caller has it already.
    """
    cls = _char_classes(text) if classes is None else classes
    if COMPILED:
        return _digit_by_letters(cls)
    return (
        _DIGIT_THEN_LETTERS.search(cls) is not None
        or _DIGIT_THEN_LETTERS.search(cls[::-1]) is not None
    )


_D: Final = ord("d")
_L: Final = ord("L")
_A: Final = ord("a")
_DASH: Final = ord("-")


def _digit_by_letters(cls: bytes) -> bool:
    """``_DIGIT_THEN_LETTERS`` searched in ``cls`` and in ``cls[::-1]``, in one pass over the
    bytes (the compiled build's form; a test pins it to the two searches).  Each "d" is tried
    both ways: an optional "-", then a whole run of "L" not followed (or, backwards, preceded)
    by "a" or "L" -- the regex cannot backtrack into a shorter run, as the run's next byte is
    then "L".
    """
    n: i64 = len(cls)
    i: i64
    j: i64
    k: i64
    for i in range(n):
        if cls[i] != _D:
            continue
        j = i + 1  # forwards
        if j < n and cls[j] == _DASH:
            j += 1
        k = j
        while k < n and cls[k] == _L:
            k += 1
        if k > j and (k == n or (cls[k] != _A and cls[k] != _L)):
            return True
        j = i - 1  # backwards
        if j >= 0 and cls[j] == _DASH:
            j -= 1
        k = j
        while k >= 0 and cls[k] == _L:
            k -= 1
        if k < j and (k < 0 or (cls[k] != _A and cls[k] != _L)):
            return True
    return False


_NUMBER_AC: Final = ahocorasick.Automaton()
for _w in _NUMBER_WORDS:
    _NUMBER_AC.add_word(_w, _w)
_NUMBER_AC.make_automaton()


#: Characters that ``re.IGNORECASE`` equates with a letter of a number word although
#: ``lower()`` does not map them to it (dotless i, long s, Cyrillic Extended-C variants).
_CASE_FOLD_TRAPS: Final = re.compile("[\u0131\u017f\u1c80-\u1c88]")


def _word_key(word: str) -> str:
    """The :data:`_NUMBER_WORDS` key a case-insensitive :data:`_WORD_RE` match stands for.

    Usually ``word.lower()``; but the regex also equates letters that ``lower()`` leaves apart
    ("sıx" with a dotless i, "ſix" with a long s, "SİX"), and those must name the word too.
    """
    low = word.lower()
    if low in _NUMBER_WORDS:
        return low
    return _TRAP_KEYS.get(word) or _trap_key(word)


_TRAP_KEYS: Final[dict[str, str]] = {}


def _trap_key(word: str) -> str:
    for key in _NUMBER_WORDS:  # rare: only text with a case-fold trap gets here
        if re.fullmatch(re.escape(key), word, re.IGNORECASE):
            if len(_TRAP_KEYS) < 1000:
                _TRAP_KEYS[word] = key
            return key
    return word.lower()  # cannot happen (the regex matched one of the keys); callers skip it


def _is_letter(c: str) -> bool:
    """``re.fullmatch(r"[^\\W\\d_]", c)``: alphanumeric but not a decimal digit."""
    return c.isalpha() if c.isascii() else c.isalnum() and not c.isdecimal()


def _number_words(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, lower-case word)`` of each :data:`_WORD_RE` match in ``text``, in order.

    One Aho-Corasick pass over ``text.lower()`` (~5x faster than the case-insensitive
    alternation of 66 words); the regex's choice is reproduced exactly: whole words only,
    leftmost first, the longest word at one position.  Text where lower-casing and the regex's
    case-insensitive matching could disagree keeps the regex.
    """
    low = text.lower()
    if len(low) != len(text) or (not text.isascii() and _CASE_FOLD_TRAPS.search(text)):
        return [(m.start(), m.end(), _word_key(m.group())) for m in _WORD_RE.finditer(text)]
    n = len(text)
    found: list[tuple[int, int, str]] = []
    for last, w in _NUMBER_AC.iter(low):
        a, z = last + 1 - len(w), last + 1
        if (a and _is_letter(text[a - 1])) or (z < n and _is_letter(text[z])):
            continue
        found.append((a, -z, w))
    if len(found) > 1:
        found.sort()
    out: list[tuple[int, int, str]] = []
    pos = 0
    for a, neg_z, w in found:
        if a >= pos:
            out.append((a, -neg_z, w))
            pos = -neg_z
    return out


def digits_view(folded: Normalized) -> Normalized:
    """Number words and digit-letters become digits; used by the phone and age extractors.

    >>> digits_view(fold("three oh five, 555 o1two3")).text
    '305, 555 0123'
    """
    text = folded.text
    words = _number_words(text)
    if not words:
        return _letters_to_digits(folded)
    # pass 1: number words -> digits, gluing neighbouring numbers ("three oh five" -> "305")
    b = _MapBuilder()
    pos = 0
    kept: list[tuple[int, int, str]] = []
    for idx, (a, z, w) in enumerate(words):
        digit = _NUMBER_WORDS.get(w)
        if digit is None or (w in _WEAK_WORDS and not _near_number(text, words, idx)):
            continue
        kept.append((a, z, digit))
    for k, (a, z, digit) in enumerate(kept):
        if a > pos:
            b.linear(text[pos:a], pos)
        b.point(digit, a, z - 1)
        pos = z
        # drop the single space/hyphen that separated two spelled digits
        if k + 1 < len(kept):
            gap = text[z : kept[k + 1][0]]
            if gap in (" ", "-", " - ", ", ", "", "_", "."):
                pos = kept[k + 1][0]
    if kept and len(text) > pos:
        b.linear(text[pos:], pos)
    step1 = b.build(folded.original, folded) if kept else folded
    return _letters_to_digits(step1)


def _near_number(text: str, words: list[tuple[int, int, str]], idx: int) -> bool:
    """A weak number word counts when another number (word or digit) is within 3 chars."""
    start, end, _w = words[idx]
    before = text[max(0, start - 3) : start]
    after = text[end : end + 3]
    if any(c.isdigit() for c in before + after):
        return True
    for j in (idx - 1, idx + 1):
        if 0 <= j < len(words):
            o_start, o_end, o_word = words[j]
            gap = start - o_end if j < idx else o_start - end
            if 0 <= gap <= 3 and o_word not in _WEAK_WORDS:
                return True
    return False


#: A group made only of digit-letters counts when a dash or dot ties it to a digit group
#: ("2l2-S55-OlOO"); a space is not enough ("Oil 2020" stays words).
_LETTER_GROUP: Final = re.compile(
    rf"(?<=[0-9][-.])[{_LD_CLASS}]{{2,}}(?![A-Za-z0-9])"
    rf"|(?<![A-Za-z0-9])[{_LD_CLASS}]{{2,}}(?=[-.][0-9])"
)


#: A phone-shaped sequence of 2-4 character groups where every group has a real digit
#: ("2OZ S5s O146"): the letters in it are digits even when a group has only one real digit.
_PHONE_GROUP: Final = rf"[0-9{_LD_CLASS}]{{2,4}}"
_PHONE_SHAPE: Final = re.compile(
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
    if not _may_rewrite_letters(norm.text):
        return norm
    return _rewrite_letters(norm)


def _rewrite_letters(norm: Normalized) -> Normalized:
    """:func:`_letters_to_digits` without its prefilter (tests pin the two together)."""
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
    return norm._with_text("".join(chars))


# --------------------------------------------------------------------------- views


#: ``str.isalnum`` of the code points below :data:`_ALNUM_LOW_END` (Latin, Greek, Cyrillic):
#: the compiled word scans (catalog keys, place names) ask Python only beyond it
_ALNUM_LOW_END: Final = 0x530
_ALNUM_LOW: Final = bytes(chr(c).isalnum() for c in range(_ALNUM_LOW_END))


def _word_hash(word: str, mask: int) -> int:
    """The hash the compiled word scans compute of a word as they read it, kept below ``mask``
    (``h = h * 31 + code point``, masked at each step)."""
    h = ord(word[0]) & mask
    for ch in word[1:]:
        h = (h * 31 + ord(ch)) & mask
    return h


def lower_one_to_one(text: str) -> str:
    """``text.lower()`` with one output character per input character, so offsets carry over:
    a character whose lower case is longer ("İ") stays as it is.

    >>> lower_one_to_one("İstanbul GIRL")
    'İstanbul girl'
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class Views:
    """The lazily built views of one field's text; see the module docstring.

    Each view is computed on first use and kept (plain attributes and properties, no
    descriptor tricks, so the module also compiles with mypyc).
    """

    __slots__ = ("original", "_folded", "_keys", "_digits", "_lower", "_full_lower")

    def __init__(self, original: str) -> None:
        self.original = original
        self._folded: Normalized | None = None
        self._keys: Normalized | None = None
        self._digits: Normalized | None = None
        self._lower: str | None = None
        self._full_lower: str | None = None

    @property
    def folded(self) -> Normalized:
        view = self._folded
        if view is None:
            view = self._folded = fold(self.original)
        return view

    @property
    def keys(self) -> Normalized:
        view = self._keys
        if view is None:
            view = self._keys = keys_view(self.folded, self.full_lower)
        return view

    @property
    def full_lower(self) -> str:
        """``folded.text.lower()``, which a few characters make longer than the folded text."""
        low = self._full_lower
        if low is None:
            low = self._full_lower = self.folded.text.lower()
        return low

    @property
    def lower(self) -> str:
        """The folded text lower-cased one character per character (shared by extractors)."""
        low = self._lower
        if low is None:
            text = self.folded.text
            full = self.full_lower
            low = full if len(full) == len(text) else lower_one_to_one(text)
            self._lower = low
        return low

    @property
    def digits(self) -> Normalized:
        view = self._digits
        if view is None:
            view = self._digits = digits_view(self.folded)
        return view

    def span(self, view: Normalized, start: int, end: int, field: str) -> tuple[int, int, str]:
        """Original ``(start, end, text)`` of ``view.text[start:end]``."""
        a, b = view.original_span(start, end)
        return a, b, self.original[a:b]

