"""The mypyc build of the screening modules: same results as the sources, never stale.

``make`` compiles the modules in ``redflags._native.COMPILED_MODULES``.  These tests check that
the compiled build and the pure sources screen a corpus to the same bytes, that an edited
source makes the whole set fall back to the sources, and the build-status logic itself.  CI sets
``REDFLAGS_REQUIRE_NATIVE=1`` so the comparison fails, rather than skips, without a build.
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from redflags import _native
from redflags._native import COMPILED_MODULES, GROUP, MANIFEST, check, source_hashes
from redflags.synth import write_corpus

PACKAGE = Path(_native.__file__).resolve().parent
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def _require_build() -> None:
    status = check(PACKAGE, environ={})
    if not status.built:
        if os.environ.get("REDFLAGS_REQUIRE_NATIVE"):
            pytest.fail(f"compiled screening modules required: {status.reason}")
        pytest.skip(status.reason)
    assert status.compiled, status.reason


def _run(code: str, *, pure: bool, pythonpath: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != _native.ENV_PURE}
    if pure:
        env[_native.ENV_PURE] = "1"
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout


_SCREEN = """
import sys, orjson, redflags._native as n
from redflags.io import iter_records, decode_record
from redflags.screen import screen
print(n.status().compiled)
for r in iter_records(sys.argv[1] if len(sys.argv) > 1 else {path!r}):
    print(orjson.dumps(screen(decode_record(r, 100_000)).to_json()).decode())
"""


def test_compiled_and_pure_screen_a_corpus_to_the_same_bytes(tmp_path: Path) -> None:
    _require_build()
    corpus = tmp_path / "ads.jsonl"
    write_corpus(3000, 41, corpus)
    code = _SCREEN.format(path=str(corpus))
    compiled = _run(code, pure=False).splitlines()
    pure = _run(code, pure=True).splitlines()
    assert compiled[0] == "True" and pure[0] == "False"
    assert len(compiled) == 3001
    assert compiled[1:] == pure[1:]
    # not a vacuous comparison: the corpus raises findings and entities of every common kind
    rows = [json.loads(line) for line in compiled[1:]]
    assert sum(1 for r in rows if r["indicators"]) > 300
    for kind in ("phones", "emails", "handles", "ages", "prices", "places"):
        assert any(r["entities"][kind] for r in rows), kind


def test_modules_load_compiled_unless_told_otherwise() -> None:
    _require_build()
    code = "import redflags.screen as s, redflags.model as m; print(s.__file__); print(m.__file__)"
    assert all(p.endswith(SUFFIX) for p in _run(code, pure=False).split())
    assert all(p.endswith(".py") for p in _run(code, pure=True).split())


def test_an_edited_source_sends_the_whole_set_back_to_the_sources(tmp_path: Path) -> None:
    """A copy of the built package with one source edited: every compiled module loads from
    its ``.py`` (mypyc links the set together, so one stale module taints all)."""
    _require_build()
    copy = tmp_path / "redflags"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    score = copy / "score.py"
    score.write_text(score.read_text() + "\nEDITED = True\n")
    code = (
        "import redflags._native as n, redflags.screen as s, redflags.score as sc;"
        "print(n.status().compiled); print(n.status().reason); print(s.__file__);"
        "print(sc.EDITED)"
    )
    lines = _run(code, pure=False, pythonpath=tmp_path).splitlines()
    assert lines[0] == "False"
    assert "sources changed" in lines[1]
    assert lines[2] == str(copy / "screen.py")
    assert lines[3] == "True"  # the edit is what runs


# ---------------------------------------------------------------- the status logic itself


def _fake_package(root: Path) -> Path:
    """A package tree with the compiled set's sources (copies) and no extensions."""
    pkg = root / "redflags"
    for module in COMPILED_MODULES:
        src = _native.source_path(module, PACKAGE)
        dst = pkg / src.relative_to(PACKAGE)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    return pkg


def _add_extensions(pkg: Path) -> None:
    for module in COMPILED_MODULES:
        src = _native.source_path(module, pkg)
        (src.parent / f"{src.stem}{SUFFIX}").write_bytes(b"")
    (pkg / f"{GROUP.split('.')[-1]}__mypyc{SUFFIX}").write_bytes(b"")


def test_status_without_a_build(tmp_path: Path) -> None:
    status = check(_fake_package(tmp_path), environ={})
    assert not status.compiled and not status.built
    assert "not built" in status.reason


def test_status_of_a_current_build_and_of_each_way_it_goes_stale(tmp_path: Path) -> None:
    pkg = _fake_package(tmp_path)
    _add_extensions(pkg)
    assert "no readable" in check(pkg, environ={}).reason
    (pkg / MANIFEST).write_text(json.dumps({"sources": source_hashes(package_dir=pkg)}))
    assert check(pkg, environ={}).compiled
    assert not check(pkg, environ={_native.ENV_PURE: "1"}).compiled
    assert check(pkg, environ={_native.ENV_PURE: "0"}).compiled
    # an edited source
    target = _native.source_path("redflags.extract.phones", pkg)
    original = target.read_bytes()
    target.write_bytes(original + b"\n")
    status = check(pkg, environ={})
    assert not status.compiled and status.built and "sources changed" in status.reason
    target.write_bytes(original)
    assert check(pkg, environ={}).compiled
    # a missing extension
    next(pkg.rglob(f"prices{SUFFIX}")).unlink()
    assert "incomplete" in check(pkg, environ={}).reason


def test_model_values_pickle_and_stay_frozen() -> None:
    """What crosses process boundaries (worker processes) round-trips; compiled frozen
    dataclasses need their ``__reduce__`` for that, and still refuse assignment."""
    import dataclasses
    import pickle

    from redflags.model import Ad
    from redflags.screen import screen

    ad = Ad(id="p-1", title="New in town", body="Sweet young girl 16yo, new to this. Incall "
            "only, 100 roses/hr. Text 305 555 0123 or snap: jenny_xo", extra={"k": [1]})
    a = screen(ad)
    assert a.findings and {e.kind for e in a.entities} >= {"phone", "age", "handle"}
    for value in (ad, a, a.findings[0], a.entities[0], a.findings[0].evidence[0]):
        back = pickle.loads(pickle.dumps(value))
        assert back == value and type(back) is type(value)
        field = dataclasses.fields(value)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, field, None)
    assert dataclasses.replace(a.findings[0], contribution=0.5).contribution == 0.5


def test_records_and_outcomes_pickle_and_stay_frozen() -> None:
    """Records go to worker processes in chunks and Outcomes come back: both round-trip, and
    (compiled frozen dataclasses, with ``__init__`` written out) both still refuse assignment."""
    import dataclasses
    import pickle

    from redflags.engines.outcome import Outcome
    from redflags.records import Record

    values = [
        Record("a.jsonl", 7, b'{"id": "x"}\n'),
        Record("b.csv", 2, {"id": "y", "images": ["p.jpg"]}),
        Outcome("a.jsonl", 7, True, b'{"id":"x"}', "high", "block", ("a", "b"), 12),
        Outcome("a.jsonl", 8, False, b"invalid JSON", raw_size=3),
    ]
    for value in values:
        back = pickle.loads(pickle.dumps(value))
        assert back == value and type(back) is type(value)
        assert dataclasses.astuple(back) == dataclasses.astuple(value)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, dataclasses.fields(value)[0].name, "z")
    short = values[3]
    assert isinstance(short, Outcome)
    assert (short.level, short.action, short.indicators) == ("", "", ())
