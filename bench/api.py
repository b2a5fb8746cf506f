"""Load `POST /v1/screen` of a real `redflags serve` on 127.0.0.1 and print latency per rate.

For each backend (SQLite file, PostgreSQL schema) this script starts `redflags serve` as a
subprocess on a fresh database, makes a platform key, and then — from this separate process —
sends synthetic ads at fixed request rates (open loop: request i is due at i/rate seconds, and
its latency is measured from that due time, so a server falling behind shows up in the tail
instead of slowing the load down).  Every request is a new ad id, so every one is screened,
stored with its assessment, audited and committed before the answer.

    python bench/api.py                           # 50/100/200 req/s, 60 s each, both backends
    python bench/api.py --duration 10 --backends sqlite

PostgreSQL comes from --pg-url or $REDFLAGS_TEST_POSTGRES_URL (a throw-away schema is made and
dropped).  The load generator shares the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve import cli, serving  # noqa: E402 - a sibling script

from redflags.store.testing import ENV_TEST_POSTGRES, temporary_database  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class Run:
    backend: str
    rate: int
    sent: int
    ok: int
    errors: int
    seconds: float
    latencies: list[float]

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000


def _corpus(n: int) -> list[dict[str, object]]:
    from redflags.synth import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        path, _ = write_corpus(n, 5, Path(tmp) / "ads.jsonl")
        return [orjson.loads(line) for line in Path(path).read_bytes().splitlines() if line]


class _Conn:
    """One keep-alive HTTP/1.1 connection: a lean client, so that the load generator (which
    shares the cores with the server) costs far less per request than a full HTTP library."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def post(self, host: str, path: str, token: str, body: bytes) -> int:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            return 0
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        await self.reader.readexactly(length)
        return int(status_line.split()[1])


async def _load(
    base: str, token: str, ads: list[dict[str, object]], rate: int, seconds: float, tag: str
) -> Run:
    n = int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    kinds: dict[str, int] = {}
    host, _, port = base.removeprefix("http://").partition(":")
    idle: list[_Conn] = []
    bodies = []
    for i in range(n):
        ad = dict(ads[i % len(ads)])
        ad["id"] = f"{tag}-{i}"
        bodies.append(orjson.dumps(ad))
    t0 = time.perf_counter() + 0.2

    async def one(i: int) -> None:
        nonlocal errors
        due = t0 + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        conn = idle.pop() if idle else None
        try:
            if conn is None:
                conn = _Conn(*await asyncio.open_connection(host, int(port)))
            status = await conn.post(host, "/v1/screen", token, bodies[i])
            if status == 0:  # the server closed this idle keep-alive connection: reconnect
                conn.writer.close()
                conn = _Conn(*await asyncio.open_connection(host, int(port)))
                status = await conn.post(host, "/v1/screen", token, bodies[i])
            if status == 200:
                latencies.append(time.perf_counter() - due)
            else:
                errors += 1
                kinds[str(status)] = kinds.get(str(status), 0) + 1
            idle.append(conn)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
            errors += 1
            kinds[type(exc).__name__] = kinds.get(type(exc).__name__, 0) + 1
            if conn is not None:
                conn.writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    elapsed = time.perf_counter() - start
    for conn in idle:
        conn.writer.close()
    if kinds:
        print(f"  errors at {rate} req/s: {kinds}", flush=True)
    return Run("", rate, n, len(latencies), errors, elapsed, latencies)


def bench_backend(
    backend: str,
    pg_url: str | None,
    rates: list[int],
    seconds: float,
    ads: list[dict[str, object]],
    warmup: float,
    workers: int,
) -> list[Run]:
    runs: list[Run] = []
    with temporary_database(pg_url if backend == "postgres" else None) as url:
        subprocess.run(cli("db", "upgrade", "--db", url), check=True, capture_output=True)
        token = (
            subprocess.run(
                cli("users", "add", "bench-platform", "--role", "platform", "--db", url),
                check=True,
                capture_output=True,
            )
            .stdout.decode()
            .strip()
        )
        with serving(url, workers=workers) as base:
            if warmup > 0:
                asyncio.run(_load(base, token, ads, 20, warmup, f"warm-{backend}"))
            for rate in rates:
                run = asyncio.run(_load(base, token, ads, rate, seconds, f"{backend}-{rate}"))
                run.backend = backend
                runs.append(run)
                print(_row(run), flush=True)
    return runs


HEADER = (
    f"{'backend':<9} {'req/s':>6} {'sent':>6} {'ok':>6} {'errors':>6} {'achieved':>9} "
    f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
)


def _row(r: Run) -> str:
    achieved = r.ok / r.seconds if r.seconds else 0.0
    mx = max(r.latencies) * 1000 if r.latencies else float("nan")
    return (
        f"{r.backend:<9} {r.rate:>6} {r.sent:>6} {r.ok:>6} {r.errors:>6} {achieved:>9.1f} "
        f"{r.pct(0.50):>7.1f} {r.pct(0.95):>7.1f} {r.pct(0.99):>7.1f} {mx:>7.1f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds per rate")
    ap.add_argument("--rates", default="50,100,200", help="request rates, comma-separated")
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--pg-url", default=os.environ.get(ENV_TEST_POSTGRES, DEFAULT_PG))
    ap.add_argument("--ads", type=int, default=2000, help="distinct synthetic ads to cycle")
    ap.add_argument("--warmup", type=float, default=3.0, help="seconds at 20 req/s first")
    ap.add_argument("--workers", type=int, default=1, help="`redflags serve --workers`")
    args = ap.parse_args()
    rates = [int(r) for r in args.rates.split(",") if r]
    ads = _corpus(args.ads)
    print(
        f"POST /v1/screen, open loop, {args.duration:g} s per rate, {args.workers} server "
        f"process(es), {os.cpu_count()} cores shared by server and load generator",
        flush=True,
    )
    print(HEADER, flush=True)
    runs: list[Run] = []
    for backend in [b for b in args.backends.split(",") if b]:
        runs += bench_backend(
            backend, args.pg_url, rates, args.duration, ads, args.warmup, args.workers
        )
    print("\nsummary")
    print(HEADER)
    for r in runs:
        print(_row(r))
    if runs:
        worst = max(runs, key=lambda r: r.pct(0.99))
        print(
            f"\nworst p99: {worst.pct(0.99):.1f} ms ({worst.backend} at {worst.rate} req/s); "
            f"errors: {sum(r.errors for r in runs)}; median of p50s "
            f"{statistics.median(r.pct(0.5) for r in runs):.1f} ms"
        )


if __name__ == "__main__":
    main()
