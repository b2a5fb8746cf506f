"""Crash safety: ``redflags ingest`` killed with SIGKILL mid-way loses nothing it acknowledged,
and a rerun completes the rest without duplicates."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa

from redflags.store import Store
from redflags.store.schema import ad_versions, ads, assessments

#: ads in the corpus (20k by default; REDFLAGS_CRASH_ADS=50000 for the full-size check)
N_ADS = int(os.environ.get("REDFLAGS_CRASH_ADS", "20000"))
#: batches acknowledged before the kill: well past the start, far from the end
KILL_AFTER_BATCHES = 4
BATCH = 250


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from redflags.synth import write_corpus

    ads_path, _truth = write_corpus(N_ADS, 11, tmp_path_factory.mktemp("crash") / "ads.jsonl")
    return Path(ads_path)


def _ingest_cmd(corpus: Path, db_url: str, ack: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "redflags.cli",
        "ingest",
        str(corpus),
        "--db",
        db_url,
        "--ack",
        str(ack),
        "--batch",
        str(BATCH),
        "--workers",
        "2",
    ]


def _acked(ack: Path) -> list[str]:
    if not ack.exists():
        return []
    ids: list[str] = []
    for line in ack.read_bytes().splitlines():
        if line.endswith(b"}"):  # a line cut by the kill was never acknowledged
            ids.extend(orjson.loads(line)["ids"])
    return ids


def _counts(db_url: str) -> tuple[int, int, int, int]:
    store = Store.open(db_url)
    try:
        with store.engine.connect() as conn:
            dup = conn.execute(
                sa.select(sa.func.count()).select_from(
                    sa.select(ad_versions.c.ad_id)
                    .group_by(ad_versions.c.ad_id)
                    .having(sa.func.count() > 1)
                    .subquery()
                )
            ).scalar_one()
            n_ads = conn.execute(sa.select(sa.func.count()).select_from(ads)).scalar_one()
            n_ver = conn.execute(sa.select(sa.func.count()).select_from(ad_versions)).scalar_one()
            n_ass = conn.execute(sa.select(sa.func.count()).select_from(assessments)).scalar_one()
    finally:
        store.close()
    return int(n_ads), int(n_ver), int(n_ass), int(dup)


def _present(db_url: str, ids: list[str]) -> set[str]:
    store = Store.open(db_url)
    found: set[str] = set()
    try:
        with store.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                found.update(
                    conn.execute(
                        sa.select(ads.c.id).where(ads.c.id.in_(ids[i : i + 500]))
                    ).scalars()
                )
    finally:
        store.close()
    return found


def test_sigkill_mid_ingest_loses_nothing_acknowledged(
    corpus: Path, db_url: str, tmp_path: Path
) -> None:
    Store.open(db_url).close()  # migrate first so the kill lands in ingest, not in DDL
    ack = tmp_path / "acks.jsonl"
    proc = subprocess.Popen(
        _ingest_cmd(corpus, db_url, ack),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    try:
        while len(_acked(ack)) < KILL_AFTER_BATCHES * BATCH:
            assert proc.poll() is None, "ingest finished before it could be killed"
            assert time.monotonic() < deadline, "ingest made no progress"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the whole job: parent and screening workers
        proc.wait()
    acked = _acked(ack)
    assert 0 < len(acked) < N_ADS
    assert _present(db_url, acked) == set(acked)
    n_ads, n_ver, n_ass, dup = _counts(db_url)
    assert dup == 0 and n_ads == n_ver == n_ass and n_ads >= len(acked)

    rerun = subprocess.run(_ingest_cmd(corpus, db_url, ack), capture_output=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    assert _counts(db_url) == (N_ADS, N_ADS, N_ADS, 0)
    assert len(set(_acked(ack))) == N_ADS
