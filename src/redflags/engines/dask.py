"""The Dask engine: the batch map steps of ``scan`` and ``link`` on a Dask cluster.

``redflags scan --engine dask`` (and ``link``) runs the same per-chunk functions the local
engine runs on forked processes, as tasks on Dask workers: decode, validate, screen and
serialise for ``scan``; masking, shingles, MinHash, names and photo hashes for ``link``.  The
client reads the input and writes the output, in input order, keeping at most ``prefetch``
tasks per worker thread in flight, so memory stays flat however long the input is.

Without ``--scheduler`` a local cluster starts on this machine (one single-threaded worker
process per core: the work holds the GIL).  With ``--scheduler tcp://HOST:8786`` the tasks go
to an existing cluster, whose workers must have this same redflags installed.  Two checks keep
a worker with other code from changing the output:

* on connecting, every worker screens a probe ad and must give the client's answer byte for
  byte (this catches a stale build or a broken install), and
* every task carries the client's :func:`fingerprint` (a hash of redflags' sources and data
  files) and refuses to run on a worker whose own differs, so a worker that joins later, or
  runs other code that screens the probe alike, stops the run (:class:`EngineError`) instead
  of screening a single ad.

``link`` hashes photos on the workers: with a cluster of other machines, image paths must be
readable there under the same names (a shared filesystem), or those photos count as unreadable.

Dask is optional (``pip install 'redflags[dask]'``); nothing here imports it until an engine
is opened.
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from redflags.engines.pool import PREFETCH
from redflags.errors import EngineError

__all__ = ["DaskEngine", "WorkerMismatch", "fingerprint", "fingerprint_of", "probe"]

K = TypeVar("K")
R = TypeVar("R")

#: seconds to wait for a scheduler to answer before giving up (Dask retries until then)
CONNECT_TIMEOUT = 10.0
#: while waiting for a result, how often to check that the cluster still has a worker (Dask
#: would otherwise wait for one forever); a cluster with none left ends the run
WORKER_POLL = 15.0

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


@cache
def fingerprint() -> str:
    """SHA-256 of this process's redflags sources and data files (``.py`` and ``.json``, by
    path; not the build record, so a compiled and a pure install of one version agree)."""
    return fingerprint_of(Path(__file__).resolve().parents[1])


def fingerprint_of(root: Path) -> str:
    """:func:`fingerprint` of the redflags package folder ``root``."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".json") and path.name != "_native.json" and path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class WorkerMismatch(Exception):
    """A task reached a worker whose redflags differs from the client's."""


def _checked(expected: str, fn: Callable[..., R], *args: Any) -> R:
    """``fn(*args)``, on a worker whose :func:`fingerprint` is the client's ``expected``."""
    own = fingerprint()
    if own != expected:
        raise WorkerMismatch(
            f"the Dask worker on {socket.gethostname()} runs other redflags code "
            f"(fingerprint {own[:12]}, the client's {expected[:12]})"
        )
    return fn(*args)


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
        self._lost: tuple[type[BaseException], ...] = ()
        self.threads = 0
        self.poll = WORKER_POLL

    def __enter__(self) -> DaskEngine:
        try:
            self._open()
        except BaseException:
            self.close()  # __exit__ does not run when __enter__ raises
            raise
        return self

    def _open(self) -> None:
        try:
            from distributed import Client, KilledWorker, LocalCluster
        except ImportError:  # pragma: no cover - dask is in the dev extra
            raise EngineError(
                "the Dask engine needs dask[distributed]: pip install 'redflags[dask]'"
            ) from None
        from concurrent.futures import CancelledError

        from distributed.comm.core import CommClosedError

        # a worker or the scheduler lost mid-run
        self._lost = (KilledWorker, CancelledError, CommClosedError)
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
        except (OSError, TimeoutError, ValueError, RuntimeError) as exc:
            # refused or unreachable, a malformed address ("missing port number"), or a local
            # cluster that failed to start
            where = self.scheduler or "a local cluster"
            raise EngineError(f"cannot start the Dask engine on {where}: {exc}") from None
        self.threads = sum(self._client.nthreads().values())
        if self.threads == 0:
            where = f"the Dask scheduler at {self.scheduler}" if self.scheduler else "the cluster"
            raise EngineError(f"{where} has no workers")
        self._check_workers()

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
            raise EngineError(f"a Dask worker cannot run redflags: {exc}") from None
        odd = sorted(addr for addr, payload in got.items() if payload != want)
        if odd:
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
        ``threads * prefetch`` tasks are in flight, and an error in a task is raised here; a
        worker with other redflags code, or a worker or scheduler lost, is an
        :class:`EngineError`.
        """
        if self._client is None:
            raise EngineError("the Dask engine is not open (use it in a with block)")
        window: deque[tuple[K, Any]] = deque()
        limit = max(1, self.threads * prefetch)
        own = fingerprint()
        try:
            for key, args in tasks:
                window.append((key, self._client.submit(_checked, own, fn, *args, pure=False)))
                if len(window) >= limit:
                    k, fut = window.popleft()
                    yield k, self._result(fut)
            while window:
                k, fut = window.popleft()
                yield k, self._result(fut)
        finally:
            if window and self._client is not None:  # stopped early: drop what is queued
                self._client.cancel([fut for _, fut in window])

    def _result(self, fut: Any) -> Any:
        try:
            while True:
                try:
                    return fut.result(timeout=self.poll)
                except TimeoutError:  # a slow task, or no worker left to run it
                    if not self._client.nthreads():
                        raise EngineError(
                            "the Dask cluster has no workers left; what was written before "
                            "stays written"
                        ) from None
        except WorkerMismatch as exc:
            raise EngineError(f"{exc}: install the same redflags on every worker") from None
        except self._lost as exc:
            raise EngineError(
                f"the Dask cluster failed during the run ({type(exc).__name__}: {exc}); "
                "what was written before it stays written"
            ) from None

    def share(self, obj: Any) -> Any:
        """``obj`` sent once to every worker; pass the result as a task argument."""
        return self._client.scatter(obj, broadcast=True, hash=False)
