"""Evidence store and hash-chained custody log, on real files: tamper detection with locations."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redflags.errors import ConflictError, HeldError, NotFoundError, StoreError
from redflags.evidence.log import (
    GENESIS,
    LOG_NAME,
    TORN_NAME,
    EvidenceStore,
    canonical,
    entry_hash,
    verify_entries,
)
from redflags.evidence.objects import sha256_hex

TEXT = "text/plain; charset=utf-8"


def _fill(ev: EvidenceStore) -> list[str]:
    """A small store with every kind of event: captures (one twice), access, export, deletion."""
    shas = [
        ev.capture(
            f"synthetic ad {i} as posted".encode(),
            media_type=TEXT,
            actor="analyst:kim",
            reason="intake",
            ref=f"ad:a-{i}",
        )
        for i in range(6)
    ]
    ev.capture(b"synthetic ad 0 as posted", media_type=TEXT, actor="analyst:lee", reason="again")
    ev.read(shas[1], actor="analyst:lee", reason="case review")
    ev.log_event(
        "export", actor="liaison:ana", reason="case 7", objects=shas[:3], detail={"to": "zip"}
    )
    ev.log_event("hold", actor="liaison:ana", reason="2703(f) request", objects=[shas[2]])
    ev.delete(shas[5], actor="retention", reason="expired")
    ev.log_event("disclosure", actor="liaison:ana", reason="subpoena", detail={"é": "ünïcode"})
    return shas


@pytest.fixture
def ev(tmp_path: Path) -> Iterator[EvidenceStore]:
    with EvidenceStore.open(tmp_path / "ev") as s:
        yield s


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("base") / "ev"
    with EvidenceStore.open(root) as s:
        _fill(s)
    return root


def _copy(base: Path) -> Path:
    dst = Path(tempfile.mkdtemp(prefix="copy-", dir=base.parent)) / "ev"  # pytest-managed
    shutil.copytree(base, dst)
    return dst


def _lines(root: Path) -> list[bytes]:
    return (root / LOG_NAME).read_bytes().splitlines(keepends=True)


def _write_lines(root: Path, lines: list[bytes]) -> None:
    (root / LOG_NAME).write_bytes(b"".join(lines))


def _objects(root: Path) -> list[Path]:
    return sorted(p for p in (root / "objects").rglob("*") if p.is_file())


# -- capture, read, delete ------------------------------------------------------------------


def test_same_bytes_stored_once_but_every_capture_logged(ev: EvidenceStore) -> None:
    a = ev.capture(b"ad body", media_type=TEXT, actor="a", reason="r", ref="ad:1")
    b = ev.capture(b"ad body", media_type=TEXT, actor="b", reason="r2", ref="ad:2")
    assert a == b == sha256_hex(b"ad body")
    files = _objects(ev.root)
    assert [p.relative_to(ev.root / "objects").as_posix() for p in files] == [f"{a[:2]}/{a[2:]}"]
    assert not files[0].stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    caps = list(ev.entries())
    assert [(e.event, e.actor, e.objects) for e in caps] == [
        ("capture", "a", (a,)),
        ("capture", "b", (a,)),
    ]
    assert caps[0].detail == {"media_type": TEXT, "size": 7, "new": True, "ref": "ad:1"}
    assert caps[1].detail is not None and caps[1].detail["new"] is False
    assert caps[0].tool.startswith("redflags ") and caps[0].at.endswith("Z")
    assert caps[0].prev == GENESIS and caps[1].prev == caps[0].hash
    assert not list((ev.root / "objects" / a[:2]).glob(".tmp-*"))


def test_read_logs_access_and_rejects_damaged_bytes(ev: EvidenceStore) -> None:
    sha = ev.capture(b"photo bytes", media_type="image/jpeg", actor="a", reason="r")
    assert ev.has(sha) and not ev.has("0" * 64) and not ev.has("nope")
    assert ev.read(sha, actor="kim", reason="review") == b"photo bytes"
    last = list(ev.entries())[-1]
    assert (last.event, last.actor, last.reason) == ("access", "kim", "review")
    assert last.objects == (sha,)
    path = ev.objects.path(sha)
    path.chmod(0o644)
    path.write_bytes(b"photo bytez")
    with pytest.raises(StoreError, match="damaged"):
        ev.read(sha, actor="kim", reason="review")
    with pytest.raises(NotFoundError):
        ev.read("a" * 64, actor="kim", reason="review")


def test_recapture_restores_damaged_object(ev: EvidenceStore) -> None:
    sha = ev.capture(b"original", media_type=TEXT, actor="a", reason="r")
    path = ev.objects.path(sha)
    path.chmod(0o644)
    path.write_bytes(b"tampered")
    assert not ev.verify().ok
    ev.capture(b"original", media_type=TEXT, actor="a", reason="recapture")
    assert path.read_bytes() == b"original" and ev.verify().ok


def test_bad_arguments_are_refused(ev: EvidenceStore) -> None:
    with pytest.raises(ValueError, match="written by the store"):
        ev.log_event("capture", actor="a", reason="r")
    with pytest.raises(ValueError, match="event"):
        ev.log_event("Export now!", actor="a", reason="r")
    with pytest.raises(ValueError, match="reason"):
        ev.log_event("export", actor="a", reason="  ")
    with pytest.raises(ValueError, match="SHA-256"):
        ev.log_event("export", actor="a", reason="r", objects=["xyz"])
    with pytest.raises(ValueError, match="JSON"):
        ev.log_event("export", actor="a", reason="r", detail={"when": object()})
    with pytest.raises(ValueError, match="bytes"):
        ev.capture("text, not bytes", media_type=TEXT, actor="a", reason="r")  # type: ignore[arg-type]
    assert list(ev.entries()) == [] and ev.head() == (0, GENESIS)


def test_delete_keeps_the_log_entry_and_verify_accepts_it(ev: EvidenceStore) -> None:
    sha = ev.capture(b"expired ad", media_type=TEXT, actor="a", reason="r")
    entry = ev.delete(sha, actor="retention", reason="policy 90d")
    assert (entry.event, entry.objects, entry.detail) == ("deletion", (sha,), {"size": 10})
    assert not ev.has(sha)
    with pytest.raises(NotFoundError):
        ev.delete(sha, actor="retention", reason="again")
    assert [e.event for e in ev.entries(objects=[sha])] == ["capture", "deletion"]
    report = ev.verify()
    assert report.ok and report.counts["deleted"] == 1 and report.counts["objects"] == 0


def test_held_objects_cannot_be_deleted(tmp_path: Path) -> None:
    held: dict[str, str] = {}
    with EvidenceStore.open(tmp_path / "ev", hold_check=held.get) as ev:
        a = ev.capture(b"held ad", media_type=TEXT, actor="a", reason="r")
        b = ev.capture(b"free ad", media_type=TEXT, actor="a", reason="r")
        held[a] = "preservation request 2703(f) APD-2026-118"
        with pytest.raises(HeldError, match="APD-2026-118") as exc:
            ev.delete(a, actor="retention", reason="expired")
        assert isinstance(exc.value, ConflictError)
        assert ev.has(a) and [e.event for e in ev.entries(objects=[a])] == ["capture"]
        ev.delete(b, actor="retention", reason="expired")
        assert not ev.has(b)
        del held[a]
        ev.delete(a, actor="retention", reason="hold released")
        assert ev.verify().ok


def test_entries_filter_and_verify_entries_for_custody_extracts(base_store: Path) -> None:
    with EvidenceStore.open(base_store) as ev:
        all_entries = list(ev.entries())
        sha = all_entries[0].objects[0]
        mine = [e.to_json() for e in ev.entries(objects=[sha])]
    assert [e["event"] for e in mine] == ["capture", "capture", "export"]
    # through JSON and back, as a case package carries it
    extract = json.loads(json.dumps(mine))
    assert verify_entries(extract).ok
    whole = [e.to_json() for e in all_entries]
    rep = verify_entries(whole)
    assert rep.ok and rep.head == (len(whole), whole[-1]["hash"])
    bad = [dict(e) for e in extract]
    bad[1]["actor"] = "someone else"
    rep = verify_entries(bad)
    assert not rep.ok and rep.first is not None
    assert (rep.first.kind, rep.first.line, rep.first.seq) == ("entry-hash", 2, bad[1]["seq"])
    # a consecutive pair whose link was rewritten (both entries re-hashed) is still caught
    pair = [dict(whole[3]), dict(whole[4])]
    pair[0]["reason"] = "rewritten"
    pair[0]["hash"] = entry_hash(pair[0])
    rep = verify_entries(pair)
    assert rep.first is not None and (rep.first.kind, rep.first.line) == ("chain", 2)
    assert verify_entries(list(reversed(whole[:3]))).first is not None
    assert verify_entries([{"seq": 1}]).first is not None


def test_canonical_encoding_matches_stdlib_json(base_store: Path) -> None:
    """An investigator can re-check hashes with nothing but Python's json and hashlib."""
    import hashlib

    for raw in _lines(base_store):
        d = json.loads(raw)
        std = json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        assert std + b"\n" == raw == canonical(d) + b"\n"
        body = {k: v for k, v in d.items() if k != "hash"}
        pre = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert hashlib.sha256(pre.encode()).hexdigest() == d["hash"]


