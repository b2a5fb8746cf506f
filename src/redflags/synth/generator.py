"""Stream a synthetic ad corpus with ground truth: planted networks, independents, traps.

Three kinds of poster share the stream (proportions in :class:`Mix`):

``network``
    Third-party controlled: several advertised persons, 1-3 text templates with small
    variations, a circuit of cities over weeks, burner phones replaced after fewer than ~25
    ads, shared email/handle/wallet.  Every ad plants at least two risk indicators; about one
    network in ten states a MINOR age (15-17) in some ads -- child sex trafficking victim cases,
    which must be flagged critical (``truth["minor"]``).
``independent``
    Independent adults (stated ages 21-45) with their own plain phone.  "Donation"/"roses"
    prices and movement words are common and are NOT risk indicators; at most one weak one.
``benign``
    Ordinary classifieds that use trap words (roses, donations, "I am 19", "young energetic
    staff", 🍭🍒, "new in town").  Not commercial; never to be flagged.

Everything is synthetic and non-explicit; phones come only from fictional ranges, emails only
from example.com/.org/.net, wallets are random keys encoded with valid checksums.

The generator keeps a bounded pool of active posters (retired and replaced as they finish), so
memory does not grow with ``n``.  Phone numbers are drawn without replacement from the
fictional ranges (~31,000 US and 999 London numbers); only when every number has been used
does the pool recycle -- as carriers recycle real numbers -- so a reused number may then link
unrelated posters: with the default mix from about 75,000 ads for London and 150,000 ads for
the US (seed 1).  ``truth["actor"]`` always names the true poster.

>>> ad, truth = next(generate(1, seed=7))
>>> ad["id"], truth["id"] == ad["id"], truth["kind"] in {"network", "independent", "benign"}
('ad-0000001', True, True)
"""

from __future__ import annotations

import calendar
import contextlib
import dataclasses
import functools
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from redflags.synth.benign import (
    BENIGN,
    BENIGN_EXTRA,
    BUSINESSES,
    CARS,
    PET_NAMES,
    PETS,
    STREETS,
    BenignKind,
)
from redflags.synth.disguise import (
    EMAIL_METHODS,
    KEYWORD_METHODS,
    PHONE_METHODS,
    disguise_email,
    disguise_keyword,
    disguise_phone,
    plain_phone,
)
from redflags.synth.phrases import (
    ETHNICITIES,
    FILLER_EMOJI,
    INDEPENDENT,
    NAMES,
    NETWORK,
    YOUTH_WORDS,
    Phrase,
)
from redflags.synth.places import (
    CITIES,
    GB_LINES,
    GEO_AREA_CODES,
    LONDON,
    US_LINES,
    City,
    e164_gb,
    e164_us,
)

__all__ = [
    "HUB_EMAILS",
    "HUB_PHONES",
    "INDICATOR_IDS",
    "Mix",
    "RISK_INDICATORS",
    "SITES",
    "generate",
    "truth_path",
    "write_corpus",
]

#: Every indicator id the generator can plant (the ground truth uses exactly these).
INDICATOR_IDS: frozenset[str] = frozenset(
    {
        "youth.minor_age",
        "youth.young_terms",
        "youth.new_to_this",
        "youth.emoji",
        "third_party.third_person",
        "third_party.multiple_persons",
        "third_party.crown_emoji",
        "third_party.trustworthy",
        "third_party.ethnicity",
        "movement.new_in_town",
        "restriction.incall_only",
        "restriction.limited_communication",
        "restriction.always_available",
        "payment.code_words",
        "payment.prepaid_card",
        "payment.crypto",
        "payment.p2p_app",
        "obfuscation.phone",
        "obfuscation.contact",
        "obfuscation.keyword",
        "price.low_price",
        "price.short_session",
    }
)

_CATEGORY: dict[str, str] = {i: i.split(".", 1)[0] for i in INDICATOR_IDS}
#: "YYYY-MM-DDT" of each day number seen so far (at most a few hundred entries)
_DATES: dict[int, str] = {}

#: Ids that count as *risk* indicators; movement words, "donation"/"roses" and P2P handles are
#: market-wide (research section 0 and 1.6) and do not.
RISK_INDICATORS: frozenset[str] = INDICATOR_IDS - {
    "movement.new_in_town",
    "payment.code_words",
    "payment.p2p_app",
}

#: Invented site names; each has a support address that appears in many unrelated ads.
SITES: tuple[str, ...] = ("example-classifieds", "sample-listings", "demo-board")

#: Hub identifiers: generic numbers and addresses shared by unrelated posters (a booking desk,
#: a site help line).  They are reserved, never handed to an individual poster.
HUB_PHONES: dict[str, tuple[tuple[str, list[str]], ...]] = {
    "US": (
        ("+17025550100", ["702", "555", "0100"]),
        ("+12125550100", ["212", "555", "0100"]),
        ("+13055550100", ["305", "555", "0100"]),
    ),
    "GB": (("+442079460000", ["020", "7946", "0000"]),),
}
HUB_EMAILS: tuple[str, ...] = tuple(f"support@{s}.example.com" for s in SITES) + (
    "bookings@example.net",
)

_HUB_PHRASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # (phrases with a hub phone {hubp}, phrases with a hub email {hube})
    "en": (
        ("Booking desk {hubp}", "Ad help line: {hubp}", "Or call the front desk {hubp}"),
        ("Report this ad: {hube}", "Questions about this listing: {hube}", "Help: {hube}"),
    ),
    "es": (("Línea de reservas {hubp}", "Ayuda: {hubp}"), ("Reportar anuncio: {hube}",)),
    "ru": (("Бронирование {hubp}", "Справка: {hubp}"), ("Жалобы: {hube}",)),
}

_START = calendar.timegm((2025, 1, 1, 0, 0, 0, 0, 0, 0))
_DAY = 86_400
_SEPS = (". ", "! ", " • ", "\n", " ~ ", " | ", ". ", "\n")
_SOCIAL = {
    "telegram": ("tg @{h}", "telegram: @{h}", "Telegram {h}"),
    "snapchat": ("snap: {h}", "SC: {h}", "snapchat @{h}"),
    "instagram": ("IG @{h}", "insta: {h}"),
    "kik": ("kik: {h}",),
}
_P2P = {"cashapp": ("cashapp ${h}", "cash app ${h}", "${h} (cashapp)"), "venmo": ("venmo @{h}",)}
_HANDLE_WORDS = ("vip", "luxe", "star", "moon", "gold", "bliss", "glow", "aura", "zen", "belle")
_SURNAMES = (
    "smith", "garcia", "lee", "novak", "ortiz", "petrov", "brown", "kim", "lopez", "ivanova",
    "walker", "reyes", "chen", "moreno", "baker", "sokolova", "price", "diaz", "adams", "hill",
)
_EMAIL_DOMAINS = (("example", "com"), ("example", "org"), ("example", "net"))
_NET_CATEGORIES = (
    ("escorts",) * 12 + ("personals",) * 3 + ("services", "jobs", "community", "dating")
)
#: benign kinds run by a shop (their email may be the shop's)
_SHOPS = frozenset({"florist", "candy_shop", "gift_cards", "cafe_hiring"})
_IND_CATEGORIES = ("escorts",) * 6 + ("personals", "dating")


