"""Places: the ad's own location fields, and city names found in its text.

:func:`from_fields` turns the ad's ``city``/``region``/``country`` fields into one place entity
(no span).  :func:`extract` finds cities of the built-in gazetteer (:mod:`places_data`: ~170 US
cities, ~30 UK, ~20 Canadian, ~25 Spanish/Latin American, a few Russian with their case forms)
in the text, in one Aho-Corasick pass over the lower-cased folded text, then checks each hit:

* whole words only ("Salem" is not found in "Jerusalem");
* names that are ordinary words or first names ("Mobile", "Buffalo", "Reading", "Bath",
  "Charlotte", "Austin", "Phoenix" ...) must be capitalised, and the ambiguous ones also need
  context: a preposition before ("in", "near", "from", "visiting", "en", "в" ...), a state,
  province or country after ("Mobile, AL"), or "area"/"metro"/"county" after;
* case-sensitive aliases ("LA", "ATL", "SF", "STL", "DC") must be written exactly so, not in a
  state-code position ("Baton Rouge, LA" is Louisiana) and not inside all-caps shouting ("LA
  MEJOR") unless there is context; other aliases ("NYC", "Vegas", "Philly", "NOLA", "CDMX",
  "Питер", "мск") match in any case.

A state/province code or name after the city ("Miami, FL", "Portland ME", "London, Ontario")
chooses among same-named cities and is part of the span; otherwise the ad's country
(``ctx.country``) and region decide, then the table order.  ``value`` is
``"city|region|country"`` lower-cased; ``data`` is ``{"city", "region", "country"}``.

>>> from redflags.normalize import Views
>>> from redflags.extract import Context
>>> [(e.value, e.span.text) for e in extract(Views("New in Miami, FL!"), "body", Context())]
[('miami|fl|us', 'Miami, FL')]
>>> from_fields("miami", "florida", "USA").data
{'city': 'Miami', 'region': 'FL', 'country': 'US'}
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Final, NamedTuple

import ahocorasick

from redflags.extract import Context, span_of
from redflags.extract.places_data import (
    CITY_TABLE,
    COUNTRY_NAMES,
    DISPLAY,
    PROVINCES,
    US_STATES,
)
from redflags.model import Entity, Span
from redflags.normalize import _ALNUM_LOW, _ALNUM_LOW_END, COMPILED, Views, _word_hash, fold

if TYPE_CHECKING:  # native 64-bit ints in the compiled loops; plain ints from Python
    from mypy_extensions import i64

__all__ = ["extract", "from_fields", "lookup"]


class Place(NamedTuple):
    city: str
    region: str | None
    country: str | None


class _Key(NamedTuple):
    places: tuple[Place, ...]
    flag: str  # "" any case | "u" capitalised | "c" capitalised and with context
    exact: str | None  # the one spelling a case-sensitive alias must have


_FLAG_RANK: Final = {"": 0, "u": 1, "c": 2}


def _display(name: str) -> str:
    return DISPLAY.get(name) or " ".join(
        w if w in ("de", "la", "upon", "on") else w[:1].upper() + w[1:] for w in name.split(" ")
    )


def _load() -> dict[str, _Key]:
    keys: dict[str, _Key] = {}

    def add(key: str, place: Place, flag: str, exact: str | None) -> None:
        old = keys.get(key)
        if old is None:
            keys[key] = _Key((place,), flag, exact)
            return
        places = old.places if place in old.places else (*old.places, place)
        stricter = flag if _FLAG_RANK[flag] > _FLAG_RANK[old.flag] else old.flag
        keys[key] = _Key(places, stricter, old.exact or exact)

    for line in CITY_TABLE.strip().splitlines():
        name, region, country, flag, aliases = line.split("|")
        place = Place(_display(name), region or None, country)
        add(name, place, flag, None)
        for alias in filter(None, aliases.split(";")):
            alias, _, aflag = alias.partition("!")
            if alias.startswith("="):
                add(alias[1:].lower(), place, aflag, alias[1:])
            else:
                add(alias, place, aflag, None)
    return keys


_KEYS: Final = _load()
_AC: Final = ahocorasick.Automaton()
for _k in _KEYS:
    _AC.add_word(_k, _k)
_AC.make_automaton()


# ------------------------------------------------- which part of a text the automaton must read
#: whether the keys use the code points below :data:`_LOW_END` (as ``normalize._ALNUM_LOW``
#: says which are alphanumeric), so the compiled scan asks Python only about those beyond
_LOW_END: Final = _ALNUM_LOW_END
_KEY_CHARS: Final = frozenset(ch for k in _KEYS for ch in k)
_KEY_CHAR_LOW: Final = bytes(chr(c) in _KEY_CHARS for c in range(_LOW_END))
#: every key begins with a letter or digit (else :func:`_reading_range` is the whole text)
_WORD_KEYS: Final = all(k[0].isalnum() for k in _KEYS)
_HASH_MASK: Final = 1023


class _FirstWord:
    """The keys that begin with the word ``word``."""

    def __init__(self, word: str) -> None:
        self.word = word
        self.size = len(word)
        self.keys: list[str] = []


def _first_words() -> list[list[_FirstWord] | None]:
    table: list[list[_FirstWord] | None] = [None] * (_HASH_MASK + 1)
    firsts: dict[str, _FirstWord] = {}
    for key in _KEYS:
        if not key[0].isalnum():
            continue
        j = 1
        while j < len(key) and key[j].isalnum():
            j += 1
        word = key[:j]
        first = firsts.get(word)
        if first is None:
            first = firsts[word] = _FirstWord(word)
            bucket = table[_word_hash(word, _HASH_MASK)]
            if bucket is None:
                bucket = table[_word_hash(word, _HASH_MASK)] = []
            bucket.append(first)
        first.keys.append(key)
    return table


_BY_FIRST: Final = _first_words()


def _is_alnum(text: str, i: int, c: int) -> bool:
    """``text[i].isalnum()``, where ``c`` is ``ord(text[i])``."""
    return bool(_ALNUM_LOW[c]) if c < _LOW_END else text[i].isalnum()


def _is_key_char(text: str, i: int, c: int) -> bool:
    """``text[i]`` is a character of some key, where ``c`` is ``ord(text[i])``."""
    return bool(_KEY_CHAR_LOW[c]) if c < _LOW_END else text[i] in _KEY_CHARS


def _equal_at(text: str, s: int, key: str, k: int) -> bool:
    """``text[s:s + len(key)] == key``, given the first ``k`` characters are equal and the text
    is long enough; compares code points (compiled, cheaper than a slice and a compare)."""
    while k < len(key):
        if ord(text[s + k]) != ord(key[k]):
            return False
        k += 1
    return True


def _keys_at(low: str, s: int, i: int, bucket: list[_FirstWord]) -> int:
    """The end of the longest key written as whole words at ``s``, where the text's word is
    ``low[s:i]`` (``bucket``: the first words with its hash); -1 if none is."""
    n = len(low)
    end = -1
    for first in bucket:
        if first.size != i - s or not _equal_at(low, s, first.word, 0):
            continue
        for key in first.keys:
            e = s + len(key)
            if (
                e <= n
                and (e == i or _equal_at(low, s, key, first.size))
                and (e == n or not _is_alnum(low, e, ord(low[e])))
            ):
                end = max(end, e)
    return end


def _reading_range(low: str) -> tuple[int, int]:
    """``(a, b)``: :func:`extract` finds the same places reading only ``low[a:b]`` with the
    automaton (``a == b``: none at all).  Compiled, one pass over the code points here costs
    less than the automaton's walk over the whole text.

    A place needs a key written as whole words ("whole": no letter or digit either side), and
    a key that begins with a letter or digit can only begin where a word of the text is its
    first word.  The scan hashes each word as it goes and compares only the words whose hash
    and length are those of a first word, then their keys.  ``a`` and ``b`` widen the span of
    the keys found to characters that no key has (or the text's ends), so every whole-word
    key lies inside ``low[a:b]``.  Outside, no key is whole words, so nothing there is a place
    nor changes what is (:func:`_whole_words` lets only whole-word keys compete).
    """
    n = len(low)
    if not _WORD_KEYS:
        return 0, n
    first_s = -1
    last_e = -1
    s: i64 = -1  # where the word being read starts (-1: between words)
    h: i64 = 0
    i: i64
    c: i64
    padded = low + " "  # the end of the text ends the last word
    end: i64 = n + 1
    for i in range(end):
        c = ord(padded[i])
        # low[i].isalnum(), asking Python only beyond ASCII and the table
        if (
            97 <= c <= 122
            or 48 <= c <= 57
            or 65 <= c <= 90
            or (c >= 128 and (_ALNUM_LOW[c] if c < _LOW_END else low[i].isalnum()))
        ):
            if s < 0:
                s = i
                h = c & _HASH_MASK
            else:
                h = (h * 31 + c) & _HASH_MASK
            continue
        if s < 0:
            continue
        bucket = _BY_FIRST[h]
        if bucket is not None:
            e = _keys_at(low, s, i, bucket)
            if e >= 0:
                if first_s < 0:
                    first_s = s
                last_e = max(last_e, e)
        s = -1
    if first_s < 0:
        return 0, 0
    a = first_s
    while a > 0 and _is_key_char(low, a - 1, ord(low[a - 1])):
        a -= 1
    b = last_e
    while b < n and _is_key_char(low, b, ord(low[b])):
        b += 1
    return a, b

_STATE_NAMES: Final = {v.lower(): k for k, v in US_STATES.items()}
_PROVINCE_NAMES: Final = {v.lower(): k for k, v in PROVINCES.items()}
_PREPOSITIONS: Final = frozenset(
    "in near from visiting around outside at to downtown located based live living "
    "en cerca desde de por в из по около под".split()
)
#: After a city: a state/province code ("Miami, FL", "Miami FL", "Toronto, on") or a state,
#: province or country name ("Miami, Florida", "London, Ontario", "London, UK").
_AFTER_CODE: Final = re.compile(r"(,\s?|\s)(?P<code>[A-Za-z]{2})(?![^\W_])")
_AFTER_NAME: Final = re.compile(r",?\s(?P<name>[A-Za-z][A-Za-z.]+(?:\s[A-Za-z][a-z]+){0,2})")
_AREA_AFTER: Final = re.compile(r"\s(?:area|metro|county|downtown|suburbs|airport|strip|region)\b",
                         re.IGNORECASE)


@lru_cache(maxsize=8192)  # pure; the age extractor asks it about every "Name, NN"
def lookup(name: str, region: str | None = None, country: str | None = None) -> Place | None:
    """The gazetteer entry for a city name (any case, folded or not), if known.

    >>> lookup("Birmingham", country="US")
    Place(city='Birmingham', region='AL', country='US')
    """
    key = " ".join(fold(name).text.lower().split())
    entry = _KEYS.get(key)
    if entry is None:
        return None
    return _choose(entry.places, region, country, None)


def from_fields(city: str | None, region: str | None, country: str | None) -> Entity | None:
    """A place entity from the ad's own ``city``/``region``/``country`` fields (span None).

    State and country names become codes ("Florida" -> "FL", "USA" -> "US"); a known city fills
    in a missing region/country when the gazetteer is unambiguous about it.

    >>> from_fields(None, None, None) is None
    True
    >>> from_fields("Toronto", None, None).value
    'toronto|on|ca'
    """
    place = _field_place(city, region, country)
    return None if place is None else _entity(place, None)


@lru_cache(maxsize=4096)
def _field_place(city: str | None, region: str | None, country: str | None) -> Place | None:
    """The resolved place of :func:`from_fields` (pure, and ads repeat their locations)."""
    c = " ".join((city or "").split()) or None
    r = (region or "").strip() or None
    k = _country_code(country)
    if r is not None:
        r = _region_code(r, k)
        if k is None and r in US_STATES:
            k = "US"  # "CA" in a region field is California
        elif k is None and r in PROVINCES:
            k = "CA"
    if c is not None:
        known = lookup(c, r, k)
        if known is not None and (k is None or known.country == k):
            c = known.city
            r = r or known.region
            k = k or known.country
    if c is None and r is None and k is None:
        return None
    return Place(c or "", r, k)


def _country_code(country: str | None) -> str | None:
    if not country or not country.strip():
        return None
    s = " ".join(country.strip().lower().split())
    code = COUNTRY_NAMES.get(s)
    if code is not None:
        return code
    return s.upper() if len(s) == 2 and s.isalpha() else country.strip()


def _region_code(region: str, country: str | None) -> str:
    s = " ".join(region.lower().split())
    if country in (None, "US") and s in _STATE_NAMES:
        return _STATE_NAMES[s]
    if country in (None, "CA") and s in _PROVINCE_NAMES:
        return _PROVINCE_NAMES[s]
    return region.upper() if len(region) <= 3 else region


def _entity(p: Place, span: Span | None) -> Entity:
    data = {"city": p.city or None, "region": p.region, "country": p.country}
    value = f"{p.city}|{p.region or ''}|{p.country or ''}".lower()
    return Entity(kind="place", value=value, data=data, span=span, disguised=False)


def _choose(
    places: tuple[Place, ...], region: str | None, country: str | None, ctx: Context | None
) -> Place:
    """Pick among same-named cities: an explicit region/country, then the ad's, then order."""
    if region:
        for p in places:
            if p.region == region and (country is None or p.country == country):
                return p
    if country:
        for p in places:
            if p.country == country:
                return p
    if ctx is not None:
        cc = (ctx.country or "").upper()
        cc = "GB" if cc == "UK" else cc
        same = [p for p in places if p.country == cc]
        if ctx.region:
            for p in same:
                if p.region == ctx.region.upper():
                    return p
        if same:
            return same[0]
    return places[0]



def extract(v: Views, field: str, ctx: Context) -> list[Entity]:
    """Gazetteer cities named in one field's text; see the module docstring for the rules.

    >>> from redflags.normalize import Views
    >>> [e.value for e in extract(Views("visiting LA and Vegas"), "body", Context())]
    ['los angeles|ca|us', 'las vegas|nv|us']
    """
    low = v.lower
    a, b = _reading_range(low) if COMPILED else (0, len(low))  # pure: the C automaton reads all
    return _extract_in(v, field, ctx, a, b)


def _extract_in(v: Views, field: str, ctx: Context, a: int, b: int) -> list[Entity]:
    """:func:`extract`, the automaton reading ``v.lower[a:b]`` (see :func:`_reading_range`)."""
    if a == b:
        return []  # (the automaton refuses an empty range)
    folded = v.folded
    text = folded.text
    low = v.lower
    out: list[Entity] = []
    taken = 0
    for s, e, key in _whole_words(low, a, b):
        if s < taken:
            continue
        info = _KEYS[key]
        orig = text[s:e]
        if info.exact is not None and orig != info.exact:
            continue
        if info.flag and not orig[:1].isupper():
            continue
        region, country, end = _after(text, e)
        short_alias = info.exact is not None and len(info.exact) <= 3
        # only a "c" name or a short alias asks for context: skip the look-around otherwise
        context = (info.flag == "c" or short_alias) and (
            region is not None
            or country is not None
            or _prep_before(low, s)
            or bool(_AREA_AFTER.match(text, e))
        )
        if info.flag == "c" and not context:
            continue
        if short_alias:
            if _prev_char(low, s) == ",":
                continue  # "Baton Rouge, LA": a state code
            if not context and (
                _all_caps_word(text, *_word_around(text, s, before=True))
                or _all_caps_word(text, *_word_around(text, e, before=False))
                or (ctx.country or "US").upper() not in ("US", "")
            ):
                continue  # "LA MEJOR CHICA", Spanish "LA" in a Mexican ad
        place = _choose(info.places, region, country, ctx)
        if region is not None and place.region != region:
            countries = {p.country for p in info.places}
            if region == "CA" and "CA" in countries and "US" not in countries:
                place = _choose(info.places, None, "CA", ctx)  # "Toronto, CA": Canada
            elif "US" in countries and region in US_STATES:
                place = Place(place.city, region, "US")  # "Miami, OK"
            elif "CA" in countries and region in PROVINCES:
                place = Place(place.city, region, "CA")
            else:
                end = e  # not this city's region: leave it out of the span
        elif country is not None and place.country != country:
            end = e  # the name after the city was not its country
        taken = end
        out.append(_entity(place, span_of(v, folded, s, end, field)))
    return out


def _whole_words(low: str, a: int, b: int) -> list[tuple[int, int, str]]:
    """The keys written as whole words in ``low[a:b]``, leftmost first and, of those starting
    together, the longest, none overlapping one taken before it: ``(start, end, key)``.

    Only whole-word matches compete, so a longer match that is not whole words cannot hide
    one that is ("alas vegas": the "las vegas" inside "alas" does not hide "vegas").

    >>> [k for _s, _e, k in _whole_words("alas vegas", 0, 10)]
    ['vegas']
    """
    n = len(low)
    found: list[tuple[int, int, str]] = []
    for last, key in _AC.iter(low, a, b):
        s, e = last - len(key) + 1, last + 1
        if (s and low[s - 1].isalnum()) or (e < n and low[e].isalnum()):
            continue
        if key[-1] == "." and e < n and low[e].isalpha():
            continue
        found.append((s, -e, key))
    found.sort()
    out: list[tuple[int, int, str]] = []
    end = 0
    for s, neg_e, key in found:
        if s >= end:
            end = -neg_e
            out.append((s, end, key))
    return out


def _after(text: str, e: int) -> tuple[str | None, str | None, int]:
    """``(region, country, end)`` written right after a city name, if any."""
    if e >= len(text) or (text[e] != "," and not text[e].isspace()):
        return None, None, e  # both patterns start with "," or white space (str.isspace)
    m = _AFTER_CODE.match(text, e)
    if m:
        code = m.group("code")
        comma = "," in m.group(1)
        if code.isupper() or comma:
            up = code.upper()
            if up in US_STATES or up in PROVINCES:
                return up, ("US" if up in US_STATES and up not in PROVINCES else None), m.end()
            if comma and up in ("UK", "GB", "US", "MX", "ES", "RU"):
                return None, COUNTRY_NAMES[up.lower()], m.end()
    m = _AFTER_NAME.match(text, e)
    if m:
        words = m.group("name").split(" ")
        for k in range(len(words), 0, -1):
            name = " ".join(words[:k]).lower().rstrip(".")
            end = m.start("name") + len(" ".join(words[:k]))
            if name in _STATE_NAMES and (k > 1 or words[0][0].isupper()):
                return _STATE_NAMES[name], "US", end
            if name in _PROVINCE_NAMES and words[0][0].isupper():
                return _PROVINCE_NAMES[name], "CA", end
            if "," in text[e : m.start("name")] and name in COUNTRY_NAMES and len(name) > 2:
                return None, COUNTRY_NAMES[name], end
    return None, None, e


def _prev_char(low: str, pos: int) -> str:
    k = pos - 1
    while k >= 0 and low[k] == " ":
        k -= 1
    return low[k] if k >= 0 else ""


def _prep_before(low: str, s: int) -> bool:
    """A location preposition ("in", "near", "en", "в" ...) right before ``s``."""
    j = s
    while j > 0 and low[j - 1] == " ":
        j -= 1
    i = j
    while i > 0 and low[i - 1].isalpha():
        i -= 1
    return j > i and low[i:j] in _PREPOSITIONS


def _word_around(text: str, pos: int, before: bool) -> tuple[int, int]:
    """Span of the word before (or after) ``pos``, skipping spaces."""
    if before:
        j = pos
        while j > 0 and text[j - 1] == " ":
            j -= 1
        i = j
        while i > 0 and text[i - 1].isalpha():
            i -= 1
        return i, j
    i = pos
    while i < len(text) and text[i] == " ":
        i += 1
    j = i
    while j < len(text) and text[j].isalpha():
        j += 1
    return i, j


def _all_caps_word(text: str, i: int, j: int) -> bool:
    return j - i >= 2 and text[i:j].isupper()