# -- tamper detection ---------------------------------------------------------------------


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_flipped_byte_in_the_log_is_found_at_its_line(
    base_store: Path, data: st.DataObject
) -> None:
    root = _copy(base_store)
    lines = _lines(root)
    i = data.draw(st.integers(0, len(lines) - 1), label="entry")
    pos = data.draw(st.integers(0, len(lines[i]) - 1), label="byte")
    mask = data.draw(st.integers(1, 255), label="xor")
    orig = lines[i]
    line = bytearray(orig)
    line[pos] ^= mask
    lines[i] = bytes(line)
    _write_lines(root, lines)
    with EvidenceStore.open(root) as ev:  # a damaged log still opens, so verify can say where
        report = ev.verify()
    assert not report.ok and report.first is not None
    assert report.first.line == i + 1, report.summary()
    seq_at = orig.rfind(b'"seq":')
    in_seq = seq_at <= pos < orig.index(b",", seq_at)
    if report.first.seq is not None and not in_seq:  # a flipped seq is reported as claimed
        assert report.first.seq == i + 1
    assert f"line {i + 1}" in report.summary()
    shutil.rmtree(root.parent)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_flipped_byte_in_an_object_is_found(base_store: Path, data: st.DataObject) -> None:
    root = _copy(base_store)
    files = _objects(root)
    f = data.draw(st.sampled_from(files), label="object")
    blob = bytearray(f.read_bytes())
    blob[data.draw(st.integers(0, len(blob) - 1), label="byte")] ^= data.draw(st.integers(1, 255))
    f.chmod(0o644)
    f.write_bytes(bytes(blob))
    with EvidenceStore.open(root) as ev:
        report = ev.verify()
    name = f.parent.name + f.name
    assert report.first is not None
    assert (report.first.kind, report.first.object) == ("object-hash", name)
    assert name in report.summary()
    shutil.rmtree(root.parent)