@dataclass(frozen=True, slots=True)
class Mix:
    """Corpus proportions and knobs; every field has a default that suits a demo.

    >>> Mix(network=0.5, independent=0.2, benign=0.3).network
    0.5
    """

    #: share of ads from planted third-party-controlled networks
    network: float = 0.35
    #: share of ads from independent adults (commercial, not to be flagged)
    independent: float = 0.30
    #: share of ordinary classifieds with trap words
    benign: float = 0.35
    #: share of posters writing in Spanish / Russian (the rest English)
    spanish: float = 0.10
    russian: float = 0.05
    #: share of networks that state a minor's age (15-17) in some of their ads
    minor_networks: float = 0.10
    #: share of English-language posting activity in London (GB, GBP)
    london: float = 0.06
    #: share of ads that also carry a hub identifier (booking desk, site help line)
    hub: float = 0.03
    #: first day of the corpus (UTC, seconds since the epoch) and its length in days
    start: int = _START
    days: int = 365

    def __post_init__(self) -> None:
        shares = (self.network, self.independent, self.benign)
        if min(shares) < 0 or sum(shares) <= 0:
            raise ValueError(
                "Mix: network/independent/benign must be >= 0 and not all 0, "
                f"got {shares}; e.g. Mix(network=0.35, independent=0.30, benign=0.35)"
            )
        for name in ("spanish", "russian", "minor_networks", "london", "hub"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"Mix.{name} is a share between 0 and 1, got {value}")
        if self.spanish + self.russian > 1.0:
            raise ValueError("Mix: spanish + russian must not exceed 1")
        if self.days < 30:
            raise ValueError(f"Mix.days must be at least 30 (circuits take weeks), got {self.days}")


# --------------------------------------------------------------------------- templates

@dataclass(frozen=True, slots=True)
class _Sentence:
    phrase: Phrase
    #: risk ids the wording plants (fixed per sentence)
    risk: frozenset[str]
    #: may be left out of an ad ("filler" sentences are also where words get dropped)
    droppable: bool
    filler: bool
    #: distinct risk ids the template still plants without this sentence (set by the template)
    left_without: int = 0


@dataclass(frozen=True, slots=True)
class _Template:
    id: str
    title: tuple[Phrase, ...]
    body: tuple[_Sentence, ...]
    sep: str
    title_sep: str


# --------------------------------------------------------------------------- randomness


class _FastRandom(random.Random):
    """``random.Random`` with ``choice``/``randint``/``randrange`` built on one ``random()``.

    The stock methods draw rejection-sampled bits (several calls each); the generator makes
    millions of small draws, and a bias below 1e-15 for sequences this short does not matter.
    Still fully determined by the seed.
    """

    def choice(self, seq: Any) -> Any:
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        width = (stop - start + step - 1) // step
        if width <= 0:
            raise ValueError(f"empty range for randrange({start}, {stop}, {step})")
        return start + step * int(self.random() * width)


# --------------------------------------------------------------------------- phone pool


class _PhonePool:
    """Fictional numbers handed out without replacement until the whole range is used.

    Numbers of a city's own area codes first, then any US geographic area code (a number
    kept after a move); when every number is taken the pool starts over.
    """

    __slots__ = ("_rng", "_lines", "_used", "_geo", "_geo_pos", "_gb", "_gb_pos", "epoch")

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._lines: dict[int, list[int]] = {}
        self._used: dict[int, int] = {}
        self._geo = list(GEO_AREA_CODES)
        rng.shuffle(self._geo)
        self._geo_pos = 0
        self._gb = [line for line in GB_LINES if line != 0]
        rng.shuffle(self._gb)
        self._gb_pos = 0
        self.epoch = 0

    def _take(self, code: int) -> tuple[str, list[str]] | None:
        lines = self._lines.get(code)
        if lines is None:
            lines = [line for line in US_LINES if line != 100]  # 0100 is reserved for hubs
            self._rng.shuffle(lines)
            self._lines[code] = lines
        used = self._used.get(code, 0)
        if used >= len(lines):
            return None
        self._used[code] = used + 1
        line = lines[used]
        return e164_us(code, line), [str(code), "555", f"{line:04d}"]

    def take(self, city: City) -> tuple[str, list[str]]:
        """A fresh number for a poster based in ``city``: ``(E.164, digit groups)``."""
        if city.country == "GB":
            if self._gb_pos >= len(self._gb):
                self._gb_pos = 0
            line = self._gb[self._gb_pos]
            self._gb_pos += 1
            return e164_gb(line), ["020", "7946", f"{line:04d}"]
        codes = city.area_codes
        k = self._rng.randrange(len(codes))
        if self._rng.random() < 0.9:
            for i in range(len(codes)):
                got = self._take(codes[(k + i) % len(codes)])
                if got is not None:
                    return got
        for _ in range(2):
            for _ in range(len(self._geo)):
                code = self._geo[self._geo_pos]
                self._geo_pos = (self._geo_pos + 1) % len(self._geo)
                got = self._take(code)
                if got is not None:
                    return got
            self._used.clear()  # every number used: recycle
            self.epoch += 1
        raise AssertionError("unreachable: a recycled pool always has numbers")


# --------------------------------------------------------------------------- posters


class _Network:
    __slots__ = (
        "id", "lang", "circuit", "stop", "city", "city_until", "clock", "persons", "templates",
        "phone", "phone_uses", "phone_limit", "p_disguise", "methods", "email", "email_method",
        "handle", "p2p", "wallet", "kw_disguise", "low", "hr", "accounts", "sites", "remaining",
        "minor", "eths", "categories",
    )

    id: str
    lang: str
    circuit: list[City]
    stop: int
    city: City
    city_until: int
    clock: int
    persons: list[tuple[str, int]]
    templates: list[_Template]
    phone: tuple[str, list[str]]
    phone_uses: int
    phone_limit: int
    p_disguise: float
    methods: tuple[str, ...]
    email: tuple[str, str, str] | None
    email_method: str | None
    handle: tuple[str, str] | None
    p2p: tuple[str, str] | None
    wallet: tuple[str, str] | None
    kw_disguise: float
    low: bool
    hr: int
    accounts: list[str]
    sites: list[str]
    remaining: int
    minor: bool
    eths: list[str]
    categories: tuple[str, ...]


