"""Load a module of the compiled set from its ``.py`` source, for tests that patch its globals.

mypyc-compiled code reads module constants from C statics, so ``monkeypatch.setattr`` on the
compiled module would not reach the code under test.  A fresh copy executed from source (under
another name, so the real module is untouched) behaves exactly like the pure build.
"""

from __future__ import annotations

import importlib.util
from types import ModuleType

from redflags._native import source_path


def load_source(name: str) -> ModuleType:
    alias = "_pure_" + name.replace(".", "_")
    spec = importlib.util.spec_from_file_location(alias, source_path(name))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
