"""Compile the screening hot path with mypyc, in place beside its sources (``make`` runs this).

    python tools/build_native.py [--clean | --if-stale]

The modules are listed in ``redflags._native.COMPILED_MODULES``.  The extensions land next to
their ``.py`` files (``src/redflags/**/*.so``, ignored by git) and the SHA-256 of every compiled
source goes to ``src/redflags/_native.json``; ``redflags._native.guard`` refuses a build whose
sources have changed since, so an edit without a rebuild falls back to the pure sources rather
than running old code.  ``--clean`` removes the extensions and the record; ``--if-stale``
builds only when the current build is missing or out of date (what ``make`` runs).

A failed build leaves no extension behind (the pure sources keep working) and exits non-zero.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
BUILD = ROOT / "build" / "mypyc"


def _extensions() -> list[Path]:
    return sorted(p for p in (SRC / "redflags").rglob("*.so") if p.is_file())


def clean() -> int:
    from redflags._native import MANIFEST

    removed = _extensions()
    for p in removed:
        p.unlink()
    (SRC / "redflags" / MANIFEST).unlink(missing_ok=True)
    shutil.rmtree(BUILD, ignore_errors=True)
    return len(removed)


def build() -> None:
    from mypyc.build import mypycify
    from setuptools import setup

    from redflags._native import COMPILED_MODULES, GROUP, MANIFEST, source_hashes, source_path

    before = source_hashes()
    paths = [str(source_path(m).relative_to(SRC)) for m in COMPILED_MODULES]
    cwd = os.getcwd()
    os.environ["MYPY_CACHE_DIR"] = str(BUILD / "mypy-cache")  # not src/.mypy_cache
    os.chdir(SRC)  # mypy finds pyproject.toml by walking up; setuptools maps names to folders
    try:
        ext_modules = mypycify(
            paths, opt_level="3", group_name=GROUP, target_dir=str(BUILD / "c")
        )
        setup(
            name="redflags-native",
            ext_modules=ext_modules,
            script_args=[
                "-q",
                "build_ext",
                "--inplace",
                "--parallel",
                str(os.cpu_count() or 1),
                "--build-lib",
                str(BUILD / "lib"),
                "--build-temp",
                str(BUILD / "temp"),
            ],
        )
    finally:
        os.chdir(cwd)
    if source_hashes() != before:
        clean()
        raise SystemExit("sources changed during the build; run it again")
    record = {"sources": before, "python": sys.version.split()[0], "built": time.time()}
    (SRC / "redflags" / MANIFEST).write_text(json.dumps(record, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--clean", action="store_true", help="remove the compiled modules")
    mode.add_argument("--if-stale", action="store_true", help="build only if out of date")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(SRC))
    os.environ["REDFLAGS_PURE"] = "1"  # importing redflags here must not load old extensions
    if args.clean:
        print(f"removed {clean()} compiled modules")
        return 0
    if args.if_stale:
        from redflags._native import check

        if check(environ={}).compiled:
            return 0
    clean()
    t0 = time.perf_counter()
    try:
        build()
    except BaseException:
        clean()
        raise
    print(f"compiled {len(_extensions())} modules with mypyc in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
