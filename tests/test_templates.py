"""Text-template linking: masking, shingles, MinHash band keys, stock filter, templates.

All ad text is synthetic and non-explicit; phones are fictional NANP 555-01xx numbers.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import subprocess
import sys
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redflags.errors import ConfigError
from redflags.link import templates as tp
from redflags.link.templates import (
    ACCEPT_JACCARD,
    DEFAULT_PARAMS,
    MAX_ALIGN,
    SLOT,
    LSHParams,
    Signature,
    StockFilter,
    band_keys,
    bucket_pairs,
    containment,
    features,
    keys_text,
    mask,
    pack,
    shingles,
    template,
    unpack,
    verify,
)
from redflags.normalize import Views, fold, keys_view

# --------------------------------------------------------------------------- the 7-ad example

#: Two posters' templates (3 copies each: name, city, price and phone swapped, a word dropped, an
#: emoji inserted) and one unrelated ad, in the style of the InfoShield paper's example.
SEVEN_ADS = [
    # template A
    "Hi gentlemen, I am Amber, new in Miami. Sweet, petite and always smiling. I love fine "
    "dining and long conversations. Let me be your perfect date tonight. 200 roses for the "
    "hour. Call me 305-555-0101",
    "Hi gentlemen, I am Kira, new in Tampa. Sweet, petite and smiling 🌹. I love fine dining "
    "and long conversations. Let me be your perfect date tonight. 180 roses for the hour. "
    "Call me (813) 555-0142",
    "Hi gentlemen 😘 I am Jade, new in Orlando. Sweet, petite and always smiling. I love fine "
    "dining and conversations. Let me be your perfect date tonight. 250 roses for the hour. "
    "Call me 407.555.0177",
    # template B
    "Hello my loves! Brand new Selena visiting Austin this week only. Classy brunette with a "
    "warm heart and a great sense of humor. Upscale companionship for discerning gentlemen. "
    "Text 512-555-0110 to book, $300 per visit.",
    "Hello my loves! Brand new Bianca visiting Dallas this week only. Classy brunette with a "
    "warm heart and great sense of humor ✨. Upscale companionship for discerning gentlemen. "
    "Text 214-555-0123 to book, $280 per visit.",
    "Hello my loves! Brand new Chloe visiting Houston this week only. Classy brunette with a "
    "warm heart and a great sense of humor. Upscale companionship for gentlemen. Text "
    "713-555-0156 to book, $320 per visit.",
    # loner
    "Good evening. Experienced and discreet companion offering relaxing evenings in a quiet "
    "downtown studio. Appointments by email only: lena.quiet@example.com. Weekends preferred.",
]


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            out[self.find(i)].append(i)
        return sorted(out.values())


def link(feats: list[tp.Features]) -> list[list[int]]:
    """The linker's shape: group by band key, verify candidates, union-find."""
    buckets: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(feats):
        for key in f.keys:
            buckets[key].append(i)
    uf = UnionFind(len(feats))
    for members in buckets.values():
        for a, b in bucket_pairs(members):
            if verify(feats[a].shingles, feats[b].shingles) >= ACCEPT_JACCARD:
                uf.union(a, b)
    return uf.groups()


def test_seven_ads_link_into_exactly_two_clusters_and_the_loner_stays_alone() -> None:
    assert link(features(SEVEN_ADS)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_seven_ads_copies_are_similar_and_strangers_are_not() -> None:
    sets = [shingles(mask(t)) for t in SEVEN_ADS]
    for a, b in [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)]:
        assert verify(sets[a], sets[b]) >= ACCEPT_JACCARD, (a, b)
    for a in range(3):
        for b in range(3, 7):
            assert verify(sets[a], sets[b]) < 0.1, (a, b)


