"""Near-duplicate ad text: masked word shingles, MinHash band keys and InfoShield-style templates.

Traffickers post one ad text across cities with the name, city, price and phone swapped, a word
dropped and emoji sprinkled in; near-duplicate text is what links their burner phones
(research/indicators.md §1.4).  This module turns one ad into *features* that link on a plain
group-by, so the linker stays map → group-by → union-find (DESIGN.md §1) and runs on Dask as is:

1. :func:`mask` — tokens of the ``keys`` view (lower-cased, de-obfuscated; see
   :mod:`redflags.normalize`) with phones, prices, numbers, e-mails, URLs and handles replaced by
   placeholders (``<phone>`` ``<price>`` ``<num>`` ``<email>`` ``<handle>``), capitalised
   mid-sentence words (names, cities) by ``<name>``; emoji and punctuation dropped.
2. :func:`shingles` — 64-bit hashes of word k-shingles, stable across processes and machines.
3. :class:`StockFilter` — drops shingles found in more than :data:`MAX_DF` of a sample of ads
   ("call or text", "new in town", "100% real"), and refuses ads left with fewer than
   :data:`MIN_SHINGLES` shingles, so boilerplate never links strangers.
4. :class:`Signature` / :func:`band_keys` — MinHash (datasketch's ``affine32`` scheme, computed
   vectorised in numpy) cut into bands; each band is a key ``"tpl:<band>:<hex>"``.  Ads sharing
   a key are *candidates*.
5. :func:`verify` — exact Jaccard of two shingle sets; a candidate pair links only at
   :data:`ACCEPT_JACCARD` or above.  Band buckets larger than :data:`MAX_BUCKET` are hubs: the
   linker must not verify them as a clique (:func:`bucket_pairs` verifies them as a chain).
6. :func:`template` — the cluster's shared text with ``<slot>`` where copies differ (InfoShield,
   Lee et al. 2021: align the copies, keep what most share, turn varying positions into slots).

>>> a = "Hi gentlemen, I am Amber, new in Miami. Sweet and fun, call 305-555-0123, 200 roses"
>>> b = "Hi gentlemen, I am Kira, new in Tampa. Sweet fun 😘 call 813-555-0199, 150 roses"
>>> mask(b)
['hi', 'gentlemen', 'i', 'am', '<name>', 'new', 'in', '<name>', 'swet', 'fun', 'cal', \
'<phone>', '<price>', 'roses']
>>> round(verify(shingles(mask(a)), shingles(mask(b))), 2)
0.67
>>> str(template([a, b]))
'Hi gentlemen I am {slot1} new in {slot2} Sweet fun call {slot3} {slot4} roses'
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from redflags.errors import ConfigError
from redflags.normalize import Normalized, Views, fold, keys_view

__all__ = [
    "ACCEPT_JACCARD",
    "DEFAULT_PARAMS",
    "LSH_THRESHOLD",
    "MAX_ALIGN",
    "MAX_BUCKET",
    "MAX_DF",
    "MIN_SHINGLES",
    "NUM_PERM",
    "SEED",
    "SHINGLE_K",
    "SLOT",
    "Features",
    "LSHParams",
    "Signature",
    "Slot",
    "StockFilter",
    "Template",
    "band_keys",
    "bucket_pairs",
    "containment",
    "features",
    "keys_text",
    "mask",
    "pack",
    "shingles",
    "template",
    "unpack",
    "verify",
]

# --------------------------------------------------------------------------- named knobs

#: Word shingle length.  Measured on synthetic networks (bench/templates.py, ``--measure``):
#: k=3 separates copies of one template (swapped name/city/price/phone, a word dropped) from
#: unrelated ads best; k=2 lets common word pairs ("and sweet") raise strangers' Jaccard, k≥4
#: lets each swapped name destroy 4+ shingles and pushes copies of short ads below acceptance.
SHINGLE_K = 3
#: MinHash permutations: 128 keeps the Jaccard estimate's standard error near 0.04 and is the
#: datasketch default; the vectorised numpy MinHash makes the cost per ad negligible.
NUM_PERM = 64
#: Fixed MinHash seed (datasketch's default), so band keys are the same on every machine and run.
SEED = 1
#: Jaccard at which LSH banding turns from "rarely a candidate" to "usually a candidate".  Set
#: below :data:`ACCEPT_JACCARD` so pairs just above acceptance are still found.
LSH_THRESHOLD = 0.5
#: Weights of datasketch's optimal-parameter search.  A false positive costs one cheap exact
#: verify; a false negative silently loses a link, so misses weigh more.
FALSE_POSITIVE_WEIGHT = 0.3
FALSE_NEGATIVE_WEIGHT = 0.7
#: A candidate pair becomes a link at or above this exact Jaccard (of stock-filtered shingles).
#: Measured: copies with two slots swapped and a word dropped sit at 0.55–0.95; unrelated ads that
#: share phrases stay below 0.25 (bench/templates.py --measure).
ACCEPT_JACCARD = 0.5
#: An ad needs this many non-stock shingles to get band keys at all: about one distinctive
#: sentence.  Short ads made of stock phrases never link on text (they may on identifiers).
MIN_SHINGLES = 10
#: A shingle found in more than this fraction of the learning sample is boilerplate.
#: Stock phrases ("call or text", "new in town") occur in 1–30 % of ads; a network's own text is
#: far rarer unless it *is* a sizeable share of the market, which identifiers still catch.
MAX_DF = 0.02
#: ... and it must be seen in at least this many ads, so small samples do not call everything stock.
MIN_STOCK_DOCS = 5
#: A band bucket with more members than this is a hub (boilerplate the filter missed, or one huge
#: network).  The linker must not verify it as a clique (O(n²)): :func:`bucket_pairs` verifies it
#: as a chain of neighbours, and the linker reports the bucket.
MAX_BUCKET = 200
#: Neighbours each member of a hub bucket is verified against (sorted-neighbourhood window).
HUB_WINDOW = 3
#: Texts aligned per template, chosen deterministically; bigger clusters are sampled.
MAX_ALIGN = 50
#: A template position is kept when more than this share of the aligned texts have it (a strict
#: majority, so a word only one of two copies has is not template text).
MIN_SUPPORT = 0.5
#: A kept position is literal text when one token covers this share of the texts that have it.
LITERAL_SHARE = 0.8
#: Distinct values remembered per slot (reviewers see examples, not an unbounded list).
MAX_SLOT_VALUES = 20

#: Marker of a varying position in :attr:`Template.tokens`.
SLOT = "<slot>"

# --------------------------------------------------------------------------- keys text

try:  # the offset-free fast path mirrors normalize's internals; see keys_text()
    from redflags.normalize import (
        _CONFUSABLES,
        _KEYCAP,
        _LETTER_RUN,
        _SPACED,
        _VS16,
        _fold_unit,
    )
    from redflags.normalize import _SPECIAL as _FOLD_SPECIAL

    _FAST_KEYS = True
except ImportError:  # pragma: no cover - normalize changed: stay correct, only slower
    _FAST_KEYS = False
    _LETTER_RUN = re.compile(r"([^\W\d_])\1+")
    _CONFUSABLES = {}

_CONFUSABLE_CHARS = re.compile("[" + re.escape("".join(_CONFUSABLES)) + "]") if _CONFUSABLES else None
_ASCII_RUN = re.compile(r"([a-z])\1+")


def _fold_text(original: str) -> str:
    """``fold(original).text`` without building the offset map (same steps, text only)."""
    if not _FAST_KEYS:  # pragma: no cover
        return fold(original).text
    m = _FOLD_SPECIAL.search(original)
    if m is None:
        return original
    parts: list[str] = []
    last_end = -1  # original index where the last output part ends
    n = len(original)
    pos = 0
    while m is not None:
        i = m.start()
        if i > pos:
            parts.append(original[pos:i])
            last_end = i
        ch = original[i]
        if ch.isspace():
            j = i + 1
            while j < n and original[j].isspace():
                j += 1
            if parts and parts[-1].endswith(" ") and last_end == i:
                last_end = j
            else:
                parts.append(" ")
                last_end = j
            pos = j
        else:
            j = i + 1
            while j < n and (
                original[j] == _KEYCAP or original[j] == _VS16 or unicodedata.combining(original[j])
            ):
                j += 1
            out = _fold_unit(original[i:j])
            if out and out.isspace():
                if parts and parts[-1].endswith(" ") and last_end == i:
                    last_end = j
                else:
                    parts.append(" ")
                    last_end = j
            elif out:
                parts.append(out)
                last_end = j
            elif parts and last_end == i:
                last_end = j
            pos = max(j, m.end())
        m = _FOLD_SPECIAL.search(original, pos)
    if pos < n:
        parts.append(original[pos:])
    text = "".join(parts)
    if _CONFUSABLE_CHARS is not None and not text.isascii() and _CONFUSABLE_CHARS.search(text):
        return fold(original).text  # look-alike letters: rare, let normalize decide per word
    return text


def _squeeze_cb(m: re.Match[str]) -> str:
    c = m.group(1)
    return c if c.isalpha() else m.group(0)


def _first_group(m: re.Match[str]) -> str:
    return m.group(1)


def _squeeze(s: str) -> str:
    if s.isascii():
        return _ASCII_RUN.sub(_first_group, s)
    return _LETTER_RUN.sub(_squeeze_cb, s)


#: A capitalised word right after a letter, digit or comma and a space: not sentence-initial.
_CAP_AFTER_WORD = re.compile(r"(?:(?<=[^\W_] )|(?<=[,&] ))([^\W\d_a-z][^\W\d_]+)(?![\w'’])")
#: Share of an ad's words that may be capitalised before capitals stop meaning "name".
MAX_CAPS_SHARE = 0.3


def _name_words(folded: str) -> frozenset[str]:
    """Keys forms of capitalised words that are not sentence-initial and never lower-case.

    Off for ads that capitalise many words (Title Case headlines, shouting), where capitals say
    nothing about names.
    """
    caps = {w for w in _CAP_AFTER_WORD.findall(folded) if w[0].isupper() and w[1:].islower()}
    if not caps or len(caps) > MAX_CAPS_SHARE * (folded.count(" ") + 1):
        return frozenset()
    out = set()
    for w in caps:
        low = w.lower()
        if low in folded and re.search(rf"(?<![^\W\d_]){re.escape(low)}(?![^\W\d_])", folded):
            continue  # also written in lower case: an ordinary word
        out.add(_squeeze(low))
    return frozenset(out)


def keys_text(text: str | Normalized) -> str:
    """The text of ``Views(text).keys`` without its offset map; a keys view is used as is.

    Building the offset map costs ~0.4 ms per 300-character ad, twice the whole signature
    budget, and signatures never report evidence spans.  This repeats normalize's steps on text
    only; a hypothesis test keeps it equal to ``keys_view(fold(text)).text`` so band keys agree
    however they were computed (if normalize's internals move, it falls back to them).

    >>> keys_text("So Y.O.U.N.G and yooung ｃａｌｌ")
    'so young and young cal'
    """
    if isinstance(text, Normalized):
        return text.text
    return _keys_from_folded(_fold_text(text))


def _keys_from_folded(folded: str) -> str:
    if not _FAST_KEYS:  # pragma: no cover
        return keys_view(Normalized.identity(folded)).text
    low = folded.lower()
    if len(low) != len(folded):  # as keys_view: lower-case per character when lengths differ
        low = "".join(c.lower() for c in folded)
    joins = list(_SPACED.finditer(low))
    if not joins:
        return _squeeze(low)
    parts: list[str] = []
    pos = 0
    for m in joins:
        parts.append(_squeeze(low[pos : m.start()]))
        parts.append(_squeeze("".join(c for c in m.group() if c.isalpha())))
        pos = m.end()
    parts.append(_squeeze(low[pos:]))
    return "".join(parts)


# --------------------------------------------------------------------------- masking

#: Platforms whose name, followed by ":" or "@", introduces a handle (squeezed spellings too,
#: since the keys view turns "whatsapp" into "whatsap").
_PLATFORMS = (
    r"snap(?:chat)?|sc|ig|insta(?:gram)?|kik|telegram|tg|whats?ap+|wa|signal|twit+er|"
    r"onlyfans|of|wechat|line|wickr|skype|fb|facebook|cashap+|venmo|zele|zelle|paypal"
)
_PRICE_UNIT = (
    r"roses?|rs|usd|dol+ars?|dolares|bucks|donations?|gifts?|r|k|/?h|/?hr|/?hrs|/?hour|"
    r"/?hh|hhr|half|qv|qk|min|mins|ss|full|each"
)
#: One pass over the keys text.  Plain words come first and are taken only when nothing that
#: could make them part of a contact follows; possessive quantifiers keep failed alternatives
#: from backtracking (this regex is most of the per-ad cost).
_TOKEN = re.compile(
    rf"""
    (?P<word>[^\W\d_]++(?:['’][^\W\d_]+)*+)(?![\w@]|[.:]\w|:)
  | (?P<email>[\w.+-]++@[\w-]+(?:\.[\w-]+)+)
  | (?P<url>(?:https?://|w+\.)\S+
            |[\w-]++\.(?:com|net|org|io|me|co|ly|xyz|info|biz|link|site)\b(?:/\S*)?)
  | (?P<platform>(?<![\w.])(?:{_PLATFORMS}))[:@]\s?(?P<pvalue>[\w.]*\w)
  | (?P<handle>@[\w.]*\w)
  | (?P<phone>(?<![\w+])(?:\+\d{{1,3}}[\s.\-]{{0,2}})?\(?\d{{3}}\)?[\s.\-/]{{0,2}}\d{{3}}
              [\s.\-/]{{0,2}}\d{{4}}(?!\d)
            |\+\d(?:[\s.\-()]{{0,2}}\d){{6,14}}(?!\d)
            |(?<!\w)\d{{7,15}}(?!\d))
  | (?P<price>[$€£]\s?\d+(?:[.,]\d+)?(?:k\b)?
            |\d+(?:[.,]\d+)?\s?[$€£]
            |\d++(?:[.,]\d+)?(?=\s?(?:{_PRICE_UNIT})(?![^\W\d_])))
  | (?P<num>\d++(?:[.,:]\d+)*+(?![^\W\d_])|\d+[^\W\d_]{{1,3}}(?!\w))
  | (?P<word2>[^\W\d_]++(?:['’][^\W\d_]+)*+(?!\w))
  | (?P<other>\w+)
    """,
    re.VERBOSE,
)


def _scan(keys: str, names: frozenset[str] = frozenset()) -> list[tuple[str, int, int]]:
    """Masked tokens of a keys text with their ``[start, end)`` in it."""
    out: list[tuple[str, int, int]] = []
    append = out.append
    for m in _TOKEN.finditer(keys):
        kind = m.lastgroup
        if kind == "word" or kind == "word2":
            w = m.group()
            if w in names:
                w = "<name>"
            elif "'" in w or "’" in w:
                w = w.replace("'", "").replace("’", "")
            append((w, m.start(), m.end()))
        elif kind == "pvalue":  # "snap: amber_fun" -> "snap", "<handle>"
            append((m.group("platform"), m.start("platform"), m.end("platform")))
            append(("<handle>", m.start("pvalue"), m.end("pvalue")))
        elif kind == "other":  # letters mixed with digits/underscores: a username
            w = m.group()
            if any(c.isalpha() for c in w):
                append(("<handle>", m.start(), m.end()))
            elif any(c.isdigit() for c in w):
                append(("<num>", m.start(), m.end()))
        elif kind == "url":
            append(("<handle>", m.start(), m.end()))
        elif kind is not None:
            append((f"<{kind}>", m.start(), m.end()))
    return out


def _tokens(text: str | Normalized) -> tuple[str, list[tuple[str, int, int]]]:
    """Keys text and its masked tokens with offsets into it (the exact, slower path)."""
    if isinstance(text, Normalized):
        keys, folded = text.text, _fold_text(text.original)
    else:
        folded = _fold_text(text)
        keys = _keys_from_folded(folded)
    return keys, _scan(keys, _name_words(folded))


#: Characters stripped from the ends of a chunk before asking whether it is a plain word; none
#: of them can start or end a contact, price or handle token.
_EDGE_PUNCT = ".,!?;\"'()[]{}*~-/\\|<>…“”‘’«»"
#: A chunk with one of these may join its neighbours into one token (phones, prices, handles).
_CONTEXT = re.compile(r"[\d@:$€£+]")


def _mask_keys(keys: str, names: frozenset[str]) -> list[str]:
    """``[t for t, _, _ in _scan(keys, names)]``, about 3x faster.

    Plain-word chunks (most of an ad) skip the big regex; only chunks that may form a contact,
    price or handle with their neighbours are scanned, as a window reaching one chunk past them
    (what the price and handle patterns look ahead into).  A hypothesis test keeps the two equal.
    """
    out: list[str] = []
    append = out.append
    search = _CONTEXT.search
    chunks = keys.split(" ")
    n = len(chunks)
    i = 0
    pos = 0  # offset of chunks[i] in keys
    while i < n:
        c = chunks[i]
        if c.isalpha():
            append("<name>" if c in names else c)
        elif c:
            w = c.strip(_EDGE_PUNCT)
            if w.isalpha():
                append("<name>" if w in names else w)
            elif search(c) is None:
                out.extend([t for t, _, _ in _scan(c, names)])
            else:
                end = pos + len(c) + 1
                i += 1
                while i < n and search(chunks[i]) is not None:
                    end += len(chunks[i]) + 1
                    i += 1
                if i < n:
                    end += len(chunks[i]) + 1
                    i += 1
                out.extend([t for t, _, _ in _scan(keys[pos : end - 1], names)])
                pos = end
                continue
        pos += len(c) + 1
        i += 1
    return out


def mask(text: str | Normalized, names: bool = True) -> list[str]:
    """Tokens of the keys view with contacts, prices, numbers and names as placeholders.

    Accepts the raw text (the fast path) or an already built ``Views(text).keys``.  A name is a
    capitalised word that is not sentence-initial and never written in lower case in the same
    ad (off when the ad capitalises most words): names and cities are exactly what copies of a
    template swap, and masking them raised pair recall from 0.93 to 0.95 at equal precision on
    the bench corpus (``bench/templates.py --measure``).

    >>> mask("NEW in town 🌹 Call 305.555.0123 or snap: kira_22, $200/hr, ask 4 Kira")
    ['new', 'in', 'town', 'cal', '<phone>', 'or', 'snap', '<handle>', '<price>', 'hr', 'ask', \
'<num>', 'kira']
    """
    if isinstance(text, Normalized):
        keys, folded = text.text, _fold_text(text.original)
    else:
        folded = _fold_text(text)
        keys = _keys_from_folded(folded)
    return _mask_keys(keys, _name_words(folded) if names else frozenset())


# --------------------------------------------------------------------------- shingles

_U64 = np.uint64
_MASK64 = (1 << 64) - 1
#: Odd multipliers (splitmix64 outputs) weighting each position of a shingle, so order counts.
_POS_MULT = np.array(
    [
        0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93,
        0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3, 0x589965CC75374CC3,
    ],
    dtype=np.uint64,
)
_TOKEN_HASH_CACHE: dict[str, int] = {}
_TOKEN_CACHE_MAX = 500_000


def _blake64(tok: str) -> int:
    """Stable 64-bit hash of a token (BLAKE2b; Python's ``hash`` is salted per process)."""
    digest = hashlib.blake2b(
        tok.encode("utf-8", "surrogatepass"), digest_size=8, person=b"rf-tok"
    ).digest()
    return int.from_bytes(digest, "little")


def _fmix64(h: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """MurmurHash3's 64-bit finaliser: a bijection that spreads the combined token hashes."""
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> _U64(33))


def _batch_shingles(
    token_lists: Sequence[Sequence[str]], k: int
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """Unique shingle hashes of many token lists at once.

    Returns ``(hashes, bounds)``: list ``i``'s sorted unique hashes are
    ``hashes[bounds[i]:bounds[i + 1]]``.  Vectorised over the whole batch, so the per-ad cost
    is the token-hash lookups.
    """
    n = len(token_lists)
    lens = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=n)
    total = int(lens.sum())
    cache = _TOKEN_HASH_CACHE
    missing = {t for toks in token_lists for t in toks}.difference(cache.keys())
    if len(cache) + len(missing) > _TOKEN_CACHE_MAX:
        cache.clear()  # a crude bound: the vocabulary of ads is small and Zipfian
        missing = {t for toks in token_lists for t in toks}
    for t in missing:
        cache[t] = _blake64(t)
    th = np.fromiter(
        map(cache.__getitem__, chain.from_iterable(token_lists)), dtype=np.uint64, count=total
    )
    ad_parts: list[npt.NDArray[np.int64]] = []
    sh_parts: list[npt.NDArray[np.uint64]] = []
    if total >= k:
        m = total - k + 1
        acc = th[:m] * _POS_MULT[0]
        for i in range(1, k):
            acc = acc + th[i : i + m] * _POS_MULT[i]
        # the width goes in, so a short ad's single shingle never equals a k-shingle
        acc = acc + _U64(k)
        owner = np.repeat(np.arange(n, dtype=np.int64), lens)
        first = np.repeat(np.cumsum(lens) - lens, lens)
        valid = (np.arange(total, dtype=np.int64) - first <= np.repeat(lens, lens) - k)[:m]
        sh_parts.append(_fmix64(acc[valid]))
        ad_parts.append(owner[:m][valid])
    short = np.flatnonzero((lens > 0) & (lens < k))
    if short.size:  # fewer tokens than k: one shingle of all of them
        ends = np.cumsum(lens)
        for i in short.tolist():
            part = th[ends[i] - lens[i] : ends[i]]
            acc1 = (part * _POS_MULT[: part.size]).sum(dtype=np.uint64) + _U64(part.size)
            sh_parts.append(_fmix64(np.array([acc1], dtype=np.uint64)))
            ad_parts.append(np.array([i], dtype=np.int64))
    if not sh_parts:
        return np.empty(0, dtype=np.uint64), np.zeros(n + 1, dtype=np.int64)
    sh = np.concatenate(sh_parts)
    ad = np.concatenate(ad_parts)
    order = np.lexsort((sh, ad))
    sh, ad = sh[order], ad[order]
    if sh.size:
        keep = np.ones(sh.size, dtype=bool)
        keep[1:] = (sh[1:] != sh[:-1]) | (ad[1:] != ad[:-1])
        sh, ad = sh[keep], ad[keep]
    return sh, _bounds(ad, n)


def _bounds(owner: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.int64]:
    bounds = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=n), out=bounds[1:])
    return bounds


def _shingle_array(tokens: Sequence[str], k: int) -> npt.NDArray[np.uint64]:
    """Sorted unique 64-bit shingle hashes of one token list."""
    return _batch_shingles([tokens], k)[0]


def _check_k(k: int) -> None:
    if not 1 <= k <= len(_POS_MULT):
        raise ConfigError(f"shingle length k={k} is out of range: use 1..{len(_POS_MULT)}")


def shingles(tokens: Sequence[str], k: int = SHINGLE_K) -> set[int]:
    """Stable 64-bit hashes of the word k-shingles of ``tokens``.

    Token hashes are BLAKE2b (not Python's salted ``hash``), combined position-weighted and
    mixed, so the same tokens give the same integers in every process, run and machine.  Fewer
    than ``k`` tokens give one shingle of all of them; no tokens give the empty set.

    >>> len(shingles(["a", "b", "c", "d"], k=3)), shingles(["a", "b"]) == shingles(["a", "b"])
    (2, True)
    """
    _check_k(k)
    return set(_shingle_array(tokens, k).tolist())


def verify(a: set[int] | frozenset[int] | bytes, b: set[int] | frozenset[int] | bytes) -> float:
    """Exact Jaccard similarity of two shingle sets (or two :func:`pack` ed ones).

    Empty sets have similarity 0: nothing in common is not evidence of a link.

    >>> verify({1, 2, 3}, {2, 3, 4})
    0.5
    """
    sa, sb = _as_set(a), _as_set(b)
    if not sa or not sb:
        return 0.0
    inter = len(sa & sb)
    return inter / (len(sa) + len(sb) - inter)


def containment(a: set[int] | frozenset[int] | bytes, b: set[int] | frozenset[int] | bytes) -> float:
    """Share of the smaller set found in the larger one (tolerates copies with cut sentences).

    Higher than Jaccard when one copy is a shortened version of the other; also higher for a
    short ad whose few shingles happen to occur in a long one, so use it only together with
    :data:`MIN_SHINGLES` and the stock filter.

    >>> containment({1, 2}, {1, 2, 3, 4})
    1.0
    """
    sa, sb = _as_set(a), _as_set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def pack(shingle_set: Iterable[int]) -> bytes:
    """Compact, order-independent bytes of a shingle set (sorted little-endian uint64).

    The linker keeps these per ad instead of Python sets (8 bytes per shingle rather than ~60).

    >>> unpack(pack({3, 1, 2})) == {1, 2, 3}
    True
    """
    arr = np.fromiter(shingle_set, dtype=np.uint64)
    arr.sort()
    return arr.astype("<u8").tobytes()


def unpack(packed: bytes) -> set[int]:
    """Inverse of :func:`pack`."""
    return set(np.frombuffer(packed, dtype="<u8").tolist())


def _as_set(x: set[int] | frozenset[int] | bytes) -> set[int] | frozenset[int]:
    return unpack(x) if isinstance(x, bytes) else x


# --------------------------------------------------------------------------- LSH parameters


def _fp_fn(threshold: float, b: int, r: int) -> tuple[float, float]:
    """datasketch's false positive / negative areas, integrated with Simpson's rule."""

    def area(lo: float, hi: float, miss: bool) -> float:
        n = 200  # even; the integrands are smooth polynomials of s
        s = np.linspace(lo, hi, n + 1)
        p = 1.0 - (1.0 - s**r) ** b
        y = 1.0 - p if miss else p
        h = (hi - lo) / n
        return float(h / 3 * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum()))

    return area(0.0, threshold, False), area(threshold, 1.0, True)


@lru_cache(maxsize=64)
def _optimal(threshold: float, num_perm: int, fp_w: float, fn_w: float) -> tuple[int, int]:
    best, opt = math.inf, (0, 0)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp, fn = _fp_fn(threshold, b, r)
            err = fp * fp_w + fn * fn_w
            if err < best:
                best, opt = err, (b, r)
    return opt


@dataclass(frozen=True, slots=True)
class LSHParams:
    """MinHash/LSH parameters.  Derive them from a target Jaccard with :meth:`for_threshold`
    (datasketch's ``_optimal_param`` logic) or set bands and rows by hand.

    >>> p = LSHParams.for_threshold(0.5, num_perm=64)
    >>> p.bands * p.rows <= 64
    True
    """

    bands: int
    rows: int
    num_perm: int = NUM_PERM
    seed: int = SEED

    def __post_init__(self) -> None:
        if self.num_perm < 1 or self.bands < 1 or self.rows < 1:
            raise ConfigError(
                f"LSH parameters must be positive (num_perm={self.num_perm}, bands={self.bands},"
                f" rows={self.rows}); use LSHParams.for_threshold(threshold) to derive them"
            )
        if self.bands * self.rows > self.num_perm:
            raise ConfigError(
                f"bands*rows = {self.bands}*{self.rows} exceeds num_perm={self.num_perm}: lower"
                f" bands or rows, raise num_perm, or use LSHParams.for_threshold(threshold)"
            )

    @classmethod
    def for_threshold(
        cls,
        threshold: float = LSH_THRESHOLD,
        num_perm: int = NUM_PERM,
        false_positive_weight: float = FALSE_POSITIVE_WEIGHT,
        false_negative_weight: float = FALSE_NEGATIVE_WEIGHT,
        seed: int = SEED,
    ) -> LSHParams:
        """Bands and rows minimising the weighted false positive/negative areas (datasketch)."""
        if not 0.0 < threshold < 1.0:
            raise ConfigError(f"LSH threshold must be in (0, 1), got {threshold}")
        if abs(false_positive_weight + false_negative_weight - 1.0) > 1e-9:
            raise ConfigError("false positive and false negative weights must sum to 1")
        b, r = _optimal(threshold, num_perm, false_positive_weight, false_negative_weight)
        return cls(bands=b, rows=r, num_perm=num_perm, seed=seed)

    def candidate_probability(self, jaccard: float) -> float:
        """Chance that two ads with this Jaccard share at least one band key."""
        return float(1.0 - (1.0 - jaccard**self.rows) ** self.bands)


#: Defaults: ``LSHParams.for_threshold()`` for the constants above (a test keeps them equal).
DEFAULT_PARAMS = LSHParams(bands=16, rows=4, num_perm=NUM_PERM, seed=SEED)


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """datasketch 2.x ``affine32`` permutations: ``h -> a*h + b mod 2**32`` with odd ``a``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(h: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _minhash(
    hashes: npt.NDArray[np.uint64], bounds: npt.NDArray[np.int64], params: LSHParams
) -> npt.NDArray[np.uint32]:
    """MinHash of many shingle sets at once: a ``(len(bounds) - 1, num_perm)`` uint32 matrix.

    Set ``i`` is ``hashes[bounds[i]:bounds[i + 1]]``.  The values equal
    ``datasketch.MinHash(num_perm, seed, hashfunc=lambda h: h & 0xffffffff)`` fed each set with
    ``update_batch`` (datasketch 2.x ``affine32`` scheme; a test checks it); an empty set gives
    the all-max row.
    """
    a, b = _permutations(params.num_perm, params.seed)
    n = bounds.size - 1
    out = np.full((n, params.num_perm), 0xFFFFFFFF, dtype=np.uint32)
    counts = np.diff(bounds)
    rows = np.flatnonzero(counts)
    if rows.size == 0:
        return out
    if rows.size != n:  # drop nothing, but make the segments of empty sets disappear
        sel = np.repeat(counts > 0, counts)
        hashes = hashes[bounds[0] : bounds[-1]][sel]
    else:
        hashes = hashes[bounds[0] : bounds[-1]]
    seg = np.concatenate(([0], np.cumsum(counts[rows])[:-1])).astype(np.int64)
    hv = _fmix32((hashes & _U64(0xFFFFFFFF)).astype(np.uint32))
    # chunks keep the (shingles x num_perm) product near 16 MB
    step = max(1, (4 << 20) // params.num_perm)
    mins = np.empty((rows.size, params.num_perm), dtype=np.uint32)
    r0 = 0
    while r0 < rows.size:
        lo = int(seg[r0])
        r1 = max(r0 + 1, int(np.searchsorted(seg, lo + step, side="left")))
        hi = int(seg[r1]) if r1 < rows.size else hv.size
        # (num_perm, shingles) so the per-ad minimum runs over contiguous memory (~15x faster)
        phv = a[:, None] * hv[None, lo:hi] + b[:, None]
        mins[r0:r1] = np.minimum.reduceat(phv, seg[r0:r1] - lo, axis=1).T
        r0 = r1
    out[rows] = mins
    return out


class Signature:
    """MinHash signature of one ad's (stock-filtered) shingle set.

    >>> s = Signature.of(shingles(mask("sweet and fun, new in Miami, ask for Amber")))
    >>> len(band_keys(s)) == DEFAULT_PARAMS.bands, band_keys(s)[0][:6]
    (True, 'tpl:0:')
    """

    __slots__ = ("hashvalues", "params")

    def __init__(self, hashvalues: npt.NDArray[np.uint32], params: LSHParams = DEFAULT_PARAMS):
        if hashvalues.shape != (params.num_perm,):
            raise ConfigError(
                f"signature has {hashvalues.shape} values but params expect {params.num_perm}"
            )
        self.hashvalues = hashvalues
        self.params = params

    @classmethod
    def of(cls, shingle_set: Iterable[int], params: LSHParams = DEFAULT_PARAMS) -> Signature:
        """MinHash of a shingle set (as from :func:`shingles` or a :class:`StockFilter`)."""
        arr = np.fromiter(shingle_set, dtype=np.uint64)
        return cls(_minhash(arr, np.array([0, arr.size], dtype=np.int64), params)[0], params)

    def jaccard(self, other: Signature) -> float:
        """MinHash estimate of the Jaccard similarity (use :func:`verify` to decide links)."""
        if other.params != self.params:
            raise ConfigError("signatures were made with different LSH parameters")
        return float(np.mean(self.hashvalues == other.hashvalues))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Signature)
            and other.params == self.params
            and bool(np.array_equal(other.hashvalues, self.hashvalues))
        )

    def __hash__(self) -> int:
        return hash((self.params, self.hashvalues.tobytes()))

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Signature({self.hashvalues[:4].tolist()}..., {self.params})"


def _band_hashes(sigs: npt.NDArray[np.uint32], params: LSHParams) -> npt.NDArray[np.uint64]:
    """One 64-bit hash per band per signature: ``(len(sigs), bands)``."""
    v = sigs[:, : params.bands * params.rows].reshape(-1, params.bands, params.rows)
    v = v.astype(np.uint64)
    h = np.broadcast_to(
        np.arange(1, params.bands + 1, dtype=np.uint64), (sigs.shape[0], params.bands)
    )
    for r in range(params.rows):
        h = _fmix64(h * _POS_MULT[r % len(_POS_MULT)] + v[:, :, r])
    return h


_BAND_PREFIXES = tuple(f"tpl:{i}:" for i in range(4096))


def _keys_of(band_row: list[int]) -> tuple[str, ...]:
    return tuple(map("%s%016x".__mod__, zip(_BAND_PREFIXES, band_row)))


def band_keys(sig: Signature) -> list[str]:
    """LSH band keys ``"tpl:<band>:<hex>"``; ads sharing any key are template candidates.

    The keys depend only on the shingles and :class:`LSHParams`, so a group-by on them gives the
    same candidates locally and on Dask.
    """
    return list(_keys_of(_band_hashes(sig.hashvalues[None, :], sig.params)[0].tolist()))


# --------------------------------------------------------------------------- stock phrases


class StockFilter:
    """Learns which shingles are boilerplate from a sample of ads and drops them.

    Document frequencies go into a Count-Min sketch (``depth`` x ``width`` uint32 counters,
    16 MB by default, never more), so memory does not grow with the sample; shingles whose
    estimate reaches :data:`MIN_STOCK_DOCS` are remembered as candidates (bounded by
    ``max_candidates``: the floor rises when it fills).  :meth:`freeze` (called on first use)
    keeps the candidates above ``max_df`` of the documents seen.  Sketches learnt on separate
    partitions can be :meth:`merge` d, as on Dask.

    >>> f = StockFilter()
    >>> f.learn(["New in town! Call or text, available now"] * 60
    ...         + [f"poster {i} writes her own words" for i in range(40)])
    >>> ad = shingles(mask("New in town! Call or text, available now. Kind lady here for you"))
    >>> len(ad), len(ad - f.stock), len(f.apply(ad))
    (11, 5, 0)
    """

    def __init__(
        self,
        max_df: float = MAX_DF,
        min_docs: int = MIN_STOCK_DOCS,
        min_shingles: int = MIN_SHINGLES,
        k: int = SHINGLE_K,
        width: int = 1 << 20,
        depth: int = 4,
        max_candidates: int = 1_000_000,
    ) -> None:
        if not 0.0 < max_df <= 1.0:
            raise ConfigError(f"max_df must be in (0, 1], got {max_df}")
        if width & (width - 1) or width < 2 or not 1 <= depth <= 8:
            raise ConfigError("width must be a power of two and depth in 1..8")
        _check_k(k)
        self.max_df = max_df
        self.min_docs = min_docs
        self.min_shingles = min_shingles
        self.k = k
        self.n_docs = 0
        self._bits = width.bit_length() - 1
        self._table = np.zeros((depth, width), dtype=np.uint32)
        self._mult = _POS_MULT[:depth] | _U64(1)
        self._floor = max(1, min_docs)
        self._max_candidates = max_candidates
        self._candidates: set[int] = set()
        self._stock: frozenset[int] | None = None
        self._stock_arr: npt.NDArray[np.uint64] | None = None
        self._sketchless = False

    # -- learning

    def _rows(self, arr: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        shift = _U64(64 - self._bits)
        return ((arr[None, :] * self._mult[:, None]) >> shift).astype(np.int64)

    def _estimate(self, arr: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
        idx = self._rows(arr)
        est: npt.NDArray[np.uint32] = self._table[np.arange(self._table.shape[0])[:, None],
                                                  idx].min(axis=0)
        return est

    def learn(self, texts: Iterable[str | Normalized], batch: int = 2000) -> None:
        """Count in how many of ``texts`` each shingle occurs (call again to add more)."""
        buf: list[list[str]] = []
        for text in texts:
            buf.append(mask(text))
            if len(buf) >= batch:
                self._add(_batch_shingles(buf, self.k)[0], len(buf))
                buf = []
        if buf:
            self._add(_batch_shingles(buf, self.k)[0], len(buf))

    def learn_shingles(self, shingle_sets: Iterable[Iterable[int]]) -> None:
        """Like :meth:`learn`, from shingle sets already computed with this filter's ``k``."""
        arrays = [np.unique(np.fromiter(s, dtype=np.uint64)) for s in shingle_sets]
        if arrays:
            self._add(np.concatenate(arrays), len(arrays))

    def _add(self, flat: npt.NDArray[np.uint64], docs: int) -> None:
        """Count ``flat``: the unique shingles of ``docs`` documents, concatenated."""
        if self._sketchless:
            raise ConfigError(
                "this StockFilter was unpickled without its sketch (workers get only the stock "
                "set); learn and merge on the original filter"
            )
        self._stock = None
        self.n_docs += docs
        if flat.size == 0:
            return
        idx = self._rows(flat)
        width = self._table.shape[1]
        for r in range(self._table.shape[0]):
            self._table[r] += np.bincount(idx[r], minlength=width).astype(np.uint32)
        est = self._table[np.arange(self._table.shape[0])[:, None], idx].min(axis=0)
        self._candidates.update(np.unique(flat[est >= self._floor]).tolist())
        while len(self._candidates) > self._max_candidates:
            self._floor *= 2
            cand = np.fromiter(self._candidates, dtype=np.uint64)
            self._candidates = set(cand[self._estimate(cand) >= self._floor].tolist())

    def merge(self, other: StockFilter) -> None:
        """Add another filter's counts (learnt on a different partition of ads)."""
        if self._sketchless or other._sketchless:
            raise ConfigError("cannot merge an unpickled StockFilter: merge the originals")
        if other._table.shape != self._table.shape or other.k != self.k:
            raise ConfigError("cannot merge stock filters with different sketch shapes or k")
        self._table += other._table
        self.n_docs += other.n_docs
        self._floor = max(self._floor, other._floor)
        self._candidates |= other._candidates
        self._stock = None

    # -- using

    @property
    def threshold(self) -> float:
        """Documents a shingle must occur in to count as stock."""
        return max(float(self.min_docs), self.max_df * self.n_docs)

    def freeze(self) -> frozenset[int]:
        """The stock shingles (computed once; small, picklable, the same on every worker)."""
        if self._stock is None:
            if not self._candidates:
                self._stock = frozenset()
            else:
                cand = np.fromiter(self._candidates, dtype=np.uint64)
                keep = self._estimate(cand) >= self.threshold
                self._stock = frozenset(cand[keep].tolist())
            self._stock_arr = None
        return self._stock

    def stock_array(self) -> npt.NDArray[np.uint64]:
        """The stock shingles as a sorted array (what :func:`features` filters with)."""
        stock = self.freeze()
        if self._stock_arr is None:
            self._stock_arr = np.sort(np.fromiter(stock, dtype=np.uint64, count=len(stock)))
        return self._stock_arr

    @property
    def stock(self) -> frozenset[int]:
        return self.freeze()

    def apply(self, shingle_set: set[int] | frozenset[int]) -> set[int]:
        """The shingles left after dropping stock ones, or an empty set if too few are left."""
        kept = set(shingle_set) - self.freeze()
        return kept if len(kept) >= self.min_shingles else set()

    def __getstate__(self) -> dict[str, Any]:
        # workers need only the frozen stock set, not the 16 MB sketch or the candidates
        state = dict(self.__dict__)
        state["_stock"] = self.freeze()
        state["_stock_arr"] = None
        state["_table"] = np.zeros((0, 0), dtype=np.uint32)
        state["_candidates"] = set()
        state["_sketchless"] = True
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


# --------------------------------------------------------------------------- per-ad features


@dataclass(frozen=True, slots=True)
class Features:
    """What the linker keeps per ad: band keys (for the group-by) and packed shingles (for
    :func:`verify`).  No keys means the ad is too short or all boilerplate."""

    keys: tuple[str, ...]
    shingles: bytes

    def shingle_set(self) -> set[int]:
        return unpack(self.shingles)


def features(
    texts: Iterable[str | Normalized],
    stock: StockFilter | None = None,
    params: LSHParams = DEFAULT_PARAMS,
    k: int = SHINGLE_K,
    min_shingles: int = MIN_SHINGLES,
) -> list[Features]:
    """Band keys and packed shingles for many ads, vectorised (the linker's fast path).

    Equal to ``band_keys(Signature.of(stock.apply(shingles(mask(t)))))`` per text; with a
    ``stock`` filter its stock shingles are dropped and its ``min_shingles`` applies.  Feed
    batches of ~1,000 texts (a Dask partition is fine; memory is ~16 MB per 1,000 ads).

    >>> f = features(["Sweet and fun, new in Miami, ask for Amber, call 305-555-0123 now", "hi"])
    >>> len(f[0].keys) == DEFAULT_PARAMS.bands, f[1].keys
    (True, ())
    """
    _check_k(k)
    hashes, bounds = _batch_shingles([mask(t) for t in texts], k)
    n = bounds.size - 1
    if stock is not None:
        if stock.k != k:
            raise ConfigError(f"stock filter was learnt with k={stock.k}, features use k={k}")
        min_shingles = stock.min_shingles
        stock_arr = stock.stock_array()
        if stock_arr.size and hashes.size:
            keep = ~np.isin(hashes, stock_arr)
            owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(bounds))
            hashes, bounds = hashes[keep], _bounds(owner[keep], n)
    counts = np.diff(bounds)
    keyed = counts >= max(min_shingles, 1)
    sel_bounds = np.concatenate(([0], np.cumsum(counts[keyed]))).astype(np.int64)
    sel = np.repeat(keyed, counts)
    sigs = _minhash(hashes[sel], sel_bounds, params)
    bands = _band_hashes(sigs, params).tolist()
    raw = hashes.astype("<u8", copy=False)
    out: list[Features] = []
    j = 0
    for i in range(n):
        packed = raw[bounds[i] : bounds[i + 1]].tobytes()
        if keyed[i]:
            out.append(Features(_keys_of(bands[j]), packed))
            j += 1
        else:
            out.append(Features((), packed))
    return out


_T = TypeVar("_T")


def bucket_pairs(
    members: Sequence[_T], max_bucket: int = MAX_BUCKET, window: int = HUB_WINDOW
) -> Iterator[tuple[_T, _T]]:
    """Candidate pairs of one band bucket, in the order given.

    Up to ``max_bucket`` members: every pair.  Bigger buckets are hubs: each member is paired
    only with the next ``window`` ones (a sorted-neighbourhood chain, O(n) verifications), so one
    boilerplate band cannot cost n² verifications while a real mega-network still chains up.
    Sort members (e.g. by signature or ad id) before calling; the linker should report hubs.

    >>> list(bucket_pairs("abc"))
    [('a', 'b'), ('a', 'c'), ('b', 'c')]
    >>> list(bucket_pairs("abcd", max_bucket=2, window=1))
    [('a', 'b'), ('b', 'c'), ('c', 'd')]
    """
    n = len(members)
    span = n if n <= max_bucket else window + 1
    for i in range(n):
        for j in range(i + 1, min(n, i + span)):
            yield members[i], members[j]


# --------------------------------------------------------------------------- templates

SlotKind = Literal["text", "name", "phone", "price", "num", "email", "handle"]


@dataclass(frozen=True, slots=True)
class Slot:
    """One varying position of a template: its name, what kind of value, and values seen."""

    name: str
    kind: SlotKind
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Template:
    """Shared text of a cluster with the varying positions as slots.

    ``tokens`` are masked tokens with :data:`SLOT` at varying positions; ``surface`` is the same
    sequence as posted (original case, from the most central ad) with ``{slotN}`` markers;
    ``slots`` lists each slot's values in order of appearance.  ``size`` texts were aligned out
    of ``total``; ``coverage`` is the share of their tokens the literal text explains.
    """

    tokens: tuple[str, ...]
    surface: tuple[str, ...]
    slots: tuple[Slot, ...]
    size: int
    total: int
    coverage: float = 0.0
    examples: tuple[int, ...] = field(default=())

    def render(self, style: Literal["named", "star"] = "named") -> str:
        """The template as text: ``{slot1}`` markers (``named``) or ``[*]`` (``star``)."""
        if style == "named":
            return " ".join(self.surface)
        names = {f"{{{s.name}}}" for s in self.slots}
        return " ".join("[*]" if t in names else t for t in self.surface)

    def __str__(self) -> str:
        return self.render()


_PLACEHOLDER_KIND: dict[str, SlotKind] = {
    "<name>": "name", "<phone>": "phone", "<price>": "price", "<num>": "num",
    "<email>": "email", "<handle>": "handle",
}


def _sample(texts: Sequence[str], cap: int) -> list[int]:
    """Indices of up to ``cap`` texts, chosen by content hash (order-independent)."""
    order = sorted(
        range(len(texts)),
        key=lambda i: (hashlib.blake2b(texts[i].encode("utf-8", "surrogatepass"),
                                       digest_size=8).digest(), i),
    )
    return sorted(order[:cap])


class _Column:
    __slots__ = ("counts",)

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def top(self) -> tuple[str, int]:
        tok, n = max(self.counts.items(), key=lambda kv: (kv[1], kv[0]))
        return tok, n


def _align(seqs: list[list[str]], order: list[int]) -> tuple[list[int], list[list[int]]]:
    """Progressive alignment against the growing consensus.

    Returns the final column order (column ids) and, per sequence, the column id of each token.
    """
    columns: list[_Column] = []
    col_order: list[int] = []
    placed: list[list[int]] = [[] for _ in seqs]

    def new_col() -> int:
        columns.append(_Column())
        return len(columns) - 1

    for d in order:
        toks = seqs[d]
        if not col_order:
            col_order = [new_col() for _ in toks]
            placed[d] = list(col_order)
        else:
            consensus = [columns[c].top()[0] for c in col_order]
            sm = SequenceMatcher(None, consensus, toks, autojunk=False)
            new_order: list[int] = []
            where: list[int] = [0] * len(toks)
            for op, i1, i2, j1, j2 in sm.get_opcodes():
                if op == "equal" or op == "replace":
                    m = min(i2 - i1, j2 - j1)
                    for k in range(m):
                        where[j1 + k] = col_order[i1 + k]
                    new_order.extend(col_order[i1 : i1 + m])
                    extra = [new_col() for _ in range(j2 - j1 - m)]
                    for k, c in enumerate(extra):
                        where[j1 + m + k] = c
                    new_order.extend(extra)
                    new_order.extend(col_order[i1 + m : i2])
                elif op == "delete":
                    new_order.extend(col_order[i1:i2])
                else:  # insert
                    extra = [new_col() for _ in range(j2 - j1)]
                    for k, c in enumerate(extra):
                        where[j1 + k] = c
                    new_order.extend(extra)
            col_order = new_order
            placed[d] = where
        for tok, c in zip(toks, placed[d], strict=True):
            columns[c].counts[tok] += 1
    return col_order, placed


def template(texts: Sequence[str]) -> Template:
    """InfoShield-style template of a cluster of near-duplicate ads.

    Up to :data:`MAX_ALIGN` texts (chosen by content hash, so the result does not depend on the
    order given) are masked and aligned token by token, progressively against the consensus,
    starting from the most central text.  A position shared by at least :data:`MIN_SUPPORT` of
    them stays; it is literal when one token covers :data:`LITERAL_SHARE` of them (and, for a
    placeholder such as ``<phone>``, the posted values agree), otherwise a slot.  Words inserted
    between literals by at least :data:`MIN_SUPPORT` of the texts form a slot there too.  This is
    the InfoShield idea (Lee et al. 2021: align, keep the consensus, let variation be slots)
    without its MDL search; thresholds are the named constants above.

    >>> t = template(["Hi I am Amber, new in Miami", "Hi I am Kira, new in Tampa",
    ...               "Hi I am Jade, new in Austin"])
    >>> t.render("star"), t.slots[0].values
    ('Hi I am [*] new in [*]', ('Amber', 'Kira', 'Jade'))
    """
    if not texts:
        raise ValueError("template() needs at least one text")
    idx = _sample(texts, MAX_ALIGN)
    views = [Views(texts[i]).keys for i in idx]
    scans = [_scan(v.text, _name_words(_fold_text(v.original))) for v in views]
    seqs = [[t for t, _, _ in s] for s in scans]
    n = len(seqs)

    # the most central text seeds the alignment; the others follow by similarity to it
    sets = [set(_shingle_array(s, SHINGLE_K).tolist()) for s in seqs]
    sim = [[verify(sets[a], sets[b]) if a != b else 0.0 for b in range(n)] for a in range(n)]
    seed = max(range(n), key=lambda a: (sum(sim[a]), len(seqs[a]), -a))
    order = [seed] + sorted((d for d in range(n) if d != seed), key=lambda d: (-sim[seed][d], d))
    col_order, placed = _align(seqs, order)

    pos_of = {c: p for p, c in enumerate(col_order)}
    ncols = len(col_order)
    present = [0] * ncols
    counts: list[Counter[str]] = [Counter() for _ in range(ncols)]
    for d in range(n):
        for tok, c in zip(seqs[d], placed[d], strict=True):
            present[pos_of[c]] += 1
            counts[pos_of[c]][tok] += 1
    need = math.floor(MIN_SUPPORT * n) + 1
    literal: dict[int, str] = {}
    for p in range(ncols):
        if present[p] < need:
            continue
        tok, cnt = max(counts[p].items(), key=lambda kv: (kv[1], kv[0]))
        if cnt >= need and cnt >= LITERAL_SHARE * present[p]:
            literal[p] = tok
    lit_pos = sorted(literal)

    # per text: tokens in each gap between literals, and the text's own token at each literal
    gap_of = [0] * ncols  # gap g lies before literal g (gap len(lit_pos) after the last)
    g = 0
    for p in range(ncols):
        gap_of[p] = g
        if p in literal:
            g += 1
    gaps: list[list[list[int]]] = [[[] for _ in range(len(lit_pos) + 1)] for _ in range(n)]
    at_literal: list[dict[int, int]] = [{} for _ in range(n)]
    for d in range(n):
        for j, (tok, c) in enumerate(zip(seqs[d], placed[d], strict=True)):
            p = pos_of[c]
            if p in literal and tok == literal[p]:
                at_literal[d][p] = j
            elif p not in literal:
                gaps[d][gap_of[p]].append(j)

    def surface(d: int, js: list[int]) -> str:
        v, sc = views[d], scans[d]
        return v.original_text(sc[js[0]][1], sc[js[-1]][2]).strip()

    tokens: list[str] = []
    surf: list[str] = []
    slots: list[Slot] = []

    def add_slot(kind: SlotKind, values: Iterable[str]) -> None:
        name = f"slot{len(slots) + 1}"
        vals = tuple(dict.fromkeys(v for v in values if v))[:MAX_SLOT_VALUES]
        slots.append(Slot(name, kind, vals))
        tokens.append(SLOT)
        surf.append(f"{{{name}}}")

    def add_gap(gi: int) -> None:
        filled = [d for d in range(n) if gaps[d][gi]]
        if len(filled) < need:
            return
        kinds = {seqs[d][j] for d in filled for j in gaps[d][gi]}
        kind: SlotKind = "text"
        if len(kinds) == 1 and next(iter(kinds)) in _PLACEHOLDER_KIND:
            kind = _PLACEHOLDER_KIND[next(iter(kinds))]
        add_slot(kind, (surface(d, gaps[d][gi]) for d in order if gaps[d][gi]))

    literal_tokens = 0
    for gi, p in enumerate(lit_pos):
        add_gap(gi)
        tok = literal[p]
        holders = [d for d in order if p in at_literal[d]]
        literal_tokens += len(holders)
        values = [surface(d, [at_literal[d][p]]) for d in holders]
        if tok in _PLACEHOLDER_KIND and len(set(values)) > 1:
            add_slot(_PLACEHOLDER_KIND[tok], values)
        else:
            tokens.append(tok)
            surf.append(values[0] if values else tok)
    add_gap(len(lit_pos))
    total_tokens = sum(len(s) for s in seqs)
    return Template(
        tokens=tuple(tokens),
        surface=tuple(surf),
        slots=tuple(slots),
        size=n,
        total=len(texts),
        coverage=literal_tokens / total_tokens if total_tokens else 0.0,
        examples=tuple(idx[d] for d in order[:5]),
    )
