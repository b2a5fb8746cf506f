"""One record's trip through a scan: decode, validate, screen, serialise, into an :class:`Outcome`.

This is the per-record work of ``redflags scan`` around :func:`~redflags.screen.screen`, so it
is compiled with the screening modules (:mod:`redflags._native`): run from
:mod:`redflags.engines.local` it would be interpreted Python for every ad.

>>> from redflags.records import Record
>>> from redflags.screen import screen
>>> [(o.line, o.ok) for o in screen_each([Record("t", 1, b'{"id": "a"}'), Record("t", 2, b'{')],
...                                      ScreenConfig(), screen)]
[(1, True), (2, False)]
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

import orjson

from redflags.config import ScreenConfig
from redflags.errors import RecordError
from redflags.model import Ad, Assessment
from redflags.records import Record, decode_record
from redflags.screen import screen

__all__ = ["Outcome", "ScreenFn", "screen_chunk", "screen_each", "screen_one"]

#: the scan's log (this work used to live in :mod:`redflags.engines.local`, and logs as it)
log: Final = logging.getLogger("redflags.engines.local")

#: bound once: compiled, a ``Final`` is a C static, where ``orjson.dumps`` is two lookups a call
_dumps: Final = orjson.dumps

#: what screens an ad: :func:`redflags.screen.screen`, or a stand-in a test puts in its place
ScreenFn = Callable[..., Assessment]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One record's result: a serialised Assessment line, or an error message.

    Outcomes travel back from worker processes, so ``__reduce__`` pickles them by their
    fields (as :mod:`redflags.model` does); ``__init__`` is spelt out because the generated
    one runs interpreted, even compiled."""

    source: str
    line: int
    ok: bool
    payload: bytes  # assessment JSON when ok, else the error message (utf-8)
    level: str = ""
    action: str = ""
    indicators: tuple[str, ...] = ()
    raw_size: int = 0

    def __init__(
        self,
        source: str,
        line: int,
        ok: bool,
        payload: bytes,
        level: str = "",
        action: str = "",
        indicators: tuple[str, ...] = (),
        raw_size: int = 0,
    ) -> None:
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "ok", ok)
        object.__setattr__(self, "payload", payload)
        object.__setattr__(self, "level", level)
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "indicators", indicators)
        object.__setattr__(self, "raw_size", raw_size)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (
            Outcome,
            (
                self.source,
                self.line,
                self.ok,
                self.payload,
                self.level,
                self.action,
                self.indicators,
                self.raw_size,
            ),
        )


def screen_one(rec: Record, cfg: ScreenConfig, screen_fn: ScreenFn) -> Outcome:
    """Decode, validate and screen one record; a bad record or an internal error becomes a
    failed :class:`Outcome` rather than an exception.

    ``screen_fn`` is what :mod:`redflags.engines.local` calls ``screen`` (a test may replace
    it there); when it is the real one, it is called directly rather than as a Python object.
    """
    raw = rec.raw
    size = len(raw) + 1 if isinstance(raw, bytes) else 0
    try:
        ad = decode_record(rec, cfg.max_field_chars)
    except RecordError as exc:
        return Outcome(rec.source, rec.line, False, str(exc).encode(), raw_size=size)
    try:
        a = _screen(ad, cfg, screen_fn)
    except Exception as exc:  # a bug must not stop a run of millions: report this ad, go on
        # the exception's text may quote the ad, so only its type is reported
        log.debug("screening %s failed", ad.id, exc_info=True)
        message = (
            f"screening failed with an internal error ({type(exc).__name__}); please report it"
        )
        return Outcome(rec.source, rec.line, False, message.encode(), raw_size=size)
    return Outcome(
        rec.source,
        rec.line,
        True,
        _dumps(a.to_json()),
        a.level,
        a.action,
        tuple([f.indicator for f in a.findings]),
        size,
    )


def _screen(ad: Ad, cfg: ScreenConfig, screen_fn: ScreenFn) -> Assessment:
    if screen_fn is screen:
        return screen(ad, config=cfg)
    return screen_fn(ad, config=cfg)


def screen_chunk(chunk: list[Record], cfg: ScreenConfig, screen_fn: ScreenFn) -> list[Outcome]:
    """:func:`screen_one` for each record of a chunk (the unit of work of a worker process)."""
    return [screen_one(r, cfg, screen_fn) for r in chunk]


def screen_each(
    records: Iterable[Record], cfg: ScreenConfig, screen_fn: ScreenFn
) -> Iterator[Outcome]:
    """:func:`screen_one` for each record, lazily, in order (the one-process scan)."""
    for rec in records:
        yield screen_one(rec, cfg, screen_fn)
