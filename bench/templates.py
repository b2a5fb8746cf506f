"""Benchmark text-template linking: signature speed, candidate pairs per ad, peak RSS, quality.

    python bench/templates.py [--ads 10000 100000] [--seed 7] [--source auto|fallback]
    python bench/templates.py --measure [--ads 20000]     # the tables behind the knobs

For each corpus size a fresh child process (so peak RSS is its own) measures, in CPU seconds of
that one process (one core, even on a shared machine):

* ``keys view``   the offset-free keys text alone;
* ``signatures``  the whole per-ad path through ``features()``: mask, shingles, stock filter,
  MinHash, band keys;
* ``stock s``     learning the stock filter on the first 50k ads;

then groups ads by band key in a plain dict and reports candidate pairs per ad (buckets above
``MAX_BUCKET`` verified as a chain, as the linker does), links per ad, and pairwise
precision/recall of the components against the generator's ground truth, over all ads and over
commercial ads only (the linker links text only between commercial ads).

The corpus is ``redflags.synth.generate`` when available (``--source auto``), else the small
templated generator below: networks post one invented text with name, city, price and phone
swapped, a word dropped and emoji added; independents write their own text from the same
vocabulary; one poster in ten writes a short stock-phrase-only ad.  All text is synthetic and
non-explicit; phones are fictional NANP 555-01xx numbers.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()

# --------------------------------------------------------------------------- fallback corpus

NAMES = (
    "Amber", "Kira", "Jade", "Luna", "Mia", "Nina", "Roxy", "Bella", "Coco", "Ivy", "Ruby",
    "Lola", "Sasha", "Tina", "Candy", "Skye", "Lexi", "Dana", "Nora", "Eva", "Zoe", "Maya",
    "Gigi", "Honey", "Pearl", "Layla", "Chloe", "Bianca", "Selena", "Alina", "Paola", "Lucia",
)
CITIES = (
    "Miami", "Tampa", "Orlando", "Austin", "Dallas", "Houston", "Denver", "Phoenix", "Atlanta",
    "Chicago", "Boston", "Seattle", "Portland", "San Diego", "Las Vegas", "New York", "Reno",
    "El Paso", "Tucson", "Newark", "Memphis", "Nashville", "Detroit", "Baltimore", "Raleigh",
)
AREA = (305, 813, 407, 512, 214, 713, 303, 602, 404, 312, 617, 206, 503, 619, 702, 212)
STOCK = (
    "new in town", "call or text", "available now", "100% real", "no law enforcement",
    "incall only", "outcall available", "serious inquiries only", "no blocked calls",
    "text only please", "24/7", "in and out calls", "ask about my specials", "don't miss out",
    "book now", "real pics", "no games", "discreet and clean",
)
GREET = ("Hi gentlemen", "Hello guys", "Hey there", "Welcome gentlemen", "Good evening",
         "Hi sweeties", "Hello everyone", "Hey handsome")
ADJ = tuple("""
    sweet fun classy friendly bubbly gentle warm playful elegant charming easygoing upbeat caring
    petite tall curvy sporty calm cheerful relaxed stylish graceful witty lovely kind bright polite
    chatty sunny cozy dreamy sassy quirky mellow radiant silky smooth tender spicy refined
    adventurous artistic curious genuine thoughtful attentive soulful creative cultured lively
    adorable breezy cuddly dazzling earthy fancy fearless glowing humble jolly magnetic natural
    peaceful poised serene sincere sparkling spirited subtle vibrant vivacious wholesome zesty
    """.split()) + ("down to earth", "soft spoken", "open minded", "laid back", "well read")
NOUN = ("companion", "lady", "girl", "date", "friend", "host", "partner", "sweetheart",
        "hostess", "muse", "travel buddy", "dinner date", "confidante", "angel", "princess",
        "sunshine", "treasure", "escape", "getaway", "secret")
ACT = tuple("""
    dancing cooking yoga karaoke hiking shopping reading poetry painting gardening swimming
    surfing skiing baking sailing cycling tennis bowling golf chess pilates photography museums
    theater opera concerts festivals brunch picnics stargazing kayaking camping fishing
    """.split()) + (
    "long walks", "good music", "fine dining", "movie nights", "deep talks", "the beach",
    "road trips", "wine tasting", "board games", "art shows", "jazz bars", "coffee dates",
    "comedy clubs", "rooftop bars", "sushi nights", "salsa classes", "sunset drives",
    "old movies", "spa days", "city lights",
)
PLACE = ("downtown", "near the airport", "by the mall", "close to the highway", "uptown",
         "near the stadium", "by the river", "in a quiet area", "near the convention center",
         "by the lake", "near the university", "in the arts district", "by the marina",
         "near the casino", "off the main boulevard", "near the old train station",
         "in a private suite", "close to the beach", "by the park", "in the west end")
TIME = ("tonight", "this weekend", "all week", "late nights", "mornings", "after work",
        "any time", "weekdays only", "until 2am", "on sundays", "before noon", "most evenings",
        "all day friday", "on short notice", "this month only", "during lunch")
VERB = ("make you smile", "help you unwind", "listen to your stories", "show you around town",
        "cook you dinner", "keep you company", "brighten your day", "take your mind off work",
        "share a bottle of wine", "dance the night away", "laugh at your jokes",
        "plan something special", "spoil you a little", "explore the city with you")
EMOJI = ("🌹", "✨", "💋", "🔥", "💯", "😘", "💎", "🥰", "⭐", "🎀")


def _sentence(rng: random.Random) -> str:
    c = rng.choice
    frames = (
        lambda: f"{c(ADJ)} and {c(ADJ)} {c(NOUN)} {c(TIME)}",
        lambda: f"I love {c(ACT)} and {c(ACT)}",
        lambda: f"let me be your {c(ADJ)} {c(NOUN)} {c(TIME)}",
        lambda: f"my place is {c(PLACE)} and very {c(ADJ)}",
        lambda: f"you will enjoy my {c(ADJ)} smile and {c(ADJ)} vibe",
        lambda: f"looking for a {c(ADJ)} gentleman who likes {c(ACT)}",
        lambda: f"perfect {c(NOUN)} for {c(ACT)} {c(TIME)}",
        lambda: f"I can {c(VERB)} {c(TIME)}",
        lambda: f"{c(ADJ)} {c(NOUN)} who will {c(VERB)}",
        lambda: f"ask me about {c(ACT)} or {c(ACT)}",
        lambda: f"my friends call me {c(ADJ)} because I {c(VERB)}",
        lambda: f"nothing beats {c(ACT)} with a {c(ADJ)} {c(NOUN)}",
        lambda: f"find me {c(PLACE)} {c(TIME)}",
        lambda: f"treat yourself to a {c(ADJ)} {c(NOUN)} {c(PLACE)}",
        lambda: f"{c(ACT)} {c(TIME)} and {c(ACT)} {c(TIME)}",
        lambda: f"I am {c(ADJ)}, {c(ADJ)} and always {c(ADJ)}",
    )
    return c(frames)()


def _style(rng: random.Random) -> str:
    return rng.choices(("normal", "lower", "title", "shout"), weights=(60, 20, 10, 10))[0]


def _apply_style(text: str, style: str) -> str:
    if style == "lower":
        return text.lower()
    if style == "title":
        return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    if style == "shout":  # only the first sentence is shouted
        head, _, tail = text.partition(". ")
        return head.upper() + (". " + tail if tail else "")
    return text


def _phone(rng: random.Random) -> str:
    a, line = rng.choice(AREA), rng.randrange(100, 200)
    fmt = rng.randrange(4)
    if fmt == 0:
        return f"{a}-555-{line:04d}"
    if fmt == 1:
        return f"({a}) 555-{line:04d}"
    if fmt == 2:
        return f"{a}.555.{line:04d}"
    return f"{a} 555 {line:04d}"


def _price(rng: random.Random) -> str:
    p = rng.choice((100, 120, 150, 160, 180, 200, 250, 300))
    return rng.choice((f"{p} roses hr", f"${p}/hr", f"{p} hr", f"{p}$ full hour"))


def _new_template(rng: random.Random) -> tuple[list[str], str]:
    """A poster's text with {name} {city} {price} {phone} slots, as sentences."""
    parts = [f"{rng.choice(GREET)}, I am {{name}}"]
    if rng.random() < 0.6:
        parts.append(rng.choice(("new in {city}", "just arrived in {city}",
                                 "visiting {city} this week", "{city} is my home")))
    parts.extend(_sentence(rng) for _ in range(rng.randint(3, 5)))
    parts.extend(rng.sample(STOCK, rng.randint(1, 3)))
    parts.append(rng.choice(("{price}", "rates {price}", "special {price}", "donation {price}")))
    parts.append(rng.choice(("call {phone}", "text {phone}", "call or text {phone}",
                             "contact me {phone}", "{phone} ask for {name}")))
    rng.shuffle(parts[1:-2])
    return parts, _style(rng)