def test_removed_entry_is_found_where_it_was(base_store: Path) -> None:
    root = _copy(base_store)
    lines = _lines(root)
    del lines[4]
    _write_lines(root, lines)
    with EvidenceStore.open(root) as ev:
        first = ev.verify().first
    assert first is not None and (first.kind, first.line, first.seq) == ("sequence", 5, 6)


def test_reordered_entries_are_found(base_store: Path) -> None:
    root = _copy(base_store)
    lines = _lines(root)
    lines[6], lines[7] = lines[7], lines[6]
    _write_lines(root, lines)
    with EvidenceStore.open(root) as ev:
        first = ev.verify().first
    assert first is not None and (first.kind, first.line) == ("sequence", 7)


def test_rehashed_rewrite_breaks_the_chain_at_the_next_entry(base_store: Path) -> None:
    """Someone who edits an entry *and* recomputes its hash still breaks the link after it."""
    root = _copy(base_store)
    lines = _lines(root)
    d = orjson.loads(lines[2])
    d["actor"] = "nobody"
    d["hash"] = entry_hash(d)
    lines[2] = canonical(d) + b"\n"
    _write_lines(root, lines)
    with EvidenceStore.open(root) as ev:
        first = ev.verify().first
    assert first is not None and (first.kind, first.line, first.seq) == ("chain", 4, 4)


def test_truncation_is_found_against_a_recorded_head(base_store: Path) -> None:
    root = _copy(base_store)
    with EvidenceStore.open(root) as ev:
        anchor = ev.head()
    assert anchor[0] == len(_lines(root))
    full = _lines(root)
    _write_lines(root, full[:-3])  # cuts a deletion entry: its object looks missing
    with EvidenceStore.open(root) as ev:
        first = ev.verify().first
        assert first is not None and first.kind == "object-missing"
    _write_lines(root, full[:-1])
    with EvidenceStore.open(root) as ev:
        assert ev.verify().ok  # without an anchor a clean cut is invisible...
        report = ev.verify(expect_head=anchor)  # ...with one it is not
        assert report.first is not None and report.first.kind == "truncated"
        assert f"seq {anchor[0]}" in report.first.message
        # rewriting the tail to the same length is caught too
        ev.log_event("access", actor="forger", reason="fill the gap")
        assert ev.head()[0] == anchor[0]
        first = ev.verify(expect_head=anchor).first
    assert first is not None and (first.kind, first.seq) == ("anchor", anchor[0])


