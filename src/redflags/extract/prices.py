"""Prices and rates ("$80/hr", "hh 120 h 200", "100 roses", "£120 per hour", "3000 руб/час").

An amount is a price when it carries a currency (a symbol or code before or after it: ``$``,
``US$``, ``£``, ``€``, ``₽``, ``USD``, ``dollars``, ``euros``, ``pesos``, ``руб`` ...), a money
euphemism (``roses``, ``🌹``, ``donation``, ``gifts``, ``donativo``, ``rosas``), a price word
(``price``, ``rate``, ``precio``, ``цена``, ``incall``, ``outcall``), or a rate unit (``hh``,
``qv``, ``h``/``hr``/``hour``, ``30 min``, ``overnight``, ``la hora``, ``час``).  A bare
number needs a rate unit or price word and at least :data:`MIN_BARE_AMOUNT`; it is never a
phone group, a time, "24/7", a fraction or a plain duration ("open 24 hours", "30 min").

``data`` is ``{"amount": int|float, "currency": ISO code, "per": ...}`` and ``value`` is
``"amount:currency:per"`` with an empty ``per`` when there is none.  ``per`` is

* ``"hour"``: h, hr, hour, 1h, 60 min, full hour, hora, час;
* ``"half_hour"``: hh, half hour, 1/2 hr, 30 min, media hora, полчаса;
* ``"session"``: qv, quick visit, quickie, 15/20/45 min, and any other fixed length
  ("2 hrs 300", "90 min");
* ``"night"``: night, overnight, ovn, all night, noche, ночь;
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
from typing import NamedTuple

from redflags.extract import Context, span_of
from redflags.model import Entity
from redflags.normalize import Views

__all__ = ["MIN_BARE_AMOUNT", "currency_for", "extract"]

#: Smallest amount read as a price without a currency: below it "2 h", "1 hr", "10 min" are
#: durations and "5 roses" a bouquet.
MIN_BARE_AMOUNT = 20
#: A bare amount *before* "h"/"hr"/"hour" with nothing binding them ("150 hour") must be at
#: least this, so clock times and durations ("22h", "24 hour service") are not prices.
MIN_BARE_HOURLY = 30
#: Largest amount reported (anything above is a phone number, an ID or a year run together).
MAX_AMOUNT = 10_000_000

_EUR = "AT BE CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL PT SI SK".split()
_COUNTRY_CURRENCY: dict[str, str] = {
    **{c: "EUR" for c in _EUR},
    "US": "USD", "GB": "GBP", "UK": "GBP", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "MX": "MXN",
    "RU": "RUB", "IN": "INR", "JP": "JPY", "CN": "CNY", "CO": "COP", "AR": "ARS", "CL": "CLP",
    "BR": "BRL", "PE": "PEN", "CH": "CHF", "SE": "SEK", "NO": "NOK", "DK": "DKK", "PL": "PLN",
    "UA": "UAH", "PH": "PHP", "TH": "THB", "DO": "DOP", "UY": "UYU", "VE": "VES", "EC": "USD",
    "PR": "USD", "SV": "USD", "PA": "USD",
}
#: Countries whose own currency is written "$".
_DOLLAR_COUNTRY = {
    "US", "CA", "AU", "NZ", "MX", "CO", "AR", "CL", "DO", "UY", "EC", "PR", "SV", "PA",
}
_PESO_COUNTRY = {"MX": "MXN", "CO": "COP", "AR": "ARS", "CL": "CLP", "PH": "PHP", "DO": "DOP",
                 "UY": "UYU"}


def currency_for(country: str | None, token: str = "") -> str:
    """ISO currency for a currency ``token`` ("$", "pesos", "" for the country default).

    >>> currency_for("CA", "$"), currency_for("GB"), currency_for("MX", "pesos")
    ('CAD', 'GBP', 'MXN')
    """
    cc = (country or "US").upper()
    t = token.lower()
    if t in ("", "local"):
        return _COUNTRY_CURRENCY.get(cc, "USD")
    if t in ("$", "dollar", "dollars", "dolares", "dolar", "dlls", "dll", "bucks"):
        return _COUNTRY_CURRENCY[cc] if cc in _DOLLAR_COUNTRY else "USD"
    if t in ("pesos", "peso"):
        return _PESO_COUNTRY.get(cc, "MXN")
    return _TOKEN_CURRENCY.get(t, "USD")


_TOKEN_CURRENCY: dict[str, str] = {
    "us$": "USD", "usd": "USD", "u$s": "USD", "ca$": "CAD", "c$": "CAD", "cad": "CAD",
    "au$": "AUD", "a$": "AUD", "aud": "AUD", "mx$": "MXN", "mxn": "MXN", "r$": "BRL",
    "£": "GBP", "gbp": "GBP", "quid": "GBP", "pounds": "GBP", "pound": "GBP",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "₽": "RUB", "руб": "RUB", "рублей": "RUB", "рублеи": "RUB", "рубля": "RUB", "рубль": "RUB",
    "р": "RUB", "rub": "RUB", "rubles": "RUB", "roubles": "RUB", "¥": "JPY", "yen": "JPY",
}

# --------------------------------------------------------------------------- patterns

_NL = r"(?![^\W\d_])"  # not followed by a letter
_NB = r"(?<![^\W\d_])"  # not preceded by a letter

#: Currency written before the amount, maybe with one space: symbols (with their country
#: prefixes) and ISO codes.
_SYMBOLS = frozenset("$£€₽¥")
_DOLLAR_PREFIXES = ("u$s", "us$", "ca$", "au$", "mx$", "c$", "a$", "r$")
_CODES = frozenset({"usd", "gbp", "eur", "cad", "aud", "mxn", "rub"})
#: Currency written after the amount ("80$", "120 GBP", "40 dollars", "3000 руб", "3000р").
_CUR_AFTER = re.compile(
    r"(?P<k>\s?(?:k|тыс\.?))?\s?(?:(?P<sym>\$|£|€|₽|¥)"
    r"|(?P<word>usd|gbp|eur|cad|aud|mxn|rub|dollars?|dolares|dolar|dlls?|bucks|quid|pounds?"
    r"|euros?|pesos?|yen|rubles|roubles|руб(?:лей|леи|ля|ль)?\.?|р\.?)" + _NL + ")"
)
#: Money euphemisms after the amount ("100 roses", "100 🌹", "200 donation").
_EUPH_AFTER = re.compile(
    r"\s?(?:(?P<word>roses?|rosas|donations?|donativos?|gifts?|regalos?|kisses|besos|розы?|роз)"
    + _NL + r"|(?P<emoji>🌹+))"
)

_HOUR = r"h|hr|hrs|hour|hours|hora|horas|hs|час|часа|часов|ч"
_MIN = r"min|mins|minute|minutes|minutos|minuto|мин|минут|минуты"
_NIGHT = r"overnight|ovn|o/n|night|nights|noche|ночь|ночи|nite"
_SESSION = r"qv|qk|quickie|quick\s+visit|quicky|session|sesion|visit|rapidito|short\s+time"
_UNIT = rf"hh|hhr|{_HOUR}|{_MIN}|{_NIGHT}|{_SESSION}|полчаса"
#: Count or modifier in front of a unit ("1 hr", "30 min", "half hour", "all night").
_COUNT = (
    r"(?P<count>(?<![\d.,])\d{1,2}(?:[.,]\d)?(?!\d)|1⁄2|1/2|½"
    r"|one|two|three|four|una|uno|dos|tres|одна|один|два"
    r"|half|full|quick|all|media|toda\s+la|на\s+всю|пол|целую|всю)"
)
#: After the amount (and its currency): how it is charged ("/hr", "per hour", "hh", "for the
#: night", "la hora", "/час", "each", "per cupcake").
_POST = re.compile(
    r"\s?(?P<bind>/|per|an?|for(?:\s+(?:the|an?|one))?|la|por(?:\s+la)?|в|за|на|@)?\s?"
    rf"(?:{_COUNT}\s?-?\s?(?:an?\s)?)?(?P<unit>{_UNIT}){_NL}"
    rf"|\s?(?P<each>each|ea|apiece|a\s+piece|c/u|cada\s+un[oa]){_NL}"
    rf"|\s?(?P<per>/|per|por)\s?(?P<item>[^\W\d_]+){_NL}"
)
#: Before the amount: a rate unit, euphemism or price word ("hh 120", "1 hr - 180",
#: "donation: 200", "🌹 150", "precio 100"); matched so that it ends exactly at the amount.
_PRE = re.compile(
    rf"(?:{_NB}(?:(?:{_COUNT})\s?-?\s?(?:an?\s)?)?(?P<unit>{_UNIT})"
    r"|(?P<euph>roses?|rosas|donations?|donativos?|gifts?|regalos?)"
    r"|(?P<emoji>🌹+)"
    r"|(?P<cue>price|prices|rate|rates|precio|precios|tarifa|цена|стоимость|incall|outcall"
    r"|in\s?call|out\s?call|inc|outc))"
    r"\s?(?:[:=\-–@~/]|is|are|es|son|:\s?-)?\s?$"
)

#: Last words of everything :data:`_PRE` can match (a set lookup before any regex).
_PRE_LAST = frozenset(
    w.split("\\s+")[-1].replace("o/n", "n")
    for w in (
        f"{_UNIT}|roses|rose|rosas|donation|donations|donativo|donativos|gift|gifts|regalo"
        "|regalos|price|prices|rate|rates|precio|precios|tarifa|цена|стоимость|incall|outcall"
        "|call|inc|outc"
    ).split("|")
)

_AMOUNT_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
#: Digit groups next to an amount that make it part of a phone number or a list of numbers.
_GROUP_BEFORE = re.compile(r"(?<!\d)\d{3}[ \-.]$")
_GROUP_AFTER = re.compile(r"[ \-.](?:\d{3}|\d+[ \-.]\d)")
_SLASH_NUMBER = re.compile(r"/\d+(?![\d.,]*\s?(?:h|hr|hrs|hour|hours|min|mins|час|ч)(?![^\W\d_]))")
_THOUSANDS_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?")
_THOUSANDS_DOT = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?")
_DECIMAL = re.compile(r"\d+[.,]\d{1,2}")
#: After a bare "150 hour": only these words may follow (else "24 hour service").
_AFTER_BARE_HOUR_OK = re.compile(
    r"\s*(?:$|[^\w\s]|\d|(?:incall|outcall|inc|outc|in|out|only|special|and|&|or|y|o|rate"
    r"|with|w)" + _NL + ")"
)
#: Words after an amount that make it a count of something else ("hh 120 guys").
_NOT_PRICE_AFTER = re.compile(
    r"\s?(?:%|am|pm|a\.m|p\.m|yo|y/o|yrs?|years?|lbs?|kg|miles?|mi|km|ft|cm|inch|inches|guys"
    r"|people|men|girls|times|x|st|nd|rd|th|photos|pics|reviews|followers|dd|minutes|mins)"
    + _NL
)


class _Unit(NamedTuple):
    per: str | None  # None for a euphemism or price word ("donation 200", "precio 100")
    at: int  # start of the unit word: one unit serves one amount ("hh 120 h 200")
    start: int  # where the expression starts (prefix) or ends (suffix)
    tight: bool  # "/hr", "per hour", "80hh": bound to this amount for sure


class _Cand(NamedTuple):
    start: int  # of the amount with its currency/euphemism, folded offsets
    end: int
    num_start: int
    num_end: int
    amount: int | float
    currency: str | None
    euphemism: bool
    post: _Unit | None
    pre: _Unit | None


def _lower(text: str) -> str:
    """``text.lower()`` with one output character per input character (keeps offsets)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