def _fill(parts: list[str], style: str, rng: random.Random, drop: bool, emoji: bool) -> str:
    name, city = rng.choice(NAMES), rng.choice(CITIES)
    price, phone = _price(rng), _phone(rng)
    text = ". ".join(p[:1].upper() + p[1:] for p in parts) + "."
    text = (text.replace("{name}", name).replace("{city}", city).replace("{price}", price)
            .replace("{phone}", phone))
    text = _apply_style(text, style)
    words = text.split(" ")
    if drop and len(words) > 12:
        del words[rng.randrange(3, len(words) - 3)]
    if emoji:
        for _ in range(rng.randint(1, 3)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(EMOJI))
    return " ".join(words)


def _stock_ad(rng: random.Random) -> str:
    """A short ad made only of stock phrases: different posters write near-identical ones."""
    parts = [rng.choice(GREET) + "!", *rng.sample(STOCK, rng.randint(3, 6)), _price(rng),
             rng.choice(("call", "text", "call or text")) + " " + _phone(rng)]
    return _apply_style(". ".join(p[:1].upper() + p[1:] for p in parts), _style(rng))


def make_corpus(
    n: int, seed: int, network_share: float = 0.4, stock_share: float = 0.1
) -> tuple[list[str], list[int]]:
    """``n`` ad texts and their poster label (same label = copies of one template).

    ``stock_share`` of posters write a short stock-phrase-only ad (their own label each): the
    case the stock filter exists for.
    """
    rng = random.Random(seed)
    texts: list[str] = []
    labels: list[int] = []
    label = 0
    while len(texts) < n:
        if rng.random() < stock_share:
            texts.append(_stock_ad(rng))
            labels.append(label)
            label += 1
            continue
        parts, style = _new_template(rng)
        if rng.random() < network_share:
            copies = min(2 + int(rng.expovariate(1 / 6)), 60)
        else:
            copies = 1
        for _ in range(min(copies, n - len(texts))):
            texts.append(_fill(parts, style, rng, rng.random() < 0.5, rng.random() < 0.6))
            labels.append(label)
        label += 1
    order = list(range(len(texts)))
    rng.shuffle(order)  # copies are not adjacent in a real feed
    return [texts[i] for i in order], [labels[i] for i in order]


