"""The ``pdq`` signal type: photo hashes that link ads re-using the same pictures.

Traffickers post the same photos across many ads, cities and sites, usually re-compressed,
resized or cropped a little, sometimes rotated or mirrored.  PDQ (Meta's open photo hash, the
one HMA/ThreatExchange and hotlines exchange) turns a photo into 256 bits so that such copies
stay within a small Hamming distance.  This module follows the shape of python-threatexchange's
``PdqSignal``: *canonicalise* (:func:`canonicalize`), *compare* (:func:`distance`,
:func:`is_match`), *index* (:class:`PdqIndex`, :func:`band_keys`), plus hashing and export.

>>> h = PdqHash(hex="d8f8f0cee0f4a84f" * 4, quality=100)
>>> distance(h.hex, "58f8f0cee0f4a84f" + "d8f8f0cee0f4a84f" * 3)
1
>>> index: PdqIndex[str] = PdqIndex()
>>> index.add(h, "ad-1")
True
>>> index.query(h.hex)
[('ad-1', 0)]

Hashes
    :func:`hash_image` / :func:`hash_bytes` return a :class:`PdqHash` (hex in the ThreatExchange
    bit order, quality 0-100, and the 8 dihedral hashes for rotation/flip matching) or ``None``
    when the file cannot be decoded; the caller records that and moves on.
Index
    :class:`PdqIndex` is a multi-index hash (Norouzi et al., "Fast search in Hamming space
    with multi-index hashing", CVPR 2012) over 16 segments of 16 bits, held in numpy arrays
    (~112 bytes per distinct hash).  Two hashes within 31 bits agree on some segment up to
    one bit (16 segments x 2 bits = 32 > 31), so probing each segment's value and its 16
    one-bit neighbours finds every match; narrower thresholds probe less
    (:func:`segment_radii`).  HMA's faiss ``PDQMultiHashIndex`` uses the same layout
    (16 tables, ``nflip = threshold // 16``).  faiss-cpu was tried and not adopted: side by
    side on 1M random hashes its ``IndexBinaryMultiHash`` took 8 s to build (this: 2.4 s)
    and 1.9-4 ms per ``range_search`` query (this: 0.5-1.1 ms one at a time, 0.2-0.4 ms
    batched), and it is an 18 MB native wheel.
    :meth:`PdqIndex.pairs` joins the whole set with itself segment by segment.
Group-by keys
    :func:`band_keys` gives string keys such that any two hashes within the threshold share
    at least one key; a map/group-by linker (Dask) builds candidate pairs from them and
    verifies each with :func:`distance`.
Export
    :func:`export_hma` writes the signal file python-threatexchange reads (and HMA banks
    take line by line); :func:`read_hma` reads one, e.g. a hotline's list.
"""

from __future__ import annotations

import io
import os
import re
import struct
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Final, Generic, TypeVar

import numpy as np
import pdqhash
from numpy.typing import NDArray
from PIL import Image

__all__ = [
    "BITS",
    "DIHEDRAL_NAMES",
    "DOWNSAMPLE_DIMS",
    "HMA_SIGNAL_TYPE",
    "MATCH_THRESHOLD",
    "MIN_QUALITY",
    "SEGMENTS",
    "PdqHash",
    "PdqIndex",
    "band_keys",
    "canonicalize",
    "distance",
    "export_hma",
    "hash_bytes",
    "hash_image",
    "is_match",
    "read_hma",
    "segment_radii",
]

#: Hamming distance at or below which two PDQ hashes are the same picture: ThreatExchange's
#: recommended starting threshold (facebook/ThreatExchange pdq/README.md, "<=31";
#: python-threatexchange ``PDQ_CONFIDENT_MATCH_THRESHOLD = 31``).
MATCH_THRESHOLD: Final = 31

#: Hashes with a quality below this come from near-uniform images (flat colour, tiny or blank
#: pictures) and match each other regardless of content, so they are never indexed or exported
#: (pdq/README.md: "Quality Threshold where we recommend discarding hashes: <=49";
#: python-threatexchange ``PdqSignal.QUALITY_THRESHOLD = 50``).
MIN_QUALITY: Final = 50

#: Bits in a PDQ hash (64 hex digits).
BITS: Final = 256

#: Segments of the multi-index: 16 x 16 bits, so a match within 31 bits agrees on some
#: segment up to 1 bit, and a segment value is a dense 65536-bucket table.
SEGMENTS: Final = 16

#: Longest image side before hashing, as in the reference Python hasher (pdqhashing
#: ``PDQHasher.fromFile`` thumbnails to 512x512).  It brings our hashes closer to the reference
#: vectors (max 10 bits off instead of 12) and bounds decode time and memory on huge photos.
DOWNSAMPLE_DIMS: Final = 512

#: Names of ``PdqHash.dihedral`` entries, in pdqhash/ThreatExchange order.
DIHEDRAL_NAMES: Final = (
    "original",
    "rotate90",
    "rotate180",
    "rotate270",
    "flipx",
    "flipy",
    "flip_plus1",
    "flip_minus1",
)

#: Signal type name python-threatexchange and HMA use for PDQ (``PdqSignal.get_name()``).
HMA_SIGNAL_TYPE: Final = "pdq"

_SEGMENT_BITS: Final = BITS // SEGMENTS
_BUCKETS: Final = 1 << _SEGMENT_BITS
_HEX_RE: Final = re.compile(r"[0-9a-f]{64}")

#: Largest per-segment radius probed (137 masks per segment), so thresholds up to 47 use the
#: segment tables; wider ones fall back to a linear scan, which is then as cheap.
_MAX_RADIUS: Final = 2
_MAX_THRESHOLD: Final = SEGMENTS * (_MAX_RADIUS + 1) - 1