_GAP = " :=-–@~/"


def _currency_before(low: str, pos: int) -> tuple[str, int] | None:
    """``(token, start)`` of a currency written right before ``pos`` ("$", "US$", "€", "usd")."""
    k = pos - 1
    if k >= 0 and low[k] == " ":
        k -= 1
    if k < 0:
        return None
    c = low[k]
    if c in _SYMBOLS:
        if c == "$":
            for p in _DOLLAR_PREFIXES:
                a = k + 1 - len(p)
                if a >= 0 and low.startswith(p, a) and not (a and low[a - 1].isalpha()):
                    return p, a
        return c, k
    if c.isalpha():
        i = _word_start(low, k + 1)
        if low[i : k + 1] in _CODES:
            return low[i : k + 1], i
    return None


def _maybe_after(low: str, pos: int) -> bool:
    """Cheap test: a currency, unit, euphemism or "/" may start right after ``pos``."""
    if pos < len(low) and low[pos] == " ":
        pos += 1
    if pos >= len(low):
        return False
    c = low[pos]
    return c.isalnum() or c in "$£€₽¥🌹/@½-"


def _match_before(low: str, pos: int) -> re.Match[str] | None:
    """:data:`_PRE` ending exactly at ``pos``, tried from up to three words back (longest
    first) -- a handful of anchored matches instead of a search."""
    j = pos
    while j > 0 and pos - j < 4 and low[j - 1] in _GAP:
        j -= 1
    if j == 0:
        return None
    if low[j - 1] != "🌹" and low[_word_start(low, j) : j] not in _PRE_LAST:
        return None
    p1 = low.rfind(" ", 0, j) + 1
    starts = {p1, _word_start(low, j)}
    if p1 > 1:
        p2 = low.rfind(" ", 0, p1 - 1) + 1
        starts.add(p2)
        if p2 > 1 and pos - p2 < 16:
            starts.add(low.rfind(" ", 0, p2 - 1) + 1)
    for st in sorted(starts):
        if pos - st <= 24:
            m = _PRE.match(low, st, pos)
            if m:
                return m
    return None


