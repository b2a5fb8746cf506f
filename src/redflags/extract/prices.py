"""Prices and rates ("$80/hr", "hh 120 h 200", "100 roses", "£120 per hour", "3000 руб/час").

An amount is a price when it carries a currency (a symbol or code before or after it: ``$``,
``US$``, ``£``, ``€``, ``₽``, ``USD``, ``dollars``, ``euros``, ``pesos``, ``руб`` ...), a money
euphemism (``roses``, ``🌹``, ``donation``, ``gifts``, ``donativo``, ``rosas``, ``подарок``), a
price word (``price``, ``rate``, ``precio``, ``цена``, ``incall``, ``outcall``), or a rate unit
(``hh``, ``qv``, ``h``/``hr``/``hour``/``hourly``, ``30 min``, ``overnight``, ``la hora``,
``час``).  A bare number needs a rate unit or price word and at least :data:`MIN_BARE_AMOUNT`;
it is never a phone group, a time, "24/7", a fraction or a plain duration ("open 24 hours",
"30 min").  A number glued to letters ("@luxeluna27", "$vikagold42", "kiki.price73@...",
"0x71c7...") or inside an e-mail address or URL is never an amount -- except right after or
before a rate unit or currency code ("hh80", "qv60", "60qv", "80usd").

A rate unit binds to the amount right before or after it on the same line (a unit across a
line break is not this amount's); a quick-visit word ("qv", "quick visit", "visita rápida",
"быстрый визит", "экспресс") also binds across a word or two ("qv specials $130"), and any unit
across a filler ("hourly rate $270", "hh only 100").

``data`` is ``{"amount": int|float, "currency": ISO code, "per": ...}`` and ``value`` is
``"amount:currency:per"`` with an empty ``per`` when there is none.  ``per`` is

* ``"hour"``: h, hr, hour, hourly, 1h, 60 min, full hour, hora, час;
* ``"half_hour"``: hh, half hour, 1/2 hr, 30 min, media hora, полчаса;
* ``"session"``: qv, quick visit, quickie, visita rápida, быстрый визит, экспресс, 15/20/45
  min, and any other fixed length ("2 hrs 300", "90 min");
* ``"night"``: night, nightly, overnight, ovn, all night, noche, ночь;
* ``"unit"``: priced per item -- ``each``, ``ea``, ``apiece``, or ``/``/``per`` + a noun that is
  not a time slot ("$3 per cupcake", "$5/lb", "$900/month");
* ``None``: a one-off amount ("$15,000 obo", "donation 200").

Euphemism and bare amounts take the currency of the ad's country (``ctx.country``: US -> USD,
GB -> GBP, ES -> EUR, RU -> RUB ...); ``$`` is the local dollar/peso where ``$`` is local
(CA -> CAD, MX -> MXN), else USD.  "pounds" is money only in GB ads (elsewhere it is weight).

>>> from redflags.normalize import Views
>>> from redflags.extract import Context
>>> [e.value for e in extract(Views("hh 120 h 200, $80/hr"), "body", Context())]
['120:USD:half_hour', '200:USD:hour', '80:USD:hour']
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from typing import Final

from redflags.extract import Context
from redflags.model import Entity, Span
from redflags.normalize import Normalized, Views

__all__ = ["MIN_BARE_AMOUNT", "currency_for", "extract"]

#: Smallest amount read as a price without a currency: below it "2 h", "1 hr", "10 min" are
#: durations and "5 roses" a bouquet.
MIN_BARE_AMOUNT: Final = 20
#: A bare amount *before* "h"/"hr"/"hour" with nothing binding them ("150 hour") must be at
#: least this, so clock times and durations ("22h", "24 hour service") are not prices.
MIN_BARE_HOURLY: Final = 30
#: Largest amount reported (anything above is a phone number, an ID or a year run together).
MAX_AMOUNT: Final = 10_000_000

_EUR: Final = "AT BE CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL PT SI SK".split()
_COUNTRY_CURRENCY: Final[dict[str, str]] = {
    **{c: "EUR" for c in _EUR},
    "US": "USD", "GB": "GBP", "UK": "GBP", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "MX": "MXN",
    "RU": "RUB", "IN": "INR", "JP": "JPY", "CN": "CNY", "CO": "COP", "AR": "ARS", "CL": "CLP",
    "BR": "BRL", "PE": "PEN", "CH": "CHF", "SE": "SEK", "NO": "NOK", "DK": "DKK", "PL": "PLN",
    "UA": "UAH", "PH": "PHP", "TH": "THB", "DO": "DOP", "UY": "UYU", "VE": "VES", "EC": "USD",
    "PR": "USD", "SV": "USD", "PA": "USD",
}
#: Countries whose own currency is written "$".
_DOLLAR_COUNTRY: Final = {
    "US", "CA", "AU", "NZ", "MX", "CO", "AR", "CL", "DO", "UY", "EC", "PR", "SV", "PA",
}
_PESO_COUNTRY: Final = {
    "MX": "MXN", "CO": "COP", "AR": "ARS", "CL": "CLP", "PH": "PHP", "DO": "DOP", "UY": "UYU"
}  # fmt: skip
#: Tokens that mean "the local dollar / peso" (resolved by country).
_LOCAL_DOLLAR: Final = frozenset(
    {"$", "dollar", "dollars", "dolares", "dolar", "dlls", "dll", "bucks"}
)
_LOCAL_PESO: Final = frozenset({"pesos", "peso"})

_TOKEN_CURRENCY: Final[dict[str, str]] = {
    "us$": "USD", "usd": "USD", "u$s": "USD", "ca$": "CAD", "c$": "CAD", "cad": "CAD",
    "au$": "AUD", "a$": "AUD", "aud": "AUD", "mx$": "MXN", "mxn": "MXN", "r$": "BRL",
    "£": "GBP", "gbp": "GBP", "quid": "GBP", "pounds": "GBP", "pound": "GBP",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "₽": "RUB", "руб": "RUB", "рублей": "RUB", "рублеи": "RUB", "рубля": "RUB", "рубль": "RUB",
    "р": "RUB", "rub": "RUB", "rubles": "RUB", "roubles": "RUB", "¥": "JPY", "yen": "JPY",
}


def currency_for(country: str | None, token: str = "") -> str:
    """ISO currency for a currency ``token`` ("$", "pesos", "" for the country default).

    >>> currency_for("CA", "$"), currency_for("GB"), currency_for("MX", "pesos")
    ('CAD', 'GBP', 'MXN')
    """
    return _currency((country or "US").upper(), token.lower())


@lru_cache(maxsize=512)
def _currency(cc: str, t: str) -> str:
    """:func:`currency_for` with an upper-case country and a lower-case token (cached)."""
    if t in ("", "local"):
        return _COUNTRY_CURRENCY.get(cc, "USD")
    if t in _LOCAL_DOLLAR:
        return _COUNTRY_CURRENCY[cc] if cc in _DOLLAR_COUNTRY else "USD"
    if t in _LOCAL_PESO:
        return _PESO_COUNTRY.get(cc, "MXN")
    return _TOKEN_CURRENCY.get(t, "USD")


# --------------------------------------------------------------------------- patterns

_NL: Final = r"(?![^\W\d_])"  # not followed by a letter
_NB: Final = r"(?<![^\W\d_])"  # not preceded by a letter

#: Currency written before the amount, maybe with one space: symbols (with their country
#: prefixes) and ISO codes.
_SYMBOLS: Final = frozenset("$£€₽¥")
_DOLLAR_PREFIXES: Final = ("u$s", "us$", "ca$", "au$", "mx$", "c$", "a$", "r$")
_CODES: Final = frozenset({"usd", "gbp", "eur", "cad", "aud", "mxn", "rub"})
assert all(len(c) == 3 and c.isalpha() for c in _CODES)  # (:func:`_currency_before` needs it)
#: Currency words written after the amount ("40 dollars", "3000 руб").
_CUR_WORDS: Final = (
    r"usd|gbp|eur|cad|aud|mxn|rub|dollars?|dolares|dolar|dlls?|bucks|quid|pounds?"
    r"|euros?|pesos?|yen|rubles|roubles|руб(?:лей|леи|ля|ль)?\.?|р\.?"
)
#: Money euphemisms before or after the amount ("roses: 150", "200 donation", "подарок 300").
_EUPH_WORDS: Final = r"roses?|rosas|donations?|donativos?|gifts?|regalos?|подар(?:ок|ки|ка)"
_CUES: Final = (
    r"price|prices|rate|rates|precio|precios|tarifa|цена|стоимость|incall|outcall"
    r"|in\s?call|out\s?call|inc|outc"
)

_HOUR: Final = r"h|hr|hrs|hour|hours|hourly|hora|horas|hs|час|часа|часов|ч"
_MIN: Final = r"min|mins|minute|minutes|minutos|minuto|мин|минут|минуты"
_NIGHT: Final = r"overnight|ovn|o/n|night|nights|nightly|noche|ночь|ночи|nite"
#: Quick-visit units: they bind to an amount across a word or two ("qv specials $130").
_QUICK: Final = (
    r"qv|qk|quickie|quicky|quick\s+visit|visita\s+rapida|rapidito|short\s+time"
    r"|быстрый\s+визит|экспресс"
)
_SESSION: Final = rf"{_QUICK}|session|sesion|visit|визит"
_UNIT: Final = rf"hh|hhr|{_HOUR}|{_MIN}|{_NIGHT}|{_SESSION}|полчаса"
#: Count or modifier in front of a unit ("1 hr", "30 min", "half hour", "all night").
_COUNT_WORDS: Final = (
    r"one|two|three|four|una|uno|dos|tres|одна|один|два"
    r"|half|full|quick|all|media|toda\s+la|на\s+всю|пол|целую|всю"
)
_COUNT: Final = rf"(?P<count>(?<![\d.,])\d{{1,2}}(?:[.,]\d)?(?!\d)|1⁄2|1/2|½|{_COUNT_WORDS})"
#: Words after an amount that make it a count of something else ("hh 120 guys", "22yo").
_NOT_PRICE: Final = (
    r"%|am|pm|a\.m|p\.m|yo|y/o|yrs?|years?|lbs?|kg|miles?|mi|km|ft|cm|inch|inches|guys"
    r"|people|men|girls|times|x|st|nd|rd|th|photos|pics|reviews|followers|dd|minutes|mins"
)
#: How it is charged, after the amount and its currency/euphemism ("/hr", "per hour", "hh",
#: "for the night", "la hora", "/час", "each", "per cupcake").
_POST: Final = (
    r"\s?+(?P<bind>/|per|an?|for(?:\s+(?:the|an?|one))?|la|por(?:\s+la)?|в|за|на|@)?\s?+"
    rf"(?:{_COUNT}\s?+-?+\s?+(?:an?\s)?)?(?P<unit>{_UNIT}){_NL}"
    rf"|\s?+(?P<each>each|ea|apiece|a\s+piece|c/u|cada\s+un[oa]){_NL}"
    rf"|\s?+(?P<per>/|per|por)\s?+(?P<item>[^\W\d_]+){_NL}"
)
_EUPH_AFTER = rf"(?:\s?+(?:(?P<euph>{_EUPH_WORDS}|kisses|besos|розы?|роз){_NL}|(?P<emoji>🌹+)))?"
#: Everything after an amount in one anchored match: a word that makes it no price ("22yo",
#: "120 lbs", "100%"); or its currency ("80$", "120 GBP", "3 тыс руб"), euphemism ("100
#: roses") and rate unit ("/hr", "hh"), each optional and in that order.  (Possessive spaces
#: throughout: nothing after them starts with a space, and they spare the engine most of its
#: backtracking.)  The reference definition of what :func:`_bad_after`, :func:`_cur_after`,
#: :func:`_euph_after` and :func:`_post_after` read by hand.
_AFTER: Final = re.compile(
    rf"\s?+(?P<bad>{_NOT_PRICE}){_NL}"
    rf"|(?:(?P<k>\s?(?:k|тыс\.?))?\s?+(?:(?P<sym>[$£€₽¥])|(?P<word>{_CUR_WORDS}){_NL}))?"
    rf"{_EUPH_AFTER}(?:{_POST})?"
)
#: The euphemism and rate unit alone (after "$1.5k", or when a "pounds" is a weight).
_AFTER_NO_CUR: Final = re.compile(rf"{_EUPH_AFTER}(?:{_POST})?")


# ---- what follows an amount, read by hand
#
# :data:`_AFTER` tries about 150 alternatives at every amount (sre backtracks through every
# optional part: ~10k instructions a call).  Every part after its first alternative may match
# empty and nothing after a part can fail, so sre's first match is found part by part, each
# taking its own first match: the word that makes it no price (:func:`_bad_after`), the
# currency (:func:`_cur_after`), the euphemism (:func:`_euph_after`) and the rate unit
# (:func:`_post_after`).  Each reads the letter run at its position and looks it up in a set
# (a word alternative followed by :data:`_NL` matches exactly when it is the whole run), and
# tries the few alternatives with punctuation or spaces inside them by hand.  Pinned to the
# regexes in tests/test_extract_prices.py.


def _is_letter(c: str) -> bool:
    """``c`` is in ``[^\\W\\d_]`` (sre's letter: alphanumeric and no decimal digit)."""
    o = ord(c)  # (compiled, comparing code points is native; comparing strings is not)
    if o < 128:
        return 97 <= o <= 122 or 65 <= o <= 90
    return c.isalnum() and not (c.isdigit() and c.isdecimal())


def _letters_end(low: str, p: int) -> int:
    """End of the run of :func:`_is_letter` characters that starts at ``p``."""
    n = len(low)
    while p < n:
        o = ord(low[p])
        if o < 128:
            if not (97 <= o <= 122 or 65 <= o <= 90):
                break
        elif not _is_letter(low[p]):
            break
        p += 1
    return p


def _is_dec(c: str) -> bool:
    """``c`` is in ``\\d`` (a decimal digit, any script)."""
    o = ord(c)
    return 48 <= o <= 57 or (o > 127 and c.isdigit() and c.isdecimal())


def _space_end(low: str, p: int) -> int:
    """``p`` after one optional whitespace character (``\\s?+``)."""
    return p + 1 if p < len(low) and low[p].isspace() else p


def _spaces_end(low: str, p: int) -> int:
    """``p`` after a run of whitespace (``\\s*``)."""
    n = len(low)
    while p < n and low[p].isspace():
        p += 1
    return p


def _nl(low: str, p: int) -> bool:
    """:data:`_NL` at ``p``: no letter there."""
    return p >= len(low) or not _is_letter(low[p])


def _alts(alternation: str) -> frozenset[str]:
    """The words of a regex alternation of plain words with optional last letters
    ("yrs?|years?" -> yr, yrs, year, years)."""
    out: set[str] = set()
    for w in alternation.split("|"):
        if w.endswith("?"):
            out.add(w[:-2])
            w = w[:-1]
        out.add(w)
    return frozenset(out)


#: The one-word alternatives of :data:`_NOT_PRICE` (the others are "%", "a.m", "p.m", "y/o").
_BAD_WORDS: Final = frozenset(w for w in _alts(_NOT_PRICE) if w.isalpha())
_BAD_MARKS: Final = ("%", "a.m", "p.m", "y/o")
assert _BAD_WORDS | set(_BAD_MARKS) == {w.replace("\\", "") for w in _alts(_NOT_PRICE)}
#: The words of :data:`_CUR_WORDS`; the Russian ones may take a dot ("руб.", "р.").
_CUR_RU: Final = frozenset({"руб", "рублей", "рублеи", "рубля", "рубль", "р"})
_CUR_SET: Final = _CUR_RU | frozenset(
    "usd gbp eur cad aud mxn rub dollar dollars dolares dolar dll dlls bucks quid pound pounds"
    " euro euros peso pesos yen rubles roubles".split()
)
#: The words of the euphemism group after an amount.
_EUPH_AFTER_SET: Final = frozenset(
    "roses rose rosas donation donations donativo donativos gift gifts regalo regalos подарок"
    " подарки подарка kisses besos роз розы".split()
)
#: The one-word rate units (:data:`_UNIT`); "o/n" and the two-word ones are read by hand.
_UNIT_RUNS: Final = frozenset(w for w in _UNIT.split("|") if w.isalpha())
_UNIT_PAIRS: Final[dict[str, str]] = {
    w.split("\\s+")[0]: w.split("\\s+")[1] for w in _UNIT.split("|") if "\\s+" in w
}
assert all(" " not in w and "/" not in w for w in _UNIT_PAIRS)
#: Count words (:data:`_COUNT_WORDS`) in the regex's order; "toda la" and "на всю" are read
#: as their first word, spaces and their second word.
_COUNT_LIST: Final = tuple(w.split("\\s+")[0] for w in _COUNT_WORDS.split("|"))
_COUNT_SECOND: Final[dict[str, str]] = {
    w.split("\\s+")[0]: w.split("\\s+")[1] for w in _COUNT_WORDS.split("|") if "\\s+" in w
}
#: Binding words (the ``bind`` group of :data:`_POST`) in the regex's order, but for "for"
#: and "por", which take one more word after spaces.
_BIND_LIST: Final = ("/", "per", "an", "a", "for", "la", "por", "в", "за", "на", "@")
_FOR_NEXT: Final = ("the", "an", "a", "one")
_EACH_WORDS: Final = frozenset({"each", "ea", "apiece"})


def _has(low: str, w: str, p: int) -> bool:
    """``low.startswith(w, p)`` (a slice comparison: compiled, ``startswith`` with a position
    is a Python-level method call of ~1k instructions)."""
    return low[p : p + len(w)] == w


def _by_first(words: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """``words`` by their first character (each tuple in the order of ``words``)."""
    out: dict[str, tuple[str, ...]] = {}
    for w in words:
        out[w[0]] = (*out.get(w[0], ()), w)
    return out


_COUNT_BY_FIRST: Final = _by_first(_COUNT_LIST)
_BIND_BY_FIRST: Final = _by_first(_BIND_LIST)


def _bad_after(low: str, e: int) -> bool:
    """Whether :data:`_AFTER` matches its ``bad`` alternative at ``e`` ("22yo", "100%")."""
    p = _space_end(low, e)
    r = _letters_end(low, p)
    if r - p > 1:
        return low[p:r] in _BAD_WORDS
    if r == p:
        return p < len(low) and low[p] == "%" and _nl(low, p + 1)
    c = low[p]  # one letter: "x", or "a.m", "p.m", "y/o"
    if c in _BAD_WORDS:
        return True
    if c == "a" or c == "p":
        return _has(low, ".m", p + 1) and _nl(low, p + 3)
    return c == "y" and _has(low, "/o", p + 1) and _nl(low, p + 3)


def _cur_at(low: str, p: int) -> tuple[str, int, int] | None:
    """``\\s?+(?:(?P<sym>[$£€₽¥])|(?P<word>...){_NL})`` at ``p``: (token, start, end)."""
    q = _space_end(low, p)
    n = len(low)
    if q >= n:
        return None
    c = low[q]
    if c in _SYMBOLS:
        return c, q, q + 1
    r = _letters_end(low, q)
    w = low[q:r]
    if w not in _CUR_SET:
        return None
    if w in _CUR_RU and r < n and low[r] == "." and _nl(low, r + 1):
        r += 1  # "руб."
        w = low[q:r]
    return w, q, r


def _cur_after(low: str, e: int) -> tuple[bool, str, int, int] | None:
    """The currency group of :data:`_AFTER` at ``e``: ``(k, token, start, end)`` -- ``k``
    for a "k"/"тыс" before it ("3 тыс руб", "2k usd"); ``token`` is the ``sym`` or ``word``."""
    q = _space_end(low, e)
    n = len(low)
    kend = -1
    if q < n:
        c = low[q]
        if c == "k":
            kend = q + 1
        elif c == "т" and _has(low, "тыс", q):
            kend = q + 4 if q + 3 < n and low[q + 3] == "." else q + 3
    if kend >= 0:
        cur = _cur_at(low, kend)
        if cur is not None:
            return True, cur[0], cur[1], cur[2]
    cur = _cur_at(low, e)
    if cur is not None:
        return False, cur[0], cur[1], cur[2]
    return None


def _euph_after(low: str, p: int) -> int:
    """End of the euphemism group of :data:`_AFTER` at ``p`` ("roses", "🌹"), else -1."""
    q = _space_end(low, p)
    n = len(low)
    if q < n and low[q] == "🌹":
        while q < n and low[q] == "🌹":
            q += 1
        return q
    r = _letters_end(low, q)
    return r if r > q and low[q:r] in _EUPH_AFTER_SET else -1


def _unit_at(low: str, p: int) -> int:
    """End of ``(?P<unit>{_UNIT}){_NL}`` at ``p``, else -1."""
    if p < len(low) and low[p] == "o" and _has(low, "o/n", p):
        return p + 3 if _nl(low, p + 3) else -1
    r = _letters_end(low, p)
    if r == p:
        return -1
    w = low[p:r]
    if w in _UNIT_RUNS:
        return r
    second = _UNIT_PAIRS.get(w)
    if second is not None:
        q = _spaces_end(low, r)
        if q > r:
            r2 = _letters_end(low, q)
            if low[q:r2] == second:
                return r2
    return -1


def _counts(low: str, p: int) -> list[int]:
    """Ends of the matches of the ``count`` group of :data:`_POST` at ``p``, in sre's order."""
    out: list[int] = []
    n = len(low)
    if p >= n:
        return out
    c = low[p]
    if _is_dec(c):
        if not (p and (_is_dec(low[p - 1]) or low[p - 1] == "." or low[p - 1] == ",")):
            d = p + 2 if p + 1 < n and _is_dec(low[p + 1]) else p + 1
            if not (d < n and _is_dec(low[d])):
                if d + 1 < n and (low[d] == "." or low[d] == ",") and _is_dec(low[d + 1]) and not (
                    d + 2 < n and _is_dec(low[d + 2])
                ):
                    out.append(d + 2)  # "1.5"
                out.append(d)
        if c == "1":
            if _has(low, "1⁄2", p):
                out.append(p + 3)
            if _has(low, "1/2", p):
                out.append(p + 3)
        return out
    if c == "½":
        out.append(p + 1)
        return out
    words = _COUNT_BY_FIRST.get(c)
    if words is not None:
        for w in words:
            if _has(low, w, p):
                second = _COUNT_SECOND.get(w)
                if second is None:
                    out.append(p + len(w))
                else:  # "toda la", "на всю"
                    q = _spaces_end(low, p + len(w))
                    if q > p + len(w) and _has(low, second, q):
                        out.append(q + len(second))
    return out


def _counted_unit(low: str, p: int) -> tuple[int, int, int] | None:
    """``(?:{_COUNT}\\s?+-?+\\s?+(?:an?\\s)?)?(?P<unit>...){_NL}`` at ``p``: ``(count end,
    unit start, unit end)`` with count end -1 when there is no count."""
    n = len(low)
    for c in _counts(low, p):
        q = _space_end(low, c)
        if q < n and low[q] == "-":
            q += 1
        q = _space_end(low, q)
        if q + 1 < n and low[q] == "a":  # "half an hour", "1 a hr"
            a = q + 2 if low[q + 1] == "n" else q + 1
            if a < n and low[a].isspace():
                u = _unit_at(low, a + 1)
                if u >= 0:
                    return c, a + 1, u
        u = _unit_at(low, q)
        if u >= 0:
            return c, q, u
    u = _unit_at(low, p)
    return (-1, p, u) if u >= 0 else None


#: What charges an amount, after it (:data:`_POST`): ``(kind, start, end, bind, count,
#: word)`` -- ``kind`` "unit", "each" or "item"; ``[start, end)`` the ``unit``, ``each`` or
#: ``item`` group (``word``); ``bind`` whether a bind word ("/", "per", "for the") came first;
#: ``count`` the count group (None when there is none).
_Post = tuple[str, int, int, bool, str | None, str]


def _binds(low: str, q: int) -> list[int]:
    """Ends of the matches of the ``bind`` group of :data:`_POST` at ``q``, in sre's order."""
    out: list[int] = []
    words = _BIND_BY_FIRST.get(low[q]) if q < len(low) else None
    if words is None:
        return out
    for w in words:
        if _has(low, w, q):
            b = q + len(w)
            if w == "for":  # "for the", "for an", "for a", "for one", "for"
                s = _spaces_end(low, b)
                if s > b:
                    for x in _FOR_NEXT:
                        if _has(low, x, s):
                            out.append(s + len(x))
            elif w == "por":  # "por la", "por"
                s = _spaces_end(low, b)
                if s > b and _has(low, "la", s):
                    out.append(s + 2)
            out.append(b)
    return out


def _post_after(low: str, p: int) -> _Post | None:
    """:data:`_POST` at ``p`` (see :data:`_Post`), else None."""
    q = _space_end(low, p)
    for b in _binds(low, q):
        b = _space_end(low, b)
        cu = _counted_unit(low, b)
        if cu is not None:
            c, us, ue = cu
            return "unit", us, ue, True, low[b:c] if c >= 0 else None, low[us:ue]
    b = _space_end(low, q)  # (no bind word: its two optional spaces are both here)
    cu = _counted_unit(low, b)
    if cu is not None:
        c, us, ue = cu
        return "unit", us, ue, False, low[b:c] if c >= 0 else None, low[us:ue]
    r = _letters_end(low, q)
    w = low[q:r]
    if w in _EACH_WORDS:
        return "each", q, r, False, None, w
    if w == "a" or w == "cada":  # "a piece", "cada uno"
        s = _spaces_end(low, r)
        if s > r:
            r2 = _letters_end(low, s)
            w2 = low[s:r2]
            if (w == "a" and w2 == "piece") or (w == "cada" and (w2 == "uno" or w2 == "una")):
                return "each", q, r2, False, None, low[q:r2]
    if w == "c" and _has(low, "c/u", q) and _nl(low, q + 3):
        return "each", q, q + 3, False, None, "c/u"
    if q < len(low) and (low[q] == "/" or w.startswith(("per", "por"))):  # "/lb", "per cupcake"
        s = _space_end(low, q + 1 if low[q] == "/" else q + 3)
        r = _letters_end(low, s)
        if r > s:
            return "item", s, r, False, None, low[s:r]
    return None


#: Digit runs.  A run followed by two or more further groups of 2-4 digits is a phone number
#: or an ID and is skipped whole ("305-555-0123", "(281) 555 0151", "+44 20 7946 0885"); one
#: inside a handle or an e-mail address ("luna_27", "#27", "price73@example.com") is no match.
_SCAN: Final = re.compile(
    r"[0-9](?<![0-9_#][0-9])[0-9]*+(?:[.,][0-9]+)*+(?![@_])"
    r"(?P<phone>\)?(?:[ .\-][0-9]{2,4}){2,4}(?![0-9]))?"
)  # (the reference definition of :func:`_amounts`, which finds the same without a regex)
#: ``low.encode("ascii", "replace")`` (one byte per character, every non-ASCII one a "?") with
#: every digit made a "0", decoded again: ``find("0")`` then jumps to the next digit at C speed
#: (a regex scan for ``[0-9]`` costs tens of instructions per character, and each match
#: another thousand or two).
_ZEROS: Final = bytes.maketrans(b"123456789", b"000000000")


def _amounts(low: str) -> list[tuple[int, int]]:
    """The spans of the :data:`_SCAN` matches in ``low`` that are no phone number or ID."""
    scan = low.encode("ascii", "replace").translate(_ZEROS).decode("ascii")
    n = len(scan)
    out: list[tuple[int, int]] = []
    s = scan.find("0")
    while s >= 0:  # (``s`` always starts a run: the search resumes after a non-digit)
        e = s + 1
        while e < n and scan[e] == "0":
            e += 1
        if s and (scan[s - 1] == "_" or scan[s - 1] == "#"):
            s = scan.find("0", e)  # "luna_27", "#27": no start in this run
            continue
        end = e  # then decimal groups: "1,500.00"
        while end + 1 < n and (scan[end] == "." or scan[end] == ",") and scan[end + 1] == "0":
            end += 2
            while end < n and scan[end] == "0":
                end += 1
        if end < n and (scan[end] == "@" or scan[end] == "_"):
            s = scan.find("0", e)  # "price73@": the next start is in the decimals or later
            continue
        # a phone number or ID: two to four groups of a separator and 2-4 digits follow
        j = end + 1 if end < n and scan[end] == ")" else end
        groups = 0
        while groups < 4 and j + 2 < n and scan[j] in " .-" and scan[j + 1] == "0":
            k = j + 2
            while k < n and scan[k] == "0":
                k += 1
            if not 2 <= k - j - 1 <= 4:
                break
            j = k
            groups += 1
        if groups >= 2:
            s = scan.find("0", j)  # skipped whole
            continue
        out.append((s, end))
        s = scan.find("0", end)
    return out
#: Separator between a word before the amount and the amount.
_PRE_GAP: Final = r"\s?(?:[:=\-–@~/]|is|are|es|son|:\s?-)?\s?$"
#: Before the amount: a rate unit, euphemism or price word ("hh 120", "1 hr - 180",
#: "donation: 200", "🌹 150", "precio 100"); matched so that it ends exactly at the amount.
_PRE: Final = re.compile(
    rf"(?:{_NB}(?:(?:{_COUNT})\s?-?\s?(?:an?\s)?)?(?P<unit>{_UNIT})"
    rf"|(?P<euph>{_EUPH_WORDS})|(?P<emoji>🌹+)|(?P<cue>{_CUES}))" + _PRE_GAP
)
_GAP_RE: Final = re.compile(r"\s?(?:[:=\-–@~/]|:\s?-)?\s?")


def _words(alternation: str) -> frozenset[str]:
    """The one-word alternatives of a regex alternation of plain words."""
    return frozenset(w for w in alternation.split("|") if w.isalpha())


def _last_words(alternation: str) -> frozenset[str]:
    """Last words of a regex alternation of plain words ("quick\\s+visit" -> "visit")."""
    return frozenset(w.split("\\s+")[-1].replace("o/n", "n") for w in alternation.split("|"))


#: What a single word right before an amount is (a set lookup instead of :data:`_PRE`;
#: "полчаса" is left to it, which reads "пол" + "часа").
_UNIT_WORDS: Final = _words(_UNIT) - {"полчаса"}
_EUPH_SET: Final = frozenset(
    "roses rose rosas donation donations donativo donativos gift gifts regalo regalos подарок"
    " подарки подарка".split()
)
_CUE_SET: Final = _words(_CUES)
#: Last words of everything :data:`_PRE` can match.
_PRE_LAST: Final = _last_words(_UNIT) | _EUPH_SET | _CUE_SET | {"call"}
#: Tokens that may start a longer expression before an amount ("1 hr", "1.5-hr", "half an
#: hour", "quick visit", "toda la noche", "in call"): after one of these :data:`_PRE` must
#: decide; after any other token, the word before an amount is all there is.
_LEAD: Final = frozenset("quick visita short быстрый toda la на всю in out a an - – -a -an".split())
_LEAD_RE: Final = re.compile(rf"(?:\d{{1,2}}(?:[.,]\d)?|1⁄2|1/2|½|{_COUNT_WORDS})-?(?:an?)?")
_LEAD_FIRST: Final = frozenset("0123456789½") | frozenset(w[0] for w in _COUNT_WORDS.split("|"))
#: Filler words allowed between any rate unit and its amount ("hourly rate $270").
_FILLER: Final = frozenset(
    "special specials rate rates price prices only just deal tarifa precio цена".split()
)
_QUICK_SET: Final = frozenset(" ".join(w.split("\\s+")) for w in _QUICK.split("|"))
#: Something like a quick-visit word is near (a cheap test before looking words back).
_QUICK_HINT: Final = re.compile(r"qv|qk|quick|rapid|short time|визит|экспресс")
#: Letters that may touch an amount: rate units and currency codes before it ("hh80", "usd80",
#: "qv/60"), those plus currency words, euphemisms, "k" and "each" after it ("60qv", "80usd",
#: "3000руб", "1.5k").  Any other letters make it part of a word, handle, address or wallet.
_GLUE_BEFORE: Final = (_last_words(_UNIT) - {"n", "time", "rapida"}) | _CODES
_GLUE_AFTER: Final = _GLUE_BEFORE | frozenset(
    "dollar dollars dolares dolar dll dlls bucks quid pound pounds euro euros peso pesos yen"
    " rubles roubles руб рублей рублеи рубля рубль р k тыс rose roses rosas each ea apiece"
    " donation donations gift gifts".split()
)
#: Characters that make the letters before an amount part of a handle, address, URL path,
#: hashtag or cashtag ("@hh80", "example.com/hh/80", "$hh80").
_HANDLE_CHARS: Final = frozenset("@._#$/")
#: Characters next to a digit run that call for the (slower) glued-to-a-word test.
_GLUE_NEAR: Final = frozenset("@_#./")
#: Characters between a word and the amount it prices ("price: 100", "hh-100", "qv/60").
_GAP: Final = " :=-–@~/"
#: Characters after an amount (and one space) where a currency, unit or euphemism may start.
_AFTER_START: Final = frozenset("$£€₽¥🌹/@½%-")

#: Digit groups next to an amount that make it part of a phone number or a list of numbers.
_GROUP_BEFORE: Final = re.compile(r"(?<!\d)\d{3}[ \-.]$")
_GROUP_AFTER: Final = re.compile(r"[ \-.](?:\d{3}|\d+[ \-.]\d)")
_SLASH_NUMBER: Final = re.compile(
    r"/\d+(?![\d.,]*\s?(?:h|hr|hrs|hour|hours|min|mins|час|ч)(?![^\W\d_]))"
)
_THOUSANDS_COMMA: Final = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?")
_THOUSANDS_DOT: Final = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?")
_DECIMAL: Final = re.compile(r"\d+[.,]\d{1,2}")
#: After a bare "150 hour": only these words may follow (else "24 hour service").
_AFTER_BARE_HOUR_OK: Final = re.compile(
    r"\s*(?:$|[^\w\s]|\d|(?:incall|outcall|inc|outc|in|out|only|special|and|&|or|y|o|rate"
    r"|with|w)" + _NL + ")"
)

#: How an amount is charged: ``(per, at, edge, tight)`` -- ``per`` is None for a euphemism or
#: price word ("donation 200", "precio 100"); ``at`` is where the unit word starts (one unit
#: serves one amount: "hh 120 h 200"); ``edge`` is where the expression starts (before the
#: amount) or ends (after it); ``tight`` is true for "/hr", "per hour", "80hh" (bound to this
#: amount for sure).
_Unit = tuple[str | None, int, int, bool]
#: ``(start, end, num_start, num_end, amount, currency, euphemism, post, pre)`` in folded
#: offsets; ``start``/``end`` cover the amount with its currency and euphemism.
_Cand = tuple[int, int, int, int, int | float, str | None, bool, _Unit | None, _Unit | None]
#: What precedes an amount: ``(kind, unit, count, start, at)`` -- ``kind`` is "unit", "euph"
#: or "cue"; ``start`` is where the expression starts and ``at`` where its unit word does.
_Pre = tuple[str, str, str | None, int, int]



#: For an ASCII token, ``str.isalpha`` is membership in this set: ``rstrip``/``lstrip`` with it
#: find the letters at a token's end or start at C speed ("@luxeluna27", "price73@...").
_ASCII_LETTERS: Final = string.ascii_letters


def _word_start(low: str, end: int) -> int:
    """Start of the run of letters that ends at ``end`` (``end`` itself when there is none)."""
    p = low.rfind(" ", 0, end) + 1
    tok = low[p:end]
    if tok.isalpha():
        return p
    if tok.isascii():  # the usual handle or address: its letters after its last non-letter
        return end - (len(tok) - len(tok.rstrip(_ASCII_LETTERS)))
    i = end
    while i > 0 and low[i - 1].isalpha():
        i -= 1
    return i


def _word_end(low: str, start: int) -> int:
    """End of the run of letters that starts at ``start``."""
    p = low.find(" ", start)
    if p < 0:
        p = len(low)
    tok = low[start:p]
    if tok.isalpha():
        return p
    if tok.isascii():
        return start + (len(tok) - len(tok.lstrip(_ASCII_LETTERS)))
    i, n = start, len(low)
    while i < n and low[i].isalpha():
        i += 1
    return i


def _currency_before(low: str, pos: int) -> tuple[str, int] | None:
    """``(token, start)`` of a currency written right before ``pos`` ("$", "US$", "€", "usd")."""
    k = pos - 1
    if k >= 0 and low[k] == " ":
        k -= 1
    if k < 0:
        return None
    c = low[k]
    if c in _SYMBOLS:
        if c == "$" and k and low[k - 1].isalpha():
            for p in _DOLLAR_PREFIXES:
                a = k + 1 - len(p)
                if a >= 0 and low.startswith(p, a) and not (a and low[a - 1].isalpha()):
                    return p, a
        return c, k
    if c.isalpha() and k >= 2:
        # every code has three letters: a code is the word here when the three letters up to
        # ``k`` are one and no letter comes before them (what _word_start() would tell)
        code = low[k - 2 : k + 1]
        if code in _CODES and (k == 2 or not low[k - 3].isalpha()):
            return code, k - 2
    return None


#: Gaps between a word and an amount already checked against :data:`_GAP_RE`, and tokens
#: against :data:`_LEAD` (words repeat: a dict lookup beats a regex).
_GAP_OK: Final[dict[str, bool]] = {"": True, " ": True}
_LEAD_SEEN: Final[dict[str, bool]] = {}


def _match_before(low: str, pos: int, lines: _Lines | None) -> _Pre | None:
    """What ends exactly at ``pos``: a rate unit, euphemism or price word (:data:`_PRE`) --
    or, when that is no rate unit, a rate unit a word or two further back on the same line:
    across fillers ("hourly rate $270"), or when it is a quick-visit unit across any words
    ("qv specials $130")."""
    j = pos
    while j > 0 and pos - j < 4 and low[j - 1] in _GAP:
        j -= 1
    if j == 0:
        return None
    c = low[j - 1]
    if not c.isalpha():
        return _pre_word(low, j, j, pos, "", lines) if c == "🌹" else None  # "x, 150"
    w0 = low.rfind(" ", 0, j) + 1  # (inlined _word_start)
    word = low[w0:j]
    if not word.isalpha():
        w0 = _word_start(low, j)
        word = low[w0:j]
    found: _Pre | None = None
    if word in _PRE_LAST:
        found = _pre_word(low, w0, j, pos, word, lines)
        if found is not None and found[0] != "cue":
            return found
    if not word or w0 < 2 or low[w0 - 1] != " ":
        return found
    filler = word in _FILLER
    if not filler and _QUICK_HINT.search(low, max(0, w0 - 30), w0) is None:
        return found
    k = w0  # start of the words between the unit and the amount
    for _ in range(2):
        if k < 2 or low[k - 1] != " " or (lines is not None and _line_break(lines, k - 1, k)):
            break
        ue = k - 1
        us = _word_start(low, ue)
        if us == ue:
            break
        uw = low[us:ue]
        if uw in _PRE_LAST:
            far = _pre_word(low, us, ue, ue, uw, lines)
            if far is not None and far[0] == "unit" and (filler or _is_quick(far[1], far[2])):
                return far
        filler = filler and uw in _FILLER
        k = us
    return found


def _pre_word(
    low: str, w0: int, j: int, pos: int, word: str, lines: _Lines | None
) -> _Pre | None:
    """:data:`_PRE` for the word ``low[w0:j]`` (and maybe a count or words before it on the
    same line), separated from ``pos`` by a gap.

    A lone word (the usual case) is looked up in sets; :data:`_PRE` runs only when the word
    is glued to something or the word before it may start a longer expression ("1 hr - 180",
    "half an hour", "toda la noche", "in call").
    """
    gap = low[j:pos]
    ok = _GAP_OK.get(gap)
    if ok is None:
        ok = _GAP_OK[gap] = _GAP_RE.fullmatch(gap) is not None
    p1 = low.rfind(" ", 0, j) + 1
    lead = False
    if p1 > 1:
        t = low[low.rfind(" ", 0, p1 - 1) + 1 : p1 - 1]
        lead_t = _LEAD_SEEN.get(t)
        if lead_t is None:
            lead_t = t in _LEAD or (t[:1] in _LEAD_FIRST and _LEAD_RE.fullmatch(t) is not None)
            if len(_LEAD_SEEN) < 50_000:
                _LEAD_SEEN[t] = lead_t
        # (not a count on the line before: "возраст 20⏎Час 310$" is no "20 hours")
        lead = lead_t and not (lines is not None and _line_break(lines, p1 - 1, p1))
    if ok and p1 == w0 and not lead:
        if word in _UNIT_WORDS:
            return "unit", word, None, w0, w0
        if word in _EUPH_SET:
            return "euph", word, None, w0, w0
        if word in _CUE_SET:
            return "cue", word, None, w0, w0
    m = _pre_at(low, w0, j, pos, lead)
    if m is None:
        return None
    if m.group("unit"):
        return "unit", m.group("unit"), m.group("count"), m.start(), m.start("unit")
    if m.group("cue"):
        return "cue", "", None, m.start(), m.start()
    return "euph", "", None, m.start(), m.start()


def _pre_at(low: str, w0: int, j: int, pos: int, lead: bool) -> re.Match[str] | None:
    """:data:`_PRE` over ``low[st:pos]`` for ``st`` the start of the word ``low[w0:j]``, of
    its token, or -- when ``lead`` says the token before may start a longer expression -- of
    one or two tokens before it (longest first)."""
    p1 = low.rfind(" ", 0, j) + 1
    starts = [p1] if p1 == w0 else [p1, w0]
    if lead:
        p2 = low.rfind(" ", 0, p1 - 1) + 1
        starts.insert(0, p2)
        if p2 > 1 and pos - p2 < 16:
            starts.insert(0, low.rfind(" ", 0, p2 - 1) + 1)
    for st in starts:
        if pos - st <= 24:
            m = _PRE.match(low, st, pos)
            if m is not None:
                return m
    return None


def _is_quick(unit: str, count: str | None) -> bool:
    """Whether a rate unit before an amount is a quick-visit one ("qv", "quick visit" ...)."""
    unit = " ".join(unit.split())
    return unit in _QUICK_SET or (unit == "visit" and count == "quick")


def _prev_is_digit(low: str, pos: int) -> bool:
    k = pos - 1
    if k >= 0 and low[k] == " ":
        k -= 1
    return k >= 0 and low[k].isdigit()


def _parse_amount(s: str) -> int | float | None:
    if s.isdigit():
        return int(s)
    if _THOUSANDS_COMMA.fullmatch(s):
        f = float(s.replace(",", ""))
    elif _THOUSANDS_DOT.fullmatch(s) and s.count(".") >= 1 and len(s.split(".")[-1]) == 3:
        f = float(s.replace(".", "").replace(",", "."))
    elif _DECIMAL.fullmatch(s):
        f = float(s.replace(",", "."))
    else:
        return None
    return int(f) if f.is_integer() else f


_HOUR_SET: Final = frozenset(_HOUR.split("|"))
_MIN_SET: Final = frozenset(_MIN.split("|"))
_NIGHT_SET: Final = frozenset(_NIGHT.split("|"))
_HALF_UNITS: Final = frozenset({"hh", "hhr", "полчаса"})
#: Plural units that, unbound after a bare number, make a duration ("open 24 hours", "30 min").
_DURATION_UNITS: Final = frozenset({"hours", "hrs", "horas", "часов", "nights", "ночи"}) | _MIN_SET
_ONE: Final = frozenset(
    {"", "1", "one", "full", "una", "uno", "один", "одна", "целую", "all", "toda la", "на всю",
     "всю"}  # fmt: skip
)
_HALF: Final = frozenset({"half", "1⁄2", "1/2", "½", "media", "пол"})


def _per(unit: str, count: str | None) -> str | None:
    """The ``per`` of a rate unit with an optional count or modifier ("2 hrs", "half hour")."""
    c = " ".join(count.split()) if count else ""
    if unit in _HALF_UNITS:
        return "half_hour"
    if unit in _NIGHT_SET:
        return "night" if c in _ONE else "session"
    if unit in _HOUR_SET:
        if c in _HALF:
            return "half_hour"
        return "hour" if c in _ONE else "session"
    if unit in _MIN_SET:
        n = c.replace(",", ".")
        if n == "30":
            return "half_hour"
        if n == "60":
            return "hour"
        return "session" if n else None
    return "session"  # qv, quick visit, session ...


#: ``(original, view)`` of a folded view whose original has line breaks: what
#: :func:`_line_break` needs (``view`` None: the view is one to one).  Offsets are mapped
#: with :meth:`Normalized.original_span`, never through the per-character ``starts``/``ends``
#: lists: building those for every field cost more than all the lookups they served.
_Lines = tuple[str, Normalized | None]


def _line_break(lines: _Lines, a: int, b: int) -> bool:
    """Whether the original text behind folded ``[a, b)`` holds a line break (a folded space
    may stand for one)."""
    if b <= a:
        return False
    original, view = lines
    if view is not None:
        a, b = view.original_span(a, b)
    gap = original[a:b]
    return "\n" in gap or "\r" in gap


def extract(v: Views, field: str, ctx: Context) -> list[Entity]:
    """Prices in one field's text; see the module docstring for the rules.

    >>> from redflags.normalize import Views
    >>> [e.data for e in extract(Views("100 roses/hr"), "body", Context(country="GB"))]
    [{'amount': 100, 'currency': 'GBP', 'per': 'hour'}]
    """
    folded = v.folded
    text = folded.text
    low = v.lower
    amounts = _amounts(low)
    if not amounts:
        return []  # every amount has a digit (number words are not read as prices)
    cc = (ctx.country or "US").upper()
    original = folded.original
    # offsets: an identity view (text is original) maps i to i; others carry their maps
    one_to_one = text is original
    span = folded.original_span  # folded [a, b) -> original (a < b)
    lines: _Lines | None = None
    if "\n" in original or "\r" in original:
        lines = original, None if one_to_one else folded
    # folding rewrites only non-ASCII characters: then no amount can be disguised
    plain = one_to_one or original.isascii()
    out: list[Entity] = []
    used: set[int] = set()  # unit words already given to an amount
    for s, e in amounts:
        c = _candidate(low, s, e, cc, lines)
        if c is None:
            continue
        start, end, ns, ne, amount, currency, euphemism, post, pre = c
        per: str | None = None
        pre_unit = pre is not None and pre[0] is not None and pre[1] not in used
        pre_far = False  # the unit before is on another line: one after, on this line, wins
        if lines is not None:
            if post is not None and not post[3] and _line_break(lines, end, post[1]):
                post = None  # "Быстрый визит £50⏎Час £135": "час" is not the 50's
            if pre_unit and pre is not None:
                pre_far = _line_break(lines, pre[2], start)
        if post is not None and (post[3] or not pre_unit or pre_far):
            per, end = post[0], post[2]
            used.add(post[1])
        elif pre is not None and pre_unit:
            per, start = pre[0], pre[2]
            used.add(pre[1])
        if pre is not None and pre[0] is None and euphemism:
            start = pre[2]  # "donation: 200", "🌹 150"
        if currency is None and per is None and not euphemism and pre is None:
            continue  # a bare number whose unit went to another amount (or another line)
        if currency is None:
            currency = _currency(cc, "")
        a, b = (start, end) if one_to_one else span(start, end)
        disguised = False  # (folding rewrites only non-ASCII: an ASCII original is plain)
        if not plain:
            na, nb = span(ns, ne)
            disguised = original[na:nb] != low[ns:ne]
        out.append(
            Entity(  # (positional -- kind, value, data, span, disguised -- is fastest)
                "price",
                f"{amount}:{currency}:{per or ''}",
                {"amount": amount, "currency": currency, "per": per},
                Span(field, a, b, original[a:b]),
                disguised,
            )
        )
    return out


def _glued(low: str, s: int, e: int) -> bool:
    """Whether the digit run ``low[s:e]`` is part of a word, handle, address or wallet."""
    if s:
        b = low[s - 1]
        k = s
        if (b == "/" or b == "@") and s >= 2 and low[s - 2].isalpha():
            b, k = low[s - 2], s - 1  # "qv/60", "qv@60" -- not "site.com/ad/120"
        elif b == "@":
            return True  # "@120"
        if b.isalpha():
            ws = _word_start(low, k)
            if low[ws:k] not in _GLUE_BEFORE or (ws and low[ws - 1] in _HANDLE_CHARS):
                return True  # "@luxeluna27", "$vikagold42", "kiki.price73", "0x71c7"
        elif b == "_" or b == "#" or (b == "." and s >= 2 and low[s - 2].isalpha()):
            return True  # "luna_27", "#27", "vika.83"
    if e < len(low):
        a = low[e]
        if a.isalpha():
            return low[e : _word_end(low, e)] not in _GLUE_AFTER  # "27luna", "4f8a..."
        if a == "@" or a == "_":
            return True  # "price73@example.com", "luna27_vip"
    return False


def _candidate(low: str, s: int, e: int, cc: str, lines: _Lines | None) -> _Cand | None:
    """The amount ``low[s:e]`` with its currency and units, or None when it is no price.

    ``lines`` is set when the original text has line breaks (see :func:`_line_break`).
    """
    n = len(low)
    b = low[s - 1] if s else " "
    a = low[e] if e < n else " "
    start, end = s, e
    currency: str | None = None
    if b in _SYMBOLS:  # the usual "$80": only the far side can glue it to a word
        if (a.isalpha() or a == "@" or a == "_") and _glued(low, s, e):
            return None
        if b != "$" or s < 2 or not low[s - 2].isalpha():
            if s < 2 or not low[s - 2].isdigit():  # (not "100$80": the "$" is the 100's)
                currency, start = _currency(cc, b), s - 1
        else:
            cb = _currency_before(low, s)  # "US$80", "ca$80"
            if cb is not None and not (
                cb[1] and _prev_is_digit(low, cb[1]) and low[cb[1] - 1] != " "
            ):
                currency, start = _currency(cc, cb[0]), cb[1]
    else:
        alpha = b.isalpha()
        # ---- cheapest first: a price has a currency, unit, euphemism or price word next to it
        if not alpha and b != "🌹":
            k = s - 1
            while k >= 0 and s - k <= 4 and low[k] in _GAP:
                k -= 1
            if k < 0 or s - k > 4 or not (
                low[k].isalpha() or low[k] in _SYMBOLS or low[k] == "🌹"
            ):
                c1 = low[e + 1] if a == " " and e + 1 < n else a
                if not (c1.isalnum() or c1 in _AFTER_START):
                    return None  # "Lexi, 31, ...", "(22)"
        # ---- not an amount: glued to a word, a phone group, the end of "1/2" or "10:30"
        if (alpha or b in _GLUE_NEAR or a.isalpha() or a == "@" or a == "_") and _glued(
            low, s, e
        ):
            return None
        if s >= 2 and low[s - 2].isdigit():
            if b in "/:.,":
                return None  # the second half of "1/2", "10:30"; a run-on from another number
            if b in " -." and s >= 4 and _GROUP_BEFORE.search(
                low, s - 6 if s > 6 else 0, s
            ) and not (lines is not None and _line_break(lines, s - 1, s)):
                return None  # "305-555 0123"
        # ---- currency before, one space or letters back ("$ 80", "usd 80", "usd80")
        if alpha or (b == " " and s >= 2 and (low[s - 2] in _SYMBOLS or low[s - 2].isalpha())):
            cb = _currency_before(low, s)
            if cb is not None and not (
                cb[1] and _prev_is_digit(low, cb[1]) and (b == " " or low[cb[1] - 1] != " ")
            ):
                # (not "100$ 30min": there the "$" belongs to the amount before it)
                currency, start = _currency(cc, cb[0]), cb[1]
    raw = low[s:e]
    if a in " -." and e + 1 < n and low[e + 1].isdigit() and _GROUP_AFTER.match(low, e) and not (
        lines is not None and _line_break(lines, e, e + 1)
    ):
        return None  # "555 0123": a group of a phone number (not "$35⏎100% real")
    if a == ":" and e + 1 < n and low[e + 1].isdigit():
        return None  # "10:30"
    if a == "/" and (raw == "24" and low.startswith("/7", e) or _SLASH_NUMBER.match(low, e)):
        return None  # "24/7", "1/2" -- but not "250/2hr"
    if raw.isdigit():
        if len(raw) > 8:
            return None  # a phone number or an ID run together
        amount: int | float | None = int(raw)
    else:
        amount = _parse_amount(raw)
    if amount is None or amount <= 0 or amount > MAX_AMOUNT:
        return None
    # ---- what follows: a word that makes it no price; currency, euphemism, rate unit
    # (:data:`_AFTER`, read part by part: see :func:`_bad_after`)
    after = -1  # where the euphemism and rate unit after the amount are read (-1: nowhere)
    k = e + 1 if a == " " else e
    if k < n and (low[k].isalnum() or low[k] in _AFTER_START):
        if _bad_after(low, e):
            return None  # "22yo", "120lbs", "100%", "50 guys"
        # ("age 23⏎Roses 170 for the hour": the next line is not this amount's)
        if not (k > e and lines is not None and _line_break(lines, e, k)):
            after = e
            cur = _cur_after(low, e)
            if cur is not None:
                has_k, tok, cs, ce = cur
                sym = tok in _SYMBOLS
                if sym and low[cs - 1] == " " and ce < n and low[ce].isdigit():
                    after = -1  # "age 23 $260": the "$" is the next amount's
                else:
                    if not sym:
                        tok = tok.rstrip(".")
                    if not (tok in ("pounds", "pound") and cc not in ("GB", "UK")):
                        # (else "120 pounds" is a weight outside the UK)
                        if has_k:
                            amount = amount * 1000
                        if currency is None:
                            currency = _currency(cc, tok)
                        end = after = ce
    if currency is not None and a == "k" and end == e and (e + 1 == n or not low[e + 1].isalpha()):
        amount, end = amount * 1000, e + 1  # "$1.5k"
        after = end
    if isinstance(amount, float) and amount.is_integer():
        amount = int(amount)
    if currency is None and amount < MIN_BARE_AMOUNT:
        return None
    euphemism = False
    post: _Unit | None = None
    if after >= 0:
        # ---- euphemism after ("100 roses", "100 🌹")
        eu = _euph_after(low, after)
        if eu >= 0:
            euphemism, end, after = True, eu, eu
        # ---- how it is charged, after
        po = _post_after(low, after)
        if po is not None:
            kind_a, ps, pe, bind, count, word = po
            if kind_a == "unit":
                glued = ps == end
                per = _per(word, count)
                if not bind and currency is None and not euphemism:
                    if not glued and word in _DURATION_UNITS:
                        per = None  # "open 24 hours", "30 min": a duration
                    elif word in _HOUR_SET and (
                        amount < MIN_BARE_HOURLY or not _AFTER_BARE_HOUR_OK.match(low, pe)
                    ):
                        per = None  # "22h", "24 hour service", "48 hour notice"
                if per is not None:
                    post = (per, ps, pe, bind or glued)
            elif kind_a == "each" or currency is not None or euphemism:
                post = ("unit", ps, pe, True)
    # ---- how it is charged / what it is, before
    pre: _Unit | None = None
    pr = _match_before(low, start, lines) if start else None
    if pr is not None:
        kind, unit_b, count_b, pstart, at = pr
        if kind == "unit":
            per_b = _per(unit_b, count_b)
            if per_b is not None:
                pre = (per_b, at, pstart, False)
        elif kind == "euph":
            euphemism = True
            pre = (None, pstart, pstart, False)
        else:
            pre = (None, pstart, start, False)
    if currency is None and post is None and pre is None and not euphemism:
        return None
    return start, end, s, e, amount, currency, euphemism, post, pre
