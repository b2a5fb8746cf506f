"""Load and validate the indicator catalog, and match its lexicons in one pass.

The catalog is data (``catalog.json`` beside this file): each entry names its id, category,
weight, languages, terms and/or a function, a plain-language explanation and a published source.
It is validated when loaded, so a bad rule pack fails at start, never mid-scan.

Terms are folded exactly like ad text (:func:`redflags.normalize.fold` then
:func:`~redflags.normalize.keys_view`) and put in one Aho-Corasick automaton together with the
commerce lexicon, so each field is scanned once whatever the number of terms.  Compiled, one
pass over the words of the field finds the same hits (:meth:`Catalog._match_words`).

>>> cat = default_catalog()
>>> cat.get("youth.young_terms").category
'youth'
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import ahocorasick

from redflags.errors import CatalogError
from redflags.normalize import (
    _ALNUM_LOW,
    _ALNUM_LOW_END,
    COMPILED,
    Normalized,
    _word_hash,
    fold,
    keys_view,
)

if TYPE_CHECKING:  # native 64-bit ints in the compiled loops; plain ints from Python
    from mypy_extensions import i64

__all__ = [
    "CATEGORIES",
    "FUNCTIONS",
    "Catalog",
    "CommerceModel",
    "Indicator",
    "TermHit",
    "default_catalog",
    "load_catalog",
]

CATEGORIES: Final = frozenset(
    {
        "youth",
        "third_party",
        "movement",
        "restriction",
        "payment",
        "obfuscation",
        "price",
        "network",
    }
)

#: Indicator functions the engine knows (see :mod:`redflags.indicators.functions`).
FUNCTIONS: Final = frozenset(
    {
        "minor_age",
        "age_18_19",
        "crypto_wallet",
        "p2p_handle",
        "disguised_phone",
        "disguised_contact",
        "disguised_keyword",
        "low_price",
    }
)


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    category: str
    version: int
    weight: float
    languages: tuple[str, ...]
    explanation: str
    source_key: str
    source: str
    terms: Mapping[str, tuple[str, ...]]
    function: str | None = None
    critical: bool = False
    #: a disguised spelling of one of its terms also raises obfuscation.keyword
    obfuscation_sensitive: bool = False


@dataclass(frozen=True, slots=True)
class TermHit:
    """One lexicon match in a field's keys view (offsets into that view's text).

    ``__init__`` is spelt out: the one ``dataclasses`` (or ``NamedTuple``) generates runs
    interpreted even when this module is compiled, and an ad has ~6 hits.
    """

    target: str  # indicator id, or "commerce" / "commerce_rate" / "benign"
    start: int
    end: int
    weight: float
    #: the posted text differed from the plain term (inserted punctuation, repeated letters,
    #: look-alike characters): the poster disguised the word
    disguised: bool
    #: ``keys.text[start:end]``, the term's key
    key: str
    #: ``keys.original_span(start, end)``: where the hit is in the text as posted
    original_start: int
    original_end: int

    def __init__(
        self,
        target: str,
        start: int,
        end: int,
        weight: float,
        disguised: bool,
        key: str,
        original_start: int,
        original_end: int,
    ) -> None:
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "weight", weight)
        object.__setattr__(self, "disguised", disguised)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "original_start", original_start)
        object.__setattr__(self, "original_end", original_end)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (TermHit, (self.target, self.start, self.end, self.weight, self.disguised,
                          self.key, self.original_start, self.original_end))


@dataclass(frozen=True, slots=True)
class CommerceModel:
    """Is this a commercial-sex ad at all?  A small additive model over lexicon hits."""

    bias: float
    threshold: float
    categories: Mapping[str, float]
    hourly_price: float


@dataclass(frozen=True, slots=True)
class _Term:
    target: str
    key: str
    runs: tuple[int, ...]
    plain: str
    weight: float
    word_start: bool
    word_end: bool
    #: ``len(key)``
    size: int
    #: ``(offset, run)`` of the term's repeated letters (most terms have none)
    repeats: tuple[tuple[int, int], ...] = ()


class Catalog:
    """The loaded indicator catalog plus its compiled matcher."""

    def __init__(
        self,
        name: str,
        version: int,
        indicators: Sequence[Indicator],
        commerce: CommerceModel,
        terms: Sequence[_Term],
    ) -> None:
        self.name = name
        self.version = version
        self.indicators = tuple(indicators)
        self._by_id = {ind.id: ind for ind in indicators}
        self.commerce = commerce
        self._automaton = ahocorasick.Automaton()
        grouped: dict[str, list[_Term]] = {}
        for term in terms:
            grouped.setdefault(term.key, []).append(term)
        #: :meth:`_match_words`' tables: the keys that begin with a letter or digit, by the
        #: hash of their first word; the others by their first character
        self._by_first: list[list[_FirstWord] | None] = [None] * (_HASH_MASK + 1)
        self._odd: dict[int, list[tuple[_Term, ...]]] = {}
        firsts: dict[str, _FirstWord] = {}
        for key, group in grouped.items():
            self._automaton.add_word(key, tuple(group))
            if key[0].isalnum():
                word = _first_word(key)
                first = firsts.get(word)
                if first is None:
                    first = firsts[word] = _FirstWord(word)
                    bucket = self._by_first[_word_hash(word, _HASH_MASK)]
                    if bucket is None:
                        bucket = self._by_first[_word_hash(word, _HASH_MASK)] = []
                    bucket.append(first)
                first.groups.append(tuple(group))
            else:
                self._odd.setdefault(ord(key[0]), []).append(tuple(group))
        for first in firsts.values():
            first.groups.sort(key=_key_size)  # shorter first: the automaton's order at a start
        #: the smallest first character of the ``_odd`` keys (none: past every code point)
        self._odd_min = min(self._odd, default=0x110000)
        self._automaton.make_automaton()

    def get(self, indicator_id: str) -> Indicator:
        try:
            return self._by_id[indicator_id]
        except KeyError:
            raise CatalogError(f"unknown indicator id {indicator_id!r}") from None

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self._by_id

    def match(self, keys: Normalized) -> list[TermHit]:
        """All lexicon hits in a keys view, word-bounded and run-length verified, in the
        automaton's order (by end, the longer key first at the same end)."""
        hits: list[TermHit] = []
        if COMPILED:
            self._match_words(keys, hits)
        else:
            self._match_automaton(keys, hits)
        return hits

    def _match_automaton(self, keys: Normalized, hits: list[TermHit]) -> None:
        """The hits found by the Aho-Corasick automaton: C speed, the fastest from Python."""
        found: Iterator[tuple[int, tuple[_Term, ...]]] = self._automaton.iter(keys.text)
        for end_idx, group in found:
            end = end_idx + 1
            self._check(keys, group, end - group[0].size, end, hits)

    def _match_words(self, keys: Normalized, hits: list[TermHit]) -> None:
        """:meth:`_match_automaton` by words, which compiled costs less than the automaton's
        per-character walk (and its tuple per hit).

        A key that begins with a letter or digit must begin a word ("word": a maximal run of
        ``str.isalnum`` characters), so it can only match where a word of the text equals the
        key's first word.  One pass over the code points hashes each word as it goes; only a
        word whose hash and length are those of a first word is compared, and only there are
        that word's keys compared.  A key that begins with another character is compared where
        that character is.  The hits are then put in the automaton's order.
        """
        text = keys.text
        by_first = self._by_first
        odd_min = self._odd_min
        s: i64 = -1  # where the word being read starts (-1: between words)
        h: i64 = 0
        i: i64
        c: i64
        n: i64 = len(text)
        for i in range(n):
            c = ord(text[i])
            # text[i].isalnum(), asking Python only beyond ASCII and the table
            if (
                97 <= c <= 122
                or 48 <= c <= 57
                or 65 <= c <= 90
                or (c >= 128 and (_ALNUM_LOW[c] if c < _ALNUM_LOW_END else text[i].isalnum()))
            ):
                if s < 0:
                    s = i
                    h = c & _HASH_MASK
                else:
                    h = (h * 31 + c) & _HASH_MASK
                continue
            if s >= 0:
                bucket = by_first[h]
                if bucket is not None:
                    self._word_at(keys, s, i, bucket, hits)
                s = -1
            if c >= odd_min:
                self._odd_at(keys, c, i, hits)
        if s >= 0:
            bucket = by_first[h]
            if bucket is not None:
                self._word_at(keys, s, len(text), bucket, hits)
        k = 1
        while k < len(hits):
            a, b = hits[k - 1], hits[k]
            if b.end < a.end or (b.end == a.end and b.start < a.start):
                hits.sort(key=_hit_order)  # stable: the terms of a key keep their order
                break
            k += 1

    def _word_at(
        self, keys: Normalized, s: int, e: int, bucket: list[_FirstWord], hits: list[TermHit]
    ) -> None:
        """The keys whose first word is the text's word ``text[s:e]``, if one is (``bucket``:
        the first words with that word's hash)."""
        text = keys.text
        n = len(text)
        for first in bucket:
            if first.size != e - s or not _equal_at(text, s, first.word, 0):
                continue
            for group in first.groups:
                head = group[0]
                end = s + head.size
                if end <= n and (end == e or _equal_at(text, s, head.key, first.size)):
                    self._check(keys, group, s, end, hits)

    def _odd_at(self, keys: Normalized, c: int, s: int, hits: list[TermHit]) -> None:
        """The keys that begin with the non-word character ``c``, at ``s``."""
        groups = self._odd.get(c)
        if groups is None:
            return
        text = keys.text
        for group in groups:
            head = group[0]
            e = s + head.size
            if e <= len(text) and _equal_at(text, s, head.key, 1):
                self._check(keys, group, s, e, hits)

    def _check(
        self, keys: Normalized, group: tuple[_Term, ...], start: int, end: int, hits: list[TermHit]
    ) -> None:
        """Add the hits of the terms of one key found at ``text[start:end]``."""
        text = keys.text
        runs = keys.runs
        # the terms of a group share their key: its length and word boundaries are
        # checked once, on the first term (typed, so compiled code reads its fields natively)
        head = group[0]
        if head.word_start and start > 0 and text[start - 1].isalnum():
            return
        if head.word_end and end < len(text) and text[end].isalnum():
            return
        posted: str | None = None  # the same posted text for every term of the key
        a = b = 0
        for term in group:
            # squeezed matching: "teen" is stored as "ten"; refuse text with fewer repeats
            # than the term ("ten" is not "teen") - posters add letters, never drop them
            if (
                term.repeats
                and runs is not None
                and any(runs[start + k] < r for k, r in term.repeats)
            ):
                continue
            if posted is None:
                a, b = keys.original_span(start, end)
                posted = keys.original[a:b]
            # term.plain is already in _plain form, so an exact copy needs no normalising
            disguised = posted != term.plain and _plain_cached(posted) != term.plain
            hits.append(TermHit(term.target, start, end, term.weight, disguised, term.key, a, b))


