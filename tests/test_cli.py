"""End-to-end: the real `redflags` command in a subprocess, malformed lines included."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

SECRET_BODY = "Sweet young girl new to this ask for Candy incall 80/hr 305-555-0123"


def _redflags() -> list[str]:
    exe = shutil.which("redflags", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "redflags.cli"]


def _run(
    args: list[str], cwd: Path, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        _redflags() + args, cwd=cwd, input=stdin, capture_output=True, timeout=300, check=False
    )


def _write_input(path: Path) -> None:
    lines = [
        json.dumps({"id": "ok-1", "category": "escorts", "body": SECRET_BODY}),
        "{not json",
        json.dumps({"body": "no id here"}),
        "",
        json.dumps(
            {
                "id": "ok-2",
                "title": "Roses for sale",
                "body": "florist, 12 roses $40",
                "category": "for sale",
            }
        ),
        json.dumps({"id": "bad-type", "body": 5}),
        json.dumps({"id": "huge", "body": "x" * 25_000}),
        json.dumps([1, 2, 3]),
        json.dumps({"id": 7, "body": "numeric id is accepted", "extra_field": {"kept": True}}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_scan_reports_malformed_lines_and_keeps_every_valid_ad(tmp_path: Path) -> None:
    src = tmp_path / "ads.jsonl"
    _write_input(src)
    proc = _run(["scan", str(src), "-o", "out.jsonl", "--workers", "2"], tmp_path)
    assert proc.returncode == 2, proc.stderr.decode()
    out = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [a["id"] for a in out] == ["ok-1", "ok-2", "7"]
    assert out[0]["action"] in ("review", "block") and out[1]["action"] == "allow"
    errors = [json.loads(x) for x in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert [e["line"] for e in errors] == [2, 3, 6, 7, 8]
    assert "invalid JSON" in errors[0]["error"]
    assert "'id' missing" in errors[1]["error"]
    assert "'body' must be a string" in errors[2]["error"]
    assert "limit" in errors[3]["error"]
    stderr = proc.stderr.decode()
    for n in (2, 3, 6, 7, 8):
        assert f"line {n} of" in stderr
    assert "malformed lines" in stderr
    # privacy: terminal output never carries ad bodies or contacts
    assert "Candy" not in stderr and "555-0123" not in stderr


def test_scan_stdin_to_stdout_in_order(tmp_path: Path) -> None:
    ads = [
        {"id": f"a{i}", "body": "hello world" if i % 2 else "escort incall young 80/hr"}
        for i in range(600)
    ]
    data = "".join(json.dumps(a) + "\n" for a in ads).encode()
    proc = _run(["scan", "-", "--workers", "2"], tmp_path, stdin=data)
    assert proc.returncode == 0, proc.stderr.decode()
    ids = [json.loads(x)["id"] for x in proc.stdout.decode().splitlines()]
    assert ids == [a["id"] for a in ads]


def test_scan_csv_in_parquet_out(tmp_path: Path) -> None:
    src = tmp_path / "ads.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "title", "body", "country", "poster.account_id"])
        w.writeheader()
        w.writerow(
            {
                "id": "c1",
                "title": "Escort",
                "body": "new girls, ask for Mia, incall 60/hr",
                "country": "US",
                "poster.account_id": "u-1",
            }
        )
        w.writerow(
            {
                "id": "c2",
                "title": "Sofa",
                "body": "for sale, $100 obo",
                "country": "US",
                "poster.account_id": "u-2",
            }
        )
    proc = _run(["scan", str(src), "-o", "out.parquet", "--workers", "1"], tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    table = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [r["id"] for r in table] == ["c1", "c2"]
    assert json.loads(table[0]["indicators"])
    assert table[1]["action"] == "allow"


def test_missing_input_file_is_a_clear_error(tmp_path: Path) -> None:
    proc = _run(["scan", "nope.jsonl", "-o", "out.jsonl"], tmp_path)
    assert proc.returncode == 4
    assert "cannot open nope.jsonl" in proc.stderr.decode()


def test_synth_then_scan(tmp_path: Path) -> None:
    proc = _run(["synth", "--ads", "300", "--seed", "5", "-o", "s.jsonl"], tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert len((tmp_path / "s.truth.jsonl").read_text().splitlines()) == 300
    proc = _run(["scan", "s.jsonl", "-o", "a.jsonl"], tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert len((tmp_path / "a.jsonl").read_text().splitlines()) == 300


def test_demo_writes_report(tmp_path: Path) -> None:
    proc = _run(["demo", "--out", "demo-out"], tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    report = tmp_path / "demo-out" / "report.html"
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html
    assert str(report.resolve()) in proc.stderr.decode().replace("\n", "")
    assert "held for human review" in proc.stderr.decode()


def test_an_internal_error_on_one_ad_is_reported_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug hit by one ad costs that ad (reported by line, without quoting it), not the run."""
    from redflags.engines import local
    from redflags.io import Record

    real = local.screen

    def flaky(ad: Any, **kw: Any) -> Any:
        if ad.id == "bad":
            raise KeyError("secret words from the ad")
        return real(ad, **kw)

    monkeypatch.setattr(local, "screen", flaky)
    records = [Record("t", n, json.dumps({"id": i, "body": "hello"}).encode())
               for n, i in enumerate(["a", "bad", "c"], start=1)]
    out = list(local.screen_records(records, workers=1))
    assert [(o.line, o.ok) for o in out] == [(1, True), (2, False), (3, True)]
    assert b"internal error (KeyError)" in out[1].payload
    assert b"secret" not in out[1].payload
