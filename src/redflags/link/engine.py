"""Join ads into networks: map (per-ad keys) → group by key → union–find.

Keys an ad emits (the *map* step, one ad at a time, no shared state):

* identifiers from its Assessment: ``phone:+1305…``, ``email:…``, ``handle:telegram:…``,
  ``wallet:bitcoin:…`` and the poster's ``account:<site>:<id>``;
* text-template band keys (MinHash LSH over masked shingles, :mod:`redflags.link.templates`);
* photo band keys (PDQ, :mod:`redflags.link.pdq`) when the ad names image files.

Then (*group-by*) every key with two or more ads is a candidate group.  Template and photo
candidates are verified pairwise (Jaccard ≥ ``ACCEPT_JACCARD``; PDQ distance ≤ 31) before they
link.  Identifier groups are applied from the most specific (fewest ads) to the most generic;
a key whose ads still sit in many separate components when it is reached (at least
``hub_min_components`` and ``hub_component_share`` of its ads), or that appears both in
commercial-sex ads and in ordinary classifieds, is a **hub** (a booking line, a platform's
support address, a misappropriated number): it is reported and not used, so it cannot fuse
unrelated networks (Freeman et al. 2025 filter such edges for the same reason).

Memory is proportional to keys and packed shingles, never to ad text: per ad a few array
slots, its id and date, and shared place/name/evidence values; shingles, band keys and
(key, ad) incidences live in flat numpy/array buffers and are grouped by sorting, so the
reduce step is sort + scan + union-find (linear but for the sorts; a hub key costs one pass
over its ads).  The map step (masking, shingles, MinHash, names) runs on ``workers``
processes, and only for ads that can link by text (commercial ones) does the text work.

>>> ads = [{"id": "a", "body": "x"}, {"id": "b", "body": "y"}, {"id": "c", "body": "z"}]
>>> ass = [{"id": i, "risk": 0.5, "level": "medium", "indicators": [],
...         "entities": {"phones": ["+13055550123"] if i != "c" else []}} for i in "abc"]
>>> res = link_records(zip(ads, ass))
>>> [r["network"] is not None for r in res.links], res.links[0]["via"]
([True, True, False], ['phone:+13055550123'])
"""

from __future__ import annotations

import gc
import hashlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

import numpy as np
import numpy.typing as npt

from redflags.engines.pool import ordered_map
from redflags.extract.places_data import US_STATES
from redflags.link import templates as tpl
from redflags.link.names import names_in
from redflags.link.pdq import MATCH_THRESHOLD, PdqHash, PdqIndex, hash_image
from redflags.link.unionfind import UnionFind

if TYPE_CHECKING:
    from redflags.engines.dask import DaskEngine

__all__ = ["LinkParams", "LinkResult", "identifier_keys", "link_records"]


@dataclass(frozen=True, slots=True)
class LinkParams:
    #: a key joining fewer separate components than this is never a hub (a poster's few ads
    #: with fresh text each time must still link through their one number)
    hub_min_components: int = 5
    #: a key is a hub when its ads fall into at least this share of separate components by the
    #: time it is applied (keys go from the most specific to the most generic): one poster's
    #: ads are already joined by their text, account or other contacts, while a booking line
    #: or a support address sits on ads that share nothing else
    hub_component_share: float = 0.5
    #: a contact found both in commercial-sex ads (commerce >= template_min_commerce) and in
    #: clearly ordinary classifieds (commerce below this) is generic or misappropriated: a
    #: platform's support line, a shop's number copied into an ad; it is a hub at any size
    mixed_use_below: float = 0.25
    #: ads whose shingle frequencies train the stock-phrase filter before any band key is cut
    stock_sample: int = 20_000
    #: texts handed to the vectorised template featuriser at a time
    batch: int = 1_000
    #: keys never used for linking (a platform's own contact details, known test numbers)
    ignore_keys: frozenset[str] = frozenset()
    #: processes for the map step (masking, shingles, MinHash, names); 1 = in this process
    workers: int = 1
    #: link through near-duplicate text at all
    templates: bool = True
    #: link through reused photos (PDQ) when ads list image files
    photos: bool = True
    #: where relative image paths are resolved (default: as given, from the working directory)
    image_root: str | None = None
    #: also match rotated and mirrored copies (8 queries per photo; costs ~7x the photo step)
    photo_dihedral: bool = True
    #: only ads screened as commercial-sex link by text or photo: ordinary classifieds reuse
    #: stock text and stock photos across unrelated posters all the time (tutors, furniture,
    #: job ads), so near-duplicates there are no evidence of one poster
    template_min_commerce: float = 0.5


