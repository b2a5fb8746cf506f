"""Typed settings of the HTTP service (every knob, with its reason)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from redflags.review import CLAIM_TTL

__all__ = ["ApiSettings"]


@dataclass(frozen=True, slots=True)
class ApiSettings:
    #: largest request body (bytes); bigger requests get 413 before they are read.  Four text
    #: fields of 20,000 characters fit many times over; a batch of 500 ordinary ads fits
    max_body_bytes: int = 4 * 1024 * 1024
    #: most ads in one ``POST /v1/ads`` batch (each is screened inside the request)
    max_batch: int = 500
    #: requests per second each API key may sustain (token bucket, in this process's memory:
    #: behind several server processes the limit applies per process)
    rate_per_second: float = 100.0
    #: burst a key may spend at once before the sustained rate applies
    burst: int = 200
    #: seconds a verified key is remembered (saves a database read per request); a key revoked
    #: through this server stops at once, one revoked by the CLI within this many seconds
    key_cache_seconds: float = 5.0
    #: threads screening and storing ``/v1/screen`` and ``/v1/ads`` requests; screening holds
    #: the GIL, so more threads only make every request wait longer (see bench/api.py)
    screen_threads: int = 4
    #: how long a reviewer's claim on a queue item lasts
    claim_ttl: timedelta = CLAIM_TTL
    #: serve the OpenAPI description and interactive docs at /openapi.json and /docs
    docs: bool = True
    #: evidence store directory for cases, exports and legal holds (None: the
    #: ``$REDFLAGS_EVIDENCE_DIR`` environment variable, else ``./redflags-evidence``)
    evidence_dir: Path | None = None
    #: seconds the UI dashboard reuses a window's figures (0: compute them for every view)
    dashboard_cache_seconds: float = 30.0