def load_corpus(
    n: int, seed: int, source: str = "auto"
) -> tuple[list[str], list[str], list[str], list[bool], str]:
    """Texts, template labels, poster labels, commercial flags and the source's name.

    From ``redflags.synth.generate`` when it exists and ``source`` is ``auto`` (ads of one
    template should link; ads of one poster may), else from :func:`make_corpus`.
    """
    gen: Any = None
    if source == "auto":
        try:
            from redflags.synth import generate as gen
        except ImportError:
            gen = None
    if gen is not None:
        texts, templates, actors, commercial = [], [], [], []
        for ad, truth in gen(n, seed):
            texts.append(f"{ad.get('title') or ''}\n{ad.get('body') or ''}".strip())
            actors.append(str(truth.get("network") or truth.get("actor") or ad["id"]))
            templates.append(str(truth.get("template") or ad["id"]))
            commercial.append(truth.get("kind") != "benign")
        return texts, templates, actors, commercial, "redflags.synth.generate"
    texts, labels = make_corpus(n, seed)
    lab = [str(x) for x in labels]
    return texts, lab, lab, [True] * len(lab), "bench/templates.py fallback generator"


# --------------------------------------------------------------------------- measurements


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _UF:
    def __init__(self, n: int) -> None:
        self.p = list(range(n))

    def find(self, x: int) -> int:
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[max(ra, rb)] = min(ra, rb)