def test_missing_object_is_reported_with_its_capture(base_store: Path) -> None:
    root = _copy(base_store)
    with EvidenceStore.open(root) as ev:
        victim = list(ev.entries())[2]
        path = ev.objects.path(victim.objects[0])
        path.unlink()
        report = ev.verify()
    first = report.first
    assert first is not None and first.kind == "object-missing"
    assert (first.object, first.line, first.seq) == (victim.objects[0], 3, 3)


def test_unlogged_object_and_temp_file_are_warnings(ev: EvidenceStore) -> None:
    ev.capture(b"logged", media_type=TEXT, actor="a", reason="r")
    sha, _ = ev.objects.put(b"never logged (crash between object and entry)")
    (ev.objects.path(sha).parent / ".tmp-abc").write_bytes(b"half")
    report = ev.verify()
    assert report.ok and report.counts["objects"] == 2
    assert any(sha in w for w in report.warnings) and any(".tmp-abc" in w for w in report.warnings)


# -- damaged or torn tails, cheap open ----------------------------------------------------


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(1, 10_000))
def test_torn_last_line_is_moved_aside_and_the_log_verifies(base_store: Path, cut: int) -> None:
    root = _copy(base_store)
    before = _lines(root)
    partial = before[-1][: 1 + cut % (len(before[-1]) - 2)]  # shorter than the entry itself
    _write_lines(root, before[:-1] + [partial])
    with EvidenceStore.open(root) as ev:
        after = list(ev.entries())
        assert ev.verify().ok
        ev.log_event("access", actor="a", reason="after the crash")
        assert ev.verify().ok
    repair = after[-1]
    assert repair.event == "repair" and repair.seq == len(before)
    assert repair.detail is not None and repair.detail["length"] == len(partial)
    assert [e.hash for e in after[:-1]] == [orjson.loads(x)["hash"] for x in before[:-1]]
    torn = [orjson.loads(x) for x in (root / TORN_NAME).read_bytes().splitlines()]
    import base64

    assert base64.b64decode(torn[0]["data_b64"]) == partial
    assert torn[0]["sha256"] == repair.detail["sha256"] == sha256_hex(partial)
    shutil.rmtree(root.parent)


def test_complete_entry_missing_only_its_line_end_is_kept(base_store: Path) -> None:
    root = _copy(base_store)
    lines = _lines(root)
    _write_lines(root, lines[:-1] + [lines[-1].rstrip(b"\n")])
    with EvidenceStore.open(root) as ev:
        assert ev.verify().ok and ev.head()[0] == len(lines)
    assert _lines(root) == lines and not (root / TORN_NAME).exists()


def test_damaged_last_entry_opens_but_refuses_appends(base_store: Path) -> None:
    root = _copy(base_store)
    lines = _lines(root)
    lines[-1] = lines[-1].replace(b'"liaison:ana"', b'"liaison:bob"')
    _write_lines(root, lines)
    with EvidenceStore.open(root) as ev:
        with pytest.raises(StoreError, match="damaged"):
            ev.log_event("access", actor="a", reason="r")
        first = ev.verify().first
    assert first is not None and (first.kind, first.line) == ("entry-hash", len(lines))
    assert _lines(root) == lines


def test_open_reads_only_the_tail(base_store: Path) -> None:
    """An early damaged line does not stop appends: open never parsed it (verify still does)."""
    root = _copy(base_store)
    lines = _lines(root)
    lines[0] = b"X" + lines[0][1:]
    _write_lines(root, lines)
    with EvidenceStore.open(root) as ev:
        assert ev.head()[0] == len(lines)
        ev.log_event("access", actor="a", reason="r")
        first = ev.verify().first
    assert first is not None and (first.kind, first.line) == ("parse", 1)


def test_batch_mode_writes_one_chain(ev: EvidenceStore) -> None:
    with ev.batch():
        shas = [
            ev.capture(f"ad {i}".encode(), media_type=TEXT, actor="a", reason="r")
            for i in range(50)
        ]
        for s in shas[:10]:
            ev.log_event("export", actor="a", reason="r", objects=[s])
        ev.delete(shas[0], actor="a", reason="r")  # flushes: deletion durable before bytes go
        assert ev.head()[0] == 61
    assert [e.seq for e in ev.entries()] == list(range(1, 62))
    assert ev.verify().ok


def test_empty_store_and_missing_store(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        EvidenceStore.open(tmp_path / "nowhere", create=False)
    assert not (tmp_path / "nowhere").exists()
    with EvidenceStore.open(tmp_path / "ev") as ev:
        report = ev.verify()
        assert report.ok and report.counts["entries"] == 0 and ev.head() == (0, GENESIS)
        assert report.summary().startswith("intact")
    assert os.path.isfile(tmp_path / "ev" / LOG_NAME)
