"""Phone numbers: cheap candidate runs over the digits view, validated with ``phonenumbers``.

``phonenumbers.PhoneNumberMatcher`` is accurate but slow (~1,800 ads/s), so this module finds
candidates with one regex over :attr:`Views.digits` (number words, letters-for-digits, emoji and
fullwidth digits already folded to ASCII), splits each run of digits and separators into chunks,
and validates only plausible digit strings with ``phonenumbers.parse`` + ``is_valid_number``.
The rules that keep prices, times, dates and glued words out follow PhoneNumberMatcher at
leniency ``VALID`` (the conformance vectors in ``shared/eval-vectors/libphonenumber.jsonl``):

* a chunk touching a Latin letter (``abc415-666-7777``), a currency sign (``$300``) or a
  per-cent sign, or that is half of a time (``10:30``), is not part of a number; contact words
  glued to a number ("call3055550123") and extensions ("x123", "ext. 5") are allowed;
* ``xx`` next to a run marks a masked number, which is not reported;
* brackets must pair up, without nesting, at most three pairs; slash dates are skipped;
* a long run is split only at chunk boundaries, longest valid piece first; leading junk is
  skipped only when it cannot be a prefix of the number (it starts with 1-9, no ``+``), or at
  a strong boundary (`` - ``, ``/``, ``. ``, ``(`` ...).

>>> from redflags.extract import Context
>>> from redflags.normalize import Views
>>> [(e.value, e.span.text, e.disguised) for e in extract(
...     Views("call 3O5 five5five 0123 now"), "body", Context("US")) if e.span]
[('+13055550123', '3O5 five5five 0123', True)]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Final

import ahocorasick
import phonenumbers
from phonenumbers import (
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberDesc,
    PhoneNumberFormat,
    phonenumbermatcher,
)
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from redflags.extract import Context, span_of
from redflags.model import Entity
from redflags.normalize import (  # kept in sync with digits_view's own tables
    _LETTER_DIGIT_NEAR,
    _LETTER_DIGITS,
    _NUMBER_WORDS,
    Normalized,
    Views,
    _char_classes,
    _may_rewrite_letters,
)

__all__ = ["extract"]

# --------------------------------------------------------------------------- prefilter

_ALL_WORDS: Final[tuple[str, ...]] = tuple(_NUMBER_WORDS)
#: misspellings with digits inside ("zer0", "f1ve") are not plain letter tokens
_DIGIT_WORDS: Final = frozenset(w for w in _NUMBER_WORDS if any(c.isdigit() for c in w))
_DIGIT: Final = re.compile(r"[0-9]")
_NO_WORDS: Final[frozenset[str]] = frozenset()
#: a digit with a digit-letter right before or after it, optionally across "-" or "."; the
#: prefilter now asks :func:`~redflags.normalize._may_rewrite_letters`, a narrowing of it
_LETTER_DIGIT: Final = _LETTER_DIGIT_NEAR

#: every number word, as a substring anywhere (one C-speed pass instead of ~100 ``in`` tests)
_WORDS_AC: Final = ahocorasick.Automaton()
for _w in _ALL_WORDS:
    _WORDS_AC.add_word(_w, _w)
_WORDS_AC.make_automaton()


def _view(v: Views) -> Normalized | None:
    """The view to scan: ``v.digits`` only when number words or letter-digits may matter.

    ``digits_view`` is the costliest view (a number-word pass and letter-digit rewrites), so
    it is built only when the folded text could hold a phone that it alone would not show.
    """
    folded = v.folded
    t = folded.text
    classes = _char_classes(t)
    n_digits = classes.count(b"d")
    if n_digits and _may_rewrite_letters(t, classes):  # (a narrowing of _LETTER_DIGIT)
        return v.digits
    tl = v.full_lower
    # every occurrence of a number word in tl, as a substring (like ``w in tl`` / ``find``)
    occurrences = list(_WORDS_AC.iter(tl)) if tl else []
    present = {w for _end, w in occurrences} if occurrences else _NO_WORDS
    if n_digits == 0:
        # only number words, and digit-letters beside them, can spell a phone
        words = sum(tl.count(w) for w in present)  # an upper bound of how many there are
        if words == 0:
            return None
        if words < 4 and not _letters_beside_words(t, tl, occurrences):
            return None
        return v.digits
    if present:
        if len(tl) != len(t) or not _DIGIT_WORDS.isdisjoint(present):
            return v.digits
        if _words_near_numbers(t, tl, occurrences):
            return v.digits
    if n_digits < _MIN_DIGITS:
        return None
    return folded


#: A number word farther than this from any digit or other number word cannot join a run of
#: seven or more digits (runs allow at most 5 separator characters between digits).
_NEAR: Final = 6


def _letters_beside_words(t: str, tl: str, occurrences: Iterable[tuple[int, str]]) -> bool:
    """Whether, in a text with no ASCII digit, a whole run of digit-letters sits beside a number
    word across one "-" or "." ("seven-OlSSSSSSS").

    The digits view reads letters as digits only beside a digit that way (see
    ``normalize._DIGIT_THEN_LETTERS``), and here every digit comes from a number word, so
    without this a few number words stay a few digits, too few for a phone.
    ``occurrences`` are ``(last index, word)`` of every number word in ``tl``.
    """
    n = len(t)
    if len(tl) != n:
        return True  # offsets in tl are not those of t: do not guess
    for last, w in occurrences:
        e = last + 1
        s = e - len(w)
        if e + 1 < n and t[e] in "-.":  # forwards: word, "-" or ".", letters
            k = e + 1
            while k < n and t[k] in _LETTER_DIGITS:
                k += 1
            if k > e + 1 and (k == n or not (t[k].isascii() and t[k].isalpha())):
                return True
        if s >= 2 and t[s - 1] in "-.":  # backwards: letters, "-" or ".", word
            k = s - 2
            while k >= 0 and t[k] in _LETTER_DIGITS:
                k -= 1
            if k < s - 2 and (k < 0 or not (t[k].isascii() and t[k].isalpha())):
                return True
    return False


def _words_near_numbers(t: str, tl: str, occurrences: Iterable[tuple[int, str]]) -> bool:
    """Whether some number word sits next to a digit or another number word.

    An isolated "one" ("the one you want") becomes an isolated "1" in the digits view and
    cannot be part of a phone, so the (costly) digits view is not needed for it.
    ``occurrences`` are ``(last index, word)`` of every number word in ``tl``.
    """
    occ: list[tuple[int, int]] = []
    n = len(tl)
    for last, w in occurrences:
        e = last + 1
        k = e - len(w)
        if (k == 0 or not tl[k - 1].isalpha()) and (e == n or not tl[e].isalpha()):
            if _DIGIT.search(t, max(0, k - _NEAR), e + _NEAR):
                return True
            occ.append((k, e))
    occ.sort()
    return any(b[0] - a[1] <= _NEAR for a, b in zip(occ, occ[1:], strict=False))


# --------------------------------------------------------------------------- candidates

#: Separators allowed between the digits of one number: ordinary punctuation, the ones posters
#: use to break scrapers (``* _ | ~ ·``), wide dashes and emoji residue.
_SEP: Final = r" .\-()/*_|~·•\u2010-\u2015\u2212\u2190-\u2bff\U0001f000-\U0001faff"
#: A run of digits and separators.  The lookahead skips, at C speed, runs too short to matter:
#: a run spanning 7 (``_MIN_DIGITS``) or more characters starts with 7 digits or separators; a
#: shorter run that fails it is matched from a later digit instead, as a suffix just as short.
_RUN: Final = re.compile(rf"[0-9](?=[{_SEP}0-9]{{6}})(?:[{_SEP}]{{0,5}}[0-9])*")
_GROUP: Final = re.compile(r"[0-9]+")
_TIGHT: Final = "-.~()"
#: digit groups joined by tight separators; in a run, at most 5 separators sit between digits
_CHUNK: Final = re.compile(rf"[0-9]+(?:[{re.escape(_TIGHT)}]+[0-9]+)*")
_DROP_TIGHT: Final = str.maketrans("", "", _TIGHT)
_LEAD: Final = re.compile(r"[+(](?: ?[+(])* ?$")
_WORD_BEFORE: Final = re.compile(r"[A-Za-z]+$")
_WORD_AFTER: Final = re.compile(r"[A-Za-z]+")
_EXTENSION: Final = re.compile(r"(?i)(?:x|ext|extn|extension|int|anexo)\.?\s?:?\s?[0-9]")
#: words a number may be glued to ("call3055550123", "3055550123text")
_GLUE_BEFORE: Final = tuple(
    "call text txt tel phone cell mobile mob num number ph whatsapp wa hmu llama llamar llame "
    "movil me at".split()
)
_GLUE_AFTER: Final = frozenset({"call", "text", "txt", "only", "anytime", "ask", "hmu"})
_SLASH_DATE: Final = re.compile(
    r"(?<![0-9])(?:[0-3]?[0-9]/[01]?[0-9]|[01]?[0-9]/[0-3]?[0-9])/(?:[12][0-9])?[0-9]{2}"
    r"(?![0-9])|(?<![0-9])[0-3]?[0-9]\.[01]?[0-9]\.(?:19|20)[0-9]{2}(?![0-9])"
)
#: a run right after these words is a reference number, not a phone ("order #12345678901")
_REFERENCE: Final = re.compile(
    r"(?i)(?<![a-z])(?:order|invoice|tracking|ticket|receipt|confirmation|ref|reference|isbn|sku)"
    r"\s?(?:#|no\.?|num(?:ber)?|id)?\s?[:#]?\s?$"
)
#: the letters of :data:`_REFERENCE`'s words, as ``str.lower`` leaves them ...
_REFERENCE_WORDS: Final = tuple(
    "order invoice tracking ticket receipt confirmation ref isbn sku".split()
)
#: ... and the characters its case-insensitive match equates with one of those letters though
#: ``lower()`` does not turn them into it (dotted and dotless i, long s)
_REFERENCE_TRAPS: Final = re.compile("[\u0130\u0131\u017f]")


def _may_be_reference(window: str) -> bool:
    """False when :data:`_REFERENCE` cannot match in ``window`` (no reference word in it).

    Eight ``in`` tests on a short string cost half of the regex search they usually spare.
    """
    low = window.lower()
    return any(map(low.__contains__, _REFERENCE_WORDS)) or (
        not window.isascii() and _REFERENCE_TRAPS.search(window) is not None
    )


_MIN_DIGITS: Final = 7
_MAX_DIGITS: Final = 17


class _Chunk:
    """Digit groups joined by tight separators ("415-666-7777", "(0)30")."""

    __slots__ = ("start", "end", "digits")

    def __init__(self, start: int, end: int, digits: str) -> None:
        self.start = start
        self.end = end
        self.digits = digits


def _chunks(text: str, a: int, z: int) -> tuple[list[_Chunk], int]:
    """The chunks of the run ``text[a:z]`` (one :data:`_CHUNK` match each), and their digits."""
    out: list[_Chunk] = []
    n_digits = 0
    for m in _CHUNK.finditer(text, a, z):
        g = m.group()
        if not g.isdigit():
            g = g.translate(_DROP_TIGHT)
        n_digits += len(g)
        out.append(_Chunk(m.start(), m.end(), g))
    return out, n_digits


def _strong_after(text: str, chunks: list[_Chunk], i: int) -> bool:
    """Whether more than spaces and ")" separate chunk ``i`` from the next one (the last: no).

    Asked only when no valid number starts at chunk ``i`` (the rare path), so not precomputed.
    """
    if i + 1 >= len(chunks):
        return False
    return text[chunks[i].end : chunks[i + 1].start].strip(" )") != ""


def _is_currency(c: str) -> bool:
    return c == "$" or (not c.isascii() and unicodedata.category(c) == "Sc")


def _brackets_ok(s: str) -> bool:
    depth = pairs = 0
    for c in s:
        if c == "(":
            depth += 1
            pairs += 1
            if depth > 1 or pairs > 3:
                return False
        elif c == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


# --------------------------------------------------------------------------- validation

_NANPA: Final = frozenset(phonenumbers.phonenumberutil._NANPA_REGIONS)
_REGIONS: Final = frozenset(phonenumbers.SUPPORTED_REGIONS)
_ALIASES: Final = {"UK": "GB"}
_national_prefix_ok: Callable[[PhoneNumber], bool] = getattr(
    phonenumbermatcher, "_is_national_prefix_present_if_required", lambda n: True
)


def _valid(n: PhoneNumber, region: str | None) -> bool:
    if region is not None and phonenumbers.is_valid_number_for_region(n, region):
        return True
    return phonenumbers.is_valid_number(n)


@lru_cache(maxsize=16384)
def _validate(digits: str, plus: bool, region: str | None) -> PhoneNumber | None:
    """The valid number ``digits`` stands for (``+`` if written), read in ``region``."""
    try:
        if plus:
            if len(digits) == 11 and digits[0] == "1" and digits[1] not in "01":
                # "+1" and ten digits: what parse() returns (no national prefix to strip)
                n = PhoneNumber(country_code=1, national_number=int(digits[1:]))
            else:
                n = phonenumbers.parse("+" + digits, None)
            return n if phonenumbers.is_valid_number(n) else None
        if region is None:
            return None
        if region in _NANPA and not digits.startswith("011"):
            d = digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
            if len(d) != 10 or d[0] in "01" or d[3] in "01":
                return None
            return _valid_nanp(d, region)
        n = phonenumbers.parse(digits, region, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return None
    if not _valid(n, region) or not _national_prefix_ok(n):
        return None
    return n


@lru_cache(maxsize=16384)
def _valid_nanp(d: str, region: str) -> PhoneNumber | None:
    """The NANP number with national number ``d``, if valid (shared by "1-305..." and "305...")."""
    n = PhoneNumber(country_code=1, national_number=int(d))
    return n if _valid(n, region) else None


#: The descriptions :func:`phonenumbers.phonenumberutil._number_type_helper` tries after the
#: general one; any match makes a number valid ("mobile" only when its pattern differs).
_TYPE_DESCS: Final = (
    "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
    "voicemail", "fixed_line",
)


def _ten_digit_check(region: str) -> re.Pattern[str] | None:
    """One regex that matches a ten-digit national number exactly when ``phonenumbers`` finds
    it valid in ``region`` (``_number_type_helper`` is not UNKNOWN), None if none can be.

    Built from the region's own metadata: the general description must fully match, then any
    type description whose possible lengths admit ten digits.
    """
    meta = PhoneMetadata.metadata_for_region(region, None)
    assert meta is not None  # a NANP region

    def pattern(desc: PhoneNumberDesc | None) -> str | None:
        if desc is None or not desc.national_number_pattern:
            return None
        if desc.possible_length and 10 not in desc.possible_length:
            return None
        return f"(?:{desc.national_number_pattern})"

    general = pattern(meta.general_desc)
    names = list(_TYPE_DESCS) + ([] if meta.same_mobile_and_fixed_line_pattern else ["mobile"])
    types = [p for p in map(pattern, (getattr(meta, a) for a in names)) if p is not None]
    if general is None or not types:
        return None
    return re.compile(rf"(?=[0-9]{{10}}\Z)(?={general}\Z)(?:{'|'.join(types)})\Z")


#: the NANP regions in the order in which ``phonenumbers.region_code_for_number`` tries them
_NANP_ORDER: Final[tuple[str, ...]] = tuple(COUNTRY_CODE_TO_REGION_CODE[1])
#: per region, built on first use (as ``phonenumbers`` loads and compiles its own metadata):
#: a startup that compiled them all would cost more than validating thousands of numbers
_CHECKS: Final[dict[str, re.Pattern[str] | None]] = {}
_LEADING: Final[dict[str, re.Pattern[str] | None]] = {}


def _check(region: str) -> re.Pattern[str] | None:
    """:func:`_ten_digit_check` of ``region``, compiled once."""
    if region not in _CHECKS:
        _CHECKS[region] = _ten_digit_check(region)
    return _CHECKS[region]


def _leading(region: str) -> re.Pattern[str] | None:
    """The compiled leading-digits pattern of a NANP region (None for the US and Canada)."""
    if region not in _LEADING:
        meta = PhoneMetadata.metadata_for_region(region, None)
        assert meta is not None
        ld = meta.leading_digits
        _LEADING[region] = re.compile(ld) if ld is not None else None
    return _LEADING[region]


def _nanp_valid(d: str, region: str | None) -> bool:
    """``_valid(PhoneNumber(country_code=1, national_number=int(d)), region)`` for a ten-digit
    ``d`` not starting with 0 (its national significant number is ``d`` itself) and a NANP
    ``region`` or None.

    ``phonenumbers`` validates such a number in interpreted Python (tens of regex calls for
    the region lookup of ``is_valid_number``, each through its lookup layers); this is the same
    decision from the same metadata patterns, with one regex per region tried.  Tests pin it
    to ``phonenumbers``.
    """
    if region is not None:
        check = _check(region)
        if check is not None and check.match(d) is not None:
            return True
    # is_valid_number: the region is the first whose leading digits match, or else the first
    # without leading digits under which the number is valid
    for r in _NANP_ORDER:
        leading = _leading(r)
        if leading is None:
            check = _check(r)
            if check is not None and check.match(d) is not None:
                return True
        elif leading.match(d) is not None:
            check = _check(r)
            return check is not None and check.match(d) is not None
    return False


@lru_cache(maxsize=16384)
def _valid_e164(digits: str, plus: bool, region: str | None) -> str | None:
    """E.164 of :func:`_validate`'s number (formatting costs as much as validating: cache both).

    NANP numbers ("+1" and ten digits, or ten digits read in a NANP region) are decided by
    :func:`_nanp_valid` without building a ``PhoneNumber``; their E.164 is "+1" and the ten
    digits.  :func:`_validate` stays the plain form (tests pin the two together).
    """
    if plus:
        if len(digits) == 11 and digits[0] == "1" and digits[1] not in "01":
            return "+" + digits if _nanp_valid(digits[1:], None) else None
    elif region is None:
        return None
    elif region in _NANPA and not digits.startswith("011"):
        d = digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
        if len(d) != 10 or d[0] in "01" or d[3] in "01":
            return None
        return "+1" + d if _nanp_valid(d, region) else None
    n = _validate(digits, plus, region)
    if n is None:
        return None
    if n.national_number and not n.italian_leading_zero:
        # what format_number(n, E164) returns for such numbers, without its metadata lookups
        return f"+{n.country_code}{n.national_number}"
    return phonenumbers.format_number(n, PhoneNumberFormat.E164)


# --------------------------------------------------------------------------- disguise

_PLAIN: Final = frozenset("0123456789 -.()+")


@lru_cache(maxsize=4096)
def _standard_groupings(e164: str) -> tuple[tuple[str, frozenset[int]], ...]:
    """(digits, group boundaries counted from the end) of the national and international forms."""
    n = phonenumbers.parse(e164, None)
    out = []
    for fmt in (PhoneNumberFormat.NATIONAL, PhoneNumberFormat.INTERNATIONAL):
        groups = _GROUP.findall(phonenumbers.format_number(n, fmt))
        digits = "".join(groups)
        out.append((digits, _boundaries(groups)))
    return tuple(out)


def _boundaries(groups: list[str]) -> frozenset[int]:
    total = sum(map(len, groups))
    cuts: set[int] = set()
    acc = 0
    for g in groups[:-1]:
        acc += len(g)
        cuts.add(total - acc)
    return frozenset(cuts)


@lru_cache(maxsize=16384)  # pure; the same number is posted the same way again and again
def _disguised(posted: str, e164: str) -> bool:
    """Whether the posted number would escape a plain scraper.

    Plain means ASCII digits with the ordinary separators `` -.()+`` grouped the way the
    number is usually written (a coarsening of its national or international format, so
    "(305) 555-0123", "305.555.0123", "3055550123" and "+1 305 555 0123" are plain).  Words,
    letters, emoji keycaps, fullwidth or other look-alike digits, ``* | _ /``, line breaks,
    double spaces and single digits spaced apart ("3 0 5 ...") are disguises.
    """
    if not _PLAIN.issuperset(posted) or "  " in posted:
        return True
    groups = _GROUP.findall(posted.replace("(0)", "", 1) if posted.count("(") == 1 else posted)
    if len(groups) <= 1:
        return False
    if 1 in map(len, groups[1:]):
        return True
    cuts = _boundaries(groups)
    digits = "".join(groups)
    if e164.startswith("+1") and len(e164) == 12:  # NANP: 1 305 555 0123, 305-5550123 ...
        return not cuts <= {4, 7, 10}
    if len(groups) <= 3 and all(len(g) >= 3 for g in groups[1:]):
        return False  # colloquial groupings such as London's "0207 946 0123" hide nothing
    for fdigits, fcuts in _standard_groupings(e164):
        if digits.endswith(fdigits) or fdigits.endswith(digits):
            if cuts <= fcuts | {len(fdigits)}:
                return False
    return True


# --------------------------------------------------------------------------- extract


def extract(v: Views, field: str, ctx: Context) -> list[Entity]:
    """Valid phone numbers in one field, in E.164, with their original spans."""
    view = _view(v)
    if view is None:
        return []
    return _extract_from(v, view, field, ctx)


@lru_cache(maxsize=256)
def _region(country: str | None) -> str | None:
    """The ``phonenumbers`` region of a context's country ("UK" is "GB"), None if unknown."""
    code = (country or "").upper()
    region = _ALIASES.get(code, code)
    return region if region in _REGIONS else None