def test_template_has_slots_where_names_and_cities_vary_and_keeps_shared_text() -> None:
    t = template(SEVEN_ADS[:3])
    text = str(t)
    assert text.startswith("Hi gentlemen I am {slot1} new in {slot2} Sweet petite and")
    assert "Let me be your perfect date tonight {slot" in text
    assert text.endswith("roses for the hour Call me {slot4}")
    kinds = {s.name: (s.kind, set(s.values)) for s in t.slots}
    assert kinds["slot1"] == ("name", {"Amber", "Kira", "Jade"})
    assert kinds["slot2"] == ("name", {"Miami", "Tampa", "Orlando"})
    assert kinds["slot3"] == ("price", {"200", "180", "250"})
    assert kinds["slot4"][0] == "phone"
    assert kinds["slot4"][1] == {"305-555-0101", "(813) 555-0142", "407.555.0177"}
    assert t.tokens.count(SLOT) == len(t.slots) == 4
    assert t.render("star").count("[*]") == 4
    assert "emoji" not in text and "🌹" not in text
    assert (t.size, t.total) == (3, 3)
    assert 0.8 < t.coverage <= 1.0


def test_template_of_the_second_cluster() -> None:
    t = template(SEVEN_ADS[3:6])
    assert str(t) == (
        "Hello my loves Brand new {slot1} visiting {slot2} this week only Classy brunette with a "
        "warm heart and a great sense of humor Upscale companionship for discerning gentlemen "
        "Text {slot3} to book {slot4} per visit"
    )
    assert [s.kind for s in t.slots] == ["name", "name", "phone", "price"]


def test_template_does_not_depend_on_input_order_and_caps_alignment() -> None:
    texts = SEVEN_ADS[:3]
    assert template(texts) == template(list(reversed(texts)))
    rng = random.Random(5)
    names = ["Amber", "Kira", "Jade", "Luna", "Ivy", "Ruby", "Nina", "Mia"]
    many = [
        f"Hi gentlemen, I am {rng.choice(names)}, new in town. Sweet and petite, call me "
        f"305-555-01{i % 100:02d} for a perfect date, {100 + i} roses" for i in range(120)
    ]
    t = template(many)
    assert (t.size, t.total) == (MAX_ALIGN, 120)
    assert str(t).startswith("Hi gentlemen I am {slot1} new in town Sweet and petite call me")
    with pytest.raises(ValueError):
        template([])


# --------------------------------------------------------------------------- masking


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call or text 305-555-0123 now", ["cal", "or", "text", "<phone>", "now"]),
        ("call (305) 555 0123", ["cal", "<phone>"]),
        ("call +1 305 555 0123", ["cal", "<phone>"]),
        ("ｃａｌｌ ３０５５５５０１２３", ["cal", "<phone>"]),
        ("email amber@example.com", ["email", "<email>"]),
        ("see www.example.com/amber", ["se", "<handle>"]),
        ("ig @amber_fun or snap: amber22", ["ig", "<handle>", "or", "snap", "<handle>"]),
        ("$200/hr, 150 roses hh", ["<price>", "hr", "<price>", "roses", "h"]),
        ("200$ full hour", ["<price>", "ful", "hour"]),
        ("I am 21, 24/7", ["i", "am", "<num>", "<num>", "<num>"]),
        ("So y.o.u.n.g and sweeet 🍒🍒", ["so", "young", "and", "swet"]),
        ("Don't miss out!!", ["dont", "mis", "out"]),
        ("💋💋💋", []),
    ],
)
def test_mask(text: str, expected: list[str]) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi, I am Amber from Miami", ["hi", "i", "am", "<name>", "from", "<name>"]),
        ("Amber is here", ["amber", "is", "here"]),  # sentence-initial: not evidence of a name
        ("I am Amber. amber loves you", ["i", "am", "amber", "amber", "loves", "you"]),
        ("Sweet Petite Lady In Town Tonight", ["swet", "petite", "lady", "in", "town", "tonight"]),
        ("NEW IN TOWN call AMBER", ["new", "in", "town", "cal", "amber"]),
    ],
)
def test_mask_names(text: str, expected: list[str]) -> None:
    assert mask(text) == expected
    assert "<name>" not in mask(text, names=False)


def test_mask_accepts_a_keys_view() -> None:
    text = SEVEN_ADS[1]
    assert mask(Views(text).keys) == mask(text)


# --------------------------------------------------------------------------- stock phrases

STOCK_PHRASES = [
    "new in town", "call or text", "available now", "100% real", "no law enforcement",
    "incall only", "serious inquiries only", "no blocked calls", "ask about my specials",
]
WORDS = (
    "sweet fun classy friendly bubbly gentle warm playful elegant charming upbeat caring petite "
    "tall curvy sporty calm cheerful relaxed stylish graceful witty lovely kind bright polite "
    "dinner music dancing cooking beach movies coffee wine jazz yoga poetry hiking art travel"
).split()


