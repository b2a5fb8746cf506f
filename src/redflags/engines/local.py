"""Screen a stream of records on one or more local processes, keeping input order.

Work is shipped to workers in chunks (decode + validate + screen + serialise all happen in the
worker) so the parent only reads lines and writes bytes.  Memory stays flat: at most
``workers * prefetch`` chunks are in flight.  The per-record work itself is compiled, in
:mod:`redflags.engines.outcome`.

>>> from redflags.io import Record
>>> out = list(screen_records([Record("t", 1, b'{"id": "a"}'), Record("t", 2, b'{')]))
>>> [(o.line, o.ok) for o in out]
[(1, True), (2, False)]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING

from redflags.config import ScreenConfig
from redflags.engines.outcome import Outcome, screen_chunk, screen_each
from redflags.engines.pool import PREFETCH, ordered_map
from redflags.records import Record
from redflags.screen import screen

if TYPE_CHECKING:
    from redflags.engines.dask import DaskEngine

__all__ = ["CHUNK", "DASK_CHUNK", "PREFETCH", "Outcome", "screen_records"]

#: records per task: big enough to amortise pickling, small enough for a smooth progress bar
CHUNK = 256
#: records per task on Dask, whose scheduling and serialisation cost more per task than a
#: forked pool's (an ad-hoc timing, not a bench: 100,000 ads on a 2-worker local cluster ran
#: about 1.1x faster with 1024 than with 256; bench/scan.py's Dask row measures the result)
DASK_CHUNK = 1024


def _screen_chunk(chunk: list[Record], cfg: ScreenConfig) -> list[Outcome]:
    # ``screen`` is read here, in the worker, so that a test can stand in for it
    return screen_chunk(chunk, cfg, screen)


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


def screen_records(
    records: Iterable[Record],
    workers: int = 1,
    config: ScreenConfig | None = None,
    engine: DaskEngine | None = None,
) -> Iterator[Outcome]:
    """Screen records in input order on ``workers`` processes (1 = in this process), or on
    ``engine``'s Dask cluster when one is given (an open :class:`DaskEngine`).

    Lazy: no record is read before the first outcome is asked for.  One process returns the
    compiled per-record loop itself, so no Python frame sits between it and the caller."""
    cfg = config or ScreenConfig()
    if engine is not None:
        return _screen_on(engine, records, cfg)
    if workers <= 1:
        return screen_each(records, cfg, screen)
    return _screen_pooled(records, cfg, workers)


def _screen_on(
    engine: DaskEngine, records: Iterable[Record], cfg: ScreenConfig
) -> Iterator[Outcome]:
    tasks = ((None, (chunk, cfg)) for chunk in _chunks(records, DASK_CHUNK))
    for _, outcomes in engine.ordered_map(_screen_chunk, tasks):
        yield from outcomes


def _screen_pooled(records: Iterable[Record], cfg: ScreenConfig, workers: int) -> Iterator[Outcome]:
    tasks = ((None, (chunk, cfg)) for chunk in _chunks(records, CHUNK))
    for _, outcomes in ordered_map(_screen_chunk, tasks, workers):
        yield from outcomes
