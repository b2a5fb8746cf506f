"""Prometheus text-format metrics, kept in memory by a small thread-safe registry.

No client library: three counters and one histogram are all the service exposes, and the text
format is simple.  Labels carry the route *template* (``/v1/ads/{ad_id}``), never an ad id.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

__all__ = ["Metrics", "MetricsMiddleware"]

#: request latency buckets (seconds): the pre-publication target is p99 <= 50 ms
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]


def _labels(pairs: Mapping[str, str]) -> str:
    def esc(v: str) -> str:
        return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

    return "{" + ",".join(f'{k}="{esc(v)}"' for k, v in pairs.items()) + "}"


class Metrics:
    """Counters and a latency histogram per (method, route)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, str], int] = defaultdict(int)
        self.latency: dict[tuple[str, str], list[float]] = {}
        self.events: dict[tuple[str, str], int] = defaultdict(int)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(method, route, str(status))] += 1
            h = self.latency.get((method, route))
            if h is None:
                h = self.latency[(method, route)] = [0.0] * (len(BUCKETS) + 2)
            for i, b in enumerate(BUCKETS):
                if seconds <= b:
                    h[i] += 1
            h[-2] += 1  # count
            h[-1] += seconds  # sum

    def count(self, name: str, label: str, n: int = 1) -> None:
        """Domain events: ``screen`` by action, ``ingest`` by outcome, ``decision`` by verdict."""
        with self._lock:
            self.events[(name, label)] += n

    def render(self, gauges: Mapping[str, Mapping[str, float]] | None = None) -> str:
        lines = [
            "# HELP redflags_http_requests_total HTTP requests by method, route and status.",
            "# TYPE redflags_http_requests_total counter",
        ]
        with self._lock:
            for (m, r, s), n in sorted(self.requests.items()):
                lines.append(
                    f"redflags_http_requests_total"
                    f"{_labels({'method': m, 'route': r, 'status': s})} {n}"
                )
            lines += [
                "# HELP redflags_http_request_duration_seconds Request latency.",
                "# TYPE redflags_http_request_duration_seconds histogram",
            ]
            for (m, r), h in sorted(self.latency.items()):
                base = {"method": m, "route": r}
                for i, b in enumerate(BUCKETS):
                    lines.append(
                        "redflags_http_request_duration_seconds_bucket"
                        f"{_labels({**base, 'le': str(b)})} {int(h[i])}"
                    )
                lines.append(
                    "redflags_http_request_duration_seconds_bucket"
                    f"{_labels({**base, 'le': '+Inf'})} {int(h[-2])}"
                )
                lines.append(
                    f"redflags_http_request_duration_seconds_count{_labels(base)} {int(h[-2])}"
                )
                lines.append(
                    f"redflags_http_request_duration_seconds_sum{_labels(base)} {h[-1]:.6f}"
                )
            names = sorted({name for name, _ in self.events})
            for name in names:
                lines.append(f"# TYPE redflags_{name}_total counter")
                for (nm, label), n in sorted(self.events.items()):
                    if nm == name:
                        lines.append(f"redflags_{name}_total{_labels({'kind': label})} {n}")
        for gname, values in (gauges or {}).items():
            lines.append(f"# TYPE redflags_{gname} gauge")
            for label, v in sorted(values.items()):
                lines.append(f"redflags_{gname}{_labels({'kind': label})} {v:g}")
        return "\n".join(lines) + "\n"


class MetricsMiddleware:
    """ASGI middleware timing every HTTP request into a :class:`Metrics`."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None) or "unmatched"
            self.metrics.observe(
                scope.get("method", "?"), path, status, time.perf_counter() - start
            )