#: Threads for the per-segment joins of PdqIndex.pairs(): numpy releases the GIL in gathers
#: and ufuncs (1.6x on 2 cores); capped because each thread holds ~100 bytes per hash.
_JOIN_THREADS: Final = min(4, os.cpu_count() or 1)

#: Below this many distinct hashes a brute-force scan of all pairs beats 16 segment joins.
_LINEAR_PAIRS_BELOW: Final = 1_000

#: Hashes added after the last build are scanned linearly until there are this many; then the
#: index is rebuilt.  A linear scan of 16k hashes costs about as much as one probe query.
_PENDING_LIMIT: Final = 16_384

#: Candidates handled per numpy batch: bounds temporary memory to ~100 MB whatever the data.
_CHUNK: Final = 1 << 21

#: Errors Pillow raises on missing, truncated, corrupt, hostile or unsupported files.
_DECODE_ERRORS: Final = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    struct.error,
    IndexError,
    Image.DecompressionBombError,
)

T = TypeVar("T")

_Cols = NDArray[np.uint64]
_Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class PdqHash:
    """A PDQ hash of one picture.

    ``hex`` is 64 lower-case hex digits in ThreatExchange order (first hex digit = bits 255..252
    of the reference ``Hash256``), ``quality`` is PDQ's 0-100 gradient score (below
    :data:`MIN_QUALITY` the hash is ignored for matching) and ``dihedral`` holds the hashes of
    the 8 rotations/mirror images (:data:`DIHEDRAL_NAMES`; ``dihedral[0] == hex``), computed in
    the same pass, so a rotated or flipped copy can be found with :meth:`PdqIndex.query_dihedral`.

    >>> PdqHash(hex="00" * 32, quality=0).usable
    False
    """

    hex: str
    quality: int
    dihedral: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        """True when the quality is high enough to match on (>= :data:`MIN_QUALITY`)."""
        return self.quality >= MIN_QUALITY


# --------------------------------------------------------------------------- hashing


def hash_image(path: str | Path) -> PdqHash | None:
    """Hash the picture at ``path``; ``None`` when it is missing or cannot be decoded.

    Decoding failures are expected on scraped ads (dead links saved as HTML, truncated
    downloads, decompression bombs), so they are not raised: the caller records the ``None``
    against the ad and carries on.  Animated images are hashed on their first frame; EXIF
    orientation is not applied (as in the reference hashers), rotations are matched through the
    dihedral hashes instead.

    >>> hash_image("/no/such/file.jpg") is None
    True
    """
    try:
        with Image.open(path) as image:
            return _hash_pil(image)
    except _DECODE_ERRORS:
        return None