def _extract_from(v: Views, view: Normalized, field: str, ctx: Context) -> list[Entity]:
    """:func:`extract` on ``view`` (``v.folded`` or ``v.digits``, as :func:`_view` chose)."""
    region = _region(ctx.country)
    text = view.text if view is v.folded else _unpunct(view)
    out: list[Entity] = []
    masked = "xx" in text.lower()  # only "X" and "x" lower-case to "x"
    for run in _RUN.finditer(text):
        a, z = run.span()
        if z - a < _MIN_DIGITS:
            continue
        chunks, n_digits = _chunks(text, a, z)
        if n_digits < _MIN_DIGITS:
            continue
        _scan_run(v, view, text, field, region, chunks, a, z, masked, out)
    return out


def _unpunct(view: Normalized) -> str:
    """``view.text`` with "!" and "|" read as "1" only between real digits.

    Works around ``digits_view`` turning the "!" after "305-555-0123!" into a digit and "|"
    separators ("305|555|0123") into ones.
    """
    text = view.text
    orig = view.original
    if "!" not in orig and "|" not in orig:
        return text
    marks: list[int] = []
    k = text.find("1")
    while k >= 0:  # only the "1"s can be a folded "!" or "|"
        if view.original_text(k, k + 1) in ("!", "|"):
            marks.append(k)
        k = text.find("1", k + 1)
    if not marks:
        return text
    fake = set(marks)
    chars = list(text)

    def real_digit(k: int) -> bool:
        return 0 <= k < len(text) and text[k].isdigit() and k not in fake

    for k in marks:
        o = view.original_text(k, k + 1)
        if o == "|" or not (real_digit(k - 1) and real_digit(k + 1)):
            chars[k] = o
    return "".join(chars)