def _word_start(low: str, end: int) -> int:
    i = end
    while i > 0 and low[i - 1].isalpha():
        i -= 1
    return i


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


_HOUR_SET = frozenset(_HOUR.split("|"))
_MIN_SET = frozenset(_MIN.split("|"))
_NIGHT_SET = frozenset(_NIGHT.split("|"))
_ONE = frozenset({"", "1", "one", "full", "una", "uno", "один", "одна", "целую", "all", "toda la",
                  "на всю", "всю"})
_HALF = frozenset({"half", "1⁄2", "1/2", "½", "media", "пол"})


def _per(unit: str, count: str | None) -> str | None:
    """The ``per`` of a rate unit with an optional count or modifier ("2 hrs", "half hour")."""
    c = " ".join((count or "").split())
    if unit in ("hh", "hhr", "полчаса"):
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


def extract(v: Views, field: str, ctx: Context) -> list[Entity]:
    """Prices in one field's text; see the module docstring for the rules.

    >>> from redflags.normalize import Views
    >>> [e.data for e in extract(Views("100 roses/hr"), "body", Context(country="GB"))]
    [{'amount': 100, 'currency': 'GBP', 'per': 'hour'}]
    """
    folded = v.folded
    text = folded.text
    low = _lower(text)
    out: list[Entity] = []
    used: set[int] = set()  # unit words already given to an amount
    for m in _AMOUNT_RE.finditer(low):
        c = _candidate(low, m, ctx)
        if c is None:
            continue
        per: str | None = None
        start, end = c.start, c.end
        pre_unit = c.pre is not None and c.pre.per is not None and c.pre.at not in used
        if c.post is not None and (c.post.tight or not pre_unit):
            per, end = c.post.per, c.post.start
            used.add(c.post.at)
        elif c.pre is not None and pre_unit:
            per, start = c.pre.per, c.pre.start
            used.add(c.pre.at)
        if c.pre is not None and c.pre.per is None and c.euphemism:
            start = c.pre.start  # "donation: 200", "🌹 150"
        if c.currency is None and per is None and not c.euphemism and c.pre is None:
            continue  # a bare number whose unit went to another amount
        currency = c.currency or currency_for(ctx.country)
        data = {"amount": c.amount, "currency": currency, "per": per}
        original = folded.original_text(c.num_start, c.num_end)
        out.append(
            Entity(
                kind="price",
                value=f"{c.amount}:{currency}:{per or ''}",
                data=data,
                span=span_of(v, folded, start, end, field),
                disguised=original != low[c.num_start : c.num_end],
            )
        )
    return out