class _Independent:
    __slots__ = (
        "id", "lang", "home", "tour", "clock", "name", "age", "phone", "email", "handle", "p2p",
        "template", "hr", "account", "site", "remaining", "category",
    )

    id: str
    lang: str
    home: City
    tour: City | None
    clock: int
    name: str
    age: int
    phone: tuple[str, list[str]]
    email: tuple[str, str, str] | None
    handle: tuple[str, str] | None
    p2p: tuple[str, str] | None
    template: _Template
    hr: int
    account: str
    site: str
    remaining: int
    category: str


class _Business:
    __slots__ = (
        "id", "lang", "city", "kind", "phone", "email", "account", "site", "remaining", "biz",
        "age",
    )

    id: str
    lang: str
    city: City
    kind: BenignKind
    phone: tuple[str, list[str]] | None
    email: tuple[str, str, str] | None
    account: str
    site: str
    remaining: int
    biz: str
    age: int


# --------------------------------------------------------------------------- one ad


class _Ad(dict[str, str]):
    """Renders one ad's text and records every entity, indicator and disguise it plants.

    A (always empty) mapping whose ``__missing__`` fills a slot, so ``str.format_map`` does
    the template work in C and calls back only for the slots.
    """

    __slots__ = (
        "rng", "lang", "country", "city", "name", "name2", "age", "hr", "hh", "qv", "night",
        "low", "phone", "phone_method", "email", "email_method", "handle", "p2p", "wallet",
        "kw_disguise", "eths", "unit", "hrb", "extra", "indicators", "traps", "phones",
        "emails", "handles", "crypto", "ages", "prices", "forms", "minor", "hub_phone",
        "hub_email",
    )

    def __init__(self, rng: random.Random, lang: str, city: City) -> None:
        self.rng = rng
        self.lang = lang
        self.country = city.country
        self.city = city
        self.name = ""
        self.name2 = ""
        self.age = 0
        self.hr = self.hh = self.qv = self.night = 0
        self.low = False
        self.phone: tuple[str, list[str]] | None = None
        self.phone_method: str | None = None
        self.email: tuple[str, str, str] | None = None
        self.email_method: str | None = None
        self.handle: tuple[str, str] | None = None
        self.p2p: tuple[str, str] | None = None
        self.wallet: tuple[str, str] | None = None
        self.kw_disguise = 0.0
        self.eths: list[str] = []
        self.unit = 0
        self.hrb = 0
        self.extra: dict[str, str] = {}
        self.indicators: set[str] = set()
        self.traps: set[str] = set()
        self.phones: list[str] = []
        self.emails: list[str] = []
        self.handles: list[dict[str, str]] = []
        self.crypto: list[dict[str, str]] = []
        self.ages: list[int] = []
        self.prices: list[dict[str, Any]] = []
        self.forms: list[dict[str, str]] = []
        self.minor = False
        self.hub_phone: tuple[str, list[str]] | None = None
        self.hub_email = ""

    # -- slots ---------------------------------------------------------------

    def money(self, amount: int, per: str) -> str:
        currency = "GBP" if self.country == "GB" else "USD"
        price = {"amount": amount, "currency": currency, "per": per}
        if price not in self.prices:
            self.prices.append(price)
        shown = f"{amount:,}" if amount >= 1000 and self.lang != "ru" else str(amount)
        if currency == "GBP":
            return f"£{shown}"
        if self.lang == "ru" or (self.lang == "es" and self.rng.random() < 0.3):
            return f"{shown}$"
        return f"${shown}"

    def _add_phone(self, e164: str) -> None:
        if e164 not in self.phones:
            self.phones.append(e164)

    def _add_email(self, email: str) -> None:
        if email not in self.emails:
            self.emails.append(email)

    def _add_handle(self, platform: str, handle: str) -> None:
        rec = {"platform": platform, "handle": handle}
        if rec not in self.handles:
            self.handles.append(rec)

    def slot(self, name: str) -> str:  # noqa: C901 - a flat dispatch reads best here
        rng = self.rng
        if name == "name":
            return self.name
        if name == "city":
            return self.city.name
        if name == "contact":
            assert self.phone is not None
            e164, groups = self.phone
            self._add_phone(e164)
            if self.phone_method is None:
                return plain_phone(groups, rng)
            text, method = disguise_phone(groups, self.phone_method, self.lang, rng)
            self.indicators.add("obfuscation.phone")
            self.forms.append({"kind": "phone", "value": e164, "text": text, "method": method})
            return text
        if name == "age":
            if self.age not in self.ages:
                self.ages.append(self.age)
            if self.age < 18:
                self.indicators.add("youth.minor_age")
                self.minor = True
            return str(self.age)
        if name in ("hr", "hh", "qv"):
            if self.low:
                self.indicators.add("price.low_price")
            amount = self.hr if name == "hr" else self.hh if name == "hh" else self.qv
            per = {"hr": "hour", "hh": "half_hour", "qv": "session"}[name]
            return self.money(amount, per)
        if name == "hr_n":
            if self.low:
                self.indicators.add("price.low_price")
            self.money(self.hr, "hour")
            return str(self.hr)
        if name == "night":
            return self.money(self.night, "night")
        if name == "name2":
            return self.name2
        if name == "yw":
            word = rng.choice(YOUTH_WORDS[self.lang])
            if self.lang == "en" and rng.random() < 0.3:
                word = word.capitalize()
            if rng.random() < self.kw_disguise:
                text, method = disguise_keyword(word, rng.choice(KEYWORD_METHODS), rng)
                self.indicators.add("obfuscation.keyword")
                form = {"kind": "keyword", "value": word.lower(), "text": text, "method": method}
                self.forms.append(form)
                word = text
            return word
        if name == "eth":
            return rng.choice(self.eths) if self.eths else rng.choice(ETHNICITIES[self.lang])
        if name == "email":
            assert self.email is not None
            local, domain, tld = self.email
            address = f"{local}@{domain}.{tld}"
            self._add_email(address)
            if self.email_method is None:
                return address
            text = disguise_email(local, domain, tld, self.email_method, rng)
            self.indicators.add("obfuscation.contact")
            self.forms.append(
                {"kind": "email", "value": address, "text": text, "method": self.email_method}
            )
            return text
        if name == "handle":
            assert self.handle is not None
            platform, handle = self.handle
            self._add_handle(platform, handle)
            return rng.choice(_SOCIAL[platform]).format(h=handle)
        if name == "p2p":
            assert self.p2p is not None
            platform, handle = self.p2p
            self._add_handle(platform, handle)
            return rng.choice(_P2P[platform]).format(h=handle)
        if name == "wallet":
            assert self.wallet is not None
            chain, address = self.wallet
            rec = {"chain": chain, "address": address}
            if rec not in self.crypto:
                self.crypto.append(rec)
            return address
        if name in ("u", "u2", "u3"):
            mult = {"u": 1, "u2": 2, "u3": 4}[name]
            return self.money(self.unit * mult, "unit")
        if name == "hrb":
            return self.money(self.hrb, "hour")
        if name == "hubp":
            assert self.hub_phone is not None
            self._add_phone(self.hub_phone[0])
            return plain_phone(self.hub_phone[1], rng)
        if name == "hube":
            self._add_email(self.hub_email)
            return self.hub_email
        value = self.extra.get(name)
        if value is None:
            # drawn on first use so a slot repeated in title and body agrees
            value = self.extra[name] = self._draw_extra(name)
        return value

    def _draw_extra(self, name: str) -> str:
        rng = self.rng
        if name == "car":
            return str(rng.choice(CARS))
        if name == "year":
            return str(rng.randint(2008, 2022))
        if name == "miles":
            return f"{rng.randrange(20_000, 180_000, 1000):,}"
        if name == "pet":
            return str(rng.choice(PETS[self.lang]))
        if name == "petname":
            return str(rng.choice(PET_NAMES))
        if name == "petage":
            return str(rng.randint(1, 12))
        if name == "street":
            return str(rng.choice(STREETS))
        raise KeyError(f"synthetic phrase uses an unknown slot {{{name}}}")

    def __missing__(self, name: str) -> str:
        return self.slot(name)

    def render(self, phrase: Phrase) -> str:
        text, ids = phrase
        if ids:
            self.indicators.update(ids)
        return text.format_map(self)

    def render_trap(self, phrase: Phrase) -> str:
        """Render a benign phrase: its ids are traps, not planted indicators."""
        text, ids = phrase
        if ids:
            self.traps.update(ids)
        return text.format_map(self)


