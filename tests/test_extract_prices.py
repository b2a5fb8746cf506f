"""Prices: match / no-match tables, currencies by country, exact spans, a never-crash property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redflags.extract import Context
from redflags.extract import prices as prices_mod
from redflags.extract.prices import currency_for, extract
from redflags.normalize import Views, lower_one_to_one


def prices(text: str, country: str = "US") -> list[str]:
    return [str(e.value) for e in extract(Views(text), "body", Context(country=country))]


# text, ad country, expected "amount:currency:per" values in order
MATCH: list[tuple[str, str, list[str]]] = [
    # currency symbols and codes
    ("$80/hr", "US", ["80:USD:hour"]),
    ("80$ hh", "US", ["80:USD:half_hour"]),
    ("$ 80", "US", ["80:USD:"]),
    ("£120 per hour", "GB", ["120:GBP:hour"]),
    ("£120 per hour", "US", ["120:GBP:hour"]),
    ("120 GBP", "GB", ["120:GBP:"]),
    ("120 quid an hour", "GB", ["120:GBP:hour"]),
    ("€90", "ES", ["90:EUR:"]),
    ("100€ la hora", "ES", ["100:EUR:hour"]),
    ("€ 150 la hora", "ES", ["150:EUR:hour"]),
    ("150 euros la hora", "ES", ["150:EUR:hour"]),
    ("40 dollars", "US", ["40:USD:"]),
    ("80 bucks", "US", ["80:USD:"]),
    ("80 usd", "MX", ["80:USD:"]),
    ("US$ 80", "MX", ["80:USD:"]),
    ("$500 la hora", "MX", ["500:MXN:hour"]),
    ("100 pesos", "CO", ["100:COP:"]),
    ("$200 CAD overnight", "CA", ["200:CAD:night"]),
    ("$150/hr", "CA", ["150:CAD:hour"]),
    ("3000 руб/час", "RU", ["3000:RUB:hour"]),
    ("3000р/час, ночь 15000", "RU", ["3000:RUB:hour", "15000:RUB:night"]),
    ("500 рублей", "RU", ["500:RUB:"]),
    ("3 тыс руб", "RU", ["3000:RUB:"]),
    ("$1.5k", "US", ["1500:USD:"]),
    ("$15,000 obo", "US", ["15000:USD:"]),
    ("1.500€", "ES", ["1500:EUR:"]),
    ("$9.99 each", "US", ["9.99:USD:unit"]),
    ("$3 per cupcake", "US", ["3:USD:unit"]),
    ("$5/lb", "US", ["5:USD:unit"]),
    ("Price: $100", "US", ["100:USD:"]),
    # euphemisms take the ad's currency
    ("100 roses", "US", ["100:USD:"]),
    ("100 roses", "GB", ["100:GBP:"]),
    ("100 🌹", "US", ["100:USD:"]),
    ("🌹 150", "US", ["150:USD:"]),
    ("🌹🌹 200 hh", "US", ["200:USD:half_hour"]),
    ("100 roses/hr", "GB", ["100:GBP:hour"]),
    ("donation 200", "US", ["200:USD:"]),
    ("donation: $200/hr", "US", ["200:USD:hour"]),
    ("200 donation", "US", ["200:USD:"]),
    ("roses: 150", "US", ["150:USD:"]),
    ("150 rosas la hora", "MX", ["150:MXN:hour"]),
    ("precio 100", "ES", ["100:EUR:"]),
    # bare amounts with a rate unit
    ("150 hour", "US", ["150:USD:hour"]),
    ("qv 60", "US", ["60:USD:session"]),
    ("qv60", "US", ["60:USD:session"]),
    ("60qv", "US", ["60:USD:session"]),
    ("hh80", "US", ["80:USD:half_hour"]),
    ("100hh", "US", ["100:USD:half_hour"]),
    ("h150", "US", ["150:USD:hour"]),
    ("hh 120 h 200", "US", ["120:USD:half_hour", "200:USD:hour"]),
    ("120 hh 200 h", "US", ["120:USD:half_hour", "200:USD:hour"]),
    ("qv 60 hh 100 h 150", "US", ["60:USD:session", "100:USD:half_hour", "150:USD:hour"]),
    ("Rates: 100 hh | 150 h | 250 2h", "US",
     ["100:USD:half_hour", "150:USD:hour", "250:USD:session"]),
    ("1h 150 2h 250", "US", ["150:USD:hour", "250:USD:session"]),
    ("150 1h 250 2h", "US", ["150:USD:hour", "250:USD:session"]),
    ("150/hr 250/2hr", "US", ["150:USD:hour", "250:USD:session"]),
    ("hh $80, hr $150", "US", ["80:USD:half_hour", "150:USD:hour"]),
    ("$100 hh $160 hr", "US", ["100:USD:half_hour", "160:USD:hour"]),
    ("100$ 30min", "US", ["100:USD:half_hour"]),
    ("200 for the night", "US", ["200:USD:night"]),
    ("$200 for the night", "US", ["200:USD:night"]),
    ("overnight 1000", "US", ["1000:USD:night"]),
    ("overnight: $1000", "US", ["1000:USD:night"]),
    ("all night 800", "US", ["800:USD:night"]),
    ("1 hr - 180", "US", ["180:USD:hour"]),
    ("30 min 100", "US", ["100:USD:half_hour"]),
    ("100 for 30 min", "US", ["100:USD:half_hour"]),
    ("half hour 120", "US", ["120:USD:half_hour"]),
    ("100 per half hour", "US", ["100:USD:half_hour"]),
    ("1/2 hr 80", "US", ["80:USD:half_hour"]),
    ("½ hr 80", "US", ["80:USD:half_hour"]),
    ("15 min 40", "US", ["40:USD:session"]),
    ("quick visit 60", "US", ["60:USD:session"]),
    ("60 for qv", "US", ["60:USD:session"]),
    ("1.5 hr 250", "US", ["250:USD:session"]),
    ("2 hrs 300", "US", ["300:USD:session"]),
    ("90 min 250", "US", ["250:USD:session"]),
    ("media hora 300", "MX", ["300:MXN:half_hour"]),
    ("1 hora 500", "MX", ["500:MXN:hour"]),
    ("50 dólares la media hora", "US", ["50:USD:half_hour"]),
    ("ночь 15000", "RU", ["15000:RUB:night"]),
    ("Rate 200/hr", "US", ["200:USD:hour"]),
    ("$20/hr job", "US", ["20:USD:hour"]),
    ("fullwidth ＄８０/hr", "US", ["80:USD:hour"]),
    ("Incall 150 outcall 250", "US", ["150:USD:", "250:USD:"]),
    ("qv/60 hh/100 h/160", "US", ["60:USD:session", "100:USD:half_hour", "160:USD:hour"]),
    ("120 for half an hour", "US", ["120:USD:half_hour"]),
    ("half an hour 120", "US", ["120:USD:half_hour"]),
    ("available 24/7 100 roses", "US", ["100:USD:"]),
    ("30min 120 | 1hr 200 | overnight 1500", "US",
     ["120:USD:half_hour", "200:USD:hour", "1500:USD:night"]),
    ("Donations: 200 hh, 300 h", "US", ["200:USD:half_hour", "300:USD:hour"]),
    ("Tarifa: 60€ 30 min, 100€ 1 hora", "ES", ["60:EUR:half_hour", "100:EUR:hour"]),
    ("Цена 5000 за час", "RU", ["5000:RUB:hour"]),
    ("Час 3000, два часа 5500, ночь 12000", "RU",
     ["3000:RUB:hour", "5500:RUB:session", "12000:RUB:night"]),
    ("Tickets $45 each or 2 for $80", "US", ["45:USD:unit", "80:USD:"]),
    ("Apartment for rent $1,200/month, 900 sq ft", "US", ["1200:USD:unit"]),
    ("Hiring cashiers $15 an hour, 40 hours a week", "US", ["15:USD:hour"]),
    ("Selling my 2015 Honda Civic, 98,000 miles. Asking $8,500 OBO. Call 713 555 0142", "US",
     ["8500:USD:"]),
    ("Sweet 22yo, 24/7. Call 305-555-0123. hh 120 h 200 qv 80", "US",
     ["120:USD:half_hour", "200:USD:hour", "80:USD:session"]),
    # "hourly" / "nightly" are rate units
    ("Hourly $270, overnight $1,620", "US", ["270:USD:hour", "1620:USD:night"]),
    ("Hourly £320, overnight £1,920", "GB", ["320:GBP:hour", "1920:GBP:night"]),
    ("hourly rate $270", "US", ["270:USD:hour"]),
    ("$300 nightly", "US", ["300:USD:night"]),
    ("Hora $270, noche 1,350$", "US", ["270:USD:hour", "1350:USD:night"]),
    # a quick-visit word binds across a word or two; any unit across a filler word
    ("qv specials $130", "US", ["130:USD:session"]),
    ("Specials $210 hh. qv specials $130.", "US", ["210:USD:half_hour", "130:USD:session"]),
    ("QV $140 available", "US", ["140:USD:session"]),
    ("Quick visit $130", "US", ["130:USD:session"]),
    ("Quick visit only $130", "US", ["130:USD:session"]),
    ("Visita rápida $190", "US", ["190:USD:session"]),
    ("Rosas 430 la hora. Visita rápida 190$.", "US", ["430:USD:hour", "190:USD:session"]),
    ("Быстрый визит £50", "GB", ["50:GBP:session"]),
    ("Экспресс 190$", "US", ["190:USD:session"]),
    ("overnight special $900", "US", ["900:USD:night"]),
    ("hh only 100", "US", ["100:USD:half_hour"]),
    ("Подарок 350$ за час", "US", ["350:USD:hour"]),
    # euphemism + rate in the ad's currency
    ("Roses 30 for the hour", "GB", ["30:GBP:hour"]),
    ("Roses 30 for the hour", "US", ["30:USD:hour"]),
    ("320 roses/hr", "US", ["320:USD:hour"]),
    ("320 roses/hr", "GB", ["320:GBP:hour"]),
    # a number glued to letters, or in a handle, address or wallet, is never an amount
    ("Deposit via venmo @luxeluna27\nRoses 30 for the hour", "GB", ["30:GBP:hour"]),
    ("Deposit via cash app $vikagold42\nGifts $260 hh / $410 hr", "US",
     ["260:USD:half_hour", "410:USD:hour"]),
    ("Deposit via venmo @vipbrisa7\n$330 per hour, overnight $1,650", "US",
     ["330:USD:hour", "1650:USD:night"]),
    ("Hourly $220 ~ Bookings: layla.price46@example.com ~ Text 832.555.0173", "US",
     ["220:USD:hour"]),
    # a rate unit binds on its own line; "24/7" is never "24 per 7 hours"
    ("24/7\nЧас £135, ночь £675", "GB", ["135:GBP:hour", "675:GBP:night"]),
    ("Быстрый визит £50\nЧас £135, ночь £675", "GB",
     ["50:GBP:session", "135:GBP:hour", "675:GBP:night"]),
    ("Available all day and night\n$300 hh", "US", ["300:USD:half_hour"]),
    ("Half hour\n$150\nHour\n$250", "US", ["150:USD:half_hour", "250:USD:hour"]),
    ("Ivy, возраст 20\nЧас 310$, ночь 1550$", "US", ["310:USD:hour", "1550:USD:night"]),
    ("Available all day and night\nspecials $300", "US", ["300:USD:"]),
    # a currency or euphemism on the next line (or glued to the next number) is not this one's
    ("Honey here, age 23\n$260 per hour", "US", ["260:USD:hour"]),
    ("Honey here, age 23 $260 per hour", "US", ["260:USD:hour"]),
    ("I'm Carla, 22\nDonation $160 per hour", "US", ["160:USD:hour"]),
    ("Skye, возраст 21\nРозы 200 за час", "US", ["200:USD:hour"]),
    ("Aaliyah here, age 20\nRoses 160 for the hour", "US", ["160:USD:hour"]),
    # numbers on separate lines are not groups of one phone number
    ("hh $25 | hr $35\n100% real and reliable", "US", ["25:USD:half_hour", "35:USD:hour"]),
    ("Visita rápida $90\n210$ la hora", "US", ["90:USD:session", "210:USD:hour"]),
]

NO_MATCH: list[str] = [
    "call 305-555-0123",
    "call (305) 555 0123 anytime",
    "text 305.555.0123",
    "I'm 22yo",
    "22 y/o",
    "age 25",
    "2015 Honda Civic",
    "Miami, FL 33101",
    "24/7",
    "available 24/7",
    "open 24 hours",
    "call me 24 hrs",
    "24 hour service",
    "48 hour notice",
    "available 10:30 tonight",
    "Available 10am-10pm",
    "22h",
    "5 min away",
    "30 min session",
    "I'm 5'4 120lbs",
    "I'm 120 pounds",
    "size 10",
    "We're 2 girls",
    "2 girls 300",
    "Room 205",
    "I-95 exit 22",
    "open 7 days",
    "100% real",
    "top 10",
    "5 roses tattoo",
    "1 hr",
    "1/2",
    "19th street",
    "hh 19",
    "night 50 guys",
    "Open 9am-5pm Mon-Fri, 10-2 Sat",
    "Call me at (702) 555-0199 ext 22",
    "Call 1-800-555-0100",
    "Dinner date 500",
    "5'6 135 lbs 36C",
    "Room 305, 3rd floor",
    "Zip 90210",
    "4 roses",
    "55 55 55 55",
    "",
    # digits glued to letters, in handles, addresses, URLs and wallets
    "Questions? yana.price73@example.com",
    "Find me on kik: vika.vip83",
    "Deposit via venmo @luxeluna27 roses",
    "cashapp $hh80",
    "see https://example.com/ads/250hr",
    "wallet 0x71C7656EC7ab88b098defB751B7401B5f6d8976F",
    "btc bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
    "luna_27 roses",
    "age 22\nroses are red",
    "Call or text 4 8 0 5 5 5 0 1 0 4",
    "Reach me at +44 20 7946 0885",
]

# text -> (start, end, span text) in original offsets
SPANS: list[tuple[str, list[tuple[int, int, str]]]] = [
    ("Rates: hh 120 h 200", [(7, 13, "hh 120"), (14, 19, "h 200")]),
    ("only $80/hr!!", [(5, 11, "$80/hr")]),
    ("100 🌹 for 1 hr", [(0, 14, "100 🌹 for 1 hr")]),
    ("donation:  200", [(0, 14, "donation:  200")]),
    ("＄８０ hh", [(0, 6, "＄８０ hh")]),
    ("3000 руб/час", [(0, 12, "3000 руб/час")]),
    ("qv specials $130", [(0, 16, "qv specials $130")]),
    ("Hourly $270, overnight $1,620", [(0, 11, "Hourly $270"), (13, 29, "overnight $1,620")]),
    ("24/7\nЧас 3000", [(5, 13, "Час 3000")]),
]


@pytest.mark.parametrize(("text", "country", "expected"), MATCH)
def test_match(text: str, country: str, expected: list[str]) -> None:
    assert prices(text, country) == expected


@pytest.mark.parametrize("text", NO_MATCH)
def test_no_match(text: str) -> None:
    assert prices(text) == []


@pytest.mark.parametrize(("text", "expected"), SPANS)
def test_original_spans(text: str, expected: list[tuple[int, int, str]]) -> None:
    got = []
    for e in extract(Views(text), "body", Context()):
        assert e.span is not None
        got.append((e.span.start, e.span.end, e.span.text))
    assert got == expected


def test_data_shape() -> None:
    (a, b) = extract(Views("$80/hr, $9.50 each"), "body", Context())
    assert a.kind == "price" and a.data == {"amount": 80, "currency": "USD", "per": "hour"}
    assert isinstance(a.data["amount"], int)
    assert b.data == {"amount": 9.5, "currency": "USD", "per": "unit"}
    assert not a.disguised
    (c,) = extract(Views("$15,000 obo"), "body", Context())
    assert c.data["per"] is None and c.value == "15000:USD:"


def test_disguised_digits() -> None:
    (e,) = extract(Views("＄８０/hr"), "body", Context())
    assert e.disguised
    assert e.data["amount"] == 80


@pytest.mark.parametrize(
    ("country", "token", "code"),
    [("US", "$", "USD"), ("CA", "$", "CAD"), ("MX", "$", "MXN"), ("GB", "$", "USD"),
     ("GB", "", "GBP"), ("ES", "", "EUR"), ("RU", "", "RUB"), ("XX", "", "USD"),
     ("AR", "pesos", "ARS"), ("US", "pesos", "MXN"), ("uk", "", "GBP")],
)
def test_currency_for(country: str, token: str, code: str) -> None:
    assert currency_for(country, token) == code


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_never_crashes_and_spans_are_original(text: str) -> None:
    for e in extract(Views(text), "body", Context()):
        assert e.span is not None
        assert e.span.text == text[e.span.start : e.span.end]
        assert e.data["amount"] > 0


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(r"[a-z]{2,8}(?:[._][a-z]{1,6})?", fullmatch=True),
    st.integers(min_value=20, max_value=99_999),
)
def test_digits_in_handles_are_never_amounts(name: str, n: int) -> None:
    for text in (
        f"venmo @{name}{n} roses",
        f"cashapp ${name}{n} hh",
        f"email {name}{n}@example.com for rates",
        f"kik: {name}.{name}{n} 1 hr",
        f"see example.com/{name}/{n} per hour",
    ):
        assert [e.value for e in extract(Views(text), "body", Context())] == [], text


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["$", "80", "120", "/", "hr", "hh", " ", "qv", "£", "€", "roses", "🌹", "-", "1",
             "2", "30 min", "per", "night", "руб", "час", ",", ".", "k", "donation", "\n"]
        ),
        max_size=14,
    ).map("".join)
)
def test_price_like_fragments(text: str) -> None:
    for e in extract(Views(text), "body", Context(country="GB")):
        assert e.span is not None and e.span.text == text[e.span.start : e.span.end]
        assert str(e.value).startswith(f"{e.data['amount']}:{e.data['currency']}:")


# --------------------------------------------------------------------------- fast paths

_MAPPED = st.lists(
    st.sampled_from(
        ["$", "80", "１２０", "hr", " ", "  ", "\n", "\r\n", "é", "ß", "３️⃣", "\u200b", "ﬁ", "🌹",
         "руб", "час", "İ", "hh", "qv", "-"]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_MAPPED)
def test_line_break_and_spans_without_offset_lists(text: str) -> None:
    """extract() maps offsets with original_span(), not the per-character lists it used to
    build for every field (the two agree: tests/test_fast_paths.py); line breaks too."""
    folded = Views(text).folded
    lines = (text, None if folded.text is folded.original else folded)
    starts, ends = folded.starts, folded.ends
    n = len(folded.text)
    for a in range(n):
        for b in range(a + 1, min(n, a + 5) + 1):
            gap = text[starts[a] : ends[b - 1]]
            assert prices_mod._line_break(lines, a, b) == ("\n" in gap or "\r" in gap)
    for e in extract(Views(text), "body", Context()):
        assert e.span is not None and e.span.text == text[e.span.start : e.span.end]


_TOKENS = st.lists(
    st.sampled_from(
        ["@", "luna", "27", "usd", "gbp", "eur", "x", "usdx", "_", ".", "$", "é", "руб", "ß",
         "hh", " ", "/", "’", "İ", "ǅ", "ﬁ", "²", "rub"]
    ),
    max_size=10,
).map("".join)


def _slow_word_start(low: str, end: int) -> int:
    i = end
    while i > 0 and low[i - 1].isalpha():
        i -= 1
    return i


def _slow_word_end(low: str, start: int) -> int:
    i = start
    while i < len(low) and low[i].isalpha():
        i += 1
    return i


def _slow_currency_before(low: str, pos: int) -> tuple[str, int] | None:
    """:func:`prices._currency_before` as it read before its three-letter-code shortcut."""
    k = pos - 1
    if k >= 0 and low[k] == " ":
        k -= 1
    if k < 0:
        return None
    c = low[k]
    if c in prices_mod._SYMBOLS:
        return prices_mod._currency_before(low, pos)  # (unchanged branch)
    if c.isalpha():
        i = _slow_word_start(low, k + 1)
        if low[i : k + 1] in prices_mod._CODES:
            return low[i : k + 1], i
    return None


@settings(max_examples=300, deadline=None)
@given(_TOKENS | st.text(max_size=30))
def test_word_bounds_and_codes_fast_paths(text: str) -> None:
    """The ASCII rstrip/lstrip shortcuts and the three-letter code test change no answer."""
    low = lower_one_to_one(text)
    for i in range(len(low) + 1):
        assert prices_mod._word_start(low, i) == _slow_word_start(low, i)
        assert prices_mod._word_end(low, i) == _slow_word_end(low, i)
        assert prices_mod._currency_before(low, i) == _slow_currency_before(low, i)


# ---------------------------------------------------------------------------- fast paths

#: Text made mostly of what :data:`prices._SCAN` looks at: digits, its separators and
#: lookaround characters, letters and a few non-ASCII characters.
_SCAN_TEXT = st.text(alphabet="0123456789 .,-)(_#@$a€٣\n", max_size=60)


def _scan_spans(low: str) -> list[tuple[int, int]]:
    return [m.span() for m in prices_mod._SCAN.finditer(low) if m.lastindex is None]


@settings(max_examples=2000, deadline=None)
@given(_SCAN_TEXT)
def test_amounts_are_the_scan_regex_matches(text: str) -> None:
    """:func:`prices._amounts` (a digit search by hand) finds what :data:`prices._SCAN` does."""
    assert prices_mod._amounts(text) == _scan_spans(text)


@pytest.mark.parametrize(
    "text",
    ["305-555-0123", "(281) 555 0151", "+44 20 7946 0885", "1.5@x", "luna_27 #27 27_", "1,500.00",
     "12 34 56789", "1 22 333 4444 55555", "a1.2.3", "$80/hr, 10:30", ""],
)
def test_amounts_examples(text: str) -> None:
    assert prices_mod._amounts(text) == _scan_spans(text)


# ------------------------------------------------------------ what follows an amount, by hand

_AFTER_TOKENS = st.lists(
    st.sampled_from(
        ["0", "12", "1.5", "1,5", "1⁄2", "1/2", "½", "²", "٣", " ", "  ", "\n", "-", ".", "/",
         "%", "$", "£", "🌹", "k", "тыс", "тыс.", "usd", "pounds", "руб", "руб.", "р.", "р",
         "рублей", "roses", "kisses", "роз", "yo", "y/o", "a.m", "p.m", "yrs", "x", "kg",
         "per", "perfect", "a", "an", "and", "for", "the", "one", "por", "la", "на", "всю",
         "за", "@", "half", "full", "quick", "visit", "toda", "all", "night", "o/n", "hh",
         "hhr", "h", "hr", "hour", "hours", "hora", "min", "час", "часа", "пол", "полчаса",
         "qv", "short", "time", "visita", "rapida", "быстрый", "визит", "each", "ea", "piece",
         "c/u", "cada", "uno", "cupcake", "lb", "_", "é", "A", "ß"]
    ),
    max_size=9,
).map("".join)


def _after_by_parts(low: str, e: int, cur: bool = True) -> dict[str, object]:
    """What prices._candidate reads from :data:`prices._AFTER` (``cur``) or
    :data:`prices._AFTER_NO_CUR`, found with the by-hand functions."""
    out: dict[str, object] = {}
    if cur and prices_mod._bad_after(low, e):
        return {"bad": True}
    p = e
    c = prices_mod._cur_after(low, e) if cur else None
    if c is not None:
        has_k, tok, cs, ce = c
        out["cur"] = (has_k, tok, cs, ce)
        p = ce
    eu = prices_mod._euph_after(low, p)
    if eu >= 0:
        out["euph"] = eu
        p = eu
    po = prices_mod._post_after(low, p)
    if po is not None:
        out["post"] = po
    return out


def _after_by_regex(low: str, e: int, cur: bool = True) -> dict[str, object]:
    m = (prices_mod._AFTER if cur else prices_mod._AFTER_NO_CUR).match(low, e)
    assert m is not None
    out: dict[str, object] = {}
    if m.lastindex is None:
        return out
    if cur and m.group("bad") is not None:
        return {"bad": True}
    if cur:
        name = "sym" if m.group("sym") is not None else "word"
        if m.group(name) is not None:
            out["cur"] = (m.group("k") is not None, m.group(name), *m.span(name))
    for name in ("euph", "emoji"):
        if m.group(name) is not None:
            out["euph"] = m.end(name)
    if m.group("unit") is not None:
        out["post"] = (
            "unit", m.start("unit"), m.end(), m.group("bind") is not None, m.group("count"),
            m.group("unit"),
        )
    elif m.group("each") is not None:
        out["post"] = ("each", m.start("each"), m.end(), False, None, m.group("each"))
    elif m.group("item") is not None:
        out["post"] = ("item", m.start("item"), m.end(), False, None, m.group("item"))
    return out


@settings(max_examples=3000, deadline=None)
@given(_AFTER_TOKENS | st.text(max_size=12))
def test_after_by_parts_is_the_after_regex(text: str) -> None:
    """prices._bad_after/_cur_after/_euph_after/_post_after read what :data:`prices._AFTER`
    and :data:`prices._AFTER_NO_CUR` match, group by group."""
    for e in range(len(text) + 1):
        assert _after_by_parts(text, e) == _after_by_regex(text, e), (text, e)
        assert _after_by_parts(text, e, False) == _after_by_regex(text, e, False), (text, e)


@pytest.mark.parametrize(
    "text",
    [" half hour, ", " and i work", " per hour", "$, час 200$", " for the hour", " roses/hr",
     "k usd", " тыс. руб/час", " 1.5 hr", " 1/2 hr", " toda la noche", " на всю ночь", " a piece",
     " cada una", " c/u", " per cupcake", " perfect", " quick  visit", " o/n", " an hour",
     " for an hour", " por la hora", "% real", " y/o", "pounds", " руб.", "р.x"],
)
def test_after_by_parts_examples(text: str) -> None:
    assert _after_by_parts(text, 0) == _after_by_regex(text, 0)
    assert _after_by_parts(text, 0, False) == _after_by_regex(text, 0, False)