def _candidate(low: str, m: re.Match[str], ctx: Context) -> _Cand | None:
    s, e = m.span()
    n = len(low)
    raw = m.group()
    # ---- not an amount: phone groups, fractions, "24/7", times
    if s >= 4 and low[s - 1] in " -." and _GROUP_BEFORE.search(low, max(0, s - 6), s):
        return None  # "555 0123", "305-555-0123"
    if e + 1 < n and low[e] in " -." and _GROUP_AFTER.match(low, e):
        return None
    if e + 1 < n and low[e] == ":" and low[e + 1].isdigit():
        return None  # "10:30"
    if e + 1 < n and low[e] == "/" and _SLASH_NUMBER.match(low, e):
        return None  # "24/7", "1/2" -- but not "250/2hr"
    if s >= 2 and low[s - 1] in "/:" and low[s - 2].isdigit():
        return None
    amount = _parse_amount(raw)
    if amount is None or amount <= 0 or amount > MAX_AMOUNT:
        return None
    if _NOT_PRICE_AFTER.match(low, e):
        return None
    start, end = s, e
    currency: str | None = None
    euphemism = False
    # ---- currency before ("$80", "US$ 80", "€ 90")
    cb = _currency_before(low, s)
    if cb is not None and not (cb[1] and _prev_is_digit(low, cb[1])):
        # (not "100$ 30min": there the "$" belongs to the amount before it)
        tok = cb[0]
        currency = currency_for(ctx.country, tok) if tok == "$" else _TOKEN_CURRENCY[tok]
        start = cb[1]
    # ---- currency or euphemism after ("80$", "120 GBP", "100 roses", "3000 руб")
    after = _maybe_after(low, e)
    ca = _CUR_AFTER.match(low, e) if after else None
    if ca and (ca.group("sym") or ca.group("word")):
        tok = ca.group("sym") or ca.group("word") or ""
        tok = tok.rstrip(".")
        if tok in ("pounds", "pound") and (ctx.country or "US").upper() not in ("GB", "UK"):
            tok = ""  # "120 pounds" is a weight outside the UK
        if tok:
            if ca.group("k"):
                amount = amount * 1000
            if currency is None:
                currency = (
                    currency_for(ctx.country, tok)
                    if tok in ("$", "dollar", "dollars", "dolares", "dolar", "dlls", "dll",
                               "bucks", "pesos", "peso")
                    else _TOKEN_CURRENCY.get(tok, "USD")
                )
            end = ca.end()
    elif currency is not None and e < n and low[e] == "k" and (e + 1 == n or not
                                                                low[e + 1].isalpha()):
        amount, end = amount * 1000, e + 1  # "$1.5k"
    if isinstance(amount, float) and amount.is_integer():
        amount = int(amount)
    if currency is None and amount < MIN_BARE_AMOUNT:
        return None
    ea = _EUPH_AFTER.match(low, end) if after else None
    if ea:
        euphemism, end = True, ea.end()
    # ---- how it is charged, after
    post: _Unit | None = None
    pm = _POST.match(low, end) if after or end > e else None
    if pm:
        if pm.group("unit"):
            unit = pm.group("unit")
            bind = pm.group("bind")
            count = pm.group("count")
            glued = pm.start("unit") == end
            per = _per(unit, count)
            if not bind and not glued and currency is None and not euphemism and (
                unit in ("hours", "hrs", "horas", "часов", "nights", "ночи") or unit in _MIN_SET
            ):
                per = None  # "open 24 hours", "30 min": a duration
            elif not bind and currency is None and not euphemism and unit in _HOUR_SET:
                if amount < MIN_BARE_HOURLY or not _AFTER_BARE_HOUR_OK.match(low, pm.end()):
                    per = None  # "22h", "24 hour service", "48 hour notice"
            if per is not None:
                post = _Unit(per, pm.start("unit"), pm.end(), bool(bind) or glued)
        elif pm.group("each"):
            post = _Unit("unit", pm.start("each"), pm.end(), True)
        elif pm.group("item") and (currency is not None or euphemism):
            post = _Unit("unit", pm.start("item"), pm.end(), True)
    # ---- how it is charged / what it is, before
    pre: _Unit | None = None
    pr = _match_before(low, start)
    if pr:
        if pr.group("unit"):
            per_b = _per(pr.group("unit"), pr.group("count"))
            if per_b is not None:
                pre = _Unit(per_b, pr.start("unit"), pr.start(), False)
        elif pr.group("euph") or pr.group("emoji"):
            euphemism = True
            pre = _Unit(None, pr.start(), pr.start(), False)
        elif pr.group("cue"):
            pre = _Unit(None, pr.start(), start, False)
    if currency is None and post is None and pre is None and not euphemism:
        return None
    return _Cand(start, end, s, e, amount, currency, euphemism, post, pre)
