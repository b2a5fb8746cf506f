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

Memory is proportional to keys and packed shingles, never to ad text.

>>> ads = [{"id": "a", "body": "x"}, {"id": "b", "body": "y"}, {"id": "c", "body": "z"}]
>>> ass = [{"id": i, "risk": 0.5, "level": "medium", "indicators": [],
...         "entities": {"phones": ["+13055550123"] if i != "c" else []}} for i in "abc"]
>>> res = link_records(zip(ads, ass))
>>> [r["network"] is not None for r in res.links], res.links[0]["via"]
([True, True, False], ['phone:+13055550123'])
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from redflags.engines.pool import ordered_map
from redflags.extract.places_data import US_STATES
from redflags.link import templates as tpl
from redflags.link.names import names_in
from redflags.link.pdq import MATCH_THRESHOLD, PdqHash, PdqIndex, hash_image
from redflags.link.unionfind import UnionFind

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
    links: list[dict[str, Any]]
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


def _key_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


def _band_hash(key: str) -> int:
    """'tpl:<band>:<16 hex>' → one 64-bit number (band folded in so bands never collide)."""
    _, band, hexd = key.split(":", 2)
    return (int(hexd, 16) ^ (int(band) * 0x9E3779B97F4A7C15)) & 0xFFFFFFFFFFFFFFFF


def _ad_text(ad: Mapping[str, Any]) -> str:
    title = ad.get("title") or ""
    body = ad.get("body") or ""
    return f"{title}\n{body}" if title and body else (title or body)


