"""Benchmark `redflags link`: ads/s and peak RSS at growing corpus sizes (is it quadratic?).

    python bench/link.py [--sizes 100000,300000,1000000] [--seed 3] [--workers 2] [--keep DIR]

For each size a synthetic corpus is generated, screened once with `redflags scan` (its time is
reported separately), then linked in a fresh child process from the ads plus their Assessments
(`link_records`), so the link figures are the linker's own: map (masking, shingles, MinHash band
keys, identifier keys), group-by, verification and union-find, and network summaries.  They
include reading and parsing the two JSONL files (`parse cpu`, ~25 µs per ad, mostly the
Assessments' evidence), as `redflags link` on scan output does.

The machine is shared, so wall time alone says little: `cpu s` is the CPU time of the linking
process and its map workers together, and `ads/cpu-s` divides N by it.  `µs/ad` divides wall
time by N: flat means linear.  `--keep DIR` keeps the corpora and scans there and reuses them.

`--engine dask` runs the map step on a local Dask cluster of `--workers` processes (started
before the clock starts) instead of forked workers.  Dask's workers are not reaped before the
figures are read, so `cpu s` and `peak RSS MB` then count the client alone.
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()


def _rss_mb() -> float:
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def _self_rss_mb() -> float:
    """The client's own peak (with Dask, the local cluster's workers are its children)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def child(ads_path: str, scan_path: str, workers: int, engine: str = "local") -> dict[str, float]:
    from contextlib import nullcontext

    import orjson

    from redflags.link.engine import LinkParams, link_records

    parse = 0.0

    def pairs() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        nonlocal parse
        with open(ads_path, "rb") as fa, open(scan_path, "rb") as fs:
            for la, ls in zip(fa, fs, strict=True):
                t = time.process_time()
                pair = orjson.loads(la), orjson.loads(ls)
                parse += time.process_time() - t
                yield pair

    opened: Any = nullcontext()
    if engine == "dask":
        from redflags.engines.dask import DaskEngine

        opened = DaskEngine(None, workers)
    with opened as eng:
        t0, c0 = time.perf_counter(), _cpu()
        res = link_records(pairs(), LinkParams(workers=workers), engine=eng)
        elapsed, cpu = time.perf_counter() - t0, _cpu() - c0
    return {"seconds": elapsed, "cpu": cpu, "parse": parse, "ads": res.stats["ads"],
            "networks": res.stats["networks"], "linked": res.stats["linked_ads"],
            "hubs": len(res.hubs),
            "rss_mb": _rss_mb() if engine == "local" else _self_rss_mb()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,300000,1000000")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", help="folder to keep (and reuse) corpora and scans in")
    ap.add_argument("--engine", choices=("local", "dask"), default="local")
    ap.add_argument("--child", nargs=4)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], int(args.child[2]), args.child[3])))
        return 0
    from redflags.synth import write_corpus

    bin_dir = Path(sys.executable).parent
    print(f"{os.cpu_count()} cores; link workers {args.workers}; engine {args.engine}\n")
    print(f"{'ads':>9} {'scan s':>7} {'link s':>7} {'cpu s':>7} {'parse cpu':>9} "
          f"{'ads/s':>6} {'ads/cpu-s':>9} {'µs/ad':>6} {'peak RSS MB':>11} {'networks':>9} "
          f"{'linked':>9} {'hubs':>6}")
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(args.keep or tmp)
            folder.mkdir(parents=True, exist_ok=True)
            ads = folder / f"ads-{n}-{args.seed}.jsonl"
            scan = folder / f"scan-{n}-{args.seed}.jsonl"
            scan_s = float("nan")  # reused scan: not timed
            if not (args.keep and ads.exists() and scan.exists()):
                write_corpus(n, args.seed, ads)
                t0 = time.perf_counter()
                subprocess.run([str(bin_dir / "redflags"), "scan", str(ads), "-o", str(scan),
                                "--workers", str(args.workers)], check=True, capture_output=True)
                scan_s = time.perf_counter() - t0
            out = subprocess.run([sys.executable, str(HERE), "--child", str(ads), str(scan),
                                  str(args.workers), args.engine],
                                 check=True, capture_output=True, text=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{n:>9,} {scan_s:>7.1f} {r['seconds']:>7.1f} {r['cpu']:>7.1f} "
                  f"{r['parse']:>9.1f} {n / r['seconds']:>6,.0f} {n / r['cpu']:>9,.0f} "
                  f"{r['seconds'] / n * 1e6:>6.0f} {r['rss_mb']:>11.0f} "
                  f"{int(r['networks']):>9,} {int(r['linked']):>9,} {int(r['hubs']):>6,}",
                  flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
