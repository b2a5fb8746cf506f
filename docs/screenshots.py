"""Take the README screenshots of the reviewer UI (1280x800 PNGs in docs/screenshots/).

Runs the browser-test fixture (a real server over the synthetic demo data, Debian's Chromium)
through ``tests/web/test_screenshots.py``::

    .venv/bin/python docs/screenshots.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    os.environ["REDFLAGS_SCREENSHOTS"] = str(HERE / "screenshots")
    os.chdir(HERE.parent)
    sys.path.insert(0, str(HERE.parent))  # tests/web imports its helpers as tests.web.conftest
    sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "tests/web/test_screenshots.py"]))
