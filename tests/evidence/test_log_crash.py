"""Crash safety and concurrency of the evidence log with real processes (SIGKILL, flock)."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from redflags.evidence.log import LOG_NAME, TORN_NAME, EvidenceStore

TEXT = "text/plain"


def _child(code: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _seed(root: Path, n: int = 5) -> list[str]:
    with EvidenceStore.open(root) as ev:
        for i in range(n):
            ev.capture(f"ad {i}".encode(), media_type=TEXT, actor="a", reason="seed")
        return [e.hash for e in ev.entries()]


CRASH_MID_WRITE = """
    import os, signal, sys
    from redflags.evidence import log
    real = log._write_all
    def torn(fd, data):
        real(fd, data[: len(data) // 2])   # half the line reaches the file...
        os.kill(os.getpid(), signal.SIGKILL)  # ...then the process dies, lock held
    ev = log.EvidenceStore.open(sys.argv[1])
    log._write_all = torn
    ev.log_event("export", actor="liaison:ana", reason="case 7", detail={"pad": "x" * 3000})
"""


def test_process_killed_mid_append_leaves_a_log_that_opens_and_verifies(tmp_path: Path) -> None:
    root = tmp_path / "ev"
    before = _seed(root)
    size = (root / LOG_NAME).stat().st_size
    proc = _child(CRASH_MID_WRITE, str(root))
    _out, errs = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, errs
    raw = (root / LOG_NAME).read_bytes()
    assert len(raw) > size and not raw.endswith(b"\n")  # a real torn line
    with EvidenceStore.open(root) as ev:  # the kernel released the dead process's flock
        entries = list(ev.entries())
        report = ev.verify()
        assert report.ok, report.summary()
        ev.log_event("access", actor="a", reason="after crash")
        assert ev.verify().ok
    assert [e.hash for e in entries[:-1]] == before
    assert entries[-1].event == "repair" and entries[-1].detail is not None
    assert entries[-1].detail["offset"] == size
    assert (root / TORN_NAME).is_file()


HAMMER = """
    import sys
    from redflags.evidence.log import EvidenceStore
    ev = EvidenceStore.open(sys.argv[1])
    print("ready", flush=True)
    pad = "x" * 1_000_000
    i = 0
    while True:
        i += 1
        if i % 3 == 0:
            ev.capture(b"%d" % i * 200_000, media_type="text/plain", actor="w", reason="r")
        else:
            ev.log_event("access", actor="w", reason="r", detail={"i": i, "pad": pad})
"""


def test_random_sigkill_during_large_appends_never_breaks_the_chain(tmp_path: Path) -> None:
    root = tmp_path / "ev"
    _seed(root, 2)
    rng = random.Random(7)
    total = 0
    for _ in range(5):
        proc = _child(HAMMER, str(root))
        assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.05, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        assert proc.returncode == -signal.SIGKILL
        with EvidenceStore.open(root) as ev:
            report = ev.verify()
            assert report.ok, report.summary()
            assert report.counts["entries"] >= total
            total = report.counts["entries"]
    assert total > 2


WORKER = """
    import sys
    from redflags.evidence.log import EvidenceStore
    root, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ev = EvidenceStore.open(root)
    for i in range(n):
        if i % 5 == 0:   # same bytes from every worker: stored once, each capture logged
            ev.capture(b"shared %d" % i, media_type="text/plain", actor=name, reason="r")
        elif i % 7 == 0:
            with ev.batch():
                for _ in range(3):
                    ev.log_event("access", actor=name, reason="batch")
        else:
            ev.log_event("access", actor=name, reason="r", detail={"i": i})
"""


def test_concurrent_processes_and_threads_keep_one_chain(tmp_path: Path) -> None:
    root = tmp_path / "ev"
    EvidenceStore.open(root).close()
    n = 60
    procs = [_child(WORKER, str(root), f"proc-{k}", str(n)) for k in range(4)]
    with EvidenceStore.open(root) as shared:  # threads of one process share one store

        def work(k: int) -> None:
            for i in range(n):
                shared.log_event("access", actor=f"thread-{k}", reason="r", detail={"i": i})

        threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    for p in procs:
        _out, errs = p.communicate(timeout=300)
        assert p.returncode == 0, errs
    with EvidenceStore.open(root) as ev:
        entries = list(ev.entries())
        report = ev.verify()
    assert report.ok, report.summary()
    per_proc = n + 2 * sum(1 for i in range(n) if i % 7 == 0 and i % 5 != 0)
    assert len(entries) == 4 * per_proc + 3 * n
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(b.prev == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert report.counts["objects"] == len(range(0, n, 5))
    for k in range(4):
        assert sum(1 for e in entries if e.actor == f"proc-{k}") == per_proc
