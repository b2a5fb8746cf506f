"""Build a big SQLite store fast: N ads that look like a real store after N ads of ingest.

    python bench/bigstore.py --ads 1000000 --db /tmp/redflags-bench/ui-1000000.db

Screening a million ads would take most of an hour, so a *base* of a few thousand synthetic
ads (``redflags.synth``) goes through the real path once: ``Store.ingest`` (screening with the
real catalog) and ``Store.link``.  The rows that path wrote (ads, ad_versions, assessments,
entities, review_items, networks, network_members) are then copied as *replicas* straight into
the target database with bulk ``executemany`` inserts, each replica an isomorphic copy of the
base world:

* new ad ids (``ad-0000001`` ..), new network and template ids;
* its own identifiers: phones moved to another real area code (still ``555-01XX``, or another
  line of the London drama range), e-mails, handles and accounts suffixed with the replica,
  so sharing *inside* a replica is the base's while replicas only meet on the few fictional
  numbers they are forced to share; wallets and ages are kept;
* its own cities (a rotation of the US cities, London stays London);
* posting times: the base's year folded into the last ~90 days; received = posted + minutes.

Items older than a week are mostly decided (``--decided``) by four bench reviewers (with a
decision row and its audit row each), a few open ones are claimed; everything else stays open.
The ad *body* text is the base's unchanged, so the phone written in a body may differ from the
replica's E.164 entity (evidence offsets stay right).  Secondary indexes are dropped during the
load and rebuilt at the end (faster than keeping them up to date row by row); ``ANALYZE`` is not
run, since a real store would not have run it either.

The database is reused when it already holds a build with the same parameters (a row in the
``settings`` table says which); ``--force`` rebuilds it.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from redflags.synth.places import GEO_AREA_CODES, US_CITIES

#: ads screened for real; the rest are copies of these
BASE_ADS = 5000
#: the store's ingest history spans this many days up to now
SPAN = timedelta(days=90)
#: items older than this are the ones reviewers have mostly decided already
DECIDED_AFTER = timedelta(days=7)
MARKER = "bench.bigstore"
REVIEWERS = ("bench-rev1", "bench-rev2", "bench-rev3", "bench-rev4")
_TS = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime in SQLite
#: the tables each copy of the base corpus writes, parents before children
_COPIED = (
    "ads", "ad_versions", "assessments", "entities", "review_items", "decisions", "audit_log",
)  # fmt: skip
_GEO = {a: i for i, a in enumerate(GEO_AREA_CODES)}
_US = {(c.name, c.region, c.country): i for i, c in enumerate(US_CITIES)}


@dataclass(frozen=True)
class BuildInfo:
    ads: int
    base: int
    seed: int
    decided: float
    seconds: float = 0.0
    bytes: int = 0

    def same_build(self, other: BuildInfo) -> bool:
        return (self.ads, self.base, self.seed, self.decided) == (
            other.ads,
            other.base,
            other.seed,
            other.decided,
        )


def _h(text: str, mod: int) -> int:
    """A stable small hash (Python's ``hash`` changes per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "little") % mod


# -- one replica's renaming ------------------------------------------------------------------


class Replica:
    """How replica ``k`` renames the base world (k = 0 keeps the base's own identifiers)."""

    def __init__(self, k: int, base_ids: Mapping[str, int], nbase: int) -> None:
        self.k = k
        self.base_ids = base_ids
        self.nbase = nbase
        #: posting times of different replicas differ by up to a day
        self.shift = timedelta(minutes=(k * 97) % 1440)

    def ad(self, base_id: str) -> str:
        return f"ad-{self.k * self.nbase + self.base_ids[base_id] + 1:07d}"

    def phone(self, p: str) -> str:
        if self.k == 0:
            return p
        if p.startswith("+1") and len(p) == 12 and int(p[2:5]) in _GEO:
            area = GEO_AREA_CODES[(_GEO[int(p[2:5])] + 13 * self.k) % len(GEO_AREA_CODES)]
            return f"+1{area}{p[5:]}"
        if p.startswith("+44207946") and len(p) == 13:
            return f"+44207946{(int(p[-4:]) + 37 * self.k) % 1000:04d}"
        return p

    def suffix(self, value: str) -> str:
        return value if self.k == 0 else f"{value}_{self.k}"

    def email(self, e: str) -> str:
        local, at, dom = e.partition("@")
        return e if self.k == 0 or not at else f"{local}.{self.k}@{dom}"

    def net(self, nid: str) -> str:
        return nid if self.k == 0 else f"{nid}-{self.k}"

    def city(self, city: Any, region: Any, country: Any) -> tuple[Any, Any, Any]:
        i = _US.get((city, region, country))
        if i is None or self.k == 0:
            return city, region, country
        c = US_CITIES[(i + 3 * self.k) % len(US_CITIES)]
        return c.name, c.region, c.country

    def key(self, key: str) -> str:
        """An identifier key ``kind:value`` as :func:`identifier_keys` writes it."""
        kind, _, value = key.partition(":")
        return f"{kind}:{self.entity(kind, value)}"

    def entity(self, kind: str, value: str) -> str:
        if kind == "phone":
            return self.phone(value)
        if kind == "email":
            return self.email(value)
        if kind in ("handle", "account"):
            return self.suffix(value)
        if kind == "template":
            return self.net(value)
        return value  # wallets, ages, image hashes

    def walk(self, obj: Any, when: Callable[[str], str]) -> Any:
        """A network summary renamed: ids, identifiers, cities and dates."""
        if isinstance(obj, dict):
            out = {k: self.walk(v, when) for k, v in obj.items()}
            if "city" in out:
                out["city"], out["region"], out["country"] = self.city(
                    obj.get("city"), obj.get("region"), obj.get("country")
                )
            if isinstance(out.get("advertised"), str):
                name, _, region = out["advertised"].partition(", ")
                c = self.city(name, region, "US")
                out["advertised"] = f"{c[0]}, {c[1]}"
            return out
        if isinstance(obj, list):
            return [self.walk(v, when) for v in obj]
        if isinstance(obj, str):
            if obj in self.base_ids:
                return self.ad(obj)
            if obj.startswith(("n-", "t-")):
                return self.net(obj)
            if obj.startswith("+"):
                return self.phone(obj)
            if len(obj) == 20 and obj.endswith("Z") and obj[:2] == "20":
                return when(obj)
            if "@" in obj:
                return self.email(obj)
            if ":u-" in obj:  # an account "site:u-..."
                return self.suffix(obj)
        return obj


# -- the base: a few thousand ads through the real ingest --------------------------------------


def _base_rows(
    nbase: int, seed: int, log: Callable[[str], None]
) -> dict[str, list[dict[str, Any]]]:
    from redflags.store import LocalScreener, Store
    from redflags.store.ingest import prepare
    from redflags.store.repo import SYSTEM
    from redflags.synth import generate

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="redflags-base-") as tmp:
        path = Path(tmp) / "base.db"
        store = Store.open(f"sqlite:///{path}")
        screener = LocalScreener()
        batch = []
        for ad, _truth in generate(nbase, seed=seed):
            batch.append(prepare(orjson.dumps(ad).decode()))
            if len(batch) == 500:
                store.ingest(batch, screener, actor=SYSTEM, source="bulk", results=False)
                batch = []
        if batch:
            store.ingest(batch, screener, actor=SYSTEM, source="bulk", results=False)
        stats = store.link(actor=SYSTEM)
        store.close()
        log(f"base: {nbase} ads screened and linked in {time.perf_counter() - t0:.1f}s ({stats})")
        con = sqlite3.connect(path)
        con.row_factory = sqlite3.Row
        tables = (
            "ads",
            "ad_versions",
            "assessments",
            "entities",
            "review_items",
            "networks",
            "network_members",
        )
        rows = {
            t: [dict(r) for r in con.execute(f"SELECT * FROM {t} ORDER BY rowid")] for t in tables
        }
        con.close()
    return rows