class _Columns:
    """Per-ad facts kept for summaries, as parallel lists (no ad text)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.risk = array("f")
        self.commerce = array("f")
        self.level: list[str] = []
        self.place: list[tuple[str, str, str] | None] = []
        self.posted: list[str] = []
        self.names: list[tuple[str, ...]] = []
        self.phones: list[tuple[str, ...]] = []
        self.top: list[tuple[tuple[str, str], ...]] = []
        self.shingles: list[bytes] = []
        self.photos: dict[int, list[PdqHash]] = {}
        self.photo_errors = 0

    def add(self, ad: Mapping[str, Any], a: Mapping[str, Any], names: tuple[str, ...]) -> int:
        i = len(self.ids)
        self.ids.append(str(a.get("id", ad.get("id"))))
        self.risk.append(float(a.get("risk") or 0.0))
        self.commerce.append(float(a.get("commerce", 1.0)))
        self.level.append(str(a.get("level") or "low"))
        place = _place(ad, a)
        self.place.append(place)
        self.posted.append(str(ad.get("posted_at") or ""))
        self.names.append(names)
        self.phones.append(tuple((a.get("entities") or {}).get("phones", [])))
        top = sorted(a.get("indicators") or [], key=lambda f: -float(f.get("contribution", 0)))
        self.top.append(
            tuple(
                (str(f.get("id")), str((f.get("evidence") or [{}])[0].get("text", "")))
                for f in top[:3]
                if float(f.get("contribution", f.get("weight", 0)) or 0) > 0
            )
        )
        return i


def _place(ad: Mapping[str, Any], a: Mapping[str, Any]) -> tuple[str, str, str] | None:
    city = ad.get("city")
    if city:
        return (str(city), str(ad.get("region") or ""), str(ad.get("country") or ""))
    places = (a.get("entities") or {}).get("places") or []
    if places:
        p = places[0]
        return (str(p.get("city") or ""), str(p.get("region") or ""), str(p.get("country") or ""))
    return None


def link_records(
    records: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
    params: LinkParams | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> LinkResult:
    """Link ``(ad, assessment)`` pairs (same order as the input) into networks."""
    prm = params or LinkParams()
    tick = progress or (lambda _phase, _n: None)
    cols = _Columns()
    id_keys: dict[str, list[int]] = defaultdict(list)
    band_h = array("Q")
    band_ad = array("i")
    stock = tpl.StockFilter() if prm.templates else None

    it = iter(records)
    # the stock-phrase filter must learn before the first band key is cut: buffer a sample
    sample = list(islice(it, prm.stock_sample))
    if stock is not None:
        stock.learn(_ad_text(ad) for ad, a in _one_per_poster(sample))

    global _STOCK
    _STOCK = stock
    use_tpl = prm.templates

    def consume(
        chunk: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
        mapped: _Mapped,
    ) -> None:
        feats, names, photos = mapped
        for k, (ad, a) in enumerate(chunk):
            i = cols.add(ad, a, names[k])
            ph = photos[k]
            commercial = float(a.get("commerce", 1.0)) >= prm.template_min_commerce
            if ph is not None:
                cols.photo_errors += ph[1]
                # like text, stock photos are reused by unrelated ordinary advertisers
                if ph[0] and commercial:
                    cols.photos[i] = ph[0]
            for key in identifier_keys(ad, a):
                if key not in prm.ignore_keys:
                    id_keys[key].append(i)
            if use_tpl and commercial:
                keys, packed = feats[k]
                cols.shingles.append(packed)
                for bk in keys:
                    band_h.append(_band_hash(bk))
                    band_ad.append(i)
            else:
                cols.shingles.append(b"")
        tick("map", len(chunk))

    def chunks() -> Iterator[list[tuple[Mapping[str, Any], Mapping[str, Any]]]]:
        for start in range(0, len(sample), prm.batch):
            yield sample[start : start + prm.batch]
        while chunk := list(islice(it, prm.batch)):
            yield chunk

    for chunk, mapped in _map_ordered(chunks(), prm):
        consume(chunk, mapped)
    sample.clear()

    n = len(cols.ids)
    uf = UnionFind(n)
    via: list[set[str]] = [set() for _ in range(n)]
    stats: Counter[str] = Counter()

    # ---- text templates: candidates from shared band keys, verified by exact Jaccard
    template_of: dict[int, str] = {}
    if prm.templates and len(band_h):
        tuf = UnionFind(n)
        shingle_cache: dict[int, set[int]] = {}

        def sset(i: int) -> set[int]:
            s = shingle_cache.get(i)
            if s is None:
                s = tpl.unpack(cols.shingles[i])
                if len(shingle_cache) > 200_000:
                    shingle_cache.clear()
                shingle_cache[i] = s
            return s

        for members in _groups(np.frombuffer(band_h, dtype=np.uint64),
                               np.frombuffer(band_ad, dtype=np.int32)):
            for x, y in tpl.bucket_pairs(members):
                if tuf.find(x) == tuf.find(y):
                    continue
                stats["template_candidates"] += 1
                if tpl.verify(sset(x), sset(y)) >= tpl.ACCEPT_JACCARD:
                    tuf.union(x, y)
            tick("templates", 1)
        groups: dict[int, list[int]] = defaultdict(list)
        for i in range(n):
            if tuf.size_of(i) > 1:
                groups[tuf.find(i)].append(i)
        for members in groups.values():
            tid = "t-" + _short_hash(min(cols.ids[m] for m in members))
            for m in members:
                template_of[m] = tid
                via[m].add(f"template:{tid}")
                uf.union(members[0], m)
        stats["template_clusters"] = len(groups)

    # ---- reused photos: PDQ within 31 bits (and rotated/mirrored copies), low quality ignored
    if cols.photos:
        stats["photo_links"] = _link_photos(cols, uf, via, prm)
    stats["photo_errors"] = cols.photo_errors

    # ---- identifiers, most specific first; hubs are reported, not used
    hubs: list[dict[str, Any]] = []
    # poster accounts are the platform's own identity of a poster, never generic: applied first
    # and never treated as hubs; contacts then go from the most specific to the most generic
    ordered = sorted(
        ((key, members) for key, members in id_keys.items() if len(set(members)) > 1),
        key=lambda kv: (not kv[0].startswith("account:"), len(kv[1]), kv[0]),
    )
    for key, members in ordered:
        uniq = sorted(set(members))
        roots = {uf.find(m) for m in uniq}
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
        for m in uniq:
            via[m].add(key)
            uf.union(uniq[0], m)
        stats[f"links_{key.split(':', 1)[0]}"] += len(uniq) - 1
    tick("identifiers", len(ordered))

    # ---- networks
    comps: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        comps[uf.find(i)].append(i)
    net_of: dict[int, str] = {}
    networks: list[dict[str, Any]] = []
    for members in comps.values():
        if len(members) < 2:
            continue
        nid = "n-" + _short_hash(min(cols.ids[m] for m in members))
        for m in members:
            net_of[m] = nid
        networks.append(_summary(nid, members, cols, via, template_of))
    networks.sort(key=lambda s: (-s["top_risk"], -s["size"], s["id"]))
    links = [
        {"id": cols.ids[i], "network": net_of.get(i), "via": sorted(via[i]) if i in net_of else []}
        for i in range(n)
    ]
    stats["ads"] = n
    stats["linked_ads"] = len(net_of)
    stats["networks"] = len(networks)
    photos = [(cols.ids[i], h) for i, hs in sorted(cols.photos.items()) for h in hs]
    return LinkResult(links, networks, hubs, dict(stats), photos)


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

_Photos = tuple[list[PdqHash], int] | None
_Mapped = tuple[list[tuple[tuple[str, ...], bytes]], list[tuple[str, ...]], list[_Photos]]
_Chunk = list[tuple[Mapping[str, Any], Mapping[str, Any]]]


def _map_chunk(texts: list[str], images: list[list[str]], templates: bool,
               image_root: str | None) -> _Mapped:
    """The per-ad map step that needs content: template features, names, photo hashes."""
    feats: list[tuple[tuple[str, ...], bytes]] = [((), b"")] * len(texts)
    if templates:
        feats = [(f.keys, f.shingles) for f in tpl.features(texts, _STOCK)]
    photos: list[_Photos] = []
    for paths in images:
        if not paths:
            photos.append(None)
            continue
        hashes = []
        failed = 0
        for path in paths:
            h = hash_image(Path(image_root, path) if image_root else Path(path))
            if h is None:
                failed += 1
            elif h.usable:
                hashes.append(h)
        photos.append((hashes, failed))
    return feats, [tuple(names_in(t)) if t else () for t in texts], photos


def _images(ad: Mapping[str, Any]) -> list[str]:
    imgs = ad.get("images") or []
    if isinstance(imgs, str):
        return [imgs]
    return [str(p) for p in imgs if isinstance(p, str) and "://" not in p]


def _map_ordered(chunks: Iterator[_Chunk], prm: LinkParams) -> Iterator[tuple[_Chunk, _Mapped]]:
    """Run :func:`_map_chunk` over chunks, in order, on ``prm.workers`` forked processes."""

    def args(chunk: _Chunk) -> tuple[list[str], list[list[str]], bool, str | None]:
        images = [_images(ad) if prm.photos else [] for ad, _ in chunk]
        return [_ad_text(ad) for ad, _ in chunk], images, prm.templates, prm.image_root

    yield from ordered_map(_map_chunk, ((c, args(c)) for c in chunks), prm.workers, prefetch=3)


def _link_photos(cols: _Columns, uf: UnionFind, via: list[set[str]], prm: LinkParams) -> int:
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

    def join(a: int, b: int, key: str) -> None:
        nonlocal links
        if a == b:
            return
        via[a].add(key)
        via[b].add(key)
        links += uf.union(a, b)

    for a, b, _dist in index.pairs(MATCH_THRESHOLD):
        join(a, b, f"photo:{cols.photos[min(a, b)][0].hex[:16]}")
    if signals:
        for owner, matches in zip(owners, index.query_many(signals), strict=True):
            for other, _dist in matches:
                join(owner, other, f"photo:{cols.photos[min(owner, other)][0].hex[:16]}")
    return links


def _short_hash(s: str) -> str:
    return hashlib.blake2b(s.encode(), digest_size=6).hexdigest()


def _groups(keys: np.ndarray[Any, Any], ads: np.ndarray[Any, Any]) -> Iterator[list[int]]:
    """Members (ad indices, ascending) of every key held by two or more ads."""
    order = np.lexsort((ads, keys))
    k = keys[order]
    a = ads[order]
    if k.size == 0:
        return
    cuts = np.flatnonzero(k[1:] != k[:-1]) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [k.size]))
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        if e - s > 1:
            members = a[s:e].tolist()
            yield list(dict.fromkeys(members))


def _summary(
    nid: str,
    members: list[int],
    cols: _Columns,
    via: list[set[str]],
    template_of: dict[int, str],
) -> dict[str, Any]:
    members = sorted(members, key=lambda m: (cols.posted[m], cols.ids[m]))
    idents: dict[str, Counter[str]] = defaultdict(Counter)
    for m in members:
        for key in via[m]:
            kind, _, value = key.partition(":")
            idents[kind][value] += 1
    cities: dict[tuple[str, str, str], dict[str, Any]] = {}
    for m in members:
        place = cols.place[m]
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
    templates = Counter(template_of[m] for m in members if m in template_of)
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
        place = cols.place[m]
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
