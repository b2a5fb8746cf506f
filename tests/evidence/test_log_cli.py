"""`redflags evidence verify|log|head`: the real command in a subprocess, on a real store."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from redflags.evidence.log import LOG_NAME, EvidenceStore


def _run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("redflags", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "redflags.cli"]
    full_env = {k: v for k, v in os.environ.items() if k != "REDFLAGS_EVIDENCE_DIR"}
    full_env.update(env or {})
    return subprocess.run(
        cmd + ["evidence", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    r = tmp_path / "redflags-evidence"
    with EvidenceStore.open(r) as ev:
        for i in range(4):
            ev.capture(f"ad {i}".encode(), media_type="text/plain", actor="kim", reason="intake")
    return r


def test_verify_intact_default_dir_and_env(root: Path, tmp_path: Path) -> None:
    res = _run(["verify"], cwd=tmp_path)  # ./redflags-evidence
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("intact: 4 entries, 4 objects")
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    res = _run(["verify"], cwd=elsewhere, env={"REDFLAGS_EVIDENCE_DIR": str(root)})
    assert res.returncode == 0 and res.stdout.startswith("intact")
    res = _run(["verify", "--json"], cwd=elsewhere, env={"REDFLAGS_EVIDENCE_DIR": str(root)})
    report = json.loads(res.stdout)
    assert report["ok"] is True and report["counts"]["entries"] == 4


def test_verify_broken_prints_one_line_with_the_location(root: Path, tmp_path: Path) -> None:
    lines = (root / LOG_NAME).read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b'"kim"', b'"kam"')
    (root / LOG_NAME).write_bytes(b"".join(lines))
    res = _run(["verify", "--dir", str(root)], cwd=tmp_path)
    assert res.returncode == 6
    out = res.stdout.strip().splitlines()
    assert len(out) == 1 and "line 3, seq 3" in out[0] and "entry-hash" in out[0]


def test_verify_with_recorded_head_catches_truncation(root: Path, tmp_path: Path) -> None:
    anchor = _run(["head", "--dir", str(root)], cwd=tmp_path).stdout.strip()
    assert anchor.startswith("4:")
    lines = (root / LOG_NAME).read_bytes().splitlines(keepends=True)
    (root / LOG_NAME).write_bytes(b"".join(lines[:-1]))
    cut = json.loads(lines[-1])["objects"][0]
    (root / "objects" / cut[:2] / cut[2:]).unlink()  # the cut capture's bytes go too
    assert _run(["verify", "--dir", str(root)], cwd=tmp_path).returncode == 0
    res = _run(["verify", "--dir", str(root), "--expect-head", anchor], cwd=tmp_path)
    assert res.returncode == 6 and "truncated" in res.stdout


def test_missing_store_and_bad_arguments(tmp_path: Path) -> None:
    res = _run(["verify", "--dir", str(tmp_path / "none")], cwd=tmp_path)
    assert res.returncode == 5 and "no evidence store" in res.stderr
    assert not (tmp_path / "none").exists()
    res = _run(["log", "--dir", str(tmp_path), "--object", "xyz"], cwd=tmp_path)
    assert res.returncode == 2 and "SHA-256" in res.stderr
    res = _run(["verify", "--dir", str(tmp_path), "--expect-head", "abc"], cwd=tmp_path)
    assert res.returncode == 2


def test_log_lists_entries_by_object_and_limit(root: Path, tmp_path: Path) -> None:
    with EvidenceStore.open(root) as ev:
        sha = next(iter(ev.entries())).objects[0]
        ev.read(sha, actor="lee", reason="case review")
    res = _run(["log", "--dir", str(root), "--object", sha], cwd=tmp_path)
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert res.returncode == 0 and [r["event"] for r in rows] == ["capture", "access"]
    assert all(r["objects"] == [sha] for r in rows)
    res = _run(["log", "--dir", str(root), "--limit", "2"], cwd=tmp_path)
    assert [json.loads(x)["seq"] for x in res.stdout.splitlines()] == [4, 5]
    res = _run(["log", "--dir", str(root), "--limit", "0"], cwd=tmp_path)
    assert len(res.stdout.splitlines()) == 5
