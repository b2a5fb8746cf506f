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
   ("call or text", "new in town", "100% real"), and gives no keys to ads left with fewer than
   :data:`MIN_SHINGLES` shingles or :data:`MIN_NOVEL_WORDS` words of their own, so boilerplate
   never links strangers.
4. :class:`Signature` / :func:`band_keys` — MinHash (datasketch's ``affine32`` scheme, computed
   vectorised in numpy) cut into bands; each band is a key ``"tpl:<band>:<hex>"``.  Ads sharing
   a key are *candidates*.  :func:`features` does steps 1–4 for a batch of ads at once.
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
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import chain
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
    "MIN_NOVEL_WORDS",
    "MIN_SHINGLES",
    "NUM_PERM",
    "PAIR_DF",
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
    "feature_arrays",
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

# Measurements quoted below: ``python bench/templates.py --measure`` -- 20k ads of the bench's
# own templated generator (P/R = pairwise precision/recall of the text-linked components), and
# 20k ads of redflags.synth (12,956 commercial ads; stock learnt from all).

#: Word shingle length.  k=3 links best (recall 0.996; k=4 0.987, k=5 lower) because every
#: swapped or dropped word destroys k shingles; k=2 lets common word pairs lift strangers'
#: Jaccard (max 0.43 vs 0.19 for k=3).
SHINGLE_K = 3
#: MinHash permutations.  64 gives 16 band keys per ad; 128 gives 25 and 32 gives 10, with the
#: same recall (0.997 / 0.996 / 0.998) and 4.2–4.6 candidates per ad.  64 keeps the group-by
#: small while its S-curve is steeper than 32's (a J=0.2 pair is a candidate 2.5 % of the time,
#: not 7.7 %), which matters for real text's many weakly similar pairs.  Exact verification,
#: not the estimate, decides links.
NUM_PERM = 64
#: Fixed MinHash seed (datasketch's default), so band keys are the same on every machine and run.
SEED = 1
#: Jaccard at which LSH banding turns from "rarely a candidate" to "usually a candidate"; with
#: 64 permutations it gives 16 bands of 4 rows (a pair at J=0.5 is a candidate 64 % of the time,
#: at 0.7 99 %, at 0.3 12 %), and a cluster's copies chain up through union-find.
LSH_THRESHOLD = 0.5
#: Weights of datasketch's optimal-parameter search.  A false positive costs one cheap exact
#: verify; a false negative silently loses a link, so misses weigh more.
FALSE_POSITIVE_WEIGHT = 0.3
FALSE_NEGATIVE_WEIGHT = 0.7
#: A candidate pair becomes a link at or above this exact Jaccard of stock-filtered shingles.
#: Template copies (name, city, price, phone swapped, a word dropped, emoji added) have median
#: 0.77 and 5th percentile 0.56, strangers 99.9th percentile 0.09 and max 0.19.  At 0.4 / 0.5 /
#: 0.6 -- bench corpus: precision 1.000 throughout, recall 0.997 / 0.996 / 0.972; synth:
#: precision 0.994 / 0.997 / 0.999, recall 0.922 / 0.873 / 0.743.  0.5 keeps a margin for real
#: text, whose strangers share more than synthetic ones; 0.4 is the recall-leaning choice.
ACCEPT_JACCARD = 0.5
#: An ad needs this many non-stock shingles to get band keys at all: about one distinctive
#: sentence.  Short ads made of stock phrases never link on text (they may on identifiers).
MIN_SHINGLES = 10
#: A shingle found in more than this fraction of the learning sample's ads *of its language
#: bucket* is boilerplate; stock phrases ("call or text", "new in town") sit in 5–30 % of ads.
#: Recall / precision at ACCEPT_JACCARD by MAX_DF -- synth: 0.01 → 0.38 / 0.999, 0.02 → 0.63 /
#: 0.998, 0.05 → 0.87 / 0.997, 0.1 → 0.95 / 0.593 (kept stock phrases link strangers); bench
#: corpus: 0.005 → 0.92, 0.01 → 0.99, 0.02 and 0.05 → 0.996, precision 1.000.
MAX_DF = 0.05
#: A word pair found in more than this fraction of the sample is a two-word stock phrase
#: ("available now", "incall only"), whose neighbours vary too much for a frequent k-shingle.
#: Pairs only decide which words are an ad's own (MIN_NOVEL_WORDS); they are never dropped.
#: Ordinary pairs ("i am") reach MAX_DF easily, hence one ad in five: with pairs at 0.05, 32 % of
#: synth's commercial ads (built from phrase banks) had fewer than 3 words of their own, at 0.2
#: 13 %; the bench corpus's copies keep at least 8 (1st percentile; 5 at 0.05).
PAIR_DF = 0.2
#: Shingles and pairs must also be seen in this many ads, so small samples do not call
#: everything stock.
MIN_STOCK_DOCS = 5
#: An ad needs this many distinct words of its own (outside stock shingles and stock pairs,
#: placeholders not counted) to get band keys: an ad stitched together from stock phrases has
#: rare seams between them but nothing of its own (tests/test_templates.py).  Bench template
#: copies have at least 8 such words (1st percentile), stock-phrase ads 0.
MIN_NOVEL_WORDS = 3
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
    _LETTER_RUN = re.compile(r"([^\W\d_])\1+")  # type: ignore[misc]
    _CONFUSABLES = {}  # type: ignore[misc]