#: :meth:`Catalog._match_words` hashes words into this many buckets (minus one)
_HASH_MASK: Final = 4095


class _FirstWord:
    """The key groups whose key begins with the word ``word``, shorter keys first."""

    def __init__(self, word: str) -> None:
        self.word = word
        self.size = len(word)
        self.groups: list[tuple[_Term, ...]] = []




def _equal_at(text: str, s: int, key: str, k: int) -> bool:
    """``text[s:s + len(key)] == key``, given the first ``k`` characters are equal and the text
    is long enough; compares code points (compiled, cheaper than a slice and a compare)."""
    while k < len(key):
        if ord(text[s + k]) != ord(key[k]):
            return False
        k += 1
    return True


def _first_word(key: str) -> str:
    """The leading run of ``str.isalnum`` characters of ``key``."""
    j = 1
    while j < len(key) and key[j].isalnum():
        j += 1
    return key[:j]


def _key_size(group: tuple[_Term, ...]) -> int:
    return group[0].size


def _hit_order(hit: TermHit) -> tuple[int, int]:
    """The automaton reports hits by end, and the longer key first at the same end."""
    return hit.end, hit.start


def _plain(s: str) -> str:
    """Lower case, accents off, single spaces: "añitos" is how "anitos" is spelt, not a
    disguise; look-alike letters, fullwidth forms and inserted punctuation stay visible."""
    if not s.isascii():
        s = "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")
    return " ".join(s.lower().split())


