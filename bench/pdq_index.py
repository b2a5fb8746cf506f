"""Benchmark the PDQ index: build, query and all-pairs times, memory, recall; band-key blow-up.

    python bench/pdq_index.py [--sizes 100000,1000000,3000000] [--pairs-up-to 1000000]

For each size N a fresh child process draws N uniformly random 256-bit hashes and plants
near-duplicates: 1% of them get a copy 0..31 bits away (every distance equally often), and
0.1% an exact copy (the same photo in another ad).  The child reports:

* build: ``add_many`` of the hex strings plus ``build()`` (dedupe, 16 segment tables);
* query: one ``query()`` at a time, and ``query_many()`` over 10,000 hashes, per hash;
* memory: the index's numpy arrays (``nbytes``), and the child's peak RSS (includes the
  N generated hex strings and ids);
* recall: every planted pair must be returned by ``query_many`` (asserted, so a miss fails
  the run), and by ``pairs()`` up to ``--pairs-up-to`` hashes.

Then, on 100,000 hashes, the candidate blow-up of group-by key schemes that guarantee
31-bit matches (``band_keys``): candidate pairs = sum over keys of C(group size, 2).

Random hashes are the adversarial case for multi-index hashing only in bulk: real photo
hashes cluster, which raises both the true matches and the candidates.  Timings are wall
clock on whatever else the machine is running; compare rows, not runs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

HERE = Path(__file__).resolve()
PLANTED_SHARE = 0.01
REPEAT_SHARE = 0.001
BATCH = 10_000
SINGLE = 300


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_hashes(
    n: int, seed: int
) -> tuple[NDArray[np.uint8], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """``n`` hashes as (n, 32) bytes with planted pairs (a, b, distance) inside."""
    rng = np.random.default_rng(seed)
    raw = rng.integers(0, 256, (n, 32), dtype=np.uint8)
    planted = int(n * PLANTED_SHARE)
    repeats = int(n * REPEAT_SHARE)
    picks = rng.choice(n, size=2 * (planted + repeats), replace=False)
    src, dst = picks[: planted + repeats], picks[planted + repeats :]
    dist = np.concatenate([np.arange(planted) % 32, np.zeros(repeats, dtype=np.int64)])
    bits = np.unpackbits(raw[src], axis=1)
    for row, d in enumerate(dist.tolist()):
        flip = rng.choice(256, size=d, replace=False)
        bits[row, flip] ^= 1
    raw[dst] = np.packbits(bits, axis=1)
    return raw, src.astype(np.int64), dst.astype(np.int64), dist.astype(np.int64)


def child(n: int, seed: int, pairs_up_to: int) -> dict[str, float]:
    from redflags.link.pdq import PdqIndex

    raw, src, dst, dist = make_hashes(n, seed)
    hexes = [row.tobytes().hex() for row in raw]
    rss_data = _peak_rss_mb()

    index: PdqIndex[int] = PdqIndex()
    t0 = time.perf_counter()
    index.add_many(zip(hexes, range(n), strict=True))
    index.build()
    build_s = time.perf_counter() - t0

    rng = np.random.default_rng(seed + 1)
    sample = rng.choice(n, size=SINGLE, replace=False).tolist()
    t0 = time.perf_counter()
    for i in sample:
        index.query(hexes[i])
    single_us = (time.perf_counter() - t0) / SINGLE * 1e6

    # Recall: query every planted hash (and a random batch to time), all pairs must be found.
    queries = np.concatenate([src, rng.choice(n, size=BATCH, replace=False)])
    t0 = time.perf_counter()
    results = index.query_many([hexes[i] for i in queries.tolist()])
    batch_us = (time.perf_counter() - t0) / len(queries) * 1e6
    found = {(int(q), item) for q, hits in zip(queries, results, strict=True) for item, _ in hits}
    missed = [
        (a, b, d)
        for a, b, d in zip(src.tolist(), dst.tolist(), dist.tolist(), strict=True)
        if (a, b) not in found
    ]
    assert not missed, f"query recall < 1: missed {missed[:5]}"
    extra_rows = {
        "n": n,
        "planted": len(src),
        "build_s": build_s,
        "single_us": single_us,
        "batch_us": batch_us,
        "index_mb": index.nbytes / 2**20,
        "index_b_per_hash": index.nbytes / n,
        "rss_data_mb": rss_data,
    }
    if n <= pairs_up_to:
        t0 = time.perf_counter()
        got = {(a, b) for a, b, _ in index.pairs()}
        extra_rows["pairs_s"] = time.perf_counter() - t0
        extra_rows["pairs_found"] = len(got)
        planted = {(min(a, b), max(a, b)) for a, b in zip(src.tolist(), dst.tolist(), strict=True)}
        assert planted <= got, f"pairs recall < 1: missed {sorted(planted - got)[:5]}"
    extra_rows["rss_mb"] = _peak_rss_mb()
    return extra_rows


def key_blowup(n: int, seed: int) -> list[dict[str, float | str]]:
    """Candidate pairs of three group-by key schemes on ``n`` planted random hashes."""
    from redflags.link.pdq import band_keys

    raw, src, dst, dist = make_hashes(n, seed)
    words = raw.view(">u2").astype(np.int64)  # (n, 16) segment values
    schemes: dict[str, tuple[str, list[NDArray[np.int64]]]] = {
        "16 x 16-bit exact": ("<=15", [(s << 16) | words[:, s] for s in range(16)]),
        "32 x 8-bit exact": ("<=31", [(s << 8) | raw[:, s].astype(np.int64) for s in range(32)]),
        "16 x 16-bit, 1 bit cleared (band_keys)": (
            "<=31",
            [
                ((s * 16 + j) << 16) | (words[:, s] & ~(1 << j))
                for s in range(16)
                for j in range(16)
            ],
        ),
    }
    rows: list[dict[str, float | str]] = []
    for name, (guarantee, keys) in schemes.items():
        collisions = 0
        for k in keys:
            sizes = np.bincount(k)
            collisions += int((sizes * (sizes - 1) // 2).sum())
        # Planted pairs within 31 bits must share a key for a "<=31" scheme.
        shared = np.zeros(len(src), dtype=bool)
        for k in keys:
            shared |= k[src] == k[dst]
        recall = float(shared.mean())
        if guarantee == "<=31":
            assert recall == 1.0, name
        rows.append(
            {
                "scheme": name,
                "guarantee": guarantee,
                "keys": len(keys),
                "candidates": collisions,
                "share": collisions / (n * (n - 1) / 2),
                "recall31": recall,
            }
        )
    sample = [row.tobytes().hex() for row in raw[:2000]]
    t0 = time.perf_counter()
    for h in sample:
        band_keys(h)
    rows.append({"band_keys_us": (time.perf_counter() - t0) / len(sample) * 1e6})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000,3000000")
    parser.add_argument("--pairs-up-to", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keys-n", type=int, default=100_000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--keys", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.seed, args.pairs_up_to)))
        return
    if args.keys:
        print(json.dumps(key_blowup(args.keys_n, args.seed)))
        return

    def run(*extra: str) -> str:
        cmd = [sys.executable, str(HERE), "--seed", str(args.seed), *extra]
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout

    print("PDQ index (16 x 16-bit multi-index hashing, numpy), threshold 31")
    print(
        f"{'hashes':>10} {'planted':>8} {'build s':>8} {'query us':>9} {'batch us':>9} "
        f"{'index MB':>9} {'B/hash':>7} {'RSS MB':>7} {'pairs s':>8} {'recall':>7}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        r = json.loads(run("--child", str(size), "--pairs-up-to", str(args.pairs_up_to)))
        pairs = f"{r['pairs_s']:8.1f}" if "pairs_s" in r else f"{'-':>8}"
        print(
            f"{r['n']:>10,} {r['planted']:>8,} {r['build_s']:8.2f} {r['single_us']:9.0f} "
            f"{r['batch_us']:9.0f} {r['index_mb']:9.1f} {r['index_b_per_hash']:7.0f} "
            f"{r['rss_mb']:7.0f} {pairs} {'1.0':>7}",
            flush=True,
        )

    rows = json.loads(run("--keys", "--keys-n", str(args.keys_n)))
    print(f"\nGroup-by keys on {args.keys_n:,} random hashes (candidates = sum of C(group, 2))")
    print(
        f"{'scheme':<40} {'safe':>5} {'keys':>5} {'candidates':>14} {'of all':>8} {'recall31':>8}"
    )
    for row in rows[:-1]:
        print(
            f"{row['scheme']:<40} {row['guarantee']:>5} {row['keys']:>5} "
            f"{row['candidates']:>14,} {row['share']:8.3%} {row['recall31']:8.3f}"
        )
    print(f"band_keys(): {rows[-1]['band_keys_us']:.0f} us per hash (256 strings)")


if __name__ == "__main__":
    main()