_CONFUSABLE_CHARS = (
    re.compile("[" + re.escape("".join(_CONFUSABLES)) + "]") if _CONFUSABLES else None
)
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


#: A capitalised word after a space or tab; it counts when a letter, digit, comma or "&" comes
#: before that space on the same line (not the start of a sentence or line).
_CAP_AFTER_SPACE = re.compile(r"[ \t]([^\W\d_a-z][^\W\d_]+)(?![\w'’])")
#: Share of an ad's words (and at least 3) that may be capitalised before capitals stop meaning
#: "name" (Title Case headlines, shouting).
MAX_CAPS_SHARE = 0.3


def _name_words(original: str) -> frozenset[str]:
    """Keys forms of capitalised words that start no sentence or line and are never lower-case.

    Read on the text as posted, where line breaks still show.  Off for ads that capitalise many
    words (Title Case headlines, shouting), where capitals say nothing about names.
    """
    caps: set[str] = set()
    for m in _CAP_AFTER_SPACE.finditer(original):
        w = m.group(1)
        before = original[m.start() - 1] if m.start() else "."
        if (before.isalnum() or before in ",&") and w[0].isupper() and w[1:].islower():
            caps.add(w)
    if not caps or len(caps) > max(3, MAX_CAPS_SHARE * (original.count(" ") + 1)):
        return frozenset()
    out = set()
    for w in caps:
        low = w.lower()
        if low in original and re.search(rf"(?<![^\W\d_]){re.escape(low)}(?![^\W\d_])", original):
            continue  # also written in lower case: an ordinary word
        out.add(_squeeze(low) if w.isascii() else keys_text(w))
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
        keys, original = text.text, text.original
    else:
        keys, original = keys_text(text), text
    return keys, _collapse_spelled(_scan(keys, _name_words(original)))


#: Keys forms of spelled digits (English, Spanish, Russian); "for", "to", "ate" are left out.
_DIGIT_WORDS = frozenset(
    "zero oh one two thre four five six seven eight nine cero uno dos tres cuatro cinco seis "
    "siete ocho nueve ноль нуль один одна два две три четыре пять шесть семь восемь девять".split()
)
_NUMBERISH = _DIGIT_WORDS | {"<num>", "<phone>"}
#: Spelled digits mixed with numbers, this many tokens or more in a row, are one phone number
#: ("six one nine - five five five - oh one three eight"); two are ordinary words ("one or two").
MIN_SPELLED_RUN = 3