#: :func:`_plain` of posted words, which repeat across ads ("Young", "NEW", "Roses")
_plain_cached = lru_cache(maxsize=8192)(_plain)


def _compile_term(target: str, raw: str, weight: float) -> _Term:
    if not raw or raw != raw.strip():
        raise CatalogError(f"{target}: empty or padded term {raw!r}")
    keys = keys_view(fold(raw))
    key = keys.text
    runs = tuple(keys.runs or [1] * len(key))
    plain = _plain(fold(raw).text)
    return _Term(
        target=target,
        key=key,
        runs=runs,
        plain=plain,
        weight=weight,
        word_start=key[0].isalnum(),
        word_end=key[-1].isalnum(),
        size=len(key),
        repeats=tuple((k, r) for k, r in enumerate(runs) if r > 1),
    )


def _require(entry: Mapping[str, Any], name: str, kind: type, where: str) -> Any:
    if name not in entry:
        raise CatalogError(f"{where}: missing field {name!r}")
    value = entry[name]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind):
        raise CatalogError(f"{where}: field {name!r} must be {kind.__name__}, got {value!r}")
    return value


def _parse(data: Mapping[str, Any]) -> Catalog:
    sources = data.get("sources", {})
    indicators: list[Indicator] = []
    terms: list[_Term] = []
    seen: set[str] = set()
    for pos, entry in enumerate(data.get("indicators", [])):
        where = f"indicator #{pos + 1} ({entry.get('id', '?')})"
        ind_id = _require(entry, "id", str, where)
        category = _require(entry, "category", str, where)
        if ind_id in seen:
            raise CatalogError(f"{where}: duplicate id")
        seen.add(ind_id)
        if category not in CATEGORIES:
            raise CatalogError(
                f"{where}: unknown category {category!r}; one of {sorted(CATEGORIES)}"
            )
        if not ind_id.startswith(category + "."):
            raise CatalogError(f"{where}: id must start with its category, '{category}.'")
        weight = _require(entry, "weight", float, where)
        if not 0.0 <= weight < 1.0:
            raise CatalogError(f"{where}: weight must be in [0, 1), got {weight}")
        source_key = _require(entry, "source", str, where)
        if source_key not in sources:
            raise CatalogError(f"{where}: source {source_key!r} is not in the catalog's sources")
        function = entry.get("function")
        if function is not None and function not in FUNCTIONS:
            raise CatalogError(
                f"{where}: unknown function {function!r}; one of {sorted(FUNCTIONS)}"
            )
        raw_terms = entry.get("terms", {})
        if function is None and not raw_terms:
            raise CatalogError(f"{where}: needs terms or a function")
        languages = tuple(_require(entry, "languages", list, where))
        for lang in ("en", "es", "ru"):
            if lang not in languages:
                raise CatalogError(f"{where}: languages must include {lang!r}")
        term_map: dict[str, tuple[str, ...]] = {}
        for lang, items in raw_terms.items():
            term_map[lang] = tuple(items)
            for raw in items:
                terms.append(_compile_term(ind_id, raw, weight))
        indicators.append(
            Indicator(
                id=ind_id,
                category=category,
                version=_require(entry, "version", int, where),
                weight=weight,
                languages=languages,
                explanation=_require(entry, "explanation", str, where),
                source_key=source_key,
                source=sources[source_key],
                terms=term_map,
                function=function,
                critical=bool(entry.get("critical", False)),
                obfuscation_sensitive=bool(entry.get("obfuscation_sensitive", False)),
            )
        )
    com = data.get("commerce")
    if not isinstance(com, Mapping):
        raise CatalogError("catalog: missing 'commerce' section")
    for section, target in (
        ("terms", "commerce"),
        ("benign_terms", "benign"),
        ("rate_terms", "commerce_rate"),
    ):
        for lang, table in com.get(section, {}).items():
            for raw, w in table.items():
                if not isinstance(w, int | float):
                    raise CatalogError(f"commerce.{section}.{lang}.{raw}: weight must be a number")
                terms.append(_compile_term(target, raw, float(w)))
    commerce = CommerceModel(
        bias=float(com.get("bias", -2.0)),
        threshold=float(com.get("threshold", 0.5)),
        categories={k.lower(): float(v) for k, v in com.get("categories", {}).items()},
        hourly_price=float(com.get("hourly_price", 1.0)),
    )
    return Catalog(
        name=str(data.get("name", "catalog")),
        version=int(data.get("version", 1)),
        indicators=indicators,
        commerce=commerce,
        terms=terms,
    )


def load_catalog(path: Path | None = None) -> Catalog:
    """Load and validate a catalog file (the bundled one when ``path`` is None)."""
    try:
        if path is None:
            text = (
                resources.files("redflags.indicators").joinpath("catalog.json").read_text("utf-8")
            )
        else:
            text = Path(path).read_text("utf-8")
        data = json.loads(text)
    except (OSError, json.JSONDecodeError) as exc:
        raise CatalogError(f"cannot read catalog {path or 'catalog.json'}: {exc}") from exc
    if not isinstance(data, Mapping):
        raise CatalogError("catalog: top level must be an object")
    return _parse(data)


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The bundled catalog, loaded once per process."""
    return load_catalog()