# --------------------------------------------------------------------------- the generator


@functools.lru_cache(maxsize=None)
def _usable_groups(
    kind: BenignKind, has_phone: bool, has_email: bool
) -> tuple[tuple[Phrase, ...], ...]:
    """``kind``'s phrase groups without phrases needing a contact the poster lacks."""
    out = []
    for group in kind.groups:
        ok = tuple(
            p
            for p in group
            if ("{contact}" not in p[0] or has_phone) and ("{email}" not in p[0] or has_email)
        )
        if ok:
            out.append(ok)
    return tuple(out)


def _pick_lang(rng: random.Random, mix: Mix) -> str:
    r = rng.random()
    if r < mix.spanish:
        return "es"
    if r < mix.spanish + mix.russian:
        return "ru"
    return "en"


def _city_table(mix: Mix) -> dict[str, tuple[list[City], list[float]]]:
    us_total = sum(c.weight for c in CITIES if c.country == "US")
    london = us_total * mix.london / (1.0 - mix.london) if mix.london < 1.0 else 1.0
    table: dict[str, tuple[list[City], list[float]]] = {}
    for lang in ("en", "es", "ru"):
        cities: list[City] = []
        cum: list[float] = []
        acc = 0.0
        for c in CITIES:
            if lang == "en":
                w = london if c is LONDON else (0.0 if mix.london >= 1.0 else c.weight)
            else:
                w = c.es if lang == "es" else c.ru
            if w > 0:
                acc += w
                cities.append(c)
                cum.append(acc)
        table[lang] = (cities, cum)
    return table