@dataclass
class LinkResult:
    #: one row per input ad, in input order (a read-only sequence built as it is read)
    links: Sequence[dict[str, Any]]
    networks: list[dict[str, Any]]
    hubs: list[dict[str, Any]]
    stats: dict[str, int] = field(default_factory=dict)
    #: every usable photo hash, by ad id (for export to hash-sharing programmes such as HMA)
    photos: list[tuple[str, PdqHash]] = field(default_factory=list)


def identifier_keys(ad: Mapping[str, Any], assessment: Mapping[str, Any]) -> list[str]:
    """The identifier keys one ad emits (canonical values from its Assessment).

    >>> identifier_keys({"site": "s", "poster": {"account_id": "u-1"}},
    ...                 {"entities": {"emails": ["a@example.com"], "handles":
    ...                  [{"platform": "kik", "handle": "Amy"}]}})
    ['email:a@example.com', 'handle:kik:amy', 'account:s:u-1']
    """
    ents = assessment.get("entities") or {}
    keys = [f"phone:{p}" for p in ents.get("phones", [])]
    keys += [f"email:{str(e).lower()}" for e in ents.get("emails", [])]
    for h in ents.get("handles", []):
        keys.append(f"handle:{h.get('platform')}:{str(h.get('handle', '')).lower()}")
    for w in ents.get("crypto", []):
        keys.append(f"wallet:{w.get('chain')}:{w.get('address')}")
    poster = ad.get("poster")
    if isinstance(poster, Mapping) and poster.get("account_id"):
        keys.append(f"account:{ad.get('site') or ''}:{poster['account_id']}")
    return list(dict.fromkeys(keys))