def _scan_run(
    v: Views,
    view: Normalized,
    text: str,
    field: str,
    region: str | None,
    chunks: list[_Chunk],
    a: int,
    z: int,
    masked: bool,
    out: list[Entity],
) -> None:
    """Report the valid numbers in the run ``text[a:z]``, whose chunks are ``chunks``.

    ``masked`` is false when no "xx" occurs in the field at all (the usual case), so the two
    masking checks can be skipped.
    """
    # ---- left context: lead "+" / "(", glued letters, currency, time, masking
    # a lead ends with "+", "(" or " " right before the run (a cheap test for the usual no)
    lead = _LEAD.search(text, max(0, a - 6), a) if a and text[a - 1] in " +(" else None
    lead_start = lead.start() if lead else a
    plus = lead is not None and "+" in lead.group()
    first = 0
    before = text[lead_start - 1] if lead_start > 0 else ""
    if before:
        if lead is None and before.isascii() and before.isalpha():
            word = _WORD_BEFORE.search(text, max(0, a - 12), a)
            if word is None or not word.group().lower().endswith(_GLUE_BEFORE):
                first = 1
        elif _is_currency(before) or (
            before == " " and lead_start > 1 and _is_currency(text[lead_start - 2])
        ):
            first = 1
        elif before == ":" and lead_start > 1 and text[lead_start - 2].isdigit():
            first = 1
    if masked and text[max(0, lead_start - 8) : lead_start].rstrip(" ().-").lower().endswith("xx"):
        return
    ref = max(0, lead_start - 24)
    if lead_start > 0 and _may_be_reference(text[ref:lead_start]):
        if _REFERENCE.search(text, ref, lead_start):
            first = max(first, 1)
    # ---- right context
    last = len(chunks) - 1
    after = text[z] if z < len(text) else ""
    if after:
        if after.isascii() and after.isalpha():
            if not _EXTENSION.match(text, z):
                word = _WORD_AFTER.match(text, z)
                if word is None or word.group().lower() not in _GLUE_AFTER:
                    last -= 1
        elif after == "%" or _is_currency(after):
            last -= 1
        elif after == " " and z + 1 < len(text) and _is_currency(text[z + 1]):
            if z + 2 >= len(text) or not text[z + 2].isdigit():
                last -= 1
        elif after == ":" and z + 1 < len(text) and text[z + 1].isdigit():
            last -= 1
    if masked and text[z : z + 8].lstrip(" ().-").lower().startswith("xx"):
        return
    # ---- longest valid piece first, left to right
    i = first
    while i <= last:
        found = None
        start_plus = plus and i == 0
        for j in range(last, i - 1, -1):
            digits = "".join(c.digits for c in chunks[i : j + 1])
            if len(digits) < _MIN_DIGITS:
                break
            if len(digits) > _MAX_DIGITS:
                continue
            s = lead_start if i == 0 else chunks[i].start
            if i > 0 and s > 0 and text[s - 1] == "(":
                s -= 1
            e = chunks[j].end
            piece = text[s:e]
            if "(" in piece or ")" in piece:
                if not _brackets_ok(piece):
                    if piece[0] != "(" or not _brackets_ok(piece[1:]):
                        continue
                    s += 1
                    piece = piece[1:]
            if "/" in piece or "." in piece:
                if _SLASH_DATE.search(piece):
                    continue
            e164 = _valid_e164(digits, start_plus, region)
            if e164 is not None:
                found = (j, s, e, e164)
                break
        if found is None:
            if chunks[i].digits[0] != "0" and not start_plus:
                i += 1
                continue
            # a leading 0 or "+" belongs to the number: skip to the next strong boundary
            while i <= last and not _strong_after(text, chunks, i):
                i += 1
            i += 1
            continue
        j, s, e, e164 = found
        span = span_of(v, view, s, e, field)
        out.append(
            Entity(
                kind="phone",
                value=e164,
                data=e164,
                span=span,
                disguised=_disguised(span.text, e164),
            )
        )
        i = j + 1
