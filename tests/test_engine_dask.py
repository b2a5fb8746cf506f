"""The Dask engine on a real local Dask cluster: `scan` and `link` give the local engine's
output byte for byte, malformed lines included; a worker that screens differently, or no
scheduler at the address, stops the run with a clear error (exit code 6)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster  # the dev extra installs dask[distributed]

from redflags.engines.dask import DaskEngine, fingerprint, fingerprint_of, probe
from redflags.engines.local import screen_records
from redflags.errors import EngineError
from redflags.io import iter_records
from redflags.synth import write_corpus


def _redflags() -> list[str]:
    exe = shutil.which("redflags", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "redflags.cli"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dask") / "ads.jsonl"
    write_corpus(1_500, 21, path)
    with open(path, "ab") as fh:  # malformed lines, reported by line number either way
        fh.write(b'{"id": "x-1", "body": 5}\n{not json\n\n{"body": "no id"}\n')
    return path


def _local_cluster(workers: int) -> LocalCluster:
    """A real local Dask cluster of single-thread worker processes (a random dashboard port,
    so parallel test runs do not collide on 8787)."""
    return LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with _local_cluster(2) as c:
        yield c


def _scan(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*_redflags(), "scan", *args], cwd=cwd, capture_output=True, timeout=300, check=False
    )


def test_scan_on_a_local_dask_cluster_equals_the_local_engine(corpus: Path, tmp_path: Path) -> None:
    local = _scan([str(corpus), "-o", "local.jsonl", "-w", "2"], tmp_path)
    dask = _scan([str(corpus), "-o", "dask.jsonl", "-w", "2", "--engine", "dask"], tmp_path)
    assert local.returncode == dask.returncode == 2  # malformed lines: exit 2 either way
    out_local = (tmp_path / "local.jsonl").read_bytes()
    assert out_local.count(b"\n") >= 1_500
    assert (tmp_path / "dask.jsonl").read_bytes() == out_local
    errors = (tmp_path / "dask.errors.jsonl").read_bytes()
    assert errors == (tmp_path / "local.errors.jsonl").read_bytes()
    assert b'"line":1502' in errors  # "{not json", by its line number


def test_scan_on_a_given_scheduler(cluster: LocalCluster, corpus: Path, tmp_path: Path) -> None:
    addr = cluster.scheduler_address
    done = _scan([str(corpus), "-o", "out.jsonl", "--scheduler", addr], tmp_path)
    assert done.returncode == 2, done.stderr.decode()[-2000:]
    records = list(iter_records(str(corpus)))
    want = b"".join(o.payload + b"\n" for o in screen_records(records, 1) if o.ok)
    assert (tmp_path / "out.jsonl").read_bytes() == want


def test_engine_keeps_input_order_and_reports_task_errors(cluster: LocalCluster) -> None:
    with DaskEngine(cluster.scheduler_address) as engine:
        assert engine.threads == 2
        tasks = [(k, (k, 3)) for k in range(40)]
        assert list(engine.ordered_map(divmod, tasks, prefetch=1)) == [
            (k, divmod(k, 3)) for k in range(40)
        ]
        with pytest.raises(ZeroDivisionError):
            list(engine.ordered_map(divmod, [(0, (1, 1)), (1, (1, 0))]))


def test_link_on_dask_equals_the_local_engine(tmp_path: Path) -> None:
    ads = tmp_path / "ads.jsonl"
    write_corpus(2_000, 4, ads)
    base = [*_redflags(), "link", str(ads), "-w", "2"]
    for name, extra in (("local", []), ("dask", ["--engine", "dask"])):
        done = subprocess.run(
            [*base, "-o", f"{name}.jsonl", "--summary", f"{name}.net.jsonl", *extra],
            cwd=tmp_path, capture_output=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    nets = (tmp_path / "local.net.jsonl").read_bytes()
    assert nets.count(b"\n") > 10
    assert (tmp_path / "dask.net.jsonl").read_bytes() == nets


def _tamper() -> None:
    """Make this worker screen differently (as another redflags version would)."""
    import redflags.engines.local as local

    real = local._screen_chunk

    def other(chunk, cfg):  # type: ignore[no-untyped-def]
        outs = real(chunk, cfg)
        for o in outs:
            object.__setattr__(o, "payload", o.payload.replace(b'"risk"', b'"riskier"'))
        return outs

    local._screen_chunk = other


def test_a_worker_that_screens_differently_stops_the_run(tmp_path: Path) -> None:
    with _local_cluster(1) as odd:
        with Client(odd) as client:  # type: ignore[no-untyped-call]
            client.run(_tamper)
            assert set(client.run(probe).values()) != {probe()}
        with pytest.raises(EngineError, match="screen differently"):
            DaskEngine(odd.scheduler_address).__enter__()
        (tmp_path / "ads.jsonl").write_text('{"id": "a", "body": "hello"}\n')
        done = _scan(["ads.jsonl", "-o", "out.jsonl", "--scheduler", odd.scheduler_address],
                     tmp_path)  # fmt: skip
    assert done.returncode == 6
    assert b"screen differently" in done.stderr
    assert not (tmp_path / "out.jsonl").exists()  # stopped before any ad was screened


def _other_install() -> None:
    """Make this worker's fingerprint differ while it still screens the probe ad alike, as a
    worker with another redflags version could."""
    import redflags.engines.dask as engine_mod

    engine_mod.fingerprint = lambda: "0" * 64


def test_a_worker_with_other_code_stops_the_run_at_its_first_task(tmp_path: Path) -> None:
    with _local_cluster(1) as odd:
        with Client(odd) as client:  # type: ignore[no-untyped-call]
            client.run(_other_install)
        with DaskEngine(odd.scheduler_address) as engine:  # the probe passes
            with pytest.raises(EngineError, match="runs other redflags code"):
                list(engine.ordered_map(divmod, [(1, (7, 2))]))
        (tmp_path / "ads.jsonl").write_text('{"id": "a", "body": "hello"}\n')
        done = _scan(["ads.jsonl", "-o", "out.jsonl", "--scheduler", odd.scheduler_address],
                     tmp_path)  # fmt: skip
    assert done.returncode == 6
    assert b"install the same redflags on every worker" in done.stderr
    assert (tmp_path / "out.jsonl").read_bytes() == b""  # no ad screened by that worker


@pytest.mark.parametrize("address", ["foo", "tcp://127.0.0.1", "tcp://127.0.0.1:9"])
def test_a_bad_scheduler_address_is_a_clean_error(address: str, tmp_path: Path) -> None:
    (tmp_path / "ads.jsonl").write_text('{"id": "a"}\n')
    if address.endswith(":9"):  # nothing listens: Dask retries until its timeout
        with pytest.raises(EngineError, match=f"cannot start the Dask engine on {address}"):
            DaskEngine(address, timeout=1).__enter__()
        return
    done = _scan(["ads.jsonl", "-o", "out.jsonl", "--scheduler", address], tmp_path)
    assert done.returncode == 6
    assert b"cannot start the Dask engine" in done.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_no_scheduler_at_the_address() -> None:
    with pytest.raises(EngineError, match="cannot start the Dask engine on tcp://127.0.0.1:9"):
        DaskEngine("tcp://127.0.0.1:9", timeout=1).__enter__()


def test_engine_options_are_checked(tmp_path: Path) -> None:
    (tmp_path / "ads.jsonl").write_text('{"id": "a"}\n')
    done = _scan(["ads.jsonl", "--engine", "spark"], tmp_path)
    assert done.returncode == 3
    assert b"--engine must be local or dask" in done.stderr
    done = _scan(["ads.jsonl", "--engine", "local", "--scheduler", "tcp://127.0.0.1:9"], tmp_path)
    assert done.returncode == 3
    assert b"--scheduler needs --engine dask" in done.stderr


def test_fingerprint_covers_sources_and_data_not_the_build(tmp_path: Path) -> None:
    from redflags.engines import dask as engine_mod

    root = Path(engine_mod.__file__).resolve().parents[1]
    copy = tmp_path / "redflags"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    assert fingerprint_of(copy) == fingerprint()  # compiled extensions are not hashed
    (copy / "_native.json").write_text("{}")  # nor the build record
    assert fingerprint_of(copy) == fingerprint()
    catalog = copy / "indicators" / "catalog.json"
    catalog.write_bytes(catalog.read_bytes().replace(b'"weight"', b'"weight" ', 1))
    assert fingerprint_of(copy) != fingerprint()  # another catalog
    shutil.copy(root / "indicators" / "catalog.json", catalog)
    (copy / "score.py").write_text((root / "score.py").read_text() + "\n# other code\n")
    assert fingerprint_of(copy) != fingerprint()


def test_a_cluster_with_no_workers_left_ends_the_run() -> None:
    import threading
    import time

    with _local_cluster(1) as c:
        with DaskEngine(c.scheduler_address) as engine:
            engine.poll = 0.5

            def stop_workers() -> None:
                time.sleep(1.0)
                c.scale(0)

            threading.Thread(target=stop_workers, daemon=True).start()
            t0 = time.monotonic()
            with pytest.raises(EngineError, match="no workers left"):
                list(engine.ordered_map(time.sleep, [(0, (60,))]))
            assert time.monotonic() - t0 < 30  # not the task's 60 s, nor forever
