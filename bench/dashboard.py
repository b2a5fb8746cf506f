"""Dashboard and network page queries on a big store: server time per query, as a table.

    python bench/bigstore.py --ads 1000000                 # build the store once (shared)
    python bench/dashboard.py --db /tmp/redflags-bench/ui-1000000.db --copy

``--copy`` benchmarks a copy of the file (SQLite online backup), so opening it (which applies
pending migrations such as the dashboard indexes, 0005) never changes the original.  Each query
runs ``--repeat`` times; the table shows the median and the slowest.  The full ``/dashboard``
and one ``/networks/{id}`` page are rendered through the real app (TestClient, signed in).
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from redflags.store import SYSTEM, Store, stats


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times)


def _client(store: Store) -> Any:
    from fastapi.testclient import TestClient

    from redflags.api.app import create_app
    from redflags.store.sessions import set_password

    name, password = "bench-dashboard", "bench-dashboard-password"
    try:
        store.add_user(name, "analyst", actor=SYSTEM)
    except Exception:  # noqa: BLE001 - already there from an earlier run on this copy
        pass
    set_password(store, name, password, actor=SYSTEM)
    client = TestClient(create_app(store))
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    resp = client.post("/login", data={"name": name, "password": password,
                                       "csrf": token.group(1), "next": "/dashboard"},
                       follow_redirects=False)
    assert resp.status_code == 303, resp.status_code
    return client


def _get(client: Any, url: str) -> None:
    resp = client.get(url)
    if resp.status_code != 200:
        raise SystemExit(f"GET {url} answered {resp.status_code}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--db", type=Path, required=True, help="a SQLite store (bench/bigstore.py)")
    ap.add_argument("--copy", action="store_true", help="work on a copy of the file")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    path = args.db
    tmp = None
    if args.copy:
        tmp = tempfile.TemporaryDirectory(prefix="redflags-dash-")
        path = Path(tmp.name) / "copy.db"
        src = sqlite3.connect(args.db)
        dst = sqlite3.connect(path)
        src.backup(dst)
        src.close()
        dst.close()
    t = time.perf_counter()
    store = Store.open(f"sqlite:///{path}")
    opened = (time.perf_counter() - t) * 1000
    n_ads = store.count_ads()[0]
    net = stats.top_networks(store, by="size", limit=1)
    rows: list[tuple[str, float, float]] = []
    queries: dict[str, Callable[[], Any]] = {
        "ads_per_day (30 d)": lambda: stats.ads_per_day(store),
        "flagged_per_day (30 d)": lambda: stats.flagged_per_day(store),
        "levels (30 d)": lambda: stats.levels(store),
        "top_indicators (30 d)": lambda: stats.top_indicators(store),
        "top_networks by risk": lambda: stats.top_networks(store, by="risk"),
        "top_networks by size": lambda: stats.top_networks(store, by="size"),
        "throughput (30 d)": lambda: stats.throughput(store),
        "agreement (30 d)": lambda: stats.agreement(store),
        "totals": lambda: stats.totals(store),
        "ads_per_day (90 d)": lambda: stats.ads_per_day(store, days=90),
        "top_indicators (90 d)": lambda: stats.top_indicators(store, days=90),
    }
    for name, fn in queries.items():
        rows.append((name, *_time(fn, args.repeat)))
    client = _client(store)
    rows.append(("GET /dashboard (30 d)", *_time(lambda: _get(client, "/dashboard"), args.repeat)))
    rows.append(("GET /dashboard?days=90",
                 *_time(lambda: _get(client, "/dashboard?days=90"), args.repeat)))
    if net:
        nid = net[0]["id"]
        rows.append((f"GET /networks/{nid} ({net[0]['size']} ads)",
                     *_time(lambda: _get(client, f"/networks/{nid}"), args.repeat)))
    print(f"store: {n_ads:,} ads; open + migrate {opened:,.0f} ms; {args.repeat} runs each")
    print(f"{'query':<44} {'median ms':>10} {'max ms':>10}")
    for name, med, mx in rows:
        print(f"{name:<44} {med:>10.1f} {mx:>10.1f}")
    store.close()
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
