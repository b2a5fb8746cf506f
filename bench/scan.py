"""Benchmark `redflags scan`: ads/s on 1 and 2 workers, peak RSS, and a phonenumbers baseline.

    python bench/scan.py [--ads 100000] [--seed 3] [--repeat 1]

Each measurement runs in a fresh child process so peak RSS is its own.  The baseline is a plain
``phonenumbers.PhoneNumberMatcher`` pass (region from the ad) over the same title+body text on
one core, which is what a naive screener would spend on phones alone.  Memory flatness is shown
by screening growing prefixes of the corpus on one worker.

The synthetic corpus holds under one phone number per ad, where the bare matcher is cheap.  A
second, phone-dense corpus (``--dense``, default 20,000 ads of about 240 characters, each with
four numbers from the fictional ranges, written the ways the matcher understands) repeats the
matcher-vs-screening comparison where the matcher is at its slowest, and prints how many numbers
each found.

The last row screens the corpus with ``--engine dask`` on a local Dask cluster of 2 single-thread
worker processes (started before the clock starts), to show what the Dask engine costs against
the local processes on the same machine; its peak RSS is the client's.

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


def _peak_rss_mb(self_only: bool = False) -> float:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if self_only:
        return self_kb / 1024
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kb, child_kb) / 1024


def child_scan(
    path: str, workers: int, limit: int, count_phones: bool = False, dask: bool = False
) -> dict[str, float]:
    from contextlib import nullcontext
    from itertools import islice
    from typing import Any

    import orjson

    from redflags.engines.local import screen_records
    from redflags.io import iter_records

    engine: Any = nullcontext()
    if dask:  # a local Dask cluster, started (and checked) before the clock starts
        from redflags.engines.dask import DaskEngine

        engine = DaskEngine(None, workers)
    payloads: list[bytes] = []
    with engine as eng:
        t0 = time.perf_counter()
        n = 0
        for outcome in screen_records(islice(iter_records(path), limit), workers, engine=eng):
            n += 1
            if count_phones:
                payloads.append(outcome.payload)
        elapsed = time.perf_counter() - t0
    # with Dask, the cluster's workers are this process's children: report the client alone
    res = {"ads": n, "seconds": elapsed, "ads_per_s": n / elapsed, "rss_mb": _peak_rss_mb(dask)}
    if count_phones:  # outside the timed loop
        res["found"] = sum(len(orjson.loads(p)["entities"]["phones"]) for p in payloads)
    return res


# Phone-dense ads: ~240 characters, four numbers each, from the fictional ranges only
# (NANP 555-0100..0199, UK 020 7946 0000..0999), in formats PhoneNumberMatcher accepts.
_DENSE_US = (
    "New in {city} this week, call or text {p0} or {p1} anytime. Rates {r} roses hh, ask for "
    "{name}, {age} yo. Also on whatsapp {p2}. Incall near downtown, clean and discreet place, "
    "no rush. Txt me {p3} after 9, no calls before noon please.",
    "{name} here, {age}, visiting {city} till Sunday. Text {p0} (not {p1}, that one is old). "
    "Donation {r} for the hour. Backup line {p2}, my friend answers at {p3}. Screening required, "
    "references please, thank you.",
    "Apartment for rent in {city}, 2 bed, {r} a week. Call the office {p0} or {p1}; weekend "
    "viewings through {p2}. Ask for {name}. Fax {p3}. No pets, no smoking, parking included,"
    " deposit one month.",
)
_DENSE_GB = (
    "New in {city} this week, ring {p0} or {p1}. {name}, {age}. Rates {r} for the hour, "
    "WhatsApp {p2}, friend on {p3}. Clean and discreet, central location, no rush at all,"
    " texts only please.",
    "Flat share in {city}, {r} a month, bills included. Call {p0} or {p1}, evenings {p2}, "
    "landlord {name} on {p3}. Close to the station, quiet street, no smokers please,"
    " viewings on Saturdays.",
)
_US_AREAS = (212, 312, 415, 617, 305, 702, 213, 646, 404, 503, 206, 720, 214, 713, 602, 215)
_US_CITIES = ("Chicago", "Houston", "Denver", "Miami", "Seattle", "Atlanta", "Phoenix", "Boston")
_GB_CITIES = ("London", "Leeds", "Bristol", "Manchester")
_NAMES = ("Lily", "Jade", "Nina", "Rosa", "Mia", "Ava", "Zoe", "Sara")


def write_dense(n: int, seed: int, path: Path) -> None:
    import random

    import orjson

    rnd = random.Random(seed)

    def us_number() -> str:
        a, x = rnd.choice(_US_AREAS), rnd.randint(100, 199)
        form = rnd.randrange(5)
        if form == 0:
            return f"{a}-555-0{x}"
        if form == 1:
            return f"({a}) 555-0{x}"
        if form == 2:
            return f"+1 {a} 555 0{x}"
        if form == 3:
            return f"{a}.555.0{x}"
        return f"{a}5550{x}"

    def gb_number() -> str:
        x = rnd.randint(0, 999)
        return rnd.choice((f"020 7946 0{x:03d}", f"+44 20 7946 0{x:03d}", f"0207946{x:04d}"))

    with open(path, "wb") as fh:
        for i in range(n):
            gb = rnd.random() < 0.2
            tpl = rnd.choice(_DENSE_GB if gb else _DENSE_US)
            num = gb_number if gb else us_number
            text = tpl.format(
                city=rnd.choice(_GB_CITIES if gb else _US_CITIES),
                name=rnd.choice(_NAMES),
                age=rnd.randint(19, 35),
                r=rnd.choice((150, 200, 250, 300)),
                p0=num(),
                p1=num(),
                p2=num(),
                p3=num(),
            )
            ad = {
                "id": f"dense-{i:07d}",
                "title": "",
                "body": text,
                "country": "GB" if gb else "US",
            }
            fh.write(orjson.dumps(ad) + b"\n")


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
    for text, region in texts:  # distinct numbers per ad, as screening reports them
        found += len(
            {
                (m.number.country_code, m.number.national_number)
                for m in phonenumbers.PhoneNumberMatcher(text, region)
            }
        )
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
    ap.add_argument("--dense", type=int, default=20_000, help="phone-dense ads (0 = skip)")
    ap.add_argument("--child", nargs="*")
    args = ap.parse_args(argv)
    if args.child is not None:
        kind, path, *rest = args.child
        if kind in ("scan", "scan-dask"):
            res = child_scan(
                path, int(rest[0]), int(rest[1]), rest[2:] == ["count"], kind == "scan-dask"
            )
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
            ("redflags scan --engine dask (local cluster)", 2, ("scan-dask", src, "2", n), False),
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
        base, one, two, pure, dask = best
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
            f"{one['ads_per_s'] / pure['ads_per_s']:.2f}x; "
            f"Dask engine vs local processes (2 workers): "
            f"{dask['ads_per_s'] / two['ads_per_s']:.2f}x"
        )
        print("\nmemory as the corpus grows (1 worker, streaming):")
        print(f"{'ads':>9} {'peak RSS MB':>11}")
        for n in (args.ads // 4, args.ads // 2, args.ads):
            r = _run_child("scan", str(corpus), "1", str(n))
            print(f"{n:>9,} {r['rss_mb']:>11.0f}")
        if args.dense > 0:
            _dense(Path(tmp) / "dense.jsonl", args.dense, args.seed, args.repeat)
    return 0


def _dense(path: Path, n: int, seed: int, repeat: int) -> None:
    write_dense(n, seed, path)
    print(
        f"\nphone-dense ads ({n:,}, seed {seed}; mean {_mean_chars(path):.0f} chars, "
        "4 fictional numbers each), 1 core:"
    )
    plan = [
        ("phonenumbers.PhoneNumberMatcher only", ("matcher", str(path), str(n))),
        ("redflags scan (full screening)", ("scan", str(path), "1", str(n), "count")),
    ]
    runs: list[list[dict[str, float]]] = [[] for _ in plan]
    for _ in range(max(1, repeat)):
        for k, (_name, child) in enumerate(plan):
            runs[k].append(_run_child(*child))
    best = [max(rs, key=lambda r: r["ads_per_s"]) for rs in runs]
    print(f"{'what':42} {'ads':>9} {'seconds':>8} {'ads/s':>9} {'distinct numbers found':>22}")
    for (name, _c), r in zip(plan, best, strict=True):
        print(
            f"{name:42} {int(r['ads']):>9,} {r['seconds']:>8.1f} {r['ads_per_s']:>9,.0f} "
            f"{int(r['found']):>22,}"
        )
    print(
        f"\nfull screening vs matcher alone (phone-dense, 1 core): "
        f"{best[1]['ads_per_s'] / best[0]['ads_per_s']:.2f}x"
    )


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
