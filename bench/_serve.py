"""Run a real ``redflags serve`` for a benchmark: a free 127.0.0.1 port, wait for ``/health``.

Shared by ``bench/api.py`` and ``bench/ui.py`` (imported as a sibling script).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str) -> list[str]:
    """The command line of ``redflags ARGS`` with this interpreter."""
    return [sys.executable, "-m", "redflags.cli", *args]


@contextlib.contextmanager
def serving(
    db_url: str,
    *,
    workers: int = 1,
    log: Path | None = None,
    start_timeout: float = 60.0,
    stop_timeout: float = 10.0,
) -> Iterator[str]:
    """``redflags serve`` on ``db_url`` (no access log, rate limits out of the way) until the
    block ends; yields its base URL once ``/health`` answers 200.  Its output is appended to
    ``log`` (default: a temporary file); the tail of it is in the error if it exits early."""
    port = free_port()
    cmd = cli(
        "serve", "--db", db_url, "--port", str(port), "--no-access-log", "--log-level", "warning",
        "--rate-limit", "100000", "--burst", "100000", "--workers", str(workers),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with open(log, "a+b") if log else tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        try:
            deadline = time.monotonic() + start_timeout
            while True:
                with contextlib.suppress(httpx2.HTTPError):
                    if httpx2.get(f"{base}/health", timeout=2).status_code == 200:
                        break
                if proc.poll() is not None or time.monotonic() > deadline:
                    out.seek(max(0, os.fstat(out.fileno()).st_size - 2000))
                    tail = out.read().decode(errors="replace")
                    raise SystemExit(
                        f"redflags serve did not start (exit {proc.returncode}): {tail}"
                    )
                time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=stop_timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
