"""Benchmark `redflags scan`: ads/s on 1 and 2 workers, peak RSS, and a phonenumbers baseline.

    python bench/scan.py [--ads 100000] [--seed 3] [--repeat 1]

Each measurement runs in a fresh child process so peak RSS is its own.  The baseline is a plain
``phonenumbers.PhoneNumberMatcher`` pass (region from the ad) over the same title+body text on
one core, which is what a naive screener would spend on phones alone.  Memory flatness is shown
by screening growing prefixes of the corpus on one worker.

``make`` compiles the screening modules with mypyc (``redflags._native``); the table also
screens the corpus from the pure-Python sources (``REDFLAGS_PURE=1``) on one worker, so the
gain is a ratio measured in the same run on the same machine.  On a shared machine whose speed
drifts, ``--repeat N`` runs every throughput measurement N times, interleaved, and keeps each
one's fastest run (peak RSS is the largest seen).
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


def _peak_rss_mb() -> float:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kb, child_kb) / 1024


def child_scan(path: str, workers: int, limit: int) -> dict[str, float]:
    from itertools import islice

    from redflags.engines.local import screen_records
    from redflags.io import iter_records

    t0 = time.perf_counter()
    n = 0
    for _ in screen_records(islice(iter_records(path), limit), workers):
        n += 1
    elapsed = time.perf_counter() - t0
    return {"ads": n, "seconds": elapsed, "ads_per_s": n / elapsed, "rss_mb": _peak_rss_mb()}


def child_matcher(path: str, limit: int) -> dict[str, float]:
    import orjson
    import phonenumbers

    texts = []
    with open(path, "rb") as fh:
        for i, line in enumerate(fh):
            if i >= limit:
                break
            ad = orjson.loads(line)
            texts.append(
                (f"{ad.get('title', '')}\n{ad.get('body', '')}", ad.get("country") or "US")
            )
    t0 = time.perf_counter()
    found = 0
    for text, region in texts:
        found += sum(1 for _ in phonenumbers.PhoneNumberMatcher(text, region))
    elapsed = time.perf_counter() - t0
    return {
        "ads": len(texts),
        "seconds": elapsed,
        "ads_per_s": len(texts) / elapsed,
        "rss_mb": _peak_rss_mb(),
        "found": found,
    }


def _run_child(*args: str, pure: bool = False) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "REDFLAGS_PURE"}
    if pure:
        env["REDFLAGS_PURE"] = "1"
    out = subprocess.run(
        [sys.executable, str(HERE), "--child", *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ads", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement (best kept)")
    ap.add_argument("--child", nargs="*")
    args = ap.parse_args(argv)
    if args.child is not None:
        kind, path, *rest = args.child
        if kind == "scan":
            res = child_scan(path, int(rest[0]), int(rest[1]))
        else:
            res = child_matcher(path, int(rest[0]))
        print(json.dumps(res))
        return 0

    from redflags._native import status
    from redflags.synth import write_corpus

    native = status()

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "bench.jsonl"
        t0 = time.perf_counter()
        write_corpus(args.ads, args.seed, corpus)
        gen = time.perf_counter() - t0
        mean_chars = _mean_chars(corpus)
        print(
            f"corpus: {args.ads:,} synthetic ads (seed {args.seed}), generated in {gen:.1f} s; "
            f"mean title+body {mean_chars:.0f} chars; {os.cpu_count()} cores\n"
            f"screening modules: {'compiled' if native.compiled else 'pure Python'} "
            f"({native.reason})\n"
        )
        src, n = str(corpus), str(args.ads)
        plan = [
            ("phonenumbers.PhoneNumberMatcher only", 1, ("matcher", src, n), False),
            ("redflags scan (full screening)", 1, ("scan", src, "1", n), False),
            ("redflags scan (full screening)", 2, ("scan", src, "2", n), False),
            ("redflags scan, pure-Python sources", 1, ("scan", src, "1", n), True),
        ]
        runs: list[list[dict[str, float]]] = [[] for _ in plan]
        for _ in range(max(1, args.repeat)):  # interleaved, so a slow spell hits every row
            for k, (_name, _w, child, pure_run) in enumerate(plan):
                runs[k].append(_run_child(*child, pure=pure_run))
        best = [
            {**max(rs, key=lambda r: r["ads_per_s"]), "rss_mb": max(r["rss_mb"] for r in rs)}
            for rs in runs
        ]
        rows = [(name, w, b) for (name, w, _c, _p), b in zip(plan, best, strict=True)]
        base, one, two, pure = best
        print(
            f"{'what':42} {'workers':>7} {'ads':>9} {'seconds':>8} {'ads/s':>9} "
            f"{'ads/s/core':>10} {'peak RSS MB':>11}"
        )
        for name, w, r in rows:
            print(
                f"{name:42} {w:>7} {int(r['ads']):>9,} {r['seconds']:>8.1f} "
                f"{r['ads_per_s']:>9,.0f} {r['ads_per_s'] / w:>10,.0f} {r['rss_mb']:>11.0f}"
            )
        print(
            f"\nfull screening vs matcher alone (1 core): "
            f"{one['ads_per_s'] / base['ads_per_s']:.2f}x; "
            f"2 workers vs 1: {two['ads_per_s'] / one['ads_per_s']:.2f}x; "
            f"this build vs pure-Python sources (1 core): "
            f"{one['ads_per_s'] / pure['ads_per_s']:.2f}x"
        )
        print("\nmemory as the corpus grows (1 worker, streaming):")
        print(f"{'ads':>9} {'peak RSS MB':>11}")
        for n in (args.ads // 4, args.ads // 2, args.ads):
            r = _run_child("scan", str(corpus), "1", str(n))
            print(f"{n:>9,} {r['rss_mb']:>11.0f}")
    return 0


def _mean_chars(path: Path) -> float:
    import orjson

    total = n = 0
    with open(path, "rb") as fh:
        for line in fh:
            ad = orjson.loads(line)
            total += len(ad.get("title", "")) + len(ad.get("body", ""))
            n += 1
    return total / max(n, 1)


if __name__ == "__main__":
    raise SystemExit(main())