#: odd constant folding a band's number into its hash (as ``"tpl:<band>:<hex>"`` keys would),
#: so equal hashes in different bands never group together
_BAND_FOLD = np.arange(256, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
#: shingle sets kept unpacked during verification (~3 KB each); cleared when full
_SHINGLE_CACHE = 50_000
#: band buckets at least this big (with ads in several clusters) are verified vectorised
_VECTOR_BUCKET = 24
#: groups verified between two progress ticks
_TICK_EVERY = 1_000


def _ad_text(ad: Mapping[str, Any]) -> str:
    title = ad.get("title") or ""
    body = ad.get("body") or ""
    return f"{title}\n{body}" if title and body else (title or body)


class _Keys:
    """Key strings (identifiers, template ids, photo keys) interned to small ints, and
    (key, ad) incidences as int arrays: one string per distinct key and 8 bytes per incidence,
    never a list per key or a set per ad (1M ads would spend ~1 GB on those alone)."""

    __slots__ = ("index", "names")

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.names: list[str] = []

    def id(self, name: str) -> int:
        kid = self.index.get(name)
        if kid is None:
            kid = self.index[name] = len(self.names)
            self.names.append(name)
        return kid


class _Incidence:
    """(key id, ad index) pairs, appended in bulk; grouped later with numpy."""

    __slots__ = ("ad", "key")

    def __init__(self) -> None:
        self.key = array("i")
        self.ad = array("i")

    def add(self, kid: int, ad: int) -> None:
        self.key.append(kid)
        self.ad.append(ad)

    def add_all(self, kid: int, ads: list[int]) -> None:
        self.key.extend(array("i", [kid]) * len(ads))
        self.ad.extend(ads)

    def arrays(self) -> tuple[npt.NDArray[np.intc], npt.NDArray[np.intc]]:
        return np.frombuffer(self.key, dtype=np.intc), np.frombuffer(self.ad, dtype=np.intc)


class _Via:
    """Each ad's sorted reasons (``via``) read from the incidences, after linking is done."""

    def __init__(self, inc: _Incidence, keys: _Keys, n: int) -> None:
        kid, ad = inc.arrays()
        order = np.argsort(ad, kind="stable")
        self._key = array("i", kid[order].tobytes())
        self._off = array("q", np.concatenate(
            ([0], np.cumsum(np.bincount(ad, minlength=n)))).astype(np.int64).tobytes())
        self._names = keys.names

    def __getitem__(self, i: int) -> list[str]:
        names = self._names
        return sorted({names[k] for k in self._key[self._off[i] : self._off[i + 1]]})


class _Columns:
    """Per-ad facts kept for summaries, as parallel arrays and lists of shared values (no ad
    text; equal places, names, phones and evidence are stored once)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.risk = array("f")
        self.commerce = array("f")
        self.level: list[str] = []
        self.place = array("i")  # index into places, -1 = none
        self.places: list[tuple[str, str, str]] = []
        self.posted: list[str] = []
        self.names: list[tuple[str, ...]] = []
        self.phones: list[tuple[str, ...]] = []
        self.top: list[tuple[tuple[str, str], ...]] = []
        self.photos: dict[int, list[PdqHash]] = {}
        self.photo_errors = 0
        self._place_ix: dict[tuple[str, str, str], int] = {}
        self._shared: dict[Any, Any] = {}

    def _share(self, value: _V) -> _V:
        got: _V = self._shared.setdefault(value, value)
        return got

    def add(self, ad: Mapping[str, Any], a: Mapping[str, Any], names: tuple[str, ...]) -> int:
        i = len(self.ids)
        self.ids.append(str(a.get("id", ad.get("id"))))
        self.risk.append(float(a.get("risk") or 0.0))
        self.commerce.append(float(a.get("commerce", 1.0)))
        self.level.append(self._share(str(a.get("level") or "low")))
        place = _place(ad, a)
        if place is None:
            self.place.append(-1)
        else:
            ix = self._place_ix.get(place)
            if ix is None:
                ix = self._place_ix[place] = len(self.places)
                self.places.append(place)
            self.place.append(ix)
        self.posted.append(str(ad.get("posted_at") or ""))
        self.names.append(self._share(names))
        self.phones.append(self._share(tuple((a.get("entities") or {}).get("phones", []))))
        top = sorted(a.get("indicators") or [], key=lambda f: -float(f.get("contribution", 0)))
        self.top.append(self._share(
            tuple(
                (str(f.get("id")), str((f.get("evidence") or [{}])[0].get("text", "")))
                for f in top[:3]
                if float(f.get("contribution", f.get("weight", 0)) or 0) > 0
            )
        ))
        return i

    def place_of(self, i: int) -> tuple[str, str, str] | None:
        ix = self.place[i]
        return self.places[ix] if ix >= 0 else None


def _place(ad: Mapping[str, Any], a: Mapping[str, Any]) -> tuple[str, str, str] | None:
    city = ad.get("city")
    if city:
        return (str(city), str(ad.get("region") or ""), str(ad.get("country") or ""))
    places = (a.get("entities") or {}).get("places") or []
    if places:
        p = places[0]
        return (str(p.get("city") or ""), str(p.get("region") or ""), str(p.get("country") or ""))
    return None


class _Shingles:
    """Every templated ad's packed shingles in one uint64 array (no per-ad objects), with a
    bounded cache of unpacked sets for verification."""

    def __init__(self) -> None:
        self._parts: list[npt.NDArray[np.uint64]] = []
        self._owner: list[npt.NDArray[np.int64]] = []
        self._count: list[npt.NDArray[np.int64]] = []
        self._data: npt.NDArray[np.uint64] = np.empty(0, dtype=np.uint64)
        self._off = array("q")
        self._cache: dict[int, set[int]] = {}

    def add(self, owners: npt.NDArray[np.int64], counts: npt.NDArray[np.int64],
            hashes: npt.NDArray[np.uint64]) -> None:
        self._parts.append(hashes)
        self._owner.append(owners)
        self._count.append(counts)

    def freeze(self, n: int) -> None:
        off = np.zeros(n + 1, dtype=np.int64)
        if self._parts:
            self._data = np.concatenate(self._parts)
            off[np.concatenate(self._owner) + 1] = np.concatenate(self._count)
        self._parts, self._owner, self._count = [], [], []
        self._off = array("q", np.cumsum(off).tobytes())

    def __getitem__(self, i: int) -> set[int]:
        s = self._cache.get(i)
        if s is None:
            if len(self._cache) >= _SHINGLE_CACHE:
                self._cache.clear()
            s = self._cache[i] = set(self._data[self._off[i] : self._off[i + 1]].tolist())
        return s

    def arrays(self) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
        """All shingles and the per-ad offsets into them (after :meth:`freeze`)."""
        return self._data, np.frombuffer(self._off, dtype=np.int64)

    def clear(self) -> None:
        self._data = np.empty(0, dtype=np.uint64)
        self._off = array("q")
        self._cache.clear()


def link_records(
    records: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
    params: LinkParams | None = None,
    progress: Callable[[str, int], None] | None = None,
    engine: DaskEngine | None = None,
) -> LinkResult:
    """Link ``(ad, assessment)`` pairs (same order as the input) into networks.

    The map step (masking, shingles, MinHash, names, photo hashes) runs on ``params.workers``
    local processes, or on ``engine``'s Dask cluster when one is given; grouping and
    union-find run here."""
    # The linker keeps millions of small long-lived objects and makes nothing cyclic, while the
    # cyclic GC would rescan them again and again (a third of the parent's CPU at 100k ads,
    # most of it inside the caller's JSON parsing); refcounting frees everything it makes.
    # Map workers fork from here and inherit the setting.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _link(records, params or LinkParams(), progress, engine)
    finally:
        if was_enabled:
            gc.enable()


def _link(
    records: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
    prm: LinkParams,
    progress: Callable[[str, int], None] | None,
    engine: DaskEngine | None = None,
) -> LinkResult:
    tick = progress or (lambda _phase, _n: None)
    cols = _Columns()
    keys = _Keys()
    ident = _Incidence()  # (identifier key, ad)
    via = _Incidence()  # (reason key, ad) for every accepted link
    band_h = array("Q")
    band_ad = array("i")
    shingles = _Shingles()
    stock = tpl.StockFilter() if prm.templates else None

    it = iter(records)
    # the stock-phrase filter must learn before the first band key is cut: buffer a sample
    sample = list(islice(it, prm.stock_sample))
    if stock is not None:
        stock.learn(_ad_text(ad) for ad, a in _one_per_poster(sample))

    global _STOCK
    _STOCK = stock

    def consume(chunk: _Chunk, mapped: _Mapped) -> None:
        keyed, bands, hashes, counts, names, photos = mapped
        base = len(cols.ids)
        ignore = prm.ignore_keys
        for k, (ad, a) in enumerate(chunk):
            i = cols.add(ad, a, names[k])
            ph = photos[k]
            if ph is not None:
                cols.photo_errors += ph[1]
                # like text, stock photos are reused by unrelated ordinary advertisers
                if ph[0] and cols.commerce[i] >= prm.template_min_commerce:
                    cols.photos[i] = ph[0]
            for key in identifier_keys(ad, a):
                if key not in ignore:
                    ident.add(keys.id(key), i)
        if keyed.size:
            owners = keyed.astype(np.int64) + base
            band_h.frombytes(bands.tobytes())
            band_ad.frombytes(np.repeat(owners, bands.size // keyed.size).astype(np.intc)
                              .tobytes())
            shingles.add(owners, counts, hashes)
        tick("map", len(chunk))

    def chunks() -> Iterator[_Chunk]:
        while sample:  # hand the buffered sample over chunk by chunk, so it is freed as it goes
            chunk = sample[: prm.batch]
            del sample[: prm.batch]
            yield chunk
        while chunk := list(islice(it, prm.batch)):
            yield chunk

    for chunk, mapped in _map_ordered(chunks(), prm, engine, stock):
        consume(chunk, mapped)

    n = len(cols.ids)
    uf = UnionFind(n)
    stats: Counter[str] = Counter()

    # ---- text templates: candidates from shared band keys, verified by exact Jaccard
    template_of = array("i", [-1]) * n
    template_ids: list[str] = []
    shingles.freeze(n)
    if prm.templates and len(band_h):
        tuf = UnionFind(n)
        find = tuf.find
        members_of, starts, ends, _ = _sorted_groups(
            np.frombuffer(band_h, dtype=np.uint64), np.frombuffer(band_ad, dtype=np.intc))
        done = 0
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            members = members_of[s:e].tolist()
            done += 1
            if done % _TICK_EVERY == 0:
                tick("templates", _TICK_EVERY)
            heads = [find(m) for m in members]
            if min(heads) == max(heads):
                continue  # already one cluster: most buckets of a big template, cheaply skipped
            if len(members) > tpl.MAX_BUCKET:
                for x, y in tpl.bucket_pairs(members):
                    if find(x) != find(y):
                        stats["template_candidates"] += 1
                        if tpl.verify(shingles[x], shingles[y]) >= tpl.ACCEPT_JACCARD:
                            tuf.union(x, y)
                continue
            if len(members) >= _VECTOR_BUCKET:
                verified = _verify_bucket_np(members, heads, shingles, tuf)
            else:
                verified = _verify_bucket(members, heads, shingles, tuf)
            if verified:
                stats["template_candidates"] += verified
        tick("templates", done % _TICK_EVERY)
        del members_of, starts, ends
        order, starts, ends, _ = _sorted_groups(tuf.roots(), np.arange(n, dtype=np.intc))
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            members = order[s:e].tolist()
            tid = "t-" + _short_hash(min(cols.ids[m] for m in members))
            t = len(template_ids)
            template_ids.append(tid)
            for m in members:
                template_of[m] = t
                uf.union(members[0], m)
            via.add_all(keys.id(f"template:{tid}"), members)
        stats["template_clusters"] = len(template_ids)
    band_h, band_ad = array("Q"), array("i")  # free them before the summaries
    shingles.clear()

    # ---- reused photos: PDQ within 31 bits (and rotated/mirrored copies), low quality ignored
    if cols.photos:
        stats["photo_links"] = _link_photos(cols, uf, via, keys, prm)
    stats["photo_errors"] = cols.photo_errors

    # ---- identifiers, most specific first; hubs are reported, not used
    hubs: list[dict[str, Any]] = []
    names = keys.names
    members_of, starts, ends, kids = _sorted_groups(*ident.arrays())
    # poster accounts are the platform's own identity of a poster, never generic: applied first
    # and never treated as hubs; contacts then go from the most specific to the most generic
    ordered = sorted(
        zip(kids.tolist(), starts.tolist(), ends.tolist(), strict=True),
        key=lambda g: (not names[g[0]].startswith("account:"), g[2] - g[1], names[g[0]]),
    )
    find = uf.find
    for kid, s, e in ordered:
        key = names[kid]
        uniq = members_of[s:e].tolist()
        roots = {find(m) for m in uniq}
        reason = None
        if not key.startswith("account:"):
            if len(roots) >= max(prm.hub_min_components, prm.hub_component_share * len(uniq)):
                reason = "joins many otherwise unrelated ads"
            elif _mixed_use(uniq, cols, prm):
                reason = "shared by commercial-sex ads and ordinary classifieds"
        if reason is not None:
            hubs.append({"key": key, "ads": len(uniq), "components": len(roots),
                         "reason": reason})
            stats["hubs"] += 1
            continue
        via.add_all(kid, uniq)
        for m in uniq:
            uf.union(uniq[0], m)
        stats[f"links_{key.split(':', 1)[0]}"] += len(uniq) - 1
    tick("identifiers", len(ordered))
    del members_of, starts, ends, kids, ordered
    ident = _Incidence()

    # ---- networks
    reasons = _Via(via, keys, n)
    del via
    net_of = array("i", [-1]) * n
    net_ids: list[str] = []
    networks: list[dict[str, Any]] = []
    order, starts, ends, _ = _sorted_groups(uf.roots(), np.arange(n, dtype=np.intc))
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        members = order[s:e].tolist()
        nid = "n-" + _short_hash(min(cols.ids[m] for m in members))
        for m in members:
            net_of[m] = len(net_ids)
        net_ids.append(nid)
        networks.append(_summary(nid, members, cols, reasons, template_of, template_ids))
    networks.sort(key=lambda s: (-s["top_risk"], -s["size"], s["id"]))
    stats["ads"] = n
    stats["linked_ads"] = int(ends.sum() - starts.sum())
    stats["networks"] = len(networks)
    photos = [(cols.ids[i], h) for i, hs in sorted(cols.photos.items()) for h in hs]
    links = _Links(cols.ids, net_of, net_ids, reasons)
    return LinkResult(links, networks, hubs, dict(stats), photos)


def _verify_bucket_np(members: list[int], roots: list[int], shingles: _Shingles,
                      tuf: UnionFind) -> int:
    """:func:`_verify_bucket` for big buckets, vectorised: the exact Jaccard of every pair at
    once (shared shingles counted by sorting the members' shingles), then the pairs at
    ``ACCEPT_JACCARD`` united.  Uniting every accepted pair, or only those not yet joined,
    gives the same clusters; returns the pairs that were in different clusters.

    Big buckets with several clusters are mostly strangers whom LSH put together by chance;
    their number grows faster than N (~11 M at 1M synthetic ads), so they cost one numpy pass
    instead of a Python loop over pairs.
    """
    m = len(members)
    data, off = shingles.arrays()
    mem = np.asarray(members, dtype=np.int64)
    starts, sizes = off[mem], off[mem + 1] - off[mem]
    total = int(sizes.sum())
    first_of = np.cumsum(sizes) - sizes
    h = data[np.repeat(starts - first_of, sizes) + np.arange(total)]
    owner = np.repeat(np.arange(m, dtype=np.int64), sizes)
    order = np.argsort(h, kind="stable")  # owners stay ascending among equal shingles
    h, owner = h[order], owner[order]
    run_head = np.ones(total, dtype=bool)
    run_head[1:] = h[1:] != h[:-1]
    heads = np.flatnonzero(run_head)
    run = np.cumsum(run_head) - 1
    pos = np.arange(total)
    later = np.diff(np.append(heads, total))[run] - (pos - heads[run]) - 1
    n_pairs = int(later.sum())
    if n_pairs:
        first = np.repeat(pos, later)
        second = first + np.arange(n_pairs) - np.repeat(np.cumsum(later) - later, later) + 1
        inter = np.bincount(owner[first] * m + owner[second], minlength=m * m)
        both = np.flatnonzero(inter)
        i, j = np.divmod(both, m)
        shared = inter[both]
        jac = shared / (sizes[i] + sizes[j] - shared)
        ok = jac >= tpl.ACCEPT_JACCARD
        for a, b in zip(i[ok].tolist(), j[ok].tolist(), strict=True):
            tuf.union(members[a], members[b])
    same = sum(c * (c - 1) // 2 for c in Counter(roots).values())
    return m * (m - 1) // 2 - same


def _verify_bucket(members: list[int], roots: list[int], shingles: _Shingles,
                   tuf: UnionFind) -> int:
    """Verify every pair of a band bucket (``tpl.bucket_pairs`` order) whose ads are not yet
    in one cluster, uniting those at ``ACCEPT_JACCARD``; returns the verifications made.

    Inlined for speed (this is where LSH's chance candidates among strangers are rejected, a
    few per ad): shingle sets are fetched once per bucket and roots refreshed after a union.
    """
    sets = [shingles[m] for m in members]
    accept = tpl.ACCEPT_JACCARD
    done = 0
    for i in range(len(members) - 1):
        a = sets[i]
        la = len(a)
        for j in range(i + 1, len(members)):
            if roots[i] == roots[j]:
                continue
            done += 1
            b = sets[j]
            inter = len(a & b)
            if inter / (la + len(b) - inter) >= accept:  # tpl.verify, sets never empty here
                tuf.union(members[i], members[j])
                roots = [tuf.find(m) for m in members]
    return done


class _Links(Sequence[dict[str, Any]]):
    """One ``{"id", "network", "via"}`` row per input ad, in input order, built when read
    (a list of a million dicts would take ~0.5 GB; the rows are written out once)."""

    def __init__(self, ids: list[str], net_of: array[int], net_ids: list[str], via: _Via):
        self._ids, self._net_of, self._net_ids, self._via = ids, net_of, net_ids, via

    def __len__(self) -> int:
        return len(self._ids)

    def _row(self, i: int) -> dict[str, Any]:
        net = self._net_of[i]
        if net < 0:
            return {"id": self._ids[i], "network": None, "via": []}
        return {"id": self._ids[i], "network": self._net_ids[net], "via": self._via[i]}

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, i: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, i: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(i, slice):
            return [self._row(j) for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("link row index out of range")
        return self._row(i)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(self._row, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} link rows>"


def _mixed_use(members: list[int], cols: _Columns, prm: LinkParams) -> bool:
    com = [cols.commerce[m] for m in members]
    return max(com) >= prm.template_min_commerce and min(com) < prm.mixed_use_below


def _one_per_poster(
    sample: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
) -> Iterator[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """One ad per poster identity (first contact or account key) for learning stock phrases.

    Stock phrases are text that *many different posters* use; a network's own template repeated
    in hundreds of its ads is not stock, and must stay able to link burner numbers.
    """
    seen: set[str] = set()
    for ad, a in sample:
        keys = identifier_keys(ad, a)
        if keys and any(k in seen for k in keys):
            continue
        seen.update(keys)
        yield ad, a


#: the stock-phrase filter the map step applies; set before worker processes fork
_STOCK: tpl.StockFilter | None = None

_V = TypeVar("_V")
_Photos = tuple[list[PdqHash], int] | None
#: per chunk: templated ads (chunk indices), their band hashes (flat, ``bands`` per ad), their
#: shingles (concatenated) and shingle counts; names and photo hashes of every ad
_Mapped = tuple[
    npt.NDArray[np.int64], npt.NDArray[np.uint64], npt.NDArray[np.uint64],
    npt.NDArray[np.int64], list[tuple[str, ...]], list[_Photos],
]
_Chunk = list[tuple[Mapping[str, Any], Mapping[str, Any]]]


def _map_chunk(texts: list[str], templated: list[bool], images: list[list[str]],
               image_root: str | None) -> _Mapped:
    """The per-ad map step that needs content: template features (of the ads flagged
    ``templated``: commercial ones, the only ones that link by text), names, photo hashes.
    The stock-phrase filter is the one the parent learnt before forking its workers."""
    return _map_chunk_with(texts, templated, images, image_root, _STOCK)


def _map_chunk_with(texts: list[str], templated: list[bool], images: list[list[str]],
                    image_root: str | None, stock: tpl.StockFilter | None) -> _Mapped:
    """:func:`_map_chunk` with the stock-phrase filter given (a Dask worker gets it sent)."""
    keyed = np.empty(0, dtype=np.int64)
    bands = np.empty(0, dtype=np.uint64)
    hashes = np.empty(0, dtype=np.uint64)
    counts = np.empty(0, dtype=np.int64)
    chosen = [i for i, t in enumerate(templated) if t]
    if chosen:
        sub, b, hashes, bounds = tpl.feature_arrays([texts[i] for i in chosen], stock)
        keyed = np.asarray(chosen, dtype=np.int64)[sub]
        bands = (b ^ _BAND_FOLD[: b.shape[1]]).ravel()
        counts = np.diff(bounds)
    photos: list[_Photos] = []
    for paths in images:
        if not paths:
            photos.append(None)
            continue
        found = []
        failed = 0
        for path in paths:
            h = hash_image(Path(image_root, path) if image_root else Path(path))
            if h is None:
                failed += 1
            elif h.usable:
                found.append(h)
        photos.append((found, failed))
    return keyed, bands, hashes, counts, [tuple(names_in(t)) if t else () for t in texts], photos


def _images(ad: Mapping[str, Any]) -> list[str]:
    imgs = ad.get("images") or []
    if isinstance(imgs, str):
        return [imgs]
    return [str(p) for p in imgs if isinstance(p, str) and "://" not in p]


def _map_ordered(
    chunks: Iterator[_Chunk],
    prm: LinkParams,
    engine: DaskEngine | None = None,
    stock: tpl.StockFilter | None = None,
) -> Iterator[tuple[_Chunk, _Mapped]]:
    """Run :func:`_map_chunk` over chunks, in order, on ``prm.workers`` forked processes (which
    inherit the stock filter), or on ``engine``'s cluster (which is sent it once)."""

    def args(chunk: _Chunk) -> tuple[list[str], list[bool], list[list[str]], str | None]:
        images = [_images(ad) if prm.photos else [] for ad, _ in chunk]
        templated = [prm.templates and float(a.get("commerce", 1.0)) >= prm.template_min_commerce
                     for _, a in chunk]
        return [_ad_text(ad) for ad, _ in chunk], templated, images, prm.image_root

    if engine is not None:
        shared = engine.share(stock) if stock is not None else None
        tasks = ((c, (*args(c), shared)) for c in chunks)
        yield from engine.ordered_map(_map_chunk_with, tasks, prefetch=3)
        return
    yield from ordered_map(_map_chunk, ((c, args(c)) for c in chunks), prm.workers, prefetch=3)


def _link_photos(cols: _Columns, uf: UnionFind, via: _Incidence, keys: _Keys,
                 prm: LinkParams) -> int:
    """Union ads whose photos are within PDQ's match threshold; returns links made."""
    index: PdqIndex[int] = PdqIndex()
    owners: list[int] = []
    signals: list[str] = []
    for i, hashes in cols.photos.items():
        for h in hashes:
            index.add(h, i)
            if prm.photo_dihedral:
                for d in h.dihedral[1:]:
                    signals.append(d)
                    owners.append(i)
    links = 0

    def join(a: int, b: int) -> None:
        nonlocal links
        if a == b:
            return
        kid = keys.id(f"photo:{cols.photos[min(a, b)][0].hex[:16]}")
        via.add(kid, a)
        via.add(kid, b)
        links += uf.union(a, b)

    for a, b, _dist in index.pairs(MATCH_THRESHOLD):
        join(a, b)
    if signals:
        for owner, matches in zip(owners, index.query_many(signals), strict=True):
            for other, _dist in matches:
                join(owner, other)
    return links


def _short_hash(s: str) -> str:
    return hashlib.blake2b(s.encode(), digest_size=6).hexdigest()


def _sorted_groups(
    keys: npt.NDArray[Any], ads: npt.NDArray[np.intc]
) -> tuple[npt.NDArray[np.intc], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[Any]]:
    """Group ``ads`` by ``keys``: ``(members, starts, ends, key)`` of every key held by two or
    more ads, ``members[starts[g]:ends[g]]`` being group ``g``'s ads, in the order given (the
    sort is stable; ads are appended in ascending order, so they come out ascending)."""
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    members = ads[order]
    if k.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return members, empty, empty, k
    cuts = np.flatnonzero(k[1:] != k[:-1]) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [k.size]))
    big = ends - starts > 1
    return members, starts[big], ends[big], k[starts[big]]