def _collapse_spelled(tokens: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Runs of spelled digits and numbers become one ``<phone>`` (the keys view keeps the
    words; the digits view that reads them costs more than the whole signature)."""
    if _DIGIT_WORDS.isdisjoint([t for t, _, _ in tokens]):
        return tokens
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and tokens[j][0] in _NUMBERISH:
            j += 1
        run = tokens[i:j]
        if len(run) >= MIN_SPELLED_RUN and any(t in _DIGIT_WORDS for t, _, _ in run):
            out.append(("<phone>", run[0][1], run[-1][2]))
            i = j
        else:
            out.append(tokens[i])
            i += 1
    return out


def _collapse_spelled_words(tokens: list[str]) -> list[str]:
    """:func:`_collapse_spelled` for plain tokens."""
    if _DIGIT_WORDS.isdisjoint(tokens):
        return tokens
    return [t for t, _, _ in _collapse_spelled([(t, 0, 0) for t in tokens])]


#: Characters stripped from the ends of a chunk before asking whether it is a plain word; none
#: of them can start or end a contact, price or handle token.
_EDGE_PUNCT = ".,!?;\"'()[]{}*~-/\\|<>…“”‘’«»•·–—"
#: A chunk with one of these may join its neighbours into one token (phones, prices, handles).
_CONTEXT = re.compile(r"[\d@$€£+]")
#: ... and so may a platform name followed by a colon ("snap:", "kik:"), unlike "rates:".
_PLATFORM_COLON = re.compile(rf"(?<![\w.])(?:{_PLATFORMS}):")
_ALPHA_RUN = re.compile(r"[^\W\d_]+")


def _needs_context(chunk: str) -> bool:
    """May ``chunk`` form one token with the next chunk (a phone, a price, "snap: handle")?"""
    if _CONTEXT.search(chunk) is not None:
        return True
    return ":" in chunk and ("//" in chunk or _PLATFORM_COLON.search(chunk) is not None)


def _mask_keys(keys: str, names: frozenset[str]) -> list[str]:
    """``[t for t, _, _ in _scan(keys, names)]``, several times faster.

    Most chunks between spaces are plain words, words with punctuation or emoji attached, or
    ``don't``; they are tokenised with string methods.  Only chunks that may form a contact,
    price or handle with their neighbours go through the big regex, as a window reaching one
    chunk past them (what the price and handle patterns look ahead into), and chunks with a dot
    or underscore (URLs, usernames) on their own.  A hypothesis test keeps the two equal.
    """
    out: list[str] = []
    append = out.append
    alpha_runs = _ALPHA_RUN.findall
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
            elif not w:
                pass
            elif not _needs_context(c):
                if "." in w or "_" in w:  # maybe a URL or a username
                    out.extend([t for t, _, _ in _scan(c, names)])
                elif "'" in w or "’" in w:
                    parts = w.replace("’", "'").split("'")
                    if all(p.isalpha() for p in parts):
                        append("".join(parts))  # "don't" -> "dont"; never a name
                    else:
                        out.extend([t for t, _, _ in _scan(c, names)])
                else:  # words joined by symbols or emoji: "incall/outcall", "hi😘"
                    out.extend(["<name>" if r in names else r for r in alpha_runs(w)])
            else:
                end = pos + len(c) + 1
                i += 1
                while i < n and _needs_context(chunks[i]):
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
    ad (off when the ad capitalises many words): names and cities are exactly what copies of a
    template swap.  Masking them lifts copies' median Jaccard from 0.68 to 0.77 (5th percentile
    0.52 to 0.56) while strangers stay at 0.09 (99.9th percentile); on the bench corpus linking
    recall is high either way (0.993 → 0.996), so the gain is margin for short ads, and
    templates get name slots (``bench/templates.py --measure``).  ``names=False`` keeps them as
    ordinary words.

    >>> mask("NEW in town 🌹 Call 305.555.0123 or snap: kira_22, $200/hr, ask 4 Kira")
    ['new', 'in', 'town', 'cal', '<phone>', 'or', 'snap', '<handle>', '<price>', 'hr', 'ask', \
'<num>', 'kira']
    """
    if isinstance(text, Normalized):
        keys, original = text.text, text.original
    else:
        keys, original = keys_text(text), text
    tokens = _mask_keys(keys, _name_words(original) if names else frozenset())
    return _collapse_spelled_words(tokens)


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


def _token_hashes(
    token_lists: Sequence[Sequence[str]],
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """All tokens' 64-bit hashes, concatenated, and each list's length."""
    n = len(token_lists)
    lens = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=n)
    cache = _TOKEN_HASH_CACHE
    missing = {t for toks in token_lists for t in toks}.difference(cache.keys())
    if len(cache) + len(missing) > _TOKEN_CACHE_MAX:
        cache.clear()  # a crude bound: the vocabulary of ads is small and Zipfian
        missing = {t for toks in token_lists for t in toks}
    for t in missing:
        cache[t] = _blake64(t)
    th = np.fromiter(
        map(cache.__getitem__, chain.from_iterable(token_lists)),
        dtype=np.uint64,
        count=int(lens.sum()),
    )
    return th, lens


def _windows(
    th: npt.NDArray[np.uint64], lens: npt.NDArray[np.int64], k: int
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Hashes of every full k-token window inside each list: ``(hash, owner, start)``."""
    total = th.size
    if total < k:
        empty = np.empty(0, dtype=np.int64)
        return np.empty(0, dtype=np.uint64), empty, empty
    m = total - k + 1
    acc = th[:m] * _POS_MULT[0]
    for i in range(1, k):
        acc = acc + th[i : i + m] * _POS_MULT[i]
    # the width goes in, so a short list's single shingle never equals a k-shingle
    acc = acc + _U64(k)
    n = lens.size
    owner = np.repeat(np.arange(n, dtype=np.int64), lens)[:m]
    first = np.repeat(np.cumsum(lens) - lens, lens)[:m]
    start = np.arange(m, dtype=np.int64)
    valid = start - first <= np.repeat(lens, lens)[:m] - k
    return _fmix64(acc[valid]), owner[valid], start[valid]


def _shingle_sets(
    th: npt.NDArray[np.uint64],
    lens: npt.NDArray[np.int64],
    k: int,
    stock: npt.NDArray[np.uint64] | None = None,
    pairs: npt.NDArray[np.uint64] | None = None,
    salts: npt.NDArray[np.uint64] | None = None,
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64], npt.NDArray[np.int64] | None]:
    """Sorted unique shingle hashes per token list, stock shingles dropped.

    Returns ``(hashes, bounds, novel)``: list ``i``'s shingles are
    ``hashes[bounds[i]:bounds[i + 1]]``; with ``stock`` (sorted stock k-shingles, salted with
    each list's language bucket ``salts[i]``) ``novel[i]`` counts the distinct words of list
    ``i`` that lie in no stock k-shingle nor stock word pair (``pairs``) and are not
    placeholders: what the ad says in its own words.
    """
    n = lens.size
    sh, ad, start = _windows(th, lens, k)
    short = np.flatnonzero((lens > 0) & (lens < k))
    if short.size:  # fewer tokens than k: one shingle of all of them
        ends = np.cumsum(lens)
        extra = np.empty(short.size, dtype=np.uint64)
        for j, i in enumerate(short.tolist()):
            part = th[ends[i] - lens[i] : ends[i]]
            extra[j] = (part * _POS_MULT[: part.size]).sum(dtype=np.uint64) + _U64(part.size)
        sh = np.concatenate((sh, _fmix64(extra)))
        ad = np.concatenate((ad, short.astype(np.int64)))
        start = np.concatenate((start, ends[short] - lens[short]))
    novel: npt.NDArray[np.int64] | None = None
    if stock is not None:
        covered = np.zeros(th.size, dtype=bool)
        hit = np.isin(sh if salts is None else sh ^ salts[ad], stock)
        full = start.size - short.size  # full k-windows come first
        spans = [(k, start[:full][hit[:full]])]
        if pairs is not None and pairs.size and k > 2:
            spans.append((2, _stock_pairs(th, lens, pairs, salts)))
        for width, starts in spans:
            for j in range(width):
                covered[starts + j] = True
        covered |= np.isin(th, _placeholder_hashes())
        owner = np.repeat(np.arange(n, dtype=np.int64), lens)
        own, words = owner[~covered], th[~covered]
        if words.size:
            order = np.lexsort((words, own))
            own, words = own[order], words[order]
            first = np.ones(words.size, dtype=bool)
            first[1:] = (words[1:] != words[:-1]) | (own[1:] != own[:-1])
            own = own[first]
        novel = np.bincount(own, minlength=n).astype(np.int64)
        sh, ad = sh[~hit], ad[~hit]
    order = np.lexsort((sh, ad))
    sh, ad = sh[order], ad[order]
    if sh.size:
        first = np.ones(sh.size, dtype=bool)
        first[1:] = (sh[1:] != sh[:-1]) | (ad[1:] != ad[:-1])
        sh, ad = sh[first], ad[first]
    return sh, _bounds(ad, n), novel


def _stock_pairs(
    th: npt.NDArray[np.uint64],
    lens: npt.NDArray[np.int64],
    stock: npt.NDArray[np.uint64],
    salts: npt.NDArray[np.uint64] | None,
) -> npt.NDArray[np.int64]:
    """Start positions of word pairs that are stock (pairs are learnt next to k-shingles)."""
    pairs, owner, start = _windows(th, lens, 2)
    return start[np.isin(pairs if salts is None else pairs ^ salts[owner], stock)]


#: Stock phrases are frequent *within their language*: "me llamo" is in a third of Spanish ads
#: but a few percent of a mostly English feed, and Spanish posters' shared phrases then chained
#: hundreds of synth's independents into one component.  Document frequencies are therefore
#: counted per language bucket (hashes salted with the bucket): 0 Latin-script default,
#: 1 Spanish (more Spanish than English function words), 2 Cyrillic.
_LANG_SALTS = np.array([0, 0x8F1BBCDCCA62C1D6, 0x5BE0CD19137E2179], dtype=np.uint64)
_ES_WORDS = frozenset(
    "que el los las del por con para una muy soy estoy hola y la de en mi tu te es se al".split()
)
_EN_WORDS = frozenset(
    "the and you i to for my with is am your me a of in on at it be are this".split()
)


def _lang_bucket(tokens: Sequence[str]) -> int:
    """0 default, 1 Spanish, 2 Cyrillic: a cheap, deterministic split for stock counting."""
    cyrillic = sum(1 for t in tokens if "\u0400" <= t[:1] <= "\u04ff")
    if cyrillic * 2 > len(tokens):
        return 2
    es = sum(1 for t in tokens if t in _ES_WORDS)
    return 1 if es >= 2 and es > sum(1 for t in tokens if t in _EN_WORDS) else 0


def _buckets(token_lists: Sequence[Sequence[str]]) -> npt.NDArray[np.int64]:
    return np.fromiter(
        (_lang_bucket(t) for t in token_lists), dtype=np.int64, count=len(token_lists)
    )


def _salts(token_lists: Sequence[Sequence[str]]) -> npt.NDArray[np.uint64]:
    salts: npt.NDArray[np.uint64] = _LANG_SALTS[_buckets(token_lists)]
    return salts


@lru_cache(maxsize=1)
def _placeholder_hashes() -> npt.NDArray[np.uint64]:
    kinds = ("<phone>", "<price>", "<num>", "<email>", "<handle>", "<name>")
    return np.array(sorted(_blake64(t) for t in kinds), dtype=np.uint64)


def _batch_shingles(
    token_lists: Sequence[Sequence[str]],
    k: int,
    stock: npt.NDArray[np.uint64] | None = None,
    pairs: npt.NDArray[np.uint64] | None = None,
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64], npt.NDArray[np.int64] | None]:
    """:func:`_shingle_sets` of many token lists, vectorised over the batch."""
    th, lens = _token_hashes(token_lists)
    salts = _salts(token_lists) if stock is not None else None
    return _shingle_sets(th, lens, k, stock, pairs, salts)


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


def containment(
    a: set[int] | frozenset[int] | bytes, b: set[int] | frozenset[int] | bytes
) -> float:
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
def _permutations(
    num_perm: int, seed: int
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
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


@lru_cache(maxsize=16)
def _band_prefixes(bands: int) -> tuple[str, ...]:
    return tuple(f"tpl:{i}:" for i in range(bands))


def _keys_of(band_row: list[int]) -> tuple[str, ...]:
    return tuple(map("%s%016x".__mod__, zip(_band_prefixes(len(band_row)), band_row, strict=True)))


def band_keys(sig: Signature) -> list[str]:
    """LSH band keys ``"tpl:<band>:<hex>"``; ads sharing any key are template candidates.

    The keys depend only on the shingles and :class:`LSHParams`, so a group-by on them gives the
    same candidates locally and on Dask.
    """
    return list(_keys_of(_band_hashes(sig.hashvalues[None, :], sig.params)[0].tolist()))


# --------------------------------------------------------------------------- stock phrases


class StockFilter:
    """Learns which shingles are boilerplate from a sample of ads and drops them.

    Two kinds of boilerplate are learnt from document frequencies: k-shingles found in more than
    ``max_df`` of the ads are dropped from every ad; word pairs found in more than ``pair_df``
    ("available now", "call or") only mark words as not the ad's own.  An ad keeps band keys
    when at least ``min_shingles`` shingles are left *and* at least ``min_novel`` distinct words
    lie outside stock shingles and pairs, so an ad stitched from stock phrases never links even
    when the seams between its phrases are rare.

    Frequencies go into a Count-Min sketch (``depth`` x ``width`` uint32 counters, 16 MB by
    default), so memory does not grow with the sample; shingles and pairs whose estimate reaches
    ``min_docs`` are kept as candidates (at most ``max_candidates`` each: the floor rises when
    full).  :meth:`freeze` (called on first use) keeps the candidates above their threshold.
    Filters learnt on separate partitions can be :meth:`merge` d, as on Dask; a pickled filter
    carries only the frozen sets.

    >>> f = StockFilter()
    >>> f.learn(["New in town! Call or text, available now"] * 60
    ...         + [f"poster {i} writes her own words" for i in range(40)])
    >>> ad = mask("New in town! Call or text, available now. Kind lady here for you")
    >>> len(shingles(ad)), len(shingles(ad) - f.stock), len(f.apply(ad))
    (11, 5, 0)
    """

    def __init__(
        self,
        max_df: float = MAX_DF,
        pair_df: float = PAIR_DF,
        min_docs: int = MIN_STOCK_DOCS,
        min_shingles: int = MIN_SHINGLES,
        min_novel: int = MIN_NOVEL_WORDS,
        k: int = SHINGLE_K,
        width: int = 1 << 20,
        depth: int = 4,
        max_candidates: int = 1_000_000,
    ) -> None:
        if not 0.0 < max_df <= 1.0 or not 0.0 < pair_df <= 1.0:
            raise ConfigError(f"max_df and pair_df must be in (0, 1], got {max_df}, {pair_df}")
        if width & (width - 1) or width < 2 or not 1 <= depth <= 8:
            raise ConfigError("width must be a power of two and depth in 1..8")
        _check_k(k)
        self.max_df = max_df
        self.pair_df = pair_df
        self.min_docs = min_docs
        self.min_shingles = min_shingles
        self.min_novel = min_novel
        self.k = k
        self.n_docs = 0
        self._bits = width.bit_length() - 1
        self._table = np.zeros((depth, width), dtype=np.uint32)
        self._mult = _POS_MULT[:depth] | _U64(1)
        self._floor = max(1, min_docs)
        self._max_candidates = max_candidates
        # per language bucket: documents, candidate shingles and pairs (hashes salted)
        self._bucket_docs = np.zeros(_LANG_SALTS.size, dtype=np.int64)
        self._candidates: list[set[int]] = [set() for _ in range(_LANG_SALTS.size)]
        self._pair_candidates: list[set[int]] = [set() for _ in range(_LANG_SALTS.size)]
        self._frozen: tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]] | None = None
        self._sketchless = False

    # -- learning

    def _rows(self, arr: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        shift = _U64(64 - self._bits)
        return ((arr[None, :] * self._mult[:, None]) >> shift).astype(np.int64)

    def _estimate(self, arr: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
        idx = self._rows(arr)
        rows = np.arange(self._table.shape[0])[:, None]
        est: npt.NDArray[np.uint32] = self._table[rows, idx].min(axis=0)
        return est

    def learn(self, texts: Iterable[str | Normalized], batch: int = 2000) -> None:
        """Count in how many of ``texts`` each shingle and word pair occurs (call again to add
        more)."""
        buf: list[list[str]] = []
        for text in texts:
            buf.append(mask(text))
            if len(buf) >= batch:
                self.learn_tokens(buf)
                buf = []
        if buf:
            self.learn_tokens(buf)

    def learn_tokens(self, token_lists: Sequence[Sequence[str]]) -> None:
        """Like :meth:`learn`, from already masked texts."""
        if self._sketchless:
            raise ConfigError(
                "this StockFilter was unpickled without its sketch (workers get only the stock "
                "sets); learn and merge on the original filter"
            )
        th, lens = _token_hashes(token_lists)
        n = len(token_lists)
        buckets = _buckets(token_lists)

        def salted(width: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
            hashes, bounds, _novel = _shingle_sets(th, lens, width)
            bucket = buckets[np.repeat(np.arange(n), np.diff(bounds))]
            return hashes ^ _LANG_SALTS[bucket], bucket

        shingle_hashes, shingle_bucket = salted(self.k)
        if self.k > 2:
            pair_hashes, pair_bucket = salted(2)
        else:
            pair_hashes, pair_bucket = shingle_hashes[:0], shingle_bucket[:0]
        self._frozen = None
        self.n_docs += n
        self._bucket_docs += np.bincount(buckets, minlength=_LANG_SALTS.size)
        flat = np.concatenate((shingle_hashes, pair_hashes))
        if flat.size == 0:
            return
        idx = self._rows(flat)  # each set is unique per ad: the counts are document frequencies
        width = self._table.shape[1]
        for r in range(self._table.shape[0]):
            self._table[r] += np.bincount(idx[r], minlength=width).astype(np.uint32)
        est = self._table[np.arange(self._table.shape[0])[:, None], idx].min(axis=0)
        frequent = est >= self._floor
        split = shingle_hashes.size
        for kind, hashes, bucket, hot in (
            (self._candidates, shingle_hashes, shingle_bucket, frequent[:split]),
            (self._pair_candidates, pair_hashes, pair_bucket, frequent[split:]),
        ):
            for b in range(_LANG_SALTS.size):
                kind[b].update(np.unique(hashes[hot & (bucket == b)]).tolist())
        while max(sum(map(len, self._candidates)), sum(map(len, self._pair_candidates))) > (
            self._max_candidates
        ):
            self._floor *= 2
            self._candidates = [self._above(c, self._floor) for c in self._candidates]
            self._pair_candidates = [self._above(c, self._floor) for c in self._pair_candidates]

    def _above(self, candidates: set[int], threshold: float) -> set[int]:
        if not candidates:
            return set()
        cand = np.fromiter(candidates, dtype=np.uint64, count=len(candidates))
        return set(cand[self._estimate(cand) >= threshold].tolist())

    def merge(self, other: StockFilter) -> None:
        """Add another filter's counts (learnt on a different partition of ads)."""
        if self._sketchless or other._sketchless:
            raise ConfigError("cannot merge an unpickled StockFilter: merge the originals")
        if other._table.shape != self._table.shape or other.k != self.k:
            raise ConfigError("cannot merge stock filters with different sketch shapes or k")
        self._table += other._table
        self.n_docs += other.n_docs
        self._bucket_docs += other._bucket_docs
        self._floor = max(self._floor, other._floor)
        for mine, theirs in zip(self._candidates, other._candidates, strict=True):
            mine |= theirs
        for mine, theirs in zip(self._pair_candidates, other._pair_candidates, strict=True):
            mine |= theirs
        self._frozen = None

    # -- using

    def _freeze(self) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
        """Stock shingles and pairs (salted), each over its language bucket's threshold."""
        if self._frozen is None:
            frozen: list[npt.NDArray[np.uint64]] = []
            for candidates, share in ((self._candidates, self.max_df),
                                      (self._pair_candidates, self.pair_df)):
                kept: set[int] = set()
                for b, docs in enumerate(self._bucket_docs.tolist()):
                    kept |= self._above(candidates[b], max(float(self.min_docs), share * docs))
                frozen.append(np.array(sorted(kept), dtype=np.uint64))
            self._frozen = (frozen[0], frozen[1])
        return self._frozen

    def stock_array(self) -> npt.NDArray[np.uint64]:
        """The stock shingles, sorted, salted with their language bucket (what :func:`features`
        drops)."""
        return self._freeze()[0]

    def pair_array(self) -> npt.NDArray[np.uint64]:
        """The stock word pairs, sorted and salted (words inside them are not an ad's own)."""
        return self._freeze()[1]

    @property
    def stock(self) -> frozenset[int]:
        """The stock shingles: as :func:`shingles` gives them for the default (Latin-script)
        bucket, salted for the Spanish and Cyrillic buckets.  Small and picklable."""
        return frozenset(self.stock_array().tolist())

    def apply(self, tokens: Sequence[str]) -> set[int]:
        """Non-stock shingles of ``tokens`` (masked), or an empty set when the ad is boilerplate:
        fewer than ``min_shingles`` shingles left, or fewer than ``min_novel`` words of its own.
        """
        hashes, _bounds, novel = _batch_shingles([tokens], self.k, *self._freeze())
        if hashes.size < self.min_shingles or novel is None or novel[0] < self.min_novel:
            return set()
        return set(hashes.tolist())

    def __getstate__(self) -> dict[str, Any]:
        # workers need only the frozen sets, not the 16 MB sketch or the candidates
        state = dict(self.__dict__)
        state["_frozen"] = self._freeze()
        state["_table"] = np.zeros((0, 0), dtype=np.uint32)
        state["_candidates"] = [set() for _ in self._candidates]
        state["_pair_candidates"] = [set() for _ in self._pair_candidates]
        state["_sketchless"] = True
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


# --------------------------------------------------------------------------- per-ad features


@dataclass(frozen=True, slots=True)
class Features:
    """What the linker keeps per ad: band keys (for the group-by) and the packed, stock-filtered
    shingles (for :func:`verify`).  No keys (and no shingles) means the ad is too short or all
    boilerplate: it cannot link on text."""

    keys: tuple[str, ...]
    shingles: bytes

    def shingle_set(self) -> set[int]:
        return unpack(self.shingles)


def feature_arrays(
    texts: Iterable[str | Normalized],
    stock: StockFilter | None = None,
    params: LSHParams = DEFAULT_PARAMS,
    k: int = SHINGLE_K,
    min_shingles: int = MIN_SHINGLES,
) -> tuple[
    npt.NDArray[np.int64], npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.int64]
]:
    """:func:`features` as arrays, for the linker's map step (no per-ad Python objects).

    Returns ``(keyed, bands, shingles, bounds)``: ``keyed`` are the indices of the texts that
    get band keys; ``bands[j]`` their ``params.bands`` band hashes (the numbers in the
    ``"tpl:<band>:<hex>"`` keys); their sorted stock-filtered shingles are
    ``shingles[bounds[j]:bounds[j + 1]]``.  Texts without keys have no shingles either.

    >>> keyed, bands, sh, bounds = feature_arrays(["hi", "Sweet and fun, new in Miami, ask for "
    ...                                            "Amber, call 305-555-0123 now"])
    >>> keyed.tolist(), bands.shape == (1, DEFAULT_PARAMS.bands), int(bounds[-1]) == sh.size
    ([1], True, True)
    """
    _check_k(k)
    stock_arr = pair_arr = None
    if stock is not None:
        if stock.k != k:
            raise ConfigError(f"stock filter was learnt with k={stock.k}, features use k={k}")
        min_shingles = stock.min_shingles
        stock_arr, pair_arr = stock.stock_array(), stock.pair_array()
    hashes, bounds, novel = _batch_shingles([mask(t) for t in texts], k, stock_arr, pair_arr)
    counts = np.diff(bounds)
    keyed = counts >= max(min_shingles, 1)
    if novel is not None and stock is not None:
        keyed &= novel >= stock.min_novel
    sel_bounds = np.concatenate(([0], np.cumsum(counts[keyed]))).astype(np.int64)
    sel_hashes = hashes[np.repeat(keyed, counts)]
    sigs = _minhash(sel_hashes, sel_bounds, params)
    return np.flatnonzero(keyed), _band_hashes(sigs, params), sel_hashes, sel_bounds


def features(
    texts: Iterable[str | Normalized],
    stock: StockFilter | None = None,
    params: LSHParams = DEFAULT_PARAMS,
    k: int = SHINGLE_K,
    min_shingles: int = MIN_SHINGLES,
) -> list[Features]:
    """Band keys and packed shingles for many ads, vectorised (:func:`feature_arrays` per ad).

    Per text this equals ``band_keys(Signature.of(stock.apply(mask(t))))`` (without a filter:
    ``shingles(mask(t))``, keyed from ``min_shingles`` shingles on); with a ``stock`` filter its
    stock shingles are dropped and its ``min_shingles`` and ``min_novel`` apply.  Feed batches
    of ~1,000 texts (a Dask partition is fine; the work arrays take ~16 MB per 1,000 ads).

    >>> f = features(["Sweet and fun, new in Miami, ask for Amber, call 305-555-0123 now", "hi"])
    >>> len(f[0].keys) == DEFAULT_PARAMS.bands, f[1].keys
    (True, ())
    """
    texts = list(texts)
    keyed, bands, hashes, bounds = feature_arrays(texts, stock, params, k, min_shingles)
    empty = Features((), b"")
    out = [empty] * len(texts)
    raw = hashes.astype("<u8", copy=False)
    for j, (i, row) in enumerate(zip(keyed.tolist(), bands.tolist(), strict=True)):
        out[i] = Features(_keys_of(row), raw[bounds[j] : bounds[j + 1]].tobytes())
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
    """One varying position of a template: its name, what kind of value, and the distinct values
    seen (sorted, at most :data:`MAX_SLOT_VALUES`)."""

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
    #: indices (into the texts given) of the most central aligned texts, for display
    examples: tuple[int, ...] = field(default=(), compare=False)

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
    """Indices of up to ``cap`` texts, chosen and ordered by content hash (so the template does
    not depend on the order the cluster was given in)."""
    order = sorted(
        range(len(texts)),
        key=lambda i: (hashlib.blake2b(texts[i].encode("utf-8", "surrogatepass"),
                                       digest_size=8).digest(), i),
    )
    return order[:cap]


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
    starting from the most central text.  A position held by a majority of them
    (:data:`MIN_SUPPORT`) stays; it is literal when one token covers :data:`LITERAL_SHARE` of
    them (and, for a placeholder such as ``<phone>``, the posted values agree), otherwise a
    slot.  Words a majority of the texts have between two literals form a slot there too.  This
    is the InfoShield idea (Lee et al. 2021: align the copies, keep the consensus, let the
    variation be slots) without its MDL search; the thresholds are the named constants above.

    >>> t = template(["Hi I am Amber, new in Miami", "Hi I am Kira, new in Tampa",
    ...               "Hi I am Jade, new in Austin"])
    >>> t.render("star"), t.slots[0].values
    ('Hi I am [*] new in [*]', ('Amber', 'Jade', 'Kira'))
    """
    if not texts:
        raise ValueError("template() needs at least one text")
    idx = _sample(texts, MAX_ALIGN)
    views = [Views(texts[i]).keys for i in idx]
    scans = [_tokens(v)[1] for v in views]
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
        vals = tuple(sorted({v for v in values if v}))[:MAX_SLOT_VALUES]
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
