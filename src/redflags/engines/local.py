"""Screen a stream of records on one or more local processes, keeping input order.

Work is shipped to workers in chunks (decode + validate + screen + serialise all happen in the
worker) so the parent only reads lines and writes bytes.  Memory stays flat: at most
``workers * prefetch`` chunks are in flight.

>>> from redflags.io import Record
>>> out = list(screen_records([Record("t", 1, b'{"id": "a"}'), Record("t", 2, b'{')]))
>>> [(o.line, o.ok) for o in out]
[(1, True), (2, False)]
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import orjson

from redflags.config import ScreenConfig
from redflags.engines.pool import PREFETCH, ordered_map
from redflags.errors import RecordError
from redflags.io import Record, decode_record
from redflags.screen import screen

__all__ = ["CHUNK", "PREFETCH", "Outcome", "screen_records"]

log = logging.getLogger(__name__)

#: records per task: big enough to amortise pickling, small enough for a smooth progress bar
CHUNK = 256


@dataclass(frozen=True, slots=True)
class Outcome:
    """One record's result: a serialised Assessment line, or an error message."""

    source: str
    line: int
    ok: bool
    payload: bytes  # assessment JSON when ok, else the error message (utf-8)
    level: str = ""
    action: str = ""
    indicators: tuple[str, ...] = ()
    raw_size: int = 0


def _screen_one(rec: Record, cfg: ScreenConfig) -> Outcome:
    size = len(rec.raw) + 1 if isinstance(rec.raw, bytes) else 0
    try:
        ad = decode_record(rec, cfg.max_field_chars)
    except RecordError as exc:
        return Outcome(rec.source, rec.line, False, str(exc).encode(), raw_size=size)
    try:
        a = screen(ad, config=cfg)
    except Exception as exc:  # a bug must not stop a run of millions: report this ad, go on
        # the exception's text may quote the ad, so only its type is reported
        log.debug("screening %s failed", ad.id, exc_info=True)
        message = (
            f"screening failed with an internal error ({type(exc).__name__}); please report it"
        )
        return Outcome(rec.source, rec.line, False, message.encode(), raw_size=size)
    data: dict[str, Any] = a.to_json()
    return Outcome(
        rec.source,
        rec.line,
        True,
        orjson.dumps(data),
        a.level,
        a.action,
        tuple(f.indicator for f in a.findings),
        size,
    )


def _screen_chunk(chunk: list[Record], cfg: ScreenConfig) -> list[Outcome]:
    return [_screen_one(r, cfg) for r in chunk]


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


def screen_records(
    records: Iterable[Record], workers: int = 1, config: ScreenConfig | None = None
) -> Iterator[Outcome]:
    """Screen records in input order on ``workers`` processes (1 = in this process)."""
    cfg = config or ScreenConfig()
    if workers <= 1:
        for rec in records:
            yield _screen_one(rec, cfg)
        return
    tasks = ((None, (chunk, cfg)) for chunk in _chunks(records, CHUNK))
    for _, outcomes in ordered_map(_screen_chunk, tasks, workers):
        yield from outcomes
