"""The Dask engine: the batch map steps of ``scan`` and ``link`` on a Dask cluster.

``redflags scan --engine dask`` (and ``link``) runs the same per-chunk functions the local
engine runs on forked processes, as tasks on Dask workers: decode, validate, screen and
serialise for ``scan``; masking, shingles, MinHash, names and photo hashes for ``link``.  The
client reads the input and writes the output, in input order, keeping at most ``prefetch``
tasks per worker thread in flight, so memory stays flat however long the input is.

Without ``--scheduler`` a local cluster starts on this machine (one single-threaded worker
process per core: the work holds the GIL).  With ``--scheduler tcp://HOST:8786`` the tasks go
to an existing cluster, whose workers must have this same redflags installed: on connecting,
every worker screens a probe ad and must give the client's answer byte for byte, so a worker
with other code or another catalog stops the run before any ad is screened.

Dask is optional (``pip install 'redflags[dask]'``); nothing here imports it until an engine
is opened.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, TypeVar

from redflags.engines.pool import PREFETCH
from redflags.errors import EngineError

__all__ = ["DaskEngine", "probe"]

K = TypeVar("K")
R = TypeVar("R")

#: seconds to wait for a scheduler to answer before giving up (Dask retries until then)
CONNECT_TIMEOUT = 10.0

#: a non-explicit ad that exercises most extractors and indicators; see :func:`probe`
_PROBE = (
    b'{"id": "probe", "title": "New in town", "body": "Sweet and young, 19 yo, text '
    b'212-555-0123 or jenny22 at example dot com, snap: jenny_xo, 150 roses hh, Miami FL", '
    b'"country": "US"}'
)


def probe() -> bytes:
    """This process's Assessment of a fixed probe ad: equal on two processes only when both
    run the same screening code with the same catalog and configuration defaults."""
    from redflags.config import ScreenConfig
    from redflags.engines.local import _screen_chunk
    from redflags.records import Record

    (outcome,) = _screen_chunk([Record("probe", 1, _PROBE)], ScreenConfig())
    return outcome.payload


class DaskEngine:
    """A Dask client (and, without a scheduler address, the local cluster it runs on).

    Use as a context manager; :meth:`ordered_map` then runs tasks on the cluster.
    """

    def __init__(
        self, scheduler: str | None = None, workers: int = 0, timeout: float = CONNECT_TIMEOUT
    ) -> None:
        self.scheduler = scheduler
        self.timeout = timeout
        self.workers = workers if workers > 0 else (os.cpu_count() or 1)
        self._client: Any = None
        self._cluster: Any = None
        self.threads = 0

    def __enter__(self) -> DaskEngine:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - dask is in the dev extra
            raise EngineError(
                "the Dask engine needs dask[distributed]: pip install 'redflags[dask]'"
            ) from None
        try:
            if self.scheduler is None:
                self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                )
                self._client = Client(self._cluster)  # type: ignore[no-untyped-call]
            else:
                self._client = Client(  # type: ignore[no-untyped-call]
                    self.scheduler, timeout=self.timeout
                )
        except (OSError, TimeoutError) as exc:
            self.close()
            where = self.scheduler or "a local cluster"
            raise EngineError(f"cannot start the Dask engine on {where}: {exc}") from None
        self.threads = sum(self._client.nthreads().values())
        if self.threads == 0:
            self.close()
            raise EngineError(f"the Dask scheduler at {self.scheduler} has no workers")
        self._check_workers()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def _check_workers(self) -> None:
        """Every worker must screen the probe ad exactly as this process does."""
        want = probe()
        try:
            got: dict[str, bytes] = self._client.run(probe)
        except Exception as exc:  # a worker without redflags cannot even unpickle probe
            self.close()
            raise EngineError(f"a Dask worker cannot run redflags: {exc}") from None
        odd = sorted(addr for addr, payload in got.items() if payload != want)
        if odd:
            self.close()
            raise EngineError(
                f"Dask worker(s) {', '.join(odd)} screen differently from this client: "
                "install the same redflags version (and catalog) on every worker"
            )

    def ordered_map(
        self,
        fn: Callable[..., R],
        tasks: Iterable[tuple[K, tuple[Any, ...]]],
        prefetch: int = PREFETCH,
    ) -> Iterator[tuple[K, R]]:
        """``(key, fn(*args))`` for each task, in order, computed on the cluster.

        Like :func:`redflags.engines.pool.ordered_map`: ``key`` stays here, at most
        ``threads * prefetch`` tasks are in flight, and an error in a task is raised here.
        """
        if self._client is None:
            raise EngineError("the Dask engine is not open (use it in a with block)")
        window: deque[tuple[K, Any]] = deque()
        limit = max(1, self.threads * prefetch)
        try:
            for key, args in tasks:
                window.append((key, self._client.submit(fn, *args, pure=False)))
                if len(window) >= limit:
                    k, fut = window.popleft()
                    yield k, fut.result()
            while window:
                k, fut = window.popleft()
                yield k, fut.result()
        finally:
            if window and self._client is not None:  # stopped early: drop what is queued
                self._client.cancel([fut for _, fut in window])

    def share(self, obj: Any) -> Any:
        """``obj`` sent once to every worker; pass the result as a task argument."""
        return self._client.scatter(obj, broadcast=True, hash=False)