def link(feats: list[Any], accept: float) -> tuple[int, int, int, list[int]]:
    """Group by band key, verify, union-find: (candidates, links, hubs, component per ad)."""
    from redflags.link.templates import MAX_BUCKET, bucket_pairs, verify

    buckets: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(feats):
        for k in f.keys:
            buckets[k].append(i)
    seen: set[tuple[int, int]] = set()
    sets: dict[int, set[int]] = {}
    uf = _UF(len(feats))
    links = hubs = 0
    for members in buckets.values():
        if len(members) < 2:
            continue
        hubs += len(members) > MAX_BUCKET
        for a, b in bucket_pairs(members):
            if (a, b) in seen:
                continue
            seen.add((a, b))
            sa = sets.setdefault(a, feats[a].shingle_set())
            sb = sets.setdefault(b, feats[b].shingle_set())
            if verify(sa, sb) >= accept:
                links += 1
                uf.union(a, b)
    return len(seen), links, hubs, [uf.find(i) for i in range(len(feats))]


def pair_quality(
    comp: list[int], labels: list[int] | list[str], owners: list[str] | None = None
) -> tuple[float, float]:
    """Pairwise precision and recall of components: recall over pairs with the same ``labels``
    (template), precision counting a pair false only when its ``owners`` (posters) differ."""
    owners_: list[int] | list[str] = owners if owners is not None else labels
    by_comp: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(comp):
        by_comp[c].append(i)
    tp_ = fp = found = 0
    for members in by_comp.values():
        if len(members) < 2:
            continue
        same_owner: dict[object, int] = defaultdict(int)
        same_label: dict[object, int] = defaultdict(int)
        for i in members:
            same_owner[owners_[i]] += 1
            same_label[labels[i]] += 1
        ok = sum(c * (c - 1) // 2 for c in same_owner.values())
        tp_ += ok
        fp += len(members) * (len(members) - 1) // 2 - ok
        found += sum(c * (c - 1) // 2 for c in same_label.values())
    per_label: dict[object, int] = defaultdict(int)
    for lab in labels:
        per_label[lab] += 1
    true = sum(c * (c - 1) // 2 for c in per_label.values())
    return (tp_ / (tp_ + fp) if tp_ + fp else 1.0), (found / true if true else 1.0)


def child(n: int, seed: int, source: str) -> dict[str, float | str]:
    from redflags.link.templates import ACCEPT_JACCARD, StockFilter, features, keys_text

    texts, labels, owners, commercial, src = load_corpus(n, seed, source)
    chars = sum(len(t) for t in texts) / len(texts)

    # CPU seconds of this process: "per core" even when other jobs share the machine
    clock = time.process_time
    t0 = clock()
    for t in texts:
        keys_text(t)
    t_keys = clock() - t0

    t0 = clock()
    stock = StockFilter()
    stock.learn(texts[:50_000])
    stock.stock_array()
    t_learn = clock() - t0

    t0 = clock()
    feats = []
    for i in range(0, len(texts), 1000):
        feats.extend(features(texts[i : i + 1000], stock))
    t_sig = clock() - t0
    rss_features = _peak_rss_mb()

    t0 = clock()
    cands, links, hubs, comp = link(feats, ACCEPT_JACCARD)
    t_link = clock() - t0
    keyed = sum(1 for f in feats if f.keys)
    out: dict[str, float | str] = {
        "ads": n, "source": src, "chars": chars,
        "keys_per_s": n / t_keys, "sig_per_s": n / t_sig,
        "learn_s": t_learn, "stock": len(stock.stock), "keyed": keyed / n,
        "cand_per_ad": cands / n, "links_per_ad": links / n, "hubs": hubs,
        "group_verify_s": t_link, "rss_features_mb": rss_features, "rss_mb": _peak_rss_mb(),
    }
    out["precision"], out["recall"] = pair_quality(comp, labels, owners)
    idx = [i for i, c in enumerate(commercial) if c]
    _c, _l, _h, ccomp = link([feats[i] for i in idx], ACCEPT_JACCARD)
    out["precision_com"], out["recall_com"] = pair_quality(
        ccomp, [labels[i] for i in idx], [owners[i] for i in idx]
    )
    return out


def child_rensa(n: int, seed: int) -> dict[str, float]:
    """rensa's RMinHash on the same shingles, to compare with the numpy MinHash."""
    import numpy as np
    from rensa import RMinHash  # type: ignore[import-not-found]

    from redflags.link.templates import DEFAULT_PARAMS, SHINGLE_K, _batch_shingles, _minhash, mask

    texts = make_corpus(n, seed)[0]
    hashes, bounds, _novel = _batch_shingles([mask(t) for t in texts], SHINGLE_K)
    strs = [[str(x) for x in hashes[bounds[i] : bounds[i + 1]].tolist()] for i in range(n)]
    t0 = time.perf_counter()
    for s in strs:
        m = RMinHash(num_perm=DEFAULT_PARAMS.num_perm, seed=DEFAULT_PARAMS.seed)
        m.update(s)
        m.digest()
    t_rensa = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(0, n, 1000):
        j = min(n, i + 1000)
        _minhash(hashes, np.asarray(bounds[i : j + 1]), DEFAULT_PARAMS)
    t_np = time.perf_counter() - t0
    return {"rensa_per_s": n / t_rensa, "numpy_per_s": n / t_np}


def _features_from(tokens: list[list[str]], k: int, stock: Any, params: Any) -> list[Any]:
    """``features`` on pre-masked tokens (so measure() can vary masking)."""
    import numpy as np

    from redflags.link import templates as tp

    out = []
    for i in range(0, len(tokens), 1000):
        hashes, bounds, novel = tp._batch_shingles(
            tokens[i : i + 1000], k, stock.stock_array(), stock.pair_array()
        )
        n = bounds.size - 1
        counts = np.diff(bounds)
        keyed = (counts >= stock.min_shingles) & (novel >= stock.min_novel)
        sel_bounds = np.concatenate(([0], np.cumsum(counts[keyed]))).astype(np.int64)
        sigs = tp._minhash(hashes[np.repeat(keyed, counts)], sel_bounds, params)
        bands = tp._band_hashes(sigs, params).tolist()
        j = 0
        for a in range(n):
            packed = hashes[bounds[a] : bounds[a + 1]].astype("<u8").tobytes()
            if keyed[a]:
                out.append(tp.Features(tp._keys_of(bands[j]), packed))
                j += 1
            else:
                out.append(tp.Features((), packed))
    return out


def measure(n: int, seed: int) -> None:
    """The tables behind SHINGLE_K, name masking, MAX_DF, ACCEPT_JACCARD and NUM_PERM."""
    from redflags.link import templates as tp

    texts, labels = make_corpus(n, seed)
    rng = random.Random(seed)
    by_label: dict[int, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        by_label[lab].append(i)
    true_pairs = [p for m in by_label.values() if len(m) > 1 for p in combinations(m, 2)]
    true_pairs = rng.sample(true_pairs, min(3000, len(true_pairs)))
    strangers = [(a, b) for a in range(0, n, max(1, n // 2000)) for b in rng.sample(range(n), 20)
                 if labels[a] != labels[b]]
    masked = {nm: [tp.mask(t, names=nm) for t in texts] for nm in (False, True)}
    print(f"{n:,} fallback ads, {len(by_label):,} posters; "
          f"{sum(len(m) for m in by_label.values() if len(m) > 1):,} ads are template copies\n")

    print("1. Jaccard after the stock filter (MAX_DF) of template copies vs strangers:")
    print(f"{'k':>2} {'names':>6} {'copies p5':>9} {'p50':>5} {'strangers p99.9':>15} "
          f"{'max':>5}")
    for k in (2, 3, 4, 5):
        for nm in (False, True):
            stock = tp.StockFilter(k=k, min_shingles=0, min_novel=0)
            stock.learn_tokens(masked[nm][:50_000])
            ss = [stock.apply(t) for t in masked[nm]]
            tj = sorted(tp.verify(ss[a], ss[b]) for a, b in true_pairs)
            fj = sorted(tp.verify(ss[a], ss[b]) for a, b in strangers)
            print(f"{k:>2} {str(nm):>6} {tj[len(tj) // 20]:>9.2f} {tj[len(tj) // 2]:>5.2f} "
                  f"{fj[int(len(fj) * 0.999)]:>15.2f} {fj[-1]:>5.2f}")

    print("\n2. Linking (LSH candidates -> verify >= ACCEPT_JACCARD -> union-find), pairwise "
          "precision/recall:")
    print(f"{'k':>2} {'names':>6} {'max_df':>6} {'stock':>6} {'keyed':>6} {'cand/ad':>7} "
          f"{'P':>7} {'R':>6}")
    for k in (3, 4):
        for nm in (False, True):
            for max_df in (0.005, 0.01, 0.02, 0.05):
                stock = tp.StockFilter(max_df=max_df, k=k)
                stock.learn_tokens(masked[nm][:50_000])
                feats = _features_from(masked[nm], k, stock, tp.DEFAULT_PARAMS)
                cands, _links, _hubs, comp = link(feats, tp.ACCEPT_JACCARD)
                p, r = pair_quality(comp, labels)
                keyed = sum(1 for f in feats if f.keys) / n
                print(f"{k:>2} {str(nm):>6} {max_df:>6} {len(stock.stock):>6} {keyed:>6.2f} "
                      f"{cands / n:>7.2f} {p:>7.4f} {r:>6.3f}")

    print("\n3. Acceptance threshold and LSH parameters (k=SHINGLE_K, names, MAX_DF):")
    stock = tp.StockFilter()
    stock.learn(texts[:50_000])
    print(f"{'perm':>4} {'bands x rows':>12} {'accept':>6} {'cand/ad':>7} {'links/ad':>8} "
          f"{'P':>7} {'R':>6}")
    for params in (tp.LSHParams.for_threshold(num_perm=32), tp.LSHParams.for_threshold(num_perm=64),
                   tp.LSHParams.for_threshold(num_perm=128)):
        feats = []
        for i in range(0, n, 1000):
            feats.extend(tp.features(texts[i : i + 1000], stock, params))
        for acc in (0.3, 0.4, 0.5, 0.6, 0.7):
            cands, links, _hubs, comp = link(feats, acc)
            p, r = pair_quality(comp, labels)
            print(f"{params.num_perm:>4} {f'{params.bands} x {params.rows}':>12} {acc:>6.1f} "
                  f"{cands / n:>7.2f} {links / n:>8.2f} {p:>7.4f} {r:>6.3f}")


def measure_synth(n: int, seed: int) -> None:
    """MAX_DF and ACCEPT_JACCARD on ``redflags.synth`` commercial ads (template = truth)."""
    from redflags.link import templates as tp

    try:
        from redflags.synth import generate
    except ImportError:
        print("\n4. redflags.synth is not available: skipped")
        return
    every, texts, templates, actors = [], [], [], []
    for ad, truth in generate(n, seed):
        text = f"{ad.get('title') or ''}\n{ad.get('body') or ''}".strip()
        every.append(text)  # the stock filter learns from the whole feed, as in production
        if truth.get("kind") == "benign":
            continue  # only commercial ads are linked into networks here
        texts.append(text)
        templates.append(str(truth.get("template") or ad["id"]))
        actors.append(str(truth.get("network") or truth.get("actor") or ad["id"]))
    print(f"\n4. redflags.synth.generate({n:,}, {seed}): stock learnt from all ads, "
          f"{len(texts):,} commercial ads linked; a pair is found when its template is shared, "
          "false when its posters differ:")
    print(f"{'max_df':>6} {'keyed':>6} {'cand/ad':>7} " + " ".join(
        f"{f'P@{a}':>7} {f'R@{a}':>6}" for a in (0.4, 0.5, 0.6)))
    for max_df in (0.01, 0.02, 0.05, 0.1):
        stock = tp.StockFilter(max_df=max_df)
        stock.learn(every)
        feats = []
        for i in range(0, len(texts), 1000):
            feats.extend(tp.features(texts[i : i + 1000], stock))
        cells = []
        cands = 0
        for acc in (0.4, 0.5, 0.6):
            cands, _links, _hubs, comp = link(feats, acc)
            p, r = pair_quality(comp, templates, actors)
            cells.append(f"{p:>7.3f} {r:>6.3f}")
        keyed = sum(1 for f in feats if f.keys) / len(feats)
        print(f"{max_df:>6} {keyed:>6.2f} {cands / len(feats):>7.2f} " + " ".join(cells))


def _run_child(*args: str) -> dict[str, float | str]:
    out = subprocess.run([sys.executable, str(HERE), "--child", *args], check=True,
                         capture_output=True, text=True)
    result: dict[str, float | str] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ads", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--source", choices=("auto", "fallback"), default="auto")
    ap.add_argument("--measure", action="store_true", help="print the tables behind the knobs")
    ap.add_argument("--rensa", action="store_true", help="compare with rensa if installed")
    ap.add_argument("--child", nargs="*")
    args = ap.parse_args(argv)
    if args.child is not None:
        kind, *rest = args.child
        if kind == "rensa":
            print(json.dumps(child_rensa(int(rest[0]), int(rest[1]))))
        else:
            print(json.dumps(child(int(rest[0]), int(rest[1]), rest[2])))
        return 0
    if args.measure:
        measure(args.ads[0], args.seed)
        measure_synth(args.ads[0], args.seed)
        return 0

    from redflags.link.templates import ACCEPT_JACCARD, DEFAULT_PARAMS, MAX_BUCKET

    print(f"text templates: k-shingles + MinHash {DEFAULT_PARAMS.num_perm} perms, "
          f"{DEFAULT_PARAMS.bands} bands x {DEFAULT_PARAMS.rows} rows, accept J >= "
          f"{ACCEPT_JACCARD}, hub buckets > {MAX_BUCKET}; one core per child process\n")
    rows = [_run_child("run", str(n), str(args.seed), args.source) for n in args.ads]
    print(f"source: {rows[0]['source']}; mean text {float(rows[0]['chars']):.0f} chars\n")
    print(f"{'ads':>8} {'keys view':>9} {'signatures':>10} {'stock s':>7} {'stock':>5} "
          f"{'keyed':>5} {'cand/ad':>7} {'links/ad':>8} {'hubs':>4} {'link s':>6} "
          f"{'P all':>5} {'R all':>5} {'P com':>5} {'R com':>5} {'RSS sig':>7} {'RSS all':>7}")
    for r in rows:
        f = {k: float(v) for k, v in r.items() if k != "source"}
        print(f"{int(f['ads']):>8,} {f['keys_per_s']:>9,.0f} {f['sig_per_s']:>10,.0f} "
              f"{f['learn_s']:>7.1f} {int(f['stock']):>5} {f['keyed']:>5.2f} "
              f"{f['cand_per_ad']:>7.2f} {f['links_per_ad']:>8.2f} {int(f['hubs']):>4} "
              f"{f['group_verify_s']:>6.1f} {f['precision']:>5.3f} {f['recall']:>5.3f} "
              f"{f['precision_com']:>5.3f} {f['recall_com']:>5.3f} {f['rss_features_mb']:>7.0f} "
              f"{f['rss_mb']:>7.0f}")
    print("\nads/s = ads per CPU-second of one process (one core): 'keys view' = keys_text "
          "alone, 'signatures' = the whole per-ad path (mask, shingles, stock filter, MinHash, "
          "band keys via features()).  'stock s' = learning the filter on the first 50k ads.  "
          "'keyed' = share of ads with band keys.  cand/ad, links/ad, hubs (buckets > "
          "MAX_BUCKET) and 'link s' come from a plain-Python dict group-by + bucket_pairs + "
          "verify.  P/R = pairwise precision (false when posters differ) and recall (pairs "
          "sharing a template) of the linked components, over all ads and over commercial ads "
          "only.  RSS (MB, peak) after signatures and after the in-process link.")
    if args.rensa:
        try:
            r = _run_child("rensa", str(min(args.ads)), str(args.seed))
            print(f"\nMinHash only, {min(args.ads):,} ads: numpy {float(r['numpy_per_s']):,.0f}"
                  f" ads/s, rensa {float(r['rensa_per_s']):,.0f} ads/s")
        except subprocess.CalledProcessError as exc:
            print(f"\nrensa comparison skipped: {exc.stderr.strip().splitlines()[-1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