def _summary(
    nid: str,
    members: list[int],
    cols: _Columns,
    via: _Via,
    template_of: array[int],
    template_ids: list[str],
) -> dict[str, Any]:
    members = sorted(members, key=lambda m: (cols.posted[m], cols.ids[m]))
    idents: dict[str, Counter[str]] = defaultdict(Counter)
    for m in members:
        for key in via[m]:
            kind, _, value = key.partition(":")
            idents[kind][value] += 1
    cities: dict[tuple[str, str, str], dict[str, Any]] = {}
    for m in members:
        place = cols.place_of(m)
        if place is None:
            continue
        entry = cities.get(place)
        date = cols.posted[m]
        if entry is None:
            cities[place] = {"city": place[0], "region": place[1], "country": place[2],
                             "first_seen": date, "last_seen": date, "ads": 1}
        else:
            entry["ads"] += 1
            if date and (not entry["first_seen"] or date < entry["first_seen"]):
                entry["first_seen"] = date
            if date and date > entry["last_seen"]:
                entry["last_seen"] = date
    circuit = sorted(cities.values(), key=lambda c: (c["first_seen"], c["city"]))
    names: Counter[str] = Counter(n for m in members for n in cols.names[m])
    top = max(members, key=lambda m: (cols.risk[m], cols.ids[m]))
    levels = Counter(cols.level[m] for m in members)
    templates = Counter(template_ids[template_of[m]] for m in members if template_of[m] >= 0)
    return {
        "id": nid,
        "size": len(members),
        "ads": [cols.ids[m] for m in members],
        "top_risk": round(float(cols.risk[top]), 4),
        "levels": dict(levels),
        "identifiers": {k: [v for v, _ in c.most_common()] for k, c in sorted(idents.items())
                        if k != "template"},
        "templates": [{"id": t, "ads": c} for t, c in templates.most_common()],
        "names": [n for n, _ in names.most_common()],
        "cities": circuit,
        "area_code_mismatch": _area_mismatch(members, cols),
        "strongest_evidence": {
            "ad": cols.ids[top],
            "findings": [{"indicator": i, "text": t} for i, t in cols.top[top]],
        },
        "first_seen": cols.posted[members[0]],
        "last_seen": max(cols.posted[m] for m in members),
    }