class _Generator:
    def __init__(self, n: int, seed: int, mix: Mix) -> None:
        self.n = n
        self.mix = mix
        self.rng = _FastRandom(seed)
        self.phones = _PhonePool(self.rng)
        self.cities = _city_table(mix)
        total = mix.network + mix.independent + mix.benign
        self.cut_network = mix.network / total
        self.cut_independent = (mix.network + mix.independent) / total
        self.end = mix.start + mix.days * _DAY
        # Pool sizes follow n so small demos still get sizeable networks; capped so memory
        # stays bounded at any n.
        self.k_net = max(1, min(256, round(n * self.cut_network / 60)))
        self.k_ind = max(1, min(512, round(n * (self.cut_independent - self.cut_network) / 5)))
        self.k_biz = max(1, min(512, round(n * (1.0 - self.cut_independent) / 2)))
        self.networks: list[_Network | None] = [None] * self.k_net
        self.independents: list[_Independent | None] = [None] * self.k_ind
        self.businesses: list[_Business | None] = [None] * self.k_biz
        self.counters = {"net": 0, "ind": 0, "biz": 0}

    # -- shared helpers --------------------------------------------------------

    def _next_id(self, kind: str) -> str:
        self.counters[kind] += 1
        return f"{kind}-{self.counters[kind]:06d}"

    def _city(self, lang: str) -> City:
        cities, cum = self.cities[lang]
        return self.rng.choices(cities, cum_weights=cum)[0]

    def _account(self) -> str:
        return f"u-{self.rng.getrandbits(40):010x}"

    def _handle_name(self, name: str) -> str:
        rng = self.rng
        word = rng.choice(_HANDLE_WORDS)
        base = rng.choice((f"{name}{word}", f"{name}_{word}", f"{word}{name}", f"{name}.{word}"))
        return f"{base.lower()}{rng.randrange(1, 100)}"

    def _email(self, name: str, business: str | None = None) -> tuple[str, str, str]:
        rng = self.rng
        domain, tld = rng.choice(_EMAIL_DOMAINS)
        if business is not None:
            slug = re.sub(r"[^a-z]+", "", business.lower())
            local = f"{rng.choice(('info', 'orders', 'hello', 'contact'))}.{slug}"
        else:
            local = rng.choice(
                (
                    self._handle_name(name).replace(".", "_"),
                    f"{name.lower()}.{rng.choice(_SURNAMES).strip('_')}{rng.randrange(10, 99)}",
                )
            )
        return local, domain, tld

    def _social(self, name: str) -> tuple[str, str]:
        platform = self.rng.choice(("telegram", "snapchat", "instagram", "kik", "telegram"))
        return platform, self._handle_name(name)

    def _p2p(self, name: str) -> tuple[str, str]:
        platform = self.rng.choice(("cashapp", "cashapp", "venmo"))
        handle = self._handle_name(name).replace(".", "")
        return platform, handle if platform == "venmo" else handle.replace("_", "")

    def _wallet(self) -> tuple[str, str]:
        # Lazy import: the crypto extractor owns the encoders; never duplicate them here.
        from redflags.extract.crypto import (
            base58check_encode,
            eip55,
            monero_encode,
            segwit_encode,
            valid_xonly_key,
        )

        rng = self.rng
        r = rng.random()
        if r < 0.2:
            return "bitcoin", base58check_encode(0x00, rng.randbytes(20))
        if r < 0.3:
            return "bitcoin", base58check_encode(0x05, rng.randbytes(20))
        if r < 0.5:
            return "bitcoin", segwit_encode("bc", 0, rng.randbytes(20))
        if r < 0.6:
            key = rng.randbytes(32)
            while not valid_xonly_key(key):
                key = rng.randbytes(32)
            return "bitcoin", segwit_encode("bc", 1, key)
        if r < 0.8:
            return "ethereum", eip55(rng.randbytes(20).hex())
        if r < 0.9:
            return "litecoin", base58check_encode(0x30, rng.randbytes(20))
        return "monero", monero_encode(18, rng.randbytes(32), rng.randbytes(32))

    def _hub(self, ad: _Ad, site: str) -> str:
        rng = self.rng
        phone_phrases, email_phrases = _HUB_PHRASES[ad.lang]
        if rng.random() < 0.5:
            ad.hub_phone = rng.choice(HUB_PHONES[ad.country])
            return ad.render((rng.choice(phone_phrases), ()))
        ad.hub_email = HUB_EMAILS[SITES.index(site)] if rng.random() < 0.8 else HUB_EMAILS[-1]
        return ad.render((rng.choice(email_phrases), ()))

    @staticmethod
    def _timestamp(ts: int) -> str:
        day, sec = divmod(ts, _DAY)
        date = _DATES.get(day)
        if date is None:
            date = _DATES[day] = time.strftime("%Y-%m-%dT", time.gmtime(day * _DAY))
        h, rem = divmod(sec, 3600)
        return f"{date}{h:02d}:{rem // 60:02d}:{rem % 60:02d}Z"

    def _build(
        self,
        i: int,
        ad: _Ad,
        *,
        site: str,
        ts: int,
        title: str,
        body: str,
        category: str,
        account: str,
        phone_field: str | None,
        email_field: str | None,
    ) -> dict[str, Any]:
        city = ad.city
        rec: dict[str, Any] = {
            "id": f"ad-{i:07d}",
            "site": site,
            "posted_at": self._timestamp(ts),
            "title": title,
            "body": body,
            "city": city.name,
            "region": city.region,
            "country": city.country,
        }
        if phone_field is not None:
            rec["phone"] = phone_field
        if email_field is not None:
            rec["email"] = email_field
        rec["category"] = category
        rec["poster"] = {"account_id": account, "age_verified": False}
        return rec

    @staticmethod
    def _truth(
        ad_id: str,
        ad: _Ad,
        *,
        kind: str,
        actor: str,
        network: str | None,
        template: str | None,
    ) -> dict[str, Any]:
        indicators = sorted(ad.indicators)
        forms = ad.forms
        disguised: dict[str, Any] = {
            "phones": sorted({f["value"] for f in forms if f["kind"] == "phone"}) if forms else [],
            "emails": sorted({f["value"] for f in forms if f["kind"] == "email"}) if forms else [],
            "keywords": sorted({f["value"] for f in forms if f["kind"] == "keyword"})
            if forms
            else [],
            "forms": forms,
        }
        return {
            "id": ad_id,
            "kind": kind,
            "commercial": kind != "benign",
            "network": network,
            "actor": actor,
            "lang": ad.lang,
            "indicators": indicators,
            "categories": sorted({_CATEGORY[i] for i in indicators}),
            "expect_flag": kind == "network",
            "minor": ad.minor,
            "entities": {
                "phones": ad.phones,
                "emails": ad.emails,
                "handles": ad.handles,
                "crypto": ad.crypto,
                "ages": ad.ages,
                "prices": ad.prices,
            },
            "disguised": disguised,
            "template": template,
            "traps": sorted(ad.traps),
        }

    # -- networks --------------------------------------------------------------

    def _new_network(self) -> _Network:
        rng = self.rng
        mix = self.mix
        net = _Network()
        net.id = self._next_id("net")
        net.lang = _pick_lang(rng, mix)
        home = self._city(net.lang)
        if home.country == "GB":
            net.circuit = [home]
        else:
            stops = [c for c in self.cities[net.lang][0] if c.country == "US" and c is not home]
            net.circuit = [home] + rng.sample(stops, min(len(stops), rng.randint(2, 7)))
        net.stop = 0
        net.city = home
        net.clock = mix.start + rng.randrange(max(1, (mix.days - 21) * _DAY))
        net.city_until = net.clock + rng.randint(4, 12) * _DAY
        net.minor = rng.random() < mix.minor_networks
        names = rng.sample(NAMES, rng.randint(2, 5))
        net.persons = [(nm, rng.choice((18, 19, 19, 20, 21, 22, 23, 24, 25, 27))) for nm in names]
        if net.minor:
            for j in range(rng.randint(1, min(2, len(names)))):
                net.persons[j] = (names[j], rng.randint(15, 17))
        net.eths = rng.sample(list(ETHNICITIES[net.lang]), 2)
        net.phone = self.phones.take(home)
        net.phone_uses = 0
        net.phone_limit = rng.randint(3, 24)
        net.email = self._email(names[0]) if rng.random() < 0.4 else None
        net.email_method = rng.choice(EMAIL_METHODS) if net.email and rng.random() < 0.5 else None
        net.handle = self._social(names[0]) if rng.random() < 0.4 else None

        # style: the risk groups this network's templates plant
        groups = ["young", "new", "emoji", "third", "multi", "crown", "trust", "eth",
                  "prepaid", "crypto", "short", "incall", "limited", "always", "phone", "low"]
        weights = [6, 4, 3, 5, 5, 2, 6, 6, 3, 3, 3, 3, 3, 3, 7, 3]
        # a list, not a set: set order of strings changes with PYTHONHASHSEED
        style: list[str] = []
        want = rng.randint(3, 5)
        if net.minor:
            style.append(rng.choice(("young", "new", "emoji")))
        while len(style) < want:
            g = rng.choices(groups, weights)[0]
            if g not in style:
                style.append(g)
        sentence_groups = [g for g in style if g not in ("phone", "low")]
        while len(sentence_groups) + ("low" in style) < 2:
            g = rng.choices(groups[:-2], weights[:-2])[0]
            if g not in style:
                style.append(g)
                sentence_groups.append(g)
        net.low = "low" in style
        net.hr = rng.randrange(40, 71, 5) if net.low else rng.randrange(150, 351, 10)
        if home.country == "GB":
            net.hr = max(30, int(net.hr * 0.8) // 5 * 5)
        net.p_disguise = 0.85 if "phone" in style else 0.04
        net.methods = tuple(rng.sample(PHONE_METHODS, rng.randint(1, 2)))
        net.kw_disguise = 0.35 if rng.random() < 0.6 else 0.0
        net.p2p = self._p2p(names[0]) if rng.random() < 0.25 else None
        net.wallet = self._wallet() if "crypto" in style and rng.random() < 0.6 else None
        net.accounts = [self._account() for _ in range(rng.randint(1, 5))]
        net.sites = rng.sample(SITES, rng.randint(1, 2))
        net.remaining = rng.randint(12, 160)
        net.categories = tuple(rng.sample(_NET_CATEGORIES, 3)) + ("escorts",)
        net.templates = [
            self._network_template(net, k, sentence_groups) for k in range(rng.randint(1, 3))
        ]
        return net

    def _network_template(self, net: _Network, k: int, groups: list[str]) -> _Template:
        rng = self.rng
        bank = NETWORK[net.lang]

        def sent(role: str, droppable: bool, filler: bool = False) -> _Sentence:
            phrase = rng.choice(bank[role])
            return _Sentence(phrase, frozenset(phrase[1]) & RISK_INDICATORS, droppable, filler)

        middle: list[_Sentence] = [sent(g if g != "crypto" or not net.wallet else "crypto_addr",
                                        True) for g in groups]
        if rng.random() < 0.5:
            middle.append(sent("move", True))
        if rng.random() < 0.3:
            middle.append(sent("code", True))
        if net.p2p is not None and rng.random() < 0.7:
            middle.append(sent("p2p", True))
        if net.wallet is not None and "crypto" not in groups:
            middle.append(sent("crypto_addr", True))
        middle.append(sent("rates", False))
        rng.shuffle(middle)
        body: list[_Sentence] = []
        if rng.random() < 0.6:
            body.append(sent("greet", True, filler=True))
        if net.minor or rng.random() < 0.85:
            body.append(sent("intro", False))
        body.extend(middle)
        if net.handle is not None and rng.random() < 0.7:
            body.append(sent("social", True))
        if net.email is not None:
            body.append(sent("mail", rng.random() < 0.5))
        if rng.random() < 0.7:
            body.append(sent("cta", True, filler=True))
        body.append(sent("contact_tp" if "third" in groups and rng.random() < 0.5 else "contact",
                         False))

        title: list[Phrase] = []
        themed = [g for g in ("young", "eth", "crown", "multi") if g in groups]
        if themed and rng.random() < 0.6:
            title.append(rng.choice(bank["title_" + rng.choice(themed)]))
        elif rng.random() < 0.3:
            title.append(rng.choice(bank["title_move"]))
        if not title or rng.random() < 0.4:
            title.insert(rng.randrange(len(title) + 1), rng.choice(bank["title"]))
        # how many distinct risk ids survive if one sentence is left out of an ad
        always: set[str] = {i for p in title for i in p[1]} & RISK_INDICATORS
        if net.low:
            always.add("price.low_price")
        final = []
        for j, sentence in enumerate(body):
            left = set(always)
            for k2, other in enumerate(body):
                if k2 != j:
                    left |= other.risk
            final.append(dataclasses.replace(sentence, left_without=len(left)))
        return _Template(
            id=f"{net.id}/t{k + 1}",
            title=tuple(title),
            body=tuple(final),
            sep=rng.choice(_SEPS),
            title_sep=rng.choice((" - ", " ✨ ", " | ", " ")),
        )

    def _network_ad(self, i: int, slot: int) -> tuple[dict[str, Any], dict[str, Any]]:
        rng = self.rng
        net = self.networks[slot]
        if net is None:
            net = self.networks[slot] = self._new_network()
        # time and place: the network moves along its circuit every few days
        net.clock += max(600, int(rng.expovariate(1.0 / (9 * 3600))))
        if net.clock >= net.city_until:
            net.stop += 1
            net.city = net.circuit[net.stop % len(net.circuit)]
            net.city_until = net.clock + rng.randint(4, 12) * _DAY
        # burner phones: replaced after a handful of ads
        net.phone_uses += 1
        if net.phone_uses > net.phone_limit:
            base = net.circuit[0] if rng.random() < 0.7 else net.city
            net.phone = self.phones.take(base)
            net.phone_uses = 1
            net.phone_limit = rng.randint(3, 24)

        ad = _Ad(rng, net.lang, net.city)
        person = rng.randrange(len(net.persons))
        ad.name, age = net.persons[person]
        if age < 18 and rng.random() < 0.3:
            age = rng.choice((18, 19))  # the same minor is sometimes advertised as "18"
        ad.age = age
        ad.name2 = net.persons[(person + 1) % len(net.persons)][0]
        ad.hr = max(30, net.hr + rng.choice((-10, 0, 0, 0, 10, 20)))
        ad.hh = max(25, int(ad.hr * 0.65) // 5 * 5)
        ad.qv = max(20, int(ad.hr * 0.4) // 5 * 5)
        ad.night = ad.hr * 5 if net.hr >= 100 else 300
        ad.low = net.low
        ad.phone = net.phone
        ad.phone_method = rng.choice(net.methods) if rng.random() < net.p_disguise else None
        ad.email = net.email
        ad.email_method = net.email_method
        ad.handle = net.handle
        ad.p2p = net.p2p
        ad.wallet = net.wallet
        ad.kw_disguise = net.kw_disguise
        ad.eths = net.eths

        tpl = net.templates[0] if len(net.templates) == 1 else rng.choice(net.templates)
        rand = rng.random
        render = ad.render
        sentences: list[str] = []
        dropped_risk = False
        for s in tpl.body:
            if s.droppable and rand() < 0.2:
                if not s.risk:
                    continue
                if not dropped_risk and s.left_without >= 2:
                    dropped_risk = True
                    continue
            text = render(s.phrase)
            if s.filler and rand() < 0.2:
                words = text.split(" ")
                if len(words) > 2:
                    del words[int(rand() * len(words))]
                    text = " ".join(words)
            sentences.append(text)
        if rng.random() < 0.3:
            sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(FILLER_EMOJI))
        site = rng.choice(net.sites)
        if rng.random() < self.mix.hub:
            sentences.insert(len(sentences) - 1, self._hub(ad, site))
        title = tpl.title_sep.join(ad.render(p) for p in tpl.title)
        body = tpl.sep.join(sentences)

        disguised = ad.phone_method is not None
        phone_field = None
        if rng.random() < (0.2 if disguised else 0.6):
            phone_field = plain_phone(net.phone[1], rng)
            ad._add_phone(net.phone[0])
        email_field = None
        if net.email is not None and rng.random() < 0.3:
            email_field = "{}@{}.{}".format(*net.email)
            ad._add_email(email_field)

        net.remaining -= 1
        if net.remaining <= 0 or net.clock >= self.end:
            self.networks[slot] = None
        rec = self._build(
            i,
            ad,
            site=site,
            ts=net.clock,
            title=title,
            body=body,
            category=rng.choice(net.categories),
            account=rng.choice(net.accounts),
            phone_field=phone_field,
            email_field=email_field,
        )
        return rec, self._truth(
            rec["id"], ad, kind="network", actor=net.id, network=net.id, template=tpl.id
        )

    # -- independents ----------------------------------------------------------

    def _new_independent(self) -> _Independent:
        rng = self.rng
        ind = _Independent()
        ind.id = self._next_id("ind")
        ind.lang = _pick_lang(rng, self.mix)
        ind.home = self._city(ind.lang)
        ind.tour = None
        ind.clock = self.mix.start + rng.randrange(self.mix.days * _DAY)
        ind.name = rng.choice(NAMES)
        ind.age = rng.randint(21, 45)
        ind.phone = self.phones.take(ind.home)
        ind.email = self._email(ind.name) if rng.random() < 0.4 else None
        ind.handle = self._social(ind.name) if rng.random() < 0.3 else None
        ind.p2p = None
        ind.hr = rng.randrange(180, 451, 10)
        if ind.home.country == "GB":
            ind.hr = int(ind.hr * 0.8) // 10 * 10
        ind.account = self._account()
        ind.site = rng.choice(SITES)
        ind.remaining = rng.randint(1, 10)
        ind.category = rng.choice(_IND_CATEGORIES)

        bank = INDEPENDENT[ind.lang]
        body: list[Phrase] = []
        if rng.random() < 0.7:
            body.append(rng.choice(bank["greet"]))
        body.append(rng.choice(bank["intro"]))
        body.append(rng.choice(bank["serv"]))
        middle: list[Phrase] = [
            rng.choice(bank["rates_code"] if rng.random() < 0.4 else bank["rates"]),
            rng.choice(bank["screen"]),
        ]
        if rng.random() < 0.35:
            middle.append(rng.choice(bank["move"]))
            if ind.home.country == "US" and rng.random() < 0.7:
                others = [c for c in self.cities[ind.lang][0] if c.country == "US"]
                ind.tour = rng.choice(others)
        if rng.random() < 0.25:
            weak = rng.choice(("weak_incall", "weak_always", "weak_short", "weak_limited",
                               "weak_p2p"))
            if weak == "weak_p2p":
                ind.p2p = self._p2p(ind.name)
            middle.append(rng.choice(bank[weak]))
        rng.shuffle(middle)
        body.extend(middle)
        if ind.handle is not None:
            body.append(rng.choice(bank["social"]))
        if ind.email is not None:
            body.append(rng.choice(bank["mail"]))
        body.append(rng.choice(bank["contact"]))
        ind.template = _Template(
            id=f"{ind.id}/t1",
            title=(rng.choice(bank["title"]),),
            body=tuple(_Sentence(p, frozenset(), False, False) for p in body),
            sep=rng.choice(_SEPS),
            title_sep=" ",
        )
        return ind

    def _independent_ad(self, i: int, slot: int) -> tuple[dict[str, Any], dict[str, Any]]:
        rng = self.rng
        ind = self.independents[slot]
        if ind is None:
            ind = self.independents[slot] = self._new_independent()
        ind.clock += max(3600, int(rng.expovariate(1.0 / (2 * _DAY))))
        city = ind.tour if ind.tour is not None and rng.random() < 0.6 else ind.home
        ad = _Ad(rng, ind.lang, city)
        ad.name = ind.name
        ad.age = ind.age
        ad.hr = ind.hr
        ad.hh = int(ind.hr * 0.65) // 10 * 10
        ad.qv = int(ind.hr * 0.45) // 10 * 10
        ad.night = ind.hr * 6
        ad.phone = ind.phone
        ad.email = ind.email
        ad.handle = ind.handle
        ad.p2p = ind.p2p
        sentences = [ad.render(s.phrase) for s in ind.template.body]
        if rng.random() < self.mix.hub * 0.7:
            sentences.insert(len(sentences) - 1, self._hub(ad, ind.site))
        title = ad.render(ind.template.title[0])
        phone_field = None
        if rng.random() < 0.7:
            phone_field = plain_phone(ind.phone[1], rng)
            ad._add_phone(ind.phone[0])
        email_field = None
        if ind.email is not None and rng.random() < 0.4:
            email_field = "{}@{}.{}".format(*ind.email)
            ad._add_email(email_field)
        ind.remaining -= 1
        if ind.remaining <= 0:
            self.independents[slot] = None
        rec = self._build(
            i,
            ad,
            site=ind.site,
            ts=min(ind.clock, self.end - 60),
            title=title,
            body=ind.template.sep.join(sentences),
            category=ind.category,
            account=ind.account,
            phone_field=phone_field,
            email_field=email_field,
        )
        return rec, self._truth(
            rec["id"], ad, kind="independent", actor=ind.id, network=None,
            template=ind.template.id,
        )

    # -- benign ----------------------------------------------------------------

    def _new_business(self) -> _Business:
        rng = self.rng
        biz = _Business()
        biz.id = self._next_id("biz")
        biz.lang = _pick_lang(rng, self.mix)
        biz.city = self._city(biz.lang)
        biz.kind = rng.choice(BENIGN[biz.lang])
        biz.biz = rng.choice(BUSINESSES)
        person = rng.choice(NAMES)
        r = rng.random()
        biz.phone = self.phones.take(biz.city) if r < 0.75 else None
        shop = biz.kind.name in _SHOPS and rng.random() < 0.6
        biz.email = self._email(person, biz.biz if shop else None)
        biz.account = self._account()
        biz.site = rng.choice(SITES)
        biz.remaining = rng.randint(1, 3)
        biz.age = rng.randint(*biz.kind.age)
        return biz

    def _benign_ad(self, i: int, slot: int) -> tuple[dict[str, Any], dict[str, Any]]:
        rng = self.rng
        biz = self.businesses[slot]
        if biz is None:
            biz = self.businesses[slot] = self._new_business()
        kind = biz.kind
        ad = _Ad(rng, biz.lang, biz.city)
        ad.phone = biz.phone
        ad.email = biz.email
        ad.age = biz.age
        lo, hi, step = kind.price
        ad.unit = rng.randrange(lo, hi + 1, step)
        ad.hrb = rng.randint(*kind.hour)
        ad.extra = {"biz": biz.biz}
        sentences = [
            ad.render_trap(rng.choice(group))
            for group in _usable_groups(kind, biz.phone is not None, biz.email is not None)
        ]
        for group in kind.optional:
            if rng.random() < 0.5:
                sentences.insert(len(sentences) - 1, ad.render_trap(rng.choice(group)))
        extra = BENIGN_EXTRA[biz.lang]
        for _ in range(rng.randint(1, 2)):
            sentences.insert(len(sentences) - 1, ad.render(rng.choice(extra)))
        if rng.random() < self.mix.hub:
            sentences.insert(len(sentences) - 1, self._hub(ad, biz.site))
        title = ad.render_trap(rng.choice(kind.titles))
        phone_field = None
        if biz.phone is not None and rng.random() < 0.5:
            phone_field = plain_phone(biz.phone[1], rng)
            ad._add_phone(biz.phone[0])
        email_field = None
        if biz.email is not None and rng.random() < 0.2:
            email_field = "{}@{}.{}".format(*biz.email)
            ad._add_email(email_field)
        biz.remaining -= 1
        if biz.remaining <= 0:
            self.businesses[slot] = None
        rec = self._build(
            i,
            ad,
            site=biz.site,
            ts=self.mix.start + rng.randrange(self.mix.days * _DAY),
            title=title,
            body=rng.choice((". ", "\n", " - ", ". ")).join(sentences),
            category=rng.choice(kind.categories),
            account=biz.account,
            phone_field=phone_field,
            email_field=email_field,
        )
        return rec, self._truth(
            rec["id"], ad, kind="benign", actor=biz.id, network=None, template=None
        )

    def __iter__(self) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        rng = self.rng
        for i in range(1, self.n + 1):
            r = rng.random()
            if r < self.cut_network:
                yield self._network_ad(i, rng.randrange(self.k_net))
            elif r < self.cut_independent:
                yield self._independent_ad(i, rng.randrange(self.k_ind))
            else:
                yield self._benign_ad(i, rng.randrange(self.k_biz))


def generate(
    n: int, seed: int, mix: Mix | None = None
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield ``n`` synthetic ``(ad, truth)`` pairs, deterministically for ``seed``.

    Lazy and bounded in memory: ``generate(1_000_000, 1)`` starts yielding at once.  The ad
    follows the input contract of DESIGN.md section 3; the truth record says what was planted
    (kind, network, indicator ids, entities, disguises, template).

    >>> pairs = list(generate(3, seed=1))
    >>> [ad["id"] for ad, _ in pairs]
    ['ad-0000001', 'ad-0000002', 'ad-0000003']
    >>> pairs == list(generate(3, seed=1))
    True
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    return iter(_Generator(n, seed, mix or Mix()))


def truth_path(out: Path) -> Path:
    """Where :func:`write_corpus` puts the ground truth for ``out`` (``ads.jsonl`` ->
    ``ads.truth.jsonl``)."""
    return out.with_suffix(".truth.jsonl")


#: ads per parquet row group and per progress report
_BATCH = 10_000
#: file buffer for the JSONL writers
_BUFFER = 1 << 20


def write_corpus(
    n: int,
    seed: int,
    out: Path,
    progress: Callable[[int], None] | None = None,
    mix: Mix | None = None,
) -> tuple[Path, Path]:
    """Write ``n`` ads to ``out`` and their ground truth to ``out.with_suffix('.truth.jsonl')``.

    ``out`` is JSONL unless it ends in ``.parquet`` (written in row groups with pyarrow); the
    truth is always JSONL, in the same order.  ``progress`` is called with the number of ads
    written so far, every 10,000 ads and once at the end.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> ads, truth = write_corpus(5, 1, d / "ads.jsonl")
    >>> truth.name, len(ads.read_text(encoding="utf-8").splitlines())
    ('ads.truth.jsonl', 5)
    """
    out = Path(out)
    tpath = truth_path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    parquet = out.suffix.lower() == ".parquet"
    dumps = orjson.dumps
    newline = orjson.OPT_APPEND_NEWLINE
    done = 0
    with contextlib.ExitStack() as stack:
        # Each line goes straight into a buffered file: holding batches of orjson bytes
        # objects costs ~4 KB of RSS apiece through allocator fragmentation.
        tf = stack.enter_context(tpath.open("wb", buffering=_BUFFER))
        af = None if parquet else stack.enter_context(out.open("wb", buffering=_BUFFER))
        batch: list[dict[str, Any]] = []
        writer: Any = None
        if parquet:
            writer = _parquet_writer(out)
            stack.callback(writer.close)
        for ad, truth in generate(n, seed, mix):
            if af is not None:
                af.write(dumps(ad, option=newline))
            else:
                batch.append(ad)
            tf.write(dumps(truth, option=newline))
            done += 1
            if done % _BATCH == 0:
                if batch:
                    _write_parquet(writer, batch)
                if progress is not None:
                    progress(done)
        if batch:
            _write_parquet(writer, batch)
    if progress is not None:
        progress(done)
    return out, tpath


def _parquet_writer(out: Path) -> Any:
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pq.ParquetWriter(out, _parquet_schema(pa))


def _parquet_schema(pa: Any) -> Any:
    return pa.schema(
        [
            ("id", pa.string()),
            ("site", pa.string()),
            ("posted_at", pa.string()),
            ("title", pa.string()),
            ("body", pa.string()),
            ("city", pa.string()),
            ("region", pa.string()),
            ("country", pa.string()),
            ("phone", pa.string()),
            ("email", pa.string()),
            ("category", pa.string()),
            (
                "poster",
                pa.struct([("account_id", pa.string()), ("age_verified", pa.bool_())]),
            ),
        ]
    )


def _write_parquet(writer: Any, batch: list[dict[str, Any]]) -> None:
    import pyarrow as pa

    writer.write_table(pa.Table.from_pylist(batch, schema=_parquet_schema(pa)))
    batch.clear()
