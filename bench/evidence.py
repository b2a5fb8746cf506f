"""Evidence store: log append rate, open cost, verify time and memory at 1M entries / 100k objects.

    python bench/evidence.py                          # 1,000,000 entries, 100,000 objects
    python bench/evidence.py --entries 200000 --objects 20000 --dir /tmp/ev --keep

Steps, on a fresh store in a temp directory (or --dir):

1. single mode: ``log_event`` one at a time, each fsynced before it returns (``--single`` entries);
2. batch mode: ``--objects`` captures of random 1-4 KB blobs, then access/export events naming
   them until the log holds ``--entries`` entries, ``--batch`` entries per ``batch()`` (one
   ``os.sync()`` for the objects and one fsync for the log per batch);
3. ``EvidenceStore.open`` + ``head()`` on the full log (reads only its tail);
4. ``verify()`` in a fresh subprocess (so its peak RSS is its own), once when the log holds
   about a tenth of its entries and once at the end: flat memory shows as equal RSS.

The machine is shared, so figures are indicative; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from redflags.evidence.log import EvidenceStore

VERIFY = """
import sys, time, resource, orjson
from redflags.evidence.log import EvidenceStore
t = time.perf_counter()
with EvidenceStore.open(sys.argv[1], create=False) as ev:
    r = ev.verify()
dt = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(orjson.dumps({"s": dt, "ok": r.ok, "counts": r.counts, "rss_kb": rss}).decode())
"""

BASELINE = """
import resource
from redflags.evidence.log import EvidenceStore
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _verify(root: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", VERIFY, str(root)], capture_output=True, check=True, text=True
    )
    result: dict[str, Any] = orjson.loads(out.stdout)
    return result


def _fill(ev: EvidenceStore, shas: list[str], n: int, batch: int, rng: random.Random) -> None:
    done = 0
    while done < n:
        k = min(batch, n - done)
        with ev.batch():
            for i in range(k):
                pick = shas[rng.randrange(len(shas))] if shas else None
                if (done + i) % 10 == 0 and pick:
                    ev.log_event(
                        "export",
                        actor="liaison:bench",
                        reason="case package",
                        objects=[pick],
                        detail={"case": f"c-{i % 977}", "to": "package"},
                    )
                else:
                    ev.log_event(
                        "access",
                        actor="analyst:bench",
                        reason="case review",
                        objects=[pick] if pick else [],
                    )
        done += k


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--objects", type=int, default=100_000)
    ap.add_argument("--single", type=int, default=2_000, help="entries for single-fsync mode")
    ap.add_argument("--batch", type=int, default=10_000, help="entries per batch() block")
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the store afterwards")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    base = args.dir or Path(tempfile.mkdtemp(prefix="redflags-bench-evidence-"))
    root = base / "ev"
    if root.exists():
        sys.exit(f"{root} exists; give an empty --dir")
    rows: list[tuple[str, str, str]] = []
    ev = EvidenceStore.open(root)

    t = time.perf_counter()
    for _ in range(args.single):
        ev.log_event("access", actor="analyst:bench", reason="single-mode append")
    dt = time.perf_counter() - t
    rate = f"{args.single / dt:,.0f} entries/s"
    rows.append(("append, single mode (fsync each)", f"{args.single:,} entries", rate))

    t = time.perf_counter()
    shas: list[str] = []
    captured_bytes = 0
    while len(shas) < args.objects:
        with ev.batch():
            for _ in range(min(args.batch, args.objects - len(shas))):
                blob = rng.randbytes(rng.randint(1024, 4096))
                captured_bytes += len(blob)
                shas.append(
                    ev.capture(blob, media_type="image/jpeg", actor="crawler", reason="intake")
                )
    dt = time.perf_counter() - t
    size = f"{args.objects:,} objects, {captured_bytes / 1e6:,.0f} MB"
    rows.append(
        ("capture, batch mode (object + entry)", size, f"{args.objects / dt:,.0f} objects/s")
    )

    rest = max(0, args.entries - args.single - args.objects)
    early = max(0, args.entries // 10 - args.single - args.objects)
    t = time.perf_counter()
    _fill(ev, shas, early, args.batch, rng)
    t_early = time.perf_counter() - t
    ev.close()
    v_early = _verify(root)
    ev = EvidenceStore.open(root)
    t = time.perf_counter()
    _fill(ev, shas, rest - early, args.batch, rng)
    dt = t_early + time.perf_counter() - t
    ev.close()
    size = f"{rest:,} entries ({args.batch:,}/batch)"
    rows.append(("append, batch mode", size, f"{rest / dt:,.0f} entries/s"))

    log_size = (root / "log.jsonl").stat().st_size
    t = time.perf_counter()
    with EvidenceStore.open(root) as ev:
        head = ev.head()
    dt = time.perf_counter() - t
    size = f"log {log_size / 1e6:,.0f} MB, seq {head[0]:,}"
    rows.append(("open + head()", size, f"{dt * 1e3:,.1f} ms"))

    baseline = int(
        subprocess.run(
            [sys.executable, "-c", BASELINE], capture_output=True, check=True, text=True
        ).stdout
    )
    v = _verify(root)
    for label, res in (("verify (early)", v_early), ("verify (full)", v)):
        c = res["counts"]
        assert isinstance(c, dict) and res["ok"], res
        size = f"{c['entries']:,} entries, {c['objects']:,} objects"
        rows.append((label, size, f"{res['s']:,.1f} s"))
        rss = f"{int(res['rss_kb']) / 1024:,.0f} MB"
        rows.append((f"  peak RSS, {label}", f"import alone: {baseline / 1024:,.0f} MB", rss))

    w = [max(len(r[i]) for r in rows) for i in range(3)]
    print(f"{'step':<{w[0]}}  {'size':<{w[1]}}  {'result':>{w[2]}}")
    print(f"{'-' * w[0]}  {'-' * w[1]}  {'-' * w[2]}")
    for a, b, c2 in rows:
        print(f"{a:<{w[0]}}  {b:<{w[1]}}  {c2:>{w[2]}}")
    print(f"\nstore: {root}" + ("" if args.keep else " (removed)"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bench process peak RSS: {peak:,.0f} MB")
    if not args.keep:
        shutil.rmtree(base if args.dir is None else root)


if __name__ == "__main__":
    main()
