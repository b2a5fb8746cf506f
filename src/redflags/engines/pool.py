"""Ordered work on forked processes with a bounded in-flight window.

``Pool.imap`` drains its whole input into the task queue, so memory grows with the input;
:func:`ordered_map` keeps at most ``workers * prefetch`` tasks in flight and yields results in
input order.  Each task is ``(key, args)``: ``args`` go to the worker, ``key`` stays here and is
yielded beside the result (so big objects need not be pickled to the workers).

>>> list(ordered_map(divmod, [("a", (7, 2)), ("b", (9, 4))], workers=1))
[('a', (3, 1)), ('b', (2, 1))]
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

__all__ = ["PREFETCH", "ordered_map"]

#: tasks in flight per worker: enough to keep workers busy while the parent consumes results
PREFETCH = 4

K = TypeVar("K")
R = TypeVar("R")


def ordered_map(
    fn: Callable[..., R],
    tasks: Iterable[tuple[K, tuple[Any, ...]]],
    workers: int,
    prefetch: int = PREFETCH,
) -> Iterator[tuple[K, R]]:
    """``(key, fn(*args))`` for each task, in order, on ``workers`` forked processes."""
    if workers <= 1:
        for key, args in tasks:
            yield key, fn(*args)
        return
    window: deque[tuple[K, AsyncResult[R]]] = deque()
    with mp.get_context("fork").Pool(workers) as pool:
        for key, args in tasks:
            window.append((key, pool.apply_async(fn, args)))
            if len(window) >= workers * prefetch:
                k, r = window.popleft()
                yield k, r.get()
        while window:
            k, r = window.popleft()
            yield k, r.get()