_GEO_CACHE: dict[str, str | None] = {}
_STATE_CODES = {name.lower(): code for code, name in US_STATES.items()}


def _phone_region(e164: str) -> str | None:
    """US state code a NANP number's area code belongs to (phonenumbers' geocoder)."""
    if e164 in _GEO_CACHE:
        return _GEO_CACHE[e164]
    region: str | None = None
    if e164.startswith("+1") and len(e164) == 12:
        import phonenumbers
        from phonenumbers import geocoder

        try:
            desc = geocoder.description_for_number(phonenumbers.parse(e164), "en")
        except phonenumbers.NumberParseException:
            desc = ""
        tail = desc.rsplit(",", 1)[-1].strip()
        region = tail if tail in US_STATES else _STATE_CODES.get(desc.lower())
    _GEO_CACHE[e164] = region
    return region


def _area_mismatch(members: list[int], cols: _Columns) -> list[dict[str, Any]]:
    """Phones whose area code belongs to another state than the city advertised (a circuit
    signal: 'Number on the wall', ASC 2024)."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for m in members:
        place = cols.place_of(m)
        if place is None or place[2] not in ("US", ""):
            continue
        for p in cols.phones[m]:
            home = _phone_region(p)
            if home and place[1] and home != place[1]:
                key = (p, f"{place[0]}, {place[1]}")
                entry = seen.setdefault(key, {"phone": p, "phone_state": home,
                                              "advertised": key[1], "ads": 0})
                entry["ads"] += 1
    return sorted(seen.values(), key=lambda e: (-e["ads"], e["phone"]))
