"""Compiled screening modules: which they are, whether the build is current, and the fallback.

``make`` compiles the screening hot path (normalise, extract, match, score) with mypyc, the
compiler mypy ships, into C extensions that sit next to their sources (``tools/build_native.py``).
The sources stay the truth: the build records the SHA-256 of every source it compiled in
``_native.json``, and at import :func:`guard` compares them.  When any compiled module is older
than its source (someone edited a ``.py`` and did not run ``make``), or ``REDFLAGS_PURE=1`` is
set, the whole compiled set is loaded from the ``.py`` sources instead: mypyc links the set's
modules to each other directly, so one stale module means none of them can be trusted.  A
stale build is therefore slower, never wrong.

Results are identical either way: ``tests/test_native.py`` screens a corpus both ways and
compares the bytes.

This module is never compiled itself (it decides what to load).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

__all__ = ["COMPILED_MODULES", "GROUP", "NativeStatus", "guard", "source_hashes", "status"]

#: the modules mypyc compiles, as import names (the hot path of ``screen``)
COMPILED_MODULES: tuple[str, ...] = (
    "redflags.model",
    "redflags.normalize",
    "redflags.extract.common",
    "redflags.extract.ages",
    "redflags.extract.crypto",
    "redflags.extract.emails",
    "redflags.extract.handles",
    "redflags.extract.phones",
    "redflags.extract.places",
    "redflags.extract.prices",
    "redflags.indicators.catalog",
    "redflags.records",
    "redflags.score",
    "redflags.screen",
    "redflags.engines.outcome",
)
#: the shared library mypyc builds for the set: ``redflags/_screening__mypyc.*.so``
GROUP = "redflags._screening"
#: where the build records what it compiled
MANIFEST = "_native.json"
#: set to 1 to load the pure-Python sources even when a current build exists
ENV_PURE = "REDFLAGS_PURE"

_PACKAGE_DIR = Path(__file__).resolve().parent


def source_path(module: str, package_dir: Path = _PACKAGE_DIR) -> Path:
    """The ``.py`` file of a module in :data:`COMPILED_MODULES`."""
    parts = module.split(".")[1:]
    base = package_dir.joinpath(*parts)
    init = base / "__init__.py"
    return init if init.is_file() else base.with_suffix(".py")


def source_hashes(
    modules: Sequence[str] = COMPILED_MODULES, package_dir: Path = _PACKAGE_DIR
) -> dict[str, str]:
    """SHA-256 of each module's source, as the build records them."""
    return {
        m: hashlib.sha256(source_path(m, package_dir).read_bytes()).hexdigest() for m in modules
    }


@dataclass(frozen=True)
class NativeStatus:
    """What :func:`guard` decided: ``compiled`` is true when the C extensions are in use."""

    compiled: bool
    reason: str
    #: extension modules exist beside the sources (current or not)
    built: bool = False


def _extension_exists(module: str, package_dir: Path) -> bool:
    parts = module.split(".")[1:]
    if source_path(module, package_dir).name == "__init__.py":
        folder, stem = package_dir.joinpath(*parts), "__init__"
    else:
        folder, stem = package_dir.joinpath(*parts[:-1]), parts[-1]
    return any(
        (folder / f"{stem}{suffix}").is_file()
        for suffix in importlib.machinery.EXTENSION_SUFFIXES
    )


def check(package_dir: Path = _PACKAGE_DIR, environ: dict[str, str] | None = None) -> NativeStatus:
    """Whether the compiled modules in ``package_dir`` exist and match their sources."""
    env = os.environ if environ is None else environ
    group = GROUP.split(".")[-1] + "__mypyc"
    present = [m for m in COMPILED_MODULES if _extension_exists(m, package_dir)]
    has_group = any(
        (package_dir / f"{group}{s}").is_file() for s in importlib.machinery.EXTENSION_SUFFIXES
    )
    if not present and not has_group:
        return NativeStatus(False, "not built (run `make` to compile the screening modules)")
    if env.get(ENV_PURE, "") not in ("", "0"):
        return NativeStatus(False, f"{ENV_PURE} is set", built=True)
    if len(present) != len(COMPILED_MODULES) or not has_group:
        return NativeStatus(False, "incomplete build (run `make` to rebuild)", built=True)
    try:
        recorded = json.loads((package_dir / MANIFEST).read_text(encoding="utf-8"))["sources"]
    except (OSError, ValueError, KeyError, TypeError):
        return NativeStatus(False, f"no readable {MANIFEST} (run `make` to rebuild)", built=True)
    if recorded != source_hashes(COMPILED_MODULES, package_dir):
        return NativeStatus(
            False, "sources changed since the build (run `make` to rebuild)", built=True
        )
    return NativeStatus(True, "compiled with mypyc", built=True)


class _SourceFinder:
    """Loads the compiled set from its ``.py`` sources, ahead of the extension modules.

    A meta path finder needs only ``find_spec``; not deriving from ``importlib.abc`` spares
    every ``import redflags`` the ~17 ms that module costs to import."""

    def __init__(self, package_dir: Path) -> None:
        self._paths = {m: source_path(m, package_dir) for m in COMPILED_MODULES}

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        src = self._paths.get(fullname)
        if src is None:
            return None
        search = [str(src.parent)] if src.name == "__init__.py" else None
        return importlib.util.spec_from_file_location(
            fullname, src, submodule_search_locations=search
        )


_status: NativeStatus | None = None


def guard() -> NativeStatus:
    """Decide, once per process, whether the compiled modules may be imported; if not, make
    every module of the set load from source.  Called by ``redflags/__init__.py``."""
    global _status
    if _status is not None:
        return _status
    _status = check()
    if (
        _status.built
        and not _status.compiled
        and not any(isinstance(f, _SourceFinder) for f in sys.meta_path)
    ):
        loaded = [m for m in COMPILED_MODULES if m in sys.modules]
        if not loaded:  # nothing compiled was imported yet (``redflags`` is imported first)
            sys.meta_path.insert(0, _SourceFinder(_PACKAGE_DIR))
    return _status


def status() -> NativeStatus:
    """Whether this process runs the compiled screening modules, and why (or why not)."""
    return guard()
