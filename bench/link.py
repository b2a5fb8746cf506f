"""Benchmark `redflags link`: ads/s and peak RSS at growing corpus sizes (is it quadratic?).

    python bench/link.py [--sizes 100000,300000,1000000] [--seed 3] [--workers 2]

For each size a synthetic corpus is generated, screened once with `redflags scan` (its time is
reported separately), then linked in a fresh child process from the ads plus their Assessments
(`link_records`), so the link figures are the linker's own: map (masking, shingles, MinHash band
keys, identifier keys), group-by, verification and union-find, and network summaries.  The last
column divides time by N: flat means linear.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()


def _rss_mb() -> float:
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def child(ads_path: str, scan_path: str, workers: int) -> dict[str, float]:
    import orjson

    from redflags.link.engine import LinkParams, link_records

    def pairs():  # type: ignore[no-untyped-def]
        with open(ads_path, "rb") as fa, open(scan_path, "rb") as fs:
            for la, ls in zip(fa, fs, strict=True):
                yield orjson.loads(la), orjson.loads(ls)

    t0 = time.perf_counter()
    res = link_records(pairs(), LinkParams(workers=workers))
    elapsed = time.perf_counter() - t0
    return {"seconds": elapsed, "ads": res.stats["ads"], "networks": res.stats["networks"],
            "linked": res.stats["linked_ads"], "hubs": len(res.hubs), "rss_mb": _rss_mb()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,300000,1000000")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--child", nargs=3)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], int(args.child[2]))))
        return 0
    from redflags.synth import write_corpus

    bin_dir = Path(sys.executable).parent
    print(f"{os.cpu_count()} cores; link workers {args.workers}\n")
    print(f"{'ads':>9} {'scan s':>8} {'link s':>8} {'link ads/s':>10} {'µs/ad':>7} "
          f"{'peak RSS MB':>11} {'networks':>9} {'linked':>9} {'hubs':>6}")
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            ads = Path(tmp) / "ads.jsonl"
            write_corpus(n, args.seed, ads)
            scan = Path(tmp) / "scan.jsonl"
            t0 = time.perf_counter()
            subprocess.run([str(bin_dir / "redflags"), "scan", str(ads), "-o", str(scan),
                            "--workers", str(args.workers)], check=True, capture_output=True)
            scan_s = time.perf_counter() - t0
            out = subprocess.run([sys.executable, str(HERE), "--child", str(ads), str(scan),
                                  str(args.workers)], check=True, capture_output=True, text=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{n:>9,} {scan_s:>8.1f} {r['seconds']:>8.1f} {n / r['seconds']:>10,.0f} "
                  f"{r['seconds'] / n * 1e6:>7.0f} {r['rss_mb']:>11.0f} {int(r['networks']):>9,} "
                  f"{int(r['linked']):>9,} {int(r['hubs']):>6,}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