def hash_bytes(data: bytes) -> PdqHash | None:
    """Hash an encoded picture held in memory (an upload); ``None`` when it cannot be decoded.

    >>> hash_bytes(b"not an image") is None
    True
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            return _hash_pil(image)
    except _DECODE_ERRORS:
        return None


def _hash_pil(image: Image.Image) -> PdqHash:
    if image.mode in ("RGB", "L"):
        # Reference order (thumbnail, then RGB); for JPEG, thumbnail decodes at reduced scale.
        image.thumbnail((DOWNSAMPLE_DIMS, DOWNSAMPLE_DIMS))
        rgb = image.convert("RGB")
    else:
        # Palette, alpha, CMYK ...: resample in RGB (palette images would otherwise be
        # shrunk with nearest-neighbour).
        rgb = image.convert("RGB")
        rgb.thumbnail((DOWNSAMPLE_DIMS, DOWNSAMPLE_DIMS))
    pixels = np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))
    vectors, quality = pdqhash.compute_dihedral(pixels)
    hexes = tuple(_bits_to_hex(v) for v in vectors)
    return PdqHash(hex=hexes[0], quality=int(quality), dihedral=hexes)


def _bits_to_hex(vector: NDArray[np.int64]) -> str:
    # pdqhash returns bit 255 first, which is the most significant bit of the reference hex.
    return np.packbits(vector.astype(np.uint8)).tobytes().hex()


# ------------------------------------------------------------------ canonicalise / compare


def canonicalize(signal: str) -> str:
    """Return the canonical form of a PDQ hex string (64 lower-case hex digits).

    Raises ``ValueError`` saying what is wrong, so bad input fails where it is read.

    >>> canonicalize("D8F8F0CEE0F4A84F" * 4)[:16]
    'd8f8f0cee0f4a84f'
    """
    value = signal.strip().lower()
    if not _HEX_RE.fullmatch(value):
        raise ValueError(
            f"a PDQ hash is 64 hex digits, got {len(value)} characters: {signal[:80]!r}"
        )
    return value


def distance(a_hex: str, b_hex: str) -> int:
    """Hamming distance between two PDQ hashes given as hex (0..256).

    >>> distance("0" * 64, "0" * 63 + "7")
    3
    """
    return (int(canonicalize(a_hex), 16) ^ int(canonicalize(b_hex), 16)).bit_count()


def is_match(a_hex: str, b_hex: str, threshold: int = MATCH_THRESHOLD) -> bool:
    """True when the two hashes are within ``threshold`` bits (same picture).

    >>> is_match("0" * 64, "f" * 7 + "0" * 57), is_match("0" * 64, "f" * 8 + "0" * 56)
    (True, False)
    """
    return distance(a_hex, b_hex) <= threshold


# ----------------------------------------------------------------------- group-by keys


def band_keys(signal: str | PdqHash, threshold: int = MATCH_THRESHOLD) -> list[str]:
    """Keys for a map/group-by linker: two hashes within ``threshold`` share at least one key.

    The hash is cut into 16 segments of 16 bits (4 hex digits) and segment ``s`` gets a
    radius ``r_s`` with ``sum(r_s + 1) > threshold`` (:func:`segment_radii`); then two hashes
    within ``threshold`` bits differ in some segment by at most its radius (else the segment
    differences alone would add up to more than ``threshold``).  A segment with radius 0
    gives the key ``pdq:<segment>:<4 hex digits>``; radius ``r`` gives one key per way of
    clearing ``r`` of its 16 bits, ``pdq:<segment>~<bits>:<4 hex digits>``: two values within
    ``r`` bits agree once the bits where they differ are cleared, so they share that key.

    ======================  ===========  ========================================
    threshold               keys a hash  guarantee
    ======================  ===========  ========================================
    0..15                   16           exact segment values
    31 (the default)        256          every segment with 1 bit cleared
    47 (the widest)         1920         every segment with 2 bits cleared
    ======================  ===========  ========================================

    Guarantee: every pair within ``threshold`` shares a key, whatever the data (tested at
    every distance 0..31).  The price is candidates.  At the default a group-by enumerates
    ~0.78% of all pairs of unrelated (uniformly random) hashes, ~N²/256 for N hashes (0.41%
    distinct; equal segments share all 16 keys).  Exact 8-bit segments (32 keys, the only
    exact-key scheme also safe at 31 bits) enumerate 12.5%, N²/16, 16 times as many, so
    they are not used; exact 16-bit segments are safe only up to 15 bits.  Measured by
    ``bench/pdq_index.py`` (100k hashes: 39M candidates against 625M).  Past ~100k hashes
    prefer :meth:`PdqIndex.pairs`, or query a broadcast :class:`PdqIndex` per partition.
    Keys are only comparable between hashes keyed with the same threshold.  For
    rotated/mirrored copies, emit the keys of all ``PdqHash.dihedral`` hashes.

    Low-quality hashes (a :class:`PdqHash` below :data:`MIN_QUALITY`) get no keys.

    >>> len(band_keys("d8f8f0cee0f4a84f" * 4)), band_keys("d8f8f0cee0f4a84f" * 4, 15)[0]
    (256, 'pdq:0:d8f8')
    """
    if isinstance(signal, PdqHash):
        if not signal.usable:
            return []
        hex_ = canonicalize(signal.hex)
    else:
        hex_ = canonicalize(signal)
    radii = segment_radii(threshold)
    if radii is None:
        raise ValueError(
            f"band_keys supports thresholds up to {_MAX_THRESHOLD}, got {threshold}; "
            "use PdqIndex.pairs() for wider searches"
        )
    keys: list[str] = []
    for segment, radius in enumerate(radii):
        value = int(hex_[4 * segment : 4 * segment + 4], 16)
        keys.extend(f"{prefix}{value & keep:04x}" for prefix, keep in _key_parts(segment, radius))
    return keys


@cache
def _key_parts(segment: int, radius: int) -> tuple[tuple[str, int], ...]:
    """(key prefix, bits kept) for each way of clearing ``radius`` bits of a segment."""
    if radius == 0:
        return ((f"pdq:{segment:x}:", 0xFFFF),)
    parts = []
    for cleared in combinations(range(_SEGMENT_BITS), radius):
        tag = ".".join(f"{bit:x}" for bit in cleared)
        parts.append((f"pdq:{segment:x}~{tag}:", 0xFFFF & ~sum(1 << bit for bit in cleared)))
    return tuple(parts)


def segment_radii(threshold: int) -> tuple[int, ...] | None:
    """Per-segment radii for a threshold, or ``None`` past 47 (then scans are linear).

    Generalised pigeonhole (Qin et al., "GPH: similarity search in Hamming space", ICDE
    2018): if ``sum(r_s + 1) > threshold`` then any pair within ``threshold`` bits differs in
    some segment ``s`` by at most ``r_s``.  The radius budget is spread evenly, so
    ``threshold <= 15`` needs only exact segments and 31 gives radius 1 everywhere.

    >>> segment_radii(31) == (1,) * 16, segment_radii(20)[:6], segment_radii(48)
    (True, (1, 1, 1, 1, 1, 0), None)
    """
    _check_threshold(threshold)
    need = max(0, threshold + 1 - SEGMENTS)
    base, extra = divmod(need, SEGMENTS)
    if base + (extra > 0) > _MAX_RADIUS:
        return None
    return (base + 1,) * extra + (base,) * (SEGMENTS - extra)


# ------------------------------------------------------------------------------ index


class PdqIndex(Generic[T]):
    """Find stored hashes within a Hamming threshold of a query, or all close pairs.

    Items are ``(hash, item_id)``; the same hash may be added under many ids (the same photo
    in many ads) and is stored once.  Adds are cheap appends; the segment tables are (re)built
    lazily on the first query after more than 16,384 adds (or by :meth:`build`); until then
    new hashes are scanned linearly.  Memory: ~112 bytes per distinct hash in numpy arrays
    (hash 32, segment tables 64, item map 16) plus 8 MB of bucket offsets, plus the item ids.
    Not thread-safe while adding; call :meth:`build` before sharing it read-only (it
    pickles, e.g. to broadcast to Dask workers).

    >>> index: PdqIndex[int] = PdqIndex()
    >>> index.add_many([("0" * 64, 1), ("0" * 63 + "1", 2), ("f" * 64, 3)])
    3
    >>> index.query("0" * 64)
    [(1, 0), (2, 1)]
    >>> list(index.pairs())
    [(1, 2, 1)]
    """

    def __init__(
        self, entries: Iterable[tuple[str | PdqHash, T]] = (), *, min_quality: int = MIN_QUALITY
    ) -> None:
        self.min_quality = min_quality
        self._ids: list[T] = []
        self._ignored = 0
        # Built part: distinct hashes as 4 columns of 64 bits (column k = hex digits
        # 16k..16k+15) and, per segment, the rows sorted by segment value with bucket offsets.
        self._cols: _Cols = np.zeros((4, 0), dtype=np.uint64)
        self._order: NDArray[np.int32] = np.zeros((SEGMENTS, 0), dtype=np.int32)
        self._starts: _Ints = np.zeros((SEGMENTS, _BUCKETS + 1), dtype=np.int64)
        # Items of distinct row r: _row_items[_row_start[r]:_row_start[r + 1]] (item numbers).
        self._row_start: _Ints = np.zeros(1, dtype=np.int64)
        self._row_items: _Ints = np.zeros(0, dtype=np.int64)
        self._built_items = 0
        # Added since the last build: raw 32-byte hashes of items _built_items.. in order.
        self._pending = bytearray()
        self._pending_cols: _Cols | None = None
        self.add_many(entries)

    # ---- adding

    def __len__(self) -> int:
        """Number of items indexed (low-quality hashes excluded)."""
        return len(self._ids)

    @property
    def ignored(self) -> int:
        """Number of items refused because their quality was below ``min_quality``."""
        return self._ignored

    def add(self, signal: str | PdqHash, item_id: T) -> bool:
        """Index ``item_id`` under a hash; ``False`` (not indexed) for a low-quality hash.

        A plain hex string carries no quality and is always indexed.
        """
        hex_ = self._accept(signal)
        if hex_ is None:
            return False
        self._pending += bytes.fromhex(hex_)
        self._pending_cols = None
        self._ids.append(item_id)
        return True

    def add_many(self, entries: Iterable[tuple[str | PdqHash, T]]) -> int:
        """Index many ``(hash, item_id)`` pairs; returns how many were indexed.

        Raises ``ValueError`` (and indexes nothing) if any hash is malformed.
        """
        hexes: list[str] = []
        ids: list[T] = []
        for signal, item_id in entries:
            if isinstance(signal, PdqHash):
                if signal.quality < self.min_quality:
                    self._ignored += 1
                    continue
                signal = signal.hex
            hexes.append(signal)
            ids.append(item_id)
        self._pending += _hexes_to_bytes(hexes)
        self._pending_cols = None
        self._ids.extend(ids)
        return len(hexes)

    def _accept(self, signal: str | PdqHash) -> str | None:
        if isinstance(signal, PdqHash):
            if signal.quality < self.min_quality:
                self._ignored += 1
                return None
            return canonicalize(signal.hex)
        return canonicalize(signal)

    # ---- building

    def build(self) -> None:
        """Fold pending adds into the segment tables now (otherwise done lazily)."""
        if not self._pending:
            return
        n_old = self._cols.shape[1]
        new = _cols_from_bytes(bytes(self._pending))
        old_rows = np.empty(self._built_items, dtype=np.int64)
        old_rows[self._row_items] = np.repeat(
            np.arange(n_old, dtype=np.int64), np.diff(self._row_start)
        )
        cols, inverse = _unique_cols(np.concatenate([self._cols, new], axis=1))
        n_rows = cols.shape[1]
        if n_rows >= np.iinfo(np.int32).max:
            raise ValueError("PdqIndex holds at most 2**31 - 1 distinct hashes; shard the data")
        item_rows = np.concatenate([inverse[old_rows], inverse[n_old:]])
        self._row_items = np.argsort(item_rows, kind="stable").astype(np.int64)
        self._row_start = _offsets(np.bincount(item_rows, minlength=n_rows))
        self._order = np.empty((SEGMENTS, n_rows), dtype=np.int32)
        self._starts = np.empty((SEGMENTS, _BUCKETS + 1), dtype=np.int64)
        for s in range(SEGMENTS):
            values = _segment(cols, s)
            self._order[s] = np.argsort(values, kind="stable")  # radix sort on uint16
            self._starts[s] = _offsets(np.bincount(values, minlength=_BUCKETS))
        self._cols = cols
        self._built_items = len(self._ids)
        self._pending = bytearray()
        self._pending_cols = None

    @property
    def nbytes(self) -> int:
        """Bytes held in numpy arrays and pending buffers (item ids not included)."""
        arrays = (self._cols, self._order, self._starts, self._row_start, self._row_items)
        return sum(a.nbytes for a in arrays) + len(self._pending)

    def _pending_array(self) -> _Cols:
        if self._pending_cols is None:
            self._pending_cols = _cols_from_bytes(bytes(self._pending))
        return self._pending_cols

    # ---- querying

    def query(self, signal: str | PdqHash, threshold: int = MATCH_THRESHOLD) -> list[tuple[T, int]]:
        """Items within ``threshold`` bits of ``signal`` as ``(item_id, distance)``, nearest first.

        A low-quality :class:`PdqHash` matches nothing.
        """
        return self.query_many([signal], threshold)[0]

    def query_dihedral(
        self, hashes: PdqHash | Sequence[str], threshold: int = MATCH_THRESHOLD
    ) -> list[tuple[T, int]]:
        """Items matching any rotation/mirror image: the smallest distance per item.

        Pass a :class:`PdqHash` (its ``dihedral`` hashes are used) or the hex hashes.

        >>> index: PdqIndex[str] = PdqIndex([("f" * 64, "a")])
        >>> index.query_dihedral(["0" * 64, "f" * 63 + "e"])
        [('a', 1)]
        """
        if isinstance(hashes, PdqHash):
            if hashes.quality < self.min_quality:
                return []
            signals: Sequence[str] = hashes.dihedral or (hashes.hex,)
        else:
            signals = hashes
        best: dict[int, int] = {}
        for items, dists in self._search(_cols_from_hexes(signals), threshold):
            for item, dist in zip(items.tolist(), dists.tolist(), strict=True):
                if dist < best.get(item, BITS + 1):
                    best[item] = dist
        ranked = sorted(best.items(), key=lambda kv: (kv[1], kv[0]))
        return [(self._ids[item], dist) for item, dist in ranked]

    def query_many(
        self, signals: Sequence[str | PdqHash], threshold: int = MATCH_THRESHOLD
    ) -> list[list[tuple[T, int]]]:
        """:meth:`query` for many hashes at once (vectorised; use it for bulk lookups).

        >>> PdqIndex([("0" * 64, "a")]).query_many(["0" * 64, "f" * 64])
        [[('a', 0)], []]
        """
        keep = [
            i
            for i, s in enumerate(signals)
            if not (isinstance(s, PdqHash) and s.quality < self.min_quality)
        ]
        hexes = [s.hex if isinstance(s, PdqHash) else s for s in (signals[i] for i in keep)]
        out: list[list[tuple[T, int]]] = [[] for _ in signals]
        results = self._search(_cols_from_hexes(hexes), threshold)
        for slot, (items, dists) in zip(keep, results, strict=True):
            ranked = np.lexsort((items, dists))
            out[slot] = [
                (self._ids[i], d)
                for i, d in zip(items[ranked].tolist(), dists[ranked].tolist(), strict=True)
            ]
        return out

    def _search(self, queries: _Cols, threshold: int) -> list[tuple[_Ints, _Ints]]:
        """Per query: (item numbers, distances) within ``threshold``; unordered."""
        _check_threshold(threshold)
        if len(self._pending) // 32 > _PENDING_LIMIT:
            self.build()
        n_queries = queries.shape[1]
        found: list[tuple[_Ints, _Ints, _Ints]] = []
        if self._cols.shape[1]:
            qs, rows, dists = self._search_built(queries, threshold)
            begin = self._row_start[rows]
            lens = self._row_start[rows + 1] - begin
            items = self._row_items[_expand_ranges(begin, lens)]
            found.append((np.repeat(qs, lens), items, np.repeat(dists, lens)))
        pending = self._pending_array()
        if pending.shape[1]:
            qs, rows, dists = _linear_search(queries, pending, threshold)
            found.append((qs, rows + self._built_items, dists))
        q_all, item_all, d_all = _concat3(found)
        by_q = np.argsort(q_all, kind="stable")
        item_all, d_all = item_all[by_q], d_all[by_q]
        bounds = _offsets(np.bincount(q_all, minlength=n_queries))
        return [
            (item_all[bounds[q] : bounds[q + 1]], d_all[bounds[q] : bounds[q + 1]])
            for q in range(n_queries)
        ]

    def _search_built(self, queries: _Cols, threshold: int) -> tuple[_Ints, _Ints, _Ints]:
        """(query number, distinct row, distance) triples for the built tables."""
        radii = segment_radii(threshold)
        if radii is None:
            return _linear_search(queries, self._cols, threshold)
        probe_segment, probe_mask = _probes(radii)
        n_rows = self._cols.shape[1]
        n_queries = queries.shape[1]
        q_segments = np.stack([_segment(queries, s) for s in range(SEGMENTS)], axis=1)
        # Batch so that a batch holds about _CHUNK expected candidates.
        batch = max(1, int(_CHUNK // (len(probe_segment) * (n_rows / _BUCKETS + 1))))
        order_flat = self._order.reshape(-1)
        out: list[tuple[_Ints, _Ints, _Ints]] = []
        for lo in range(0, n_queries, batch):
            probes = q_segments[lo : lo + batch][:, probe_segment].astype(np.int64) ^ probe_mask
            begin = self._starts[probe_segment, probes]
            lens = (self._starts[probe_segment, probes + 1] - begin).reshape(-1)
            begin = (begin + probe_segment * n_rows).reshape(-1)
            rows = order_flat[_expand_ranges(begin, lens)].astype(np.int64)
            q_of = np.repeat(
                np.repeat(np.arange(lo, lo + len(probes), dtype=np.int64), len(probe_segment)),
                lens,
            )
            hit, dists = _verify(self._cols, rows, queries, q_of, threshold)
            rows, q_of = rows[hit], q_of[hit]
            # A row found through several segments is reported once.
            _, first = np.unique(q_of * n_rows + rows, return_index=True)
            out.append((q_of[first], rows[first], dists[first]))
        return _concat3(out)

    # ---- all pairs

    def pairs(
        self, threshold: int = MATCH_THRESHOLD, *, threads: int | None = None
    ) -> Iterator[tuple[T, T, int]]:
        """Every pair of items within ``threshold`` bits, once, as ``(id_a, id_b, distance)``.

        ``id_a`` was added before ``id_b``.  Items sharing one identical hash come first (at
        distance 0), then pairs of distinct hashes: each segment's buckets are joined with the
        buckets within the segment's radius (:func:`segment_radii`), the candidates verified
        on all 256 bits, and a pair is reported only from the first segment where it
        qualifies, so no global de-duplication is needed.  Segments run on ``threads``
        threads (default: CPU count, at most 4).  On unrelated hashes the work is ~N²/485
        verified candidates at the default threshold: ~1 minute for 1M hashes on 2 cores
        (``bench/pdq_index.py``).
        """
        _check_threshold(threshold)
        self.build()
        counts = np.diff(self._row_start)
        for row in np.flatnonzero(counts > 1).tolist():
            items = self._row_items[self._row_start[row] : self._row_start[row + 1]].tolist()
            for a, b in combinations(items, 2):
                yield self._ids[a], self._ids[b], 0
        chunks = _join_pairs(
            self._cols, self._order, self._starts, threshold, threads or _JOIN_THREADS
        )
        for rows_a, rows_b, dists in chunks:
            for ra, rb, dist in zip(rows_a.tolist(), rows_b.tolist(), dists.tolist(), strict=True):
                items_a = self._row_items[self._row_start[ra] : self._row_start[ra + 1]].tolist()
                items_b = self._row_items[self._row_start[rb] : self._row_start[rb + 1]].tolist()
                for a in items_a:
                    for b in items_b:
                        first, second = (a, b) if a < b else (b, a)
                        yield self._ids[first], self._ids[second], dist


# -------------------------------------------------------------------------- HMA export


def export_hma(
    items: Iterable[tuple[str, PdqHash]], path: str | Path, *, min_quality: int = MIN_QUALITY
) -> Path:
    """Write hashes as a python-threatexchange / HMA signal file; returns the path.

    Format (found in facebook/ThreatExchange
    ``python-threatexchange/threatexchange/exchanges/impl/file_api.py``,
    ``LocalFileSignalExchangeAPI.fetch_iter``): plain text, one signal per line,
    ``<signal_type> <signal>`` separated by one space, here ``pdq <64 hex digits>``; the
    same line format the exchange appends in ``report_opinion``.  Load it with the
    ``threatexchange`` CLI as a ``LocalFileSignalExchangeAPI`` collaboration (``filename``
    set to this file), or add each line to an HMA 2 bank with
    ``POST /c/bank/<bank>/signal`` and body ``{"pdq": "<hex>"}``
    (``hasher-matcher-actioner/src/OpenMediaMatch/blueprints/curation.py``,
    ``bank_add_as_signals``).

    The format has no header and no metadata columns (``line.partition(" ")`` would fold
    extra fields into the hash and reject it), so item ids and quality are not written:
    keep them on our side.  Hashes below ``min_quality`` are left out, as HMA itself
    refuses to bank them (``PdqSignal.hash_from_bytes``), and repeated hashes are written
    once (the reader de-duplicates anyway).

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "bank.txt"
    >>> export_hma([("ad-1", PdqHash("d8f8f0cee0f4a84f" * 4, 100))], out).read_text()[:20]
    'pdq d8f8f0cee0f4a84f'
    """
    target = Path(path)
    seen: set[str] = set()
    with target.open("w", encoding="ascii", newline="\n") as out:
        for _item_id, pdq in items:
            if pdq.quality < min_quality:
                continue
            hex_ = canonicalize(pdq.hex)
            if hex_ not in seen:
                seen.add(hex_)
                out.write(f"{HMA_SIGNAL_TYPE} {hex_}\n")
    return target


def read_hma(path: str | Path) -> list[str]:
    """Read PDQ hashes from a python-threatexchange signal file (as written by :func:`export_hma`).

    Lines are parsed like ``LocalFileSignalExchangeAPI``: ``<type> <signal>``, or a bare
    signal (taken as PDQ); other signal types and blank lines are skipped, malformed PDQ
    hashes raise ``ValueError`` naming the line.  Use it to load a hotline's hash list.
    """
    hashes: list[str] = []
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            text = line.strip()
            if not text:
                continue
            kind, _, signal = text.partition(" ")
            if not signal:
                kind, signal = HMA_SIGNAL_TYPE, kind
            if kind != HMA_SIGNAL_TYPE:
                continue
            try:
                hashes.append(canonicalize(signal))
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: {exc}") from None
    return hashes


# ----------------------------------------------------------------------- numpy helpers


def _check_threshold(threshold: int) -> None:
    if not 0 <= threshold <= BITS:
        raise ValueError(f"threshold must be between 0 and {BITS} bits, got {threshold}")


@cache
def _segment_masks(radius: int) -> tuple[int, ...]:
    """16-bit masks with at most ``radius`` bits set, 0 first."""
    return tuple(
        sum(1 << bit for bit in bits)
        for k in range(radius + 1)
        for bits in combinations(range(_SEGMENT_BITS), k)
    )


@cache
def _probes(radii: tuple[int, ...]) -> tuple[_Ints, _Ints]:
    """(segment, xor mask) of every probe a query makes."""
    pairs = [(s, mask) for s, radius in enumerate(radii) for mask in _segment_masks(radius)]
    segment = np.array([s for s, _ in pairs], dtype=np.int64)
    mask = np.array([m for _, m in pairs], dtype=np.int64)
    segment.setflags(write=False)
    mask.setflags(write=False)
    return segment, mask


def _cols_from_bytes(raw: bytes) -> _Cols:
    """32 bytes per hash -> (4, n) native uint64; column k = hex digits 16k..16k+15."""
    return np.ascontiguousarray(np.frombuffer(raw, dtype=">u8").reshape(-1, 4).T, np.uint64)


def _cols_from_hexes(hexes: Sequence[str]) -> _Cols:
    return _cols_from_bytes(_hexes_to_bytes(hexes))


def _hexes_to_bytes(hexes: Sequence[str]) -> bytes:
    """32 bytes per hash, validated in bulk (per hash only to name a bad one)."""
    try:
        raw = bytes.fromhex("".join(hexes))
    except ValueError:
        raw = b""
    # fromhex skips whitespace, so also check every length and the total.
    if len(raw) != 32 * len(hexes) or any(len(h) != 64 for h in hexes):
        raw = bytes.fromhex("".join(canonicalize(h) for h in hexes))  # raises on the bad one
    return raw


def _segment(cols: _Cols, s: int) -> NDArray[np.uint16]:
    """Segment ``s`` (hex digits 4s..4s+3) of every hash."""
    shift = np.uint64(_SEGMENT_BITS * (3 - s % 4))
    values: NDArray[np.uint16] = (cols[s // 4] >> shift).astype(np.uint16)
    return values


def _verify(
    cols: _Cols, rows: _Ints, queries: _Cols, q_of: _Ints, threshold: int
) -> tuple[_Ints, _Ints]:
    """Indices ``i`` with ``dist(cols[:, rows[i]], queries[:, q_of[i]]) <= threshold``, and
    those distances.  Two columns first: unrelated hashes are ~64 bits apart on them, so
    nearly every candidate is dropped before the other two columns are read.
    """
    dist = np.bitwise_count(cols[1][rows] ^ queries[1][q_of])
    dist += np.bitwise_count(cols[2][rows] ^ queries[2][q_of])
    hit = np.flatnonzero(dist <= threshold)
    total = dist[hit].astype(np.int64)
    rows, q_of = rows[hit], q_of[hit]
    for k in (0, 3):
        total += np.bitwise_count(cols[k][rows] ^ queries[k][q_of])
    close = total <= threshold
    return hit[close], total[close]


def _offsets(counts: NDArray[np.int64]) -> _Ints:
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def _expand_ranges(begin: _Ints, lens: _Ints) -> _Ints:
    """Concatenate ``range(b, b + n)`` for every (b, n), vectorised."""
    total = int(lens.sum())
    ends = np.cumsum(lens)
    return np.repeat(begin - (ends - lens), lens) + np.arange(total, dtype=np.int64)


def _concat3(parts: list[tuple[_Ints, _Ints, _Ints]]) -> tuple[_Ints, _Ints, _Ints]:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def _unique_cols(cols: _Cols) -> tuple[_Cols, _Ints]:
    """Distinct hashes (columns) and, for every input hash, the number of its distinct hash."""
    n = cols.shape[1]
    if n == 0:
        return cols, np.zeros(0, dtype=np.int64)
    order = np.argsort(cols[0])
    first = cols[0][order]
    # Hashes sharing their first 64 bits are rare except true duplicates: fully sort just
    # those runs (a lexsort of everything costs ~4x more).
    tied = np.zeros(n, dtype=bool)
    same = first[1:] == first[:-1]
    tied[1:] |= same
    tied[:-1] |= same
    if tied.any():
        sub = order[tied]
        sub_cols = cols[:, sub]
        order[tied] = sub[np.lexsort((sub_cols[3], sub_cols[2], sub_cols[1], sub_cols[0]))]
    ordered = cols[:, order]
    new = np.ones(n, dtype=bool)
    new[1:] = (ordered[:, 1:] != ordered[:, :-1]).any(axis=0)
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return np.ascontiguousarray(ordered[:, new]), inverse


def _linear_search(queries: _Cols, cols: _Cols, threshold: int) -> tuple[_Ints, _Ints, _Ints]:
    """Brute force: (query number, row, distance) for every row within ``threshold``."""
    out: list[tuple[_Ints, _Ints, _Ints]] = []
    n_rows = cols.shape[1]
    step = max(1, _CHUNK // max(1, n_rows))
    for lo in range(0, queries.shape[1], step):
        block = queries[:, lo : lo + step]
        dists = np.zeros((block.shape[1], n_rows), dtype=np.int64)
        for k in range(4):
            dists += np.bitwise_count(block[k][:, None] ^ cols[k][None, :])
        q, r = np.nonzero(dists <= threshold)
        out.append((q.astype(np.int64) + lo, r.astype(np.int64), dists[q, r]))
    return _concat3(out)


def _linear_pairs(cols: _Cols, threshold: int) -> Iterator[tuple[_Ints, _Ints, _Ints]]:
    """Brute force over all pairs, a block of rows at a time."""
    n = cols.shape[1]
    step = max(1, _CHUNK // max(1, n))
    for lo in range(0, n, step):
        block = cols[:, lo : lo + step]
        dists = np.zeros((block.shape[1], n - lo), dtype=np.int64)
        for k in range(4):
            dists += np.bitwise_count(block[k][:, None] ^ cols[k][None, lo:])
        i, j = np.nonzero(dists <= threshold)
        later = j > i
        i, j = i[later], j[later]
        if len(i):
            yield i + lo, j + lo, dists[i, j]


# ---------------------------------------------------------------- all pairs (self-join)
#
# For segment s with radius r, every bucket (rows with one segment value v) is joined with
# itself and with the buckets v ^ m for the masks m of weight 1..r.  Rows sit in segment
# order, so both sides of a bucket pair are contiguous: the joins stream through memory.


def _join_pairs(
    cols: _Cols, order: NDArray[np.int32], starts: _Ints, threshold: int, threads: int
) -> Iterator[tuple[_Ints, _Ints, _Ints]]:
    """Pairs of distinct rows within ``threshold`` as (a, b, distance) chunks, each once."""
    radii = segment_radii(threshold)
    n = cols.shape[1]
    if radii is None or n < _LINEAR_PAIRS_BELOW:
        yield from _linear_pairs(cols, threshold)
        return

    def segment_pairs(s: int) -> list[tuple[_Ints, _Ints, _Ints]]:
        rows = order[s].astype(np.int64)
        offsets = starts[s]
        counts = np.diff(offsets)
        keys = np.repeat(np.arange(_BUCKETS, dtype=np.int64), counts)
        buckets = np.flatnonzero(counts)
        ordered = cols[:, rows]
        skip = s // 4  # the column holding segment s, where candidates agree
        found = []
        for mask in _segment_masks(radii[s]):
            if mask == 0:
                chunks = _bucket_self_join(keys, ordered, threshold, skip)
            else:
                chunks = _bucket_pair_join(buckets, offsets, counts, ordered, mask, threshold, skip)
            for left, right, dist in chunks:
                a, b = rows[left], rows[right]
                if s:
                    # Report a pair from the first segment within its radius only.
                    fresh = _first_segment(cols, a, b, radii, s)
                    a, b, dist = a[fresh], b[fresh], dist[fresh]
                if len(a):
                    found.append((a, b, dist))
        return found

    pool = ThreadPoolExecutor(max_workers=max(1, threads))
    try:
        for found in pool.map(segment_pairs, range(SEGMENTS)):
            yield from found
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _first_segment(
    cols: _Cols, a: _Ints, b: _Ints, radii: tuple[int, ...], s: int
) -> NDArray[np.bool_]:
    """True where no segment before ``s`` is within its radius for the pair (a, b)."""
    col_a, col_b = cols[:, a], cols[:, b]
    fresh = np.ones(len(a), dtype=bool)
    for t in range(s):
        diff = _segment(col_a, t) ^ _segment(col_b, t)
        fresh &= np.bitwise_count(diff) > radii[t]
    return fresh


def _check_pairs(
    ordered: _Cols,
    right: _Ints,
    left: _Ints,
    left_first: NDArray[np.uint64],
    left_second: NDArray[np.uint64],
    threshold: int,
    skip: int,
) -> tuple[_Ints, _Ints]:
    """Indices ``h`` with ``dist(ordered[:, left[h]], ordered[:, right[h]]) <= threshold``.

    ``left_first``/``left_second`` are the left rows' two test columns (not ``skip``), aligned
    with ``right``; unrelated hashes are ~64 bits apart on them, so almost every candidate is
    dropped before the other two columns are read.
    """
    first, second = (skip + 1) % 4, (skip + 2) % 4
    dist = np.bitwise_count(ordered[first][right] ^ left_first)
    dist += np.bitwise_count(ordered[second][right] ^ left_second)
    hit = np.flatnonzero(dist <= threshold)
    if not len(hit):
        return hit, hit
    total = dist[hit].astype(np.int64)
    r, lft = right[hit], left[hit]
    for k in ((skip + 3) % 4, skip):
        total += np.bitwise_count(ordered[k][r] ^ ordered[k][lft])
    close = total <= threshold
    return hit[close], total[close]


def _bucket_self_join(
    keys: _Ints, ordered: _Cols, threshold: int, skip: int
) -> Iterator[tuple[_Ints, _Ints, _Ints]]:
    """Pairs inside each bucket: positions (p, p + k) with equal keys, for k = 1, 2, ..."""
    first, second = (skip + 1) % 4, (skip + 2) % 4
    n = len(keys)
    left = np.flatnonzero(keys[1:] == keys[:-1])
    k = 1
    while len(left):
        right = left + k
        hit, dist = _check_pairs(
            ordered, right, left, ordered[first][left], ordered[second][left], threshold, skip
        )
        if len(hit):
            yield left[hit], right[hit], dist
        k += 1
        left = left[left + k < n]
        left = left[keys[left + k] == keys[left]]


def _bucket_pair_join(
    buckets: _Ints,
    offsets: _Ints,
    counts: _Ints,
    ordered: _Cols,
    mask: int,
    threshold: int,
    skip: int,
) -> Iterator[tuple[_Ints, _Ints, _Ints]]:
    """Pairs between bucket v and bucket ``v ^ mask``, for the v with mask's top bit clear.

    Left rows are ordered by the size of their partner bucket (largest first), so round j,
    which pairs each left row with the j-th row of its partner bucket, works on a prefix of
    them and no list of pairs is ever materialised.
    """
    high = 1 << (mask.bit_length() - 1)
    left_buckets = buckets[(buckets & high) == 0]
    partners = left_buckets ^ mask
    sizes = counts[partners]
    keep = np.flatnonzero(sizes)
    if not len(keep):
        return
    left_buckets, partners, sizes = left_buckets[keep], partners[keep], sizes[keep]
    top = int(sizes.max())
    if top < 1 << 16:
        by_size = np.argsort((top - sizes).astype(np.uint16), kind="stable")  # radix sort
    else:
        by_size = np.argsort(-sizes, kind="stable")
    left_buckets, partners, sizes = left_buckets[by_size], partners[by_size], sizes[by_size]
    left_sizes = counts[left_buckets]
    left = _expand_ranges(offsets[left_buckets], left_sizes)
    base = np.repeat(offsets[partners], left_sizes)
    size = np.repeat(sizes, left_sizes)
    # Left rows whose partner bucket has more than j rows: a prefix of length active[j].
    active = np.searchsorted(-size, -np.arange(top), side="left")
    first, second = (skip + 1) % 4, (skip + 2) % 4
    left_first, left_second = ordered[first][left], ordered[second][left]
    for j in range(top):
        m = int(active[j])
        right = base[:m] + j
        hit, dist = _check_pairs(
            ordered, right, left[:m], left_first[:m], left_second[:m], threshold, skip
        )
        if len(hit):
            yield left[hit], right[hit], dist
