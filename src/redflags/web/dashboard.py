"""The dashboard, ``/dashboard``: volumes, levels, top indicators and networks, reviewer work.

Every figure comes from :mod:`redflags.store.stats` (SQL ``GROUP BY`` over indexed time columns,
bounded to the chosen window), and every chart is SVG drawn on the server by
:mod:`redflags.web.charts`: the page runs no script of its own.  Counts only, never ad text.

The figures of each window are kept for ``ApiSettings.dashboard_cache_seconds`` (30 s by
default; at a million ads computing them takes ~0.7 s): a room of analysts reloading the page
costs the database one computation per window and interval, not one per view.  The page says
when its figures were computed and offers a refresh that recomputes them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from redflags.store import Actor, Store, stats
from redflags.store.repo import utcnow
from redflags.web import charts
from redflags.web.auth import require_role
from redflags.web.network import VIEW_ROLES
from redflags.web.render import render

__all__ = ["WINDOWS", "router"]

#: windows offered on the page, in days (each is one bounded range scan per query)
WINDOWS = (7, 30, 90)
#: reviewers drawn as lines in the throughput chart (all of them are in its table)
MAX_REVIEWER_LINES = 6
#: risk-level colours, as in app.css (text colour on white >= 4.5:1)
LEVEL_COLORS = {"low": "#2f6b3a", "medium": "#7a5a00", "high": "#a14a00", "critical": "#a1262b"}

#: threads running one dashboard's queries side by side (SQLite and PostgreSQL both serve
#: concurrent readers); shared by all requests so a burst of viewers cannot open many more
_POOL = ThreadPoolExecutor(max_workers=3, thread_name_prefix="redflags-dashboard")

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Actor, Depends(require_role(*VIEW_ROLES))]

@dataclass(frozen=True)
class Figures:
    """One window's figures, as computed at ``now``."""

    now: datetime
    received: list[tuple[str, int]]
    flagged: list[tuple[str, int]]
    agreement: stats.Agreement
    levels: dict[str, int]
    indicators: list[tuple[str, int]]
    work: dict[str, list[tuple[str, int]]]
    totals: stats.Totals
    by_risk: list[dict[str, Any]]
    by_size: list[dict[str, Any]]


class FigureCache:
    """Figures per window for ``ttl`` seconds; one computation at a time per window, so a burst
    of viewers on a cold cache waits for one query set instead of starting one each."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._locks: dict[int, threading.Lock] = {}
        self._entries: dict[int, tuple[float, Figures]] = {}

    def get(self, days: int, compute: Callable[[], Figures], *, fresh: bool = False) -> Figures:
        if self.ttl <= 0:
            return compute()
        with self._lock:
            lock = self._locks.setdefault(days, threading.Lock())
        with lock:
            hit = self._entries.get(days)
            if hit is not None and not fresh and self._clock() - hit[0] < self.ttl:
                return hit[1]
            figures = compute()
            self._entries[days] = (self._clock(), figures)
            return figures


def compute_figures(store: Store, days: int) -> Figures:
    """Every figure of the page for the last ``days`` days, queried side by side."""
    now = utcnow()
    # independent reads, each on its own connection: the slow ones (agreement, levels, top
    # indicators) overlap instead of adding up
    f_received = _POOL.submit(stats.ads_per_day, store, days=days, now=now)
    f_flagged = _POOL.submit(stats.flagged_per_day, store, days=days, now=now)
    f_agree = _POOL.submit(stats.agreement, store, days=days, now=now)
    f_levels = _POOL.submit(stats.levels, store, days=days, now=now)
    f_indicators = _POOL.submit(stats.top_indicators, store, days=days, now=now)
    f_work = _POOL.submit(stats.throughput, store, days=days, now=now)
    f_totals = _POOL.submit(stats.totals, store, days=days, now=now)
    by_risk = stats.top_networks(store, by="risk")
    by_size = stats.top_networks(store, by="size")
    return Figures(
        now=now,
        received=f_received.result(),
        flagged=f_flagged.result(),
        agreement=f_agree.result(),
        levels=f_levels.result(),
        indicators=f_indicators.result(),
        work=f_work.result(),
        totals=f_totals.result(),
        by_risk=by_risk,
        by_size=by_size,
    )


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    actor: Viewer,
    window: Annotated[str | None, Query(alias="days", max_length=8)] = None,
    refresh: Annotated[str | None, Query(max_length=1)] = None,
) -> HTMLResponse:
    store: Store = request.app.state.store
    # a window not offered (or not a number) shows the default rather than an error page
    days = int(window) if window and window.isdigit() and int(window) in WINDOWS else 30
    cache: FigureCache = request.app.state.dashboard_cache
    fig = cache.get(
        days, lambda: compute_figures(store, days), fresh=refresh == "1"
    )
    labels = stats.day_labels(days, fig.now)
    received, flagged, agree = fig.received, fig.flagged, fig.agreement
    levels, indicators, work = fig.levels, fig.indicators, fig.work
    totals, by_risk, by_size = fig.totals, fig.by_risk, fig.by_size
    short = [d[5:] for d in labels]  # MM-DD on the axis; the full date is in each point's title
    volume_chart = charts.line_chart(
        short,
        {"Ads received": [n for _, n in received], "Held for review": [n for _, n in flagged]},
        title=f"Ads received and held for review per day, last {days} days",
        chart_id="chart-volume",
    )
    level_chart = charts.bar_chart(
        list(levels.items()), title=f"Screenings by risk level, last {days} days",
        chart_id="chart-levels", colors=LEVEL_COLORS,
    )
    indicator_chart = charts.bar_chart(
        indicators, title=f"Indicators most often found in ads held for review, last {days} days",
        chart_id="chart-indicators", label_width=230,
    )
    lines = dict(list(work.items())[:MAX_REVIEWER_LINES])
    throughput_chart = charts.line_chart(
        short, {name: [n for _, n in per_day] for name, per_day in lines.items()},
        title=f"Decisions per reviewer per day, last {days} days", chart_id="chart-throughput",
    )
    agree_rows = [
        {"name": name, "agree": a, "disagree": d, "share": a / (a + d) if a + d else None}
        for name, (a, d) in agree.by_reviewer.items()
    ]
    return render(
        request,
        "dashboard.html",
        days=days,
        windows=WINDOWS,
        totals=totals,
        received_total=sum(n for _, n in received),
        flagged_total=sum(n for _, n in flagged),
        volume_chart=volume_chart,
        level_chart=level_chart,
        levels=levels,
        indicator_chart=indicator_chart,
        indicators=indicators,
        by_risk=by_risk,
        by_size=by_size,
        throughput_chart=throughput_chart,
        work=[(name, sum(n for _, n in per_day)) for name, per_day in work.items()],
        agreement=agree,
        agree_rows=agree_rows,
        as_of=fig.now.strftime("%Y-%m-%d %H:%M:%S UTC"),
    )