# -- the copy -------------------------------------------------------------------------------


def _insert(con: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    con.executemany(sql, [tuple(r[c] for c in cols) for r in rows])


def _iso_to_dt(s: str) -> datetime:
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")


def build(db: Path, info: BuildInfo, log: Callable[[str], None] = print) -> BuildInfo:
    """Write a fresh store of ``info.ads`` ads at ``db`` (an existing file is replaced)."""
    from redflags.store import Store
    from redflags.store.repo import SYSTEM

    t0 = time.perf_counter()
    nbase = min(info.base, info.ads)
    base = _base_rows(nbase, info.seed, log)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    store = Store.open(f"sqlite:///{db}")
    reviewer_ids = [store.add_user(n, "reviewer", actor=SYSTEM)[0]["id"] for n in REVIEWERS]
    store.close()

    now = datetime.now(UTC).replace(tzinfo=None)
    start = now - SPAN
    posted = [_iso_to_dt(orjson.loads(v["content"])["posted_at"]) for v in base["ad_versions"]]
    p0, p1 = min(posted), max(posted)
    window = max((p1 - p0).total_seconds(), 1.0)
    fold = (SPAN - timedelta(days=1)).total_seconds() / window

    def when(iso: str, rep: Replica) -> datetime:
        return min(start + (_iso_to_dt(iso) - p0) * fold + rep.shift, now)

    def stamp(iso: str, rep: Replica) -> str:
        return when(iso, rep).strftime("%Y-%m-%dT%H:%M:%SZ")

    base_ids = {r["id"]: i for i, r in enumerate(base["ads"])}
    versions = {r["ad_id"]: r for r in base["ad_versions"]}
    max_aid = max(r["id"] for r in base["assessments"])
    max_rid = max((r["id"] for r in base["review_items"]), default=0)
    ents: dict[str, list[dict[str, Any]]] = {}
    for e in base["entities"]:
        ents.setdefault(e["ad_id"], []).append(e)
    assess = {r["id"]: r for r in base["assessments"]}
    items: dict[str, list[dict[str, Any]]] = {}
    for it in base["review_items"]:
        items.setdefault(it["ad_id"], []).append(it)
    members: dict[str, list[dict[str, Any]]] = {}
    for m in base["network_members"]:
        members.setdefault(m["network_id"], []).append(m)

    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-262144")
    con.execute("PRAGMA temp_store=MEMORY")
    # secondary indexes are rebuilt once at the end (the migration created them)
    index_sql = [
        r[0]
        for r in con.execute("SELECT sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL")
    ]
    for (name,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"
    ).fetchall():
        con.execute(f"DROP INDEX {name}")

    replicas = -(-info.ads // nbase)
    for k in range(replicas):
        rep = Replica(k, base_ids, nbase)
        count = min(nbase, info.ads - k * nbase)
        rows: dict[str, list[dict[str, Any]]] = {t: [] for t in _COPIED}
        for head in base["ads"][:count]:
            bid = head["id"]
            nid = rep.ad(bid)
            ver = versions[bid]
            content = orjson.loads(ver["content"])
            received = when(content["posted_at"], rep)
            content["posted_at"] = received.strftime("%Y-%m-%dT%H:%M:%SZ")
            received += timedelta(seconds=60 + _h(nid, 1800))
            ts = received.strftime(_TS)
            content["id"] = nid
            city = rep.city(content.get("city"), content.get("region"), content.get("country"))
            if content.get("city") is not None:
                content["city"], content["region"], content["country"] = city
            poster = content.get("poster")
            if isinstance(poster, dict) and poster.get("account_id"):
                poster["account_id"] = rep.suffix(str(poster["account_id"]))
            raw = orjson.dumps(content)
            sha = hashlib.sha256(raw).hexdigest()
            fp = hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()
            aid = k * max_aid + head["assessment_id"]
            rows["ads"].append(
                {
                    **head,
                    "id": nid,
                    "sha256": sha,
                    "fingerprint": fp,
                    "city": content.get("city"),
                    "region": content.get("region"),
                    "country": content.get("country"),
                    "assessment_id": aid,
                    "received_at": ts,
                    "updated_at": ts,
                }
            )
            rows["ad_versions"].append(
                {
                    **ver,
                    "ad_id": nid,
                    "sha256": sha,
                    "fingerprint": fp,
                    "content": raw.decode(),
                    "received_at": ts,
                }
            )
            a = assess[head["assessment_id"]]
            result = orjson.loads(a["result"])
            result["id"] = nid
            e = result.get("entities") or {}
            e["phones"] = [rep.phone(p) for p in e.get("phones") or ()]
            e["emails"] = [rep.email(x) for x in e.get("emails") or ()]
            e["handles"] = [
                {**h, "handle": rep.suffix(str(h.get("handle")))} for h in e.get("handles") or ()
            ]
            for place in e.get("places") or ():
                place["city"], place["region"], place["country"] = rep.city(
                    place.get("city"), place.get("region"), place.get("country")
                )
            rows["assessments"].append(
                {
                    **a,
                    "id": aid,
                    "ad_id": nid,
                    "result": orjson.dumps(result).decode(),
                    "created_at": ts,
                }
            )
            for ent in ents.get(bid, ()):
                rows["entities"].append(
                    {
                        "ad_id": nid,
                        "assessment_id": aid,
                        "kind": ent["kind"],
                        "value": rep.entity(ent["kind"], ent["value"])[:320],
                    }
                )
            for it in items.get(bid, ()):
                rid = k * max_rid + it["id"]
                item = {
                    **it,
                    "id": rid,
                    "ad_id": nid,
                    "assessment_id": aid,
                    "city": city[0],
                    "created_at": ts,
                    "updated_at": ts,
                }
                roll = _h(f"d{nid}", 10_000) / 10_000
                if now - received > DECIDED_AFTER and roll < info.decided:
                    by = reviewer_ids[_h(nid, len(reviewer_ids))]
                    at = (received + timedelta(hours=1 + _h(f"t{nid}", 48))).strftime(_TS)
                    verdict = ("confirmed-risk", "not-risk", "escalate")[
                        0 if it["risk"] >= 0.8 and roll < 0.6 else _h(f"v{nid}", 3)
                    ]
                    note = "second opinion needed (synthetic)" if verdict == "escalate" else None
                    item.update(status="decided", version=3, updated_at=at)
                    rows["decisions"].append(
                        {
                            "item_id": rid,
                            "ad_id": nid,
                            "ad_version": 1,
                            "user_id": by,
                            "verdict": verdict,
                            "note": note,
                            "created_at": at,
                        }
                    )
                    rows["audit_log"].append(
                        {
                            "at": at,
                            "user_id": by,
                            "actor": REVIEWERS[reviewer_ids.index(by)],
                            "role": "reviewer",
                            "action": "review.decision",
                            "target": f"ad:{nid}",
                            "detail": orjson.dumps({"verdict": verdict, "item": rid}).decode(),
                        }
                    )
                elif roll > 0.999:  # a few open items someone is working on right now
                    item.update(
                        claimed_by=reviewer_ids[0],
                        version=2,
                        claim_expires_at=(now + timedelta(minutes=15)).strftime(_TS),
                    )
                rows["review_items"].append(item)
        con.execute("BEGIN")
        for table in _COPIED:  # parents before children
            _insert(con, table, rows[table])
        if count == nbase:  # the link run's networks of a whole replica
            nets, mems = [], []
            for n in base["networks"]:
                summary = rep.walk(orjson.loads(n["summary"]), partial(stamp, rep=rep))
                nets.append(
                    {**n, "id": rep.net(n["id"]), "summary": orjson.dumps(summary).decode()}
                )
                for m in members.get(n["id"], ()):
                    via = [rep.key(v) for v in orjson.loads(m["via"])]
                    mems.append(
                        {
                            "network_id": rep.net(n["id"]),
                            "ad_id": rep.ad(m["ad_id"]),
                            "via": orjson.dumps(via).decode(),
                        }
                    )
            _insert(con, "networks", nets)
            _insert(con, "network_members", mems)
        con.execute("COMMIT")
        if k % 20 == 0 or k == replicas - 1:
            loaded = k * nbase + count
            log(f"  {loaded:>9,} ads  {time.perf_counter() - t0:6.1f}s")
    t_idx = time.perf_counter()
    for sql in index_sql:
        con.execute(sql)
    log(f"indexes rebuilt in {time.perf_counter() - t_idx:.1f}s")
    elapsed = time.perf_counter() - t0
    done = BuildInfo(
        info.ads, info.base, info.seed, info.decided, round(elapsed, 1), db.stat().st_size
    )
    con.execute(
        "INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)",
        (MARKER, orjson.dumps(asdict(done)).decode()),
    )
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    return done


def existing(db: Path) -> BuildInfo | None:
    """The build recorded in ``db``, if it holds one."""
    if not db.exists():
        return None
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        row = con.execute("SELECT value FROM settings WHERE name = ?", (MARKER,)).fetchone()
        con.close()
    except sqlite3.Error:
        return None
    return BuildInfo(**orjson.loads(row[0])) if row else None


def ensure(
    db: Path,
    ads: int,
    *,
    base: int = BASE_ADS,
    seed: int = 7,
    decided: float = 0.8,
    force: bool = False,
    log: Callable[[str], None] = print,
) -> BuildInfo:
    """The store at ``db`` with ``ads`` ads: reused when already built alike, else built."""
    want = BuildInfo(ads, base, seed, decided)
    have = None if force else existing(db)
    if have is not None and have.same_build(want):
        log(f"reusing {db} ({have.ads:,} ads, built in {have.seconds}s)")
        _catch_up_indexes(db, log)
        return have
    log(f"building {db} with {ads:,} ads (base {min(base, ads)}, seed {seed})")
    return build(db, want, log)


def _catch_up_indexes(db: Path, log: Callable[[str], None]) -> None:
    """Create indexes of the schema the file lacks: an unreleased migration may gain an
    index after the file was built, and Alembic will not run an applied revision again."""
    import sqlalchemy as sa

    from redflags.store import Store
    from redflags.store.schema import metadata

    Store.open(f"sqlite:///{db}").close()  # migrations first: they create most indexes
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        have = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        for table in metadata.sorted_tables:
            if table.name not in have:
                continue
            for index in table.indexes:
                if index.name not in have:
                    t = time.perf_counter()
                    index.create(conn)
                    log(f"created missing index {index.name} ({time.perf_counter() - t:.1f}s)")
    engine.dispose()


def _sizes(db: Path) -> Iterator[tuple[str, int]]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    for t in (
        "ads",
        "assessments",
        "entities",
        "review_items",
        "decisions",
        "networks",
        "network_members",
    ):
        yield t, con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
    yield (
        "open items",
        con.execute("SELECT count(*) FROM review_items WHERE status = 'open'").fetchone()[0],
    )
    con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--ads", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, help="default /tmp/redflags-bench/ui-<ads>.db")
    ap.add_argument("--base", type=int, default=BASE_ADS, help="ads screened for real")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--decided",
        type=float,
        default=0.8,
        help="share of items older than a week already decided",
    )
    ap.add_argument("--force", action="store_true", help="rebuild even if the file matches")
    args = ap.parse_args(argv)
    if args.ads < 1 or args.base < 1:
        ap.error("--ads and --base must be >= 1")
    db = args.db or Path(f"/tmp/redflags-bench/ui-{args.ads}.db")
    info = ensure(
        db, args.ads, base=args.base, seed=args.seed, decided=args.decided, force=args.force
    )
    print(f"{db}: {info.bytes / 1e6:,.0f} MB, built in {info.seconds}s")
    for name, n in _sizes(db):
        print(f"  {name:<16}{n:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
