"""Are the reviewer UI's pages fast on a big store?  Target: queue and ad page <= 200 ms server.

    python bench/ui.py --ads 1000000 --requests 50      # builds/reuses the store (bigstore.py)
    python bench/ui.py --ads 100000 --db /tmp/ui-100k.db --plans

Two parts, both on a SQLite store of ``--ads`` ads built by ``bench/bigstore.py``:

1. **Data layer**: the store calls behind the pages (``Store.queue`` first, filtered and deep
   pages, ``queue_depth``, ``get_ad``, ads sharing an identifier, ``network``, the dashboard's
   ``redflags.store.stats``), each timed ``--requests`` times in this process.  ``--plans``
   prints SQLite's ``EXPLAIN QUERY PLAN`` of every statement each call runs.
2. **HTTP**: the real app (``redflags serve`` in a subprocess) is signed in to through
   ``/login`` as a reviewer, then ``/queue`` (plain and filtered), ``/ads/{id}`` of high-risk
   ads (a different ad each request), ``/networks/{id}`` and ``/dashboard`` are requested
   ``--requests`` times each, one at a time, as are the ``/v1`` API equivalents with an API key.
   The table gives the ``Server-Timing: app;dur=`` value (time inside the app, up to the first
   byte of the response) and the time this client saw.  A page the UI does not have yet is
   listed as missing.

The machine's cores are shared with whatever else runs, so read the figures as an upper bound.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx2
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bigstore  # noqa: E402 - a sibling script
from _serve import serving  # noqa: E402 - a sibling script

from redflags.errors import ConflictError  # noqa: E402
from redflags.review import QueueFilter  # noqa: E402
from redflags.store import SYSTEM, Actor, Store  # noqa: E402

USER, ANALYST = "bench-ui", "bench-ui-analyst"
#: API keys of the benchmark's users, by name (made by :func:`_bench_user`)
TOKENS: dict[str, str] = {}
PASSWORD = "bench-ui-password-1"  # noqa: S105 - a throw-away benchmark store
#: the issue's budget for the queue and the ad page (server time)
BUDGET_MS = 200.0
_TIMING = re.compile(r"app;dur=([0-9.]+)")


@dataclass
class Series:
    name: str
    server: list[float] = field(default_factory=list)
    client: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    note: str = ""
    #: server time of the first request (a page's own caches are still empty)
    first: float | None = None


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def _row(s: Series, budget: bool) -> str:
    def four(xs: list[float]) -> str:
        return " ".join(
            f"{v:7.1f}"
            for v in (pct(xs, 0.5), pct(xs, 0.95), pct(xs, 0.99), max(xs, default=float("nan")))
        )

    status = ",".join(f"{k}x{v}" for k, v in sorted(s.statuses.items())) or "-"
    over = " OVER" if budget and s.server and pct(s.server, 0.95) > BUDGET_MS else ""
    client = four(s.client) if s.client else ""
    first = f"  first {s.first:.1f}" if s.first is not None else ""
    return (
        f"{s.name:<34}{len(s.server):>5} {status:>9}  {four(s.server)}  {client}{over}"
        f"{first}{s.note}"
    )


def _table(title: str, rows: list[Series], *, client: bool, budget: bool = True) -> None:
    print(f"\n{title}")
    head = f"{'':<34}{'n':>5} {'status':>9}  {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}"
    if client:
        head += f"  {'c.p50':>7} {'c.p95':>7} {'c.p99':>7} {'c.max':>7}"
    print(
        head
        + (
            "   (ms; server time, then client time; first = the cold first request)"
            if client
            else "   (ms)"
        )
    )
    for s in rows:
        print(_row(s, budget))


# -- the data layer ---------------------------------------------------------------------------


@contextlib.contextmanager
def _captured(store: Store) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (with parameters) the store runs inside the block."""
    out: list[tuple[str, Any]] = []

    def hook(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            out.append((statement, params))

    sa.event.listen(store.engine, "before_cursor_execute", hook)
    try:
        yield out
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", hook)


def _explain(db: Path, statements: list[tuple[str, Any]]) -> None:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    for sql, params in statements:
        print("    " + " ".join(sql.split())[:160])
        for row in con.execute(f"EXPLAIN QUERY PLAN {sql}", params):
            print(f"      {row[-1]}")
    con.close()


def sharing(
    store: Store, kind: str, value: str, ad_id: str, limit: int = 20
) -> tuple[list[str], int]:
    """Other ads sharing one identifier (what the ad page lists under each entity)."""
    from redflags.store.schema import entities as e

    with store.engine.connect() as conn:
        where = (e.c.kind == kind, e.c.value == value, e.c.ad_id != ad_id)
        ids = (
            conn.execute(sa.select(e.c.ad_id).where(*where).order_by(e.c.ad_id).limit(limit))
            .scalars()
            .all()
        )
        total = conn.execute(sa.select(sa.func.count()).where(*where)).scalar_one()
        conn.rollback()
    return list(ids), int(total)


def _samples(store: Store, n: int) -> dict[str, Any]:
    """Ids the benchmark visits: high-risk ads, their identifiers, top networks, a city."""
    items, _ = store.queue(QueueFilter(level="high"), limit=max(n, 50))
    crit, _ = store.queue(QueueFilter(level="critical"), limit=max(n // 4, 10))
    ads = [i["ad_id"] for i in crit + items][: max(n, 1)]
    with store.engine.connect() as conn:
        idents = conn.execute(
            sa.text(
                "SELECT kind, value, ad_id FROM entities WHERE kind IN ('phone','email','handle') "
                "AND ad_id IN (" + ",".join(f"'{a}'" for a in ads[:200]) + ")"
            )
        ).all()
        nets = (
            conn.execute(
                sa.text("SELECT id FROM networks ORDER BY top_risk DESC, size DESC LIMIT :n"),
                {"n": max(n, 1)},
            )
            .scalars()
            .all()
        )
        conn.rollback()
    return {
        "ads": ads,
        "idents": [tuple(r) for r in idents] or [("phone", "+0", "x")],
        "networks": list(nets),
        "city": items[0]["city"] if items else "Miami",
        "site": items[0]["site"] if items else "demo-board",
    }


def _stats_calls(store: Store) -> list[tuple[str, Callable[[], Any]]]:
    try:
        from redflags.store import stats
    except ImportError:
        return []
    out: list[tuple[str, Callable[[], Any]]] = []
    for name in getattr(stats, "__all__", ()):
        fn = getattr(stats, name)
        if not inspect.isfunction(fn) or name in ("day_labels", "member_texts"):
            continue
        params = list(inspect.signature(fn).parameters.values())
        if not params or params[0].name != "store":
            continue
        if name == "member_ads":
            continue  # needs a network id: timed with the network below
        out.append((f"stats.{name}", partial(fn, store)))
    return out


def _ignore_i(fn: Callable[[], Any], i: int) -> Any:
    return fn()


def data_layer(db: Path, n: int, plans: bool) -> tuple[dict[str, Any], Actor]:
    t0 = time.perf_counter()
    store = Store.open(f"sqlite:///{db}")
    print(f"opened and migrated the store in {time.perf_counter() - t0:.1f}s")
    actor = _bench_user(store, USER, "reviewer")
    analyst = _bench_user(store, ANALYST, "analyst")
    sm = _samples(store, n)
    _, total = store.queue(limit=1)
    calls: list[tuple[str, Callable[[int], Any]]] = [
        ("queue first page", lambda i: store.queue(limit=50)),
        ("queue level=high", lambda i: store.queue(QueueFilter(level="high"), limit=50)),
        ("queue level=critical", lambda i: store.queue(QueueFilter(level="critical"), limit=50)),
        ("queue category=youth", lambda i: store.queue(QueueFilter(category="youth"), limit=50)),
        (f"queue city={sm['city']}", lambda i: store.queue(QueueFilter(city=sm["city"]), limit=50)),
        (f"queue site={sm['site']}", lambda i: store.queue(QueueFilter(site=sm["site"]), limit=50)),
        ("queue unclaimed", lambda i: store.queue(QueueFilter(unclaimed=True), limit=50)),
        ("queue page 21 (offset 1000)", lambda i: store.queue(limit=50, offset=1000)),
        (
            f"queue last page (offset {max(total - 50, 0)})",
            lambda i: store.queue(limit=50, offset=max(total - 50, 0)),
        ),
        ("queue_depth", lambda i: store.queue_depth()),
        (
            "get_ad (high risk, audited)",
            lambda i: store.get_ad(sm["ads"][i % len(sm["ads"])], actor=actor),
        ),
        (
            "ads sharing an identifier",
            lambda i: sharing(store, *sm["idents"][i % len(sm["idents"])]),
        ),
    ]
    try:
        from redflags.store import webviews
    except ImportError:
        pass
    else:  # the UI's own reads (queue counts and filter choices, shared identifiers)
        calls += [
            ("webviews.level_counts", lambda i: webviews.level_counts(store)),
            (
                "webviews.level_counts category",
                lambda i: webviews.level_counts(store, QueueFilter(category="youth")),
            ),
            ("webviews.filter_values", lambda i: webviews.filter_values(store)),
            (
                "webviews.shared_identifiers",
                lambda i: webviews.shared_identifiers(store, sm["ads"][i % len(sm["ads"])]),
            ),
        ]
    if sm["networks"]:
        calls.append(
            (
                "network (audited)",
                lambda i: store.network(sm["networks"][i % len(sm["networks"])], actor=analyst),
            )
        )
        with contextlib.suppress(ImportError):
            from redflags.store.stats import member_ads

            calls.append(
                (
                    "stats.member_ads",
                    lambda i: member_ads(store, sm["networks"][i % len(sm["networks"])]),
                )
            )
    calls += [(name, partial(_ignore_i, f)) for name, f in _stats_calls(store)]
    rows = []
    for name, fn in calls:
        s = Series(name)
        with _captured(store) as stmts:
            fn(0)  # warm: compile the statement, fill the page cache
        for i in range(n):
            t = time.perf_counter()
            fn(i)
            s.server.append((time.perf_counter() - t) * 1000)
        rows.append(s)
        if plans:
            print(f"\n  {name}")
            _explain(db, stmts)
    depth = store.queue_depth()
    print(f"\nopen review items: {total:,} {depth}")
    _table(f"data layer, {n} calls each", rows, client=False)
    store.close()
    return sm, actor


def _bench_user(store: Store, name: str, role: str) -> Actor:
    """A user the benchmark signs in as (password for /login, a key for /v1)."""
    try:
        user, token = store.add_user(name, role, actor=SYSTEM)
        uid = int(user["id"])
    except ConflictError:
        _, token = store.create_key(name, actor=SYSTEM)
        uid = next(int(u["id"]) for u in store.list_users() if u["name"] == name)
    TOKENS[name] = token
    try:
        from redflags.store.sessions import set_password
    except ImportError:
        pass
    else:
        set_password(store, name, PASSWORD, actor=SYSTEM)
    return Actor(uid, name, role)


# -- HTTP ---------------------------------------------------------------------------------------


def _sign_in(client: httpx2.Client, user: str) -> str | None:
    """Sign in through the real form; None when it worked, else why not."""
    page = client.get("/login")
    if page.status_code == 404:
        return "no /login page"
    m = re.search(r'name="csrf"\s+value="([^"]+)"', page.text) or re.search(
        r'value="([^"]+)"\s+name="csrf"', page.text
    )
    if m is None:
        return "no csrf field on /login"
    resp = client.post(
        "/login", data={"name": user, "password": PASSWORD, "csrf": m.group(1), "next": "/queue"}
    )
    if resp.status_code != 303:
        return f"sign-in answered {resp.status_code}"
    return None


def _measure(
    clients: list[tuple[httpx2.Client, dict[str, str]]], name: str, paths: list[str], n: int
) -> Series:
    """``n`` GETs cycling through ``paths``, as the first user whose role may see them."""
    s = Series(name)
    for client, headers in clients:
        first = client.get(paths[0], headers=headers)  # warm; is the page there, and ours?
        if first.status_code not in (401, 403):
            break
    if first.status_code == 404 and not re.search(r"/(ads|networks)/", paths[0]):
        s.note = "  (missing: 404)"
        return s
    m = _TIMING.search(first.headers.get("server-timing", ""))
    s.first = float(m.group(1)) if m else None
    for i in range(n):
        t = time.perf_counter()
        resp = client.get(paths[i % len(paths)], headers=headers)
        s.client.append((time.perf_counter() - t) * 1000)
        s.statuses[resp.status_code] = s.statuses.get(resp.status_code, 0) + 1
        m = _TIMING.search(resp.headers.get("server-timing", ""))
        if m:
            s.server.append(float(m.group(1)))
    if not s.server:
        s.note = "  (no Server-Timing header)"
    return s


def http(db: Path, sm: dict[str, Any], n: int) -> None:
    ads = [f"/ads/{a}" for a in sm["ads"]]
    nets = [f"/networks/{x}" for x in sm["networks"]] or ["/networks/none"]
    pages = [
        ("/queue", ["/queue"]),
        ("/queue?level=high", ["/queue?level=high"]),
        ("/queue?level=critical", ["/queue?level=critical"]),
        ("/queue?category=youth", ["/queue?category=youth"]),
        (f"/queue?city={sm['city']}", [f"/queue?city={sm['city']}"]),
        ("/queue?offset=1000", ["/queue?offset=1000"]),
        ("/ads/{id} (high risk)", ads),
        ("/networks/{id}", nets),
        # every request recomputes (what the first viewer of a window waits for) ...
        ("/dashboard?refresh=1 (computed)", ["/dashboard?refresh=1"]),
        # ... and what everyone else gets within the cache interval
        ("/dashboard (cached figures)", ["/dashboard"]),
    ]
    api = [
        ("/v1/queue", ["/v1/queue"]),
        ("/v1/queue?level=high", ["/v1/queue?level=high"]),
        ("/v1/queue?category=youth", ["/v1/queue?category=youth"]),
        ("/v1/ads/{id} (high risk)", [f"/v1{a}" for a in ads]),
        ("/v1/networks/{id}", [f"/v1{x}" for x in nets]),
    ]
    with contextlib.ExitStack() as stack:
        log = Path(f"{db}.serve.log")
        base = stack.enter_context(
            serving(f"sqlite:///{db}", log=log, start_timeout=300, stop_timeout=20)
        )
        users = {
            u: stack.enter_context(httpx2.Client(base_url=base, timeout=60))
            for u in (USER, ANALYST)
        }
        why = {u: _sign_in(c, u) for u, c in users.items()}
        if why[USER] is None:
            signed: list[tuple[httpx2.Client, dict[str, str]]] = [
                (users[u], {}) for u in (USER, ANALYST) if why[u] is None
            ]
            rows = [_measure(signed, name, paths, n) for name, paths in pages]
            _table(
                f"UI pages over HTTP, signed in (reviewer; analyst where a reviewer may "
                f"not), {n} requests each",
                rows,
                client=True,
            )
        else:
            print(f"\nUI pages not measured: {why[USER]}")
        keyed = [(users[u], {"Authorization": f"Bearer {TOKENS[u]}"}) for u in (USER, ANALYST)]
        api_rows = [_measure(keyed, name, paths, n) for name, paths in api]
        _table(f"API equivalents with an API key, {n} requests each", api_rows, client=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="UI page latency on a big SQLite store")
    ap.add_argument("--ads", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, help="default /tmp/redflags-bench/ui-<ads>.db")
    ap.add_argument("--requests", type=int, default=50, help="requests (calls) per page")
    ap.add_argument("--plans", action="store_true", help="print EXPLAIN QUERY PLAN per call")
    ap.add_argument("--no-http", action="store_true", help="measure the data layer only")
    args = ap.parse_args(argv)
    if args.ads < 1 or args.requests < 1:
        ap.error("--ads and --requests must be >= 1")
    db = args.db or Path(f"/tmp/redflags-bench/ui-{args.ads}.db")
    info = bigstore.ensure(db, args.ads)
    print(
        f"store {db}: {info.ads:,} ads, {db.stat().st_size / 1e6:,.0f} MB "
        f"(built in {info.seconds:.0f}s)"
    )
    sm, _actor = data_layer(db, args.requests, args.plans)
    if not args.no_http:
        http(db, sm, args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