def background(n: int, seed: int) -> list[str]:
    """Unrelated ads: each poster's own words plus a few stock phrases."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        parts = [" ".join(rng.choices(WORDS, k=rng.randint(4, 8))) for _ in range(3)]
        parts += rng.sample(STOCK_PHRASES, rng.randint(2, 4))
        rng.shuffle(parts)
        out.append(". ".join(parts) + f". {100 + i % 200} roses. 305-555-01{i % 100:02d}")
    return out


STOCK_ONLY = [
    "New in town! Call or text 305-555-0101. Available now. 100% real. No law enforcement. "
    "Incall only. Serious inquiries only. No blocked calls. Ask about my specials.",
    "New in town!! Call or text (212) 555-0188. Available now, 100% real. No law enforcement. "
    "Incall only, serious inquiries only. No blocked calls. Ask about my specials 🌹",
]


def test_stock_phrase_ads_from_different_posters_do_not_link_after_learning() -> None:
    # without the filter the two boilerplate ads look like copies of one template
    assert verify(shingles(mask(STOCK_ONLY[0])), shingles(mask(STOCK_ONLY[1]))) > 0.6
    assert link(features(STOCK_ONLY)) == [[0, 1]]

    stock = StockFilter()
    stock.learn(background(2000, 1))
    assert stock.n_docs == 2000
    assert shingles(mask("call or text")) <= stock.stock
    assert shingles(mask("no law enforcement")) <= stock.stock
    feats = features(STOCK_ONLY, stock)
    assert all(f.keys == () for f in feats)
    assert link(feats) == [[0], [1]]
    # real template copies still link through the same filter
    assert link(features(SEVEN_ADS, stock)) == [[0, 1, 2], [3, 4, 5], [6]]


SPANISH_STOCK = [
    "hola caballeros", "nueva en la ciudad", "llama o escribe", "solo caballeros respetuosos",
    "disponible ahora", "fotos reales", "sin prisas",
]
SPANISH_WORDS = "dulce alegre elegante tranquila cena baile playa musica vino cafe".split()


def spanish_background(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        ". ".join(
            rng.sample(SPANISH_STOCK, 4) + [" ".join(rng.choices(SPANISH_WORDS, k=5)), "y la de"]
        )
        + f". 212-555-01{i % 100:02d}"
        for i in range(n)
    ]


def test_stock_phrases_are_counted_within_their_language() -> None:
    # 80 Spanish ads in 2,080: their phrases are in 4 % of the feed (< MAX_DF) but in all
    # Spanish ads, so they are stock for Spanish ads
    stock = StockFilter()
    stock.learn(background(2000, 5) + spanish_background(80, 6))
    assert tp._lang_bucket(mask(spanish_background(1, 7)[0])) == 1
    assert tp._lang_bucket(mask("Добрый вечер, джентльмены, я Маша")) == 2
    assert tp._lang_bucket(mask(SEVEN_ADS[0])) == 0
    ads = [
        "Hola caballeros. Nueva en la ciudad, disponible ahora. Fotos reales, sin prisas. Solo "
        "caballeros respetuosos. Llama o escribe 305-555-0111",
        "Hola caballeros! Nueva en la ciudad, disponible ahora. Fotos reales y sin prisas. Solo "
        "caballeros respetuosos. Llama o escribe al 646-555-0190",
    ]
    assert link(features(ads)) == [[0, 1]]
    assert link(features(ads, stock)) == [[0], [1]]


def test_stock_filter_merges_partitions_and_pickles_only_the_stock_set() -> None:
    ads = background(1200, 2)
    whole = StockFilter()
    whole.learn(ads)
    left, right = StockFilter(), StockFilter()
    left.learn(ads[:500])
    right.learn(ads[500:])
    left.merge(right)
    assert left.n_docs == whole.n_docs == 1200
    assert left.stock == whole.stock and whole.stock

    copy = pickle.loads(pickle.dumps(whole))
    assert copy.stock == whole.stock
    assert len(pickle.dumps(whole)) < 1_000_000  # not the 16 MB sketch
    assert [f.keys for f in features(SEVEN_ADS, copy)] == [
        f.keys for f in features(SEVEN_ADS, whole)
    ]
    with pytest.raises(ConfigError, match="learn and merge on the original"):
        copy.learn(["more ads"])


def test_stock_filter_memory_is_bounded_by_its_candidate_cap() -> None:
    f = StockFilter(min_docs=1, max_candidates=500)
    f.learn(background(300, 3))
    assert sum(map(len, f._candidates)) <= 500


# --------------------------------------------------------------------------- signatures


def test_features_equal_the_single_ad_api() -> None:
    stock = StockFilter()
    stock.learn(background(500, 4))
    texts = [*SEVEN_ADS, *STOCK_ONLY]
    for text, feat in zip(texts, features(texts, stock), strict=True):
        kept = stock.apply(mask(text))
        if feat.keys:
            assert unpack(feat.shingles) == kept
            assert list(feat.keys) == band_keys(Signature.of(kept))
        else:
            assert kept == set()
    for text, feat in zip(texts, features(texts), strict=True):
        assert unpack(feat.shingles) == (shingles(mask(text)) if feat.keys else set())
        assert bool(feat.keys) == (len(shingles(mask(text))) >= tp.MIN_SHINGLES)


def test_band_keys_shape() -> None:
    keys = band_keys(Signature.of(shingles(mask(SEVEN_ADS[0]))))
    assert len(keys) == DEFAULT_PARAMS.bands == len(set(keys))
    for i, key in enumerate(keys):
        kind, band, digest = key.split(":")
        assert (kind, band, len(digest)) == ("tpl", str(i), 16)
        int(digest, 16)


def test_minhash_equals_datasketch() -> None:
    datasketch = pytest.importorskip("datasketch")
    s = shingles(mask(SEVEN_ADS[3]))
    m = datasketch.MinHash(
        num_perm=DEFAULT_PARAMS.num_perm,
        seed=DEFAULT_PARAMS.seed,
        hashfunc=lambda h: h & 0xFFFFFFFF,
    )
    m.update_batch(sorted(s))
    assert np.array_equal(Signature.of(s).hashvalues, m.hashvalues.astype(np.uint32))


def test_default_params_are_the_datasketch_optimum() -> None:
    assert LSHParams.for_threshold() == DEFAULT_PARAMS
    lsh = pytest.importorskip("datasketch.lsh")
    assert lsh._optimal_param(
        tp.LSH_THRESHOLD, tp.NUM_PERM, tp.FALSE_POSITIVE_WEIGHT, tp.FALSE_NEGATIVE_WEIGHT
    ) == (DEFAULT_PARAMS.bands, DEFAULT_PARAMS.rows)
    other = LSHParams.for_threshold(0.7, 128, 0.5, 0.5)
    assert lsh._optimal_param(0.7, 128, 0.5, 0.5) == (other.bands, other.rows)


def test_lsh_params_errors_say_how_to_fix_them() -> None:
    with pytest.raises(ConfigError, match="exceeds num_perm"):
        LSHParams(bands=20, rows=5, num_perm=64)
    with pytest.raises(ConfigError, match="for_threshold"):
        LSHParams(bands=0, rows=4)
    with pytest.raises(ConfigError, match=r"\(0, 1\)"):
        LSHParams.for_threshold(1.5)
    p = LSHParams(bands=8, rows=8, num_perm=64)
    assert len(band_keys(Signature.of({1, 2, 3}, p))) == 8
    assert p.candidate_probability(1.0) == 1.0


BAND_KEYS_SCRIPT = """
import json, sys
from redflags.link.templates import band_keys, Signature, shingles, mask, features
text = sys.argv[1]
print(json.dumps([band_keys(Signature.of(shingles(mask(text)))), list(features([text])[0].keys)]))
"""


def test_band_keys_are_identical_in_another_process() -> None:
    text = SEVEN_ADS[4]
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run(
        [sys.executable, "-c", BAND_KEYS_SCRIPT, text],
        check=True, capture_output=True, text=True, env=env,
    )
    there = json.loads(out.stdout)
    here = [band_keys(Signature.of(shingles(mask(text)))), list(features([text])[0].keys)]
    assert there == here


def test_bucket_pairs_caps_hub_buckets() -> None:
    members = list(range(10))
    assert len(list(bucket_pairs(members))) == 45
    chain = list(bucket_pairs(members, max_bucket=5, window=2))
    assert chain == [(i, j) for i in range(10) for j in (i + 1, i + 2) if j < 10]


def test_pack_verify_and_containment() -> None:
    a, b = {1, 2, 3, 4}, {3, 4, 5}
    assert verify(pack(a), pack(b)) == verify(a, b) == 2 / 5
    assert containment(a, b) == 2 / 3
    assert verify(set(), set()) == 0.0 == containment(set(), {1})
    assert pack(a) == pack({4, 3, 2, 1})


# --------------------------------------------------------------------------- properties

ad_alphabet = st.sampled_from(
    list("abcdeIJKLOS0123456789 .,!?-_:@$()+'/\n\t")
    + ["é", "ｃ", "３", "5️⃣", "🌹", "💋", "\u200b", "о", "Ａ", "\u0301", "İ", "ß", "\xa0", "·"]
    + ["snap", "ig", "kik", "https://", "w.", ".com", "roses", "hr", "one", "five", "Amber", "’"]
)
ad_text = st.lists(ad_alphabet, max_size=80).map("".join)
any_text = st.one_of(st.text(max_size=120), ad_text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_mask_and_shingles_never_crash(text: str) -> None:
    tokens = mask(text)
    assert all(t and " " not in t for t in tokens)
    s = shingles(tokens)
    assert all(0 <= h < 2**64 for h in s)
    assert len(s) <= max(len(tokens), 1)
    features([text, text])


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_keys_text_equals_the_keys_view(text: str) -> None:
    assert tp._FAST_KEYS, "normalize internals moved: keys_text fell back to the slow path"
    assert keys_text(text) == keys_view(fold(text)).text == Views(text).keys.text


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_fast_masking_equals_the_offset_scan(text: str) -> None:
    keys, scanned = tp._tokens(text)
    assert mask(text) == [t for t, _, _ in scanned]
    assert all(keys[a:b] for _, a, b in scanned)


@settings(max_examples=100, deadline=None)
@given(any_text)
def test_identical_texts_share_all_band_keys(text: str) -> None:
    a, b = features([text, text + ""])
    assert a == b
    sig = Signature.of(shingles(mask(text)))
    assert band_keys(sig) == band_keys(Signature.of(shingles(mask(str(text)))))


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(0, 2**64 - 1)), st.sets(st.integers(0, 2**64 - 1)), any_text, any_text)
def test_jaccard_is_symmetric(a: set[int], b: set[int], x: str, y: str) -> None:
    assert verify(a, b) == verify(b, a)
    assert 0.0 <= verify(a, b) <= 1.0
    sx, sy = shingles(mask(x)), shingles(mask(y))
    assert verify(sx, sy) == verify(sy, sx)
    if sx:
        assert verify(sx, sx) == 1.0


def test_feature_arrays_are_the_features_without_objects() -> None:
    stock = StockFilter()
    stock.learn(background(500, 4))
    texts = [*SEVEN_ADS, *STOCK_ONLY, ""]
    keyed, bands, hashes, bounds = tp.feature_arrays(texts, stock)
    feats = features(texts, stock)
    assert keyed.tolist() == [i for i, f in enumerate(feats) if f.keys]
    for j, i in enumerate(keyed.tolist()):
        assert list(feats[i].keys) == [f"tpl:{b}:{h:016x}" for b, h in enumerate(bands[j])]
        assert unpack(feats[i].shingles) == set(hashes[bounds[j] : bounds[j + 1]].tolist())
    assert bounds[-1] == hashes.size


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_names_on_lower_cased_text_equal_case_insensitive_matching(text: str) -> None:
    from redflags.link import names

    expected: list[str] = []
    for m in names._PATTERNS.finditer(text):  # the reference: IGNORECASE on the original
        name = next((g for g in m.groups() if g), None)
        if name is None or not name[0].isupper() or name.isupper() and len(name) > 2:
            continue
        if name.lower() not in names._NOT_NAMES and name not in expected:
            expected.append(name)
    assert names.names_in(text) == expected
