"""Shared fixtures. Store tests run on a fresh SQLite file and on a fresh PostgreSQL schema.

PostgreSQL tests read ``REDFLAGS_TEST_POSTGRES_URL`` and are skipped only when it is unset.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from redflags.store import Store
from redflags.store.testing import ENV_TEST_POSTGRES, temporary_database

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(autouse=True, scope="session")
def _evidence_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Code that falls back to the default evidence store (``./redflags-evidence``) must never
    write into the working directory during tests: point the default at a temporary folder."""
    old = os.environ.get("REDFLAGS_EVIDENCE_DIR")
    os.environ["REDFLAGS_EVIDENCE_DIR"] = str(tmp_path_factory.mktemp("default-evidence"))
    yield
    if old is None:
        os.environ.pop("REDFLAGS_EVIDENCE_DIR", None)
    else:
        os.environ["REDFLAGS_EVIDENCE_DIR"] = old


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> Iterator[str]:
    pg = None
    if request.param == "postgres":
        pg = os.environ.get(ENV_TEST_POSTGRES)
        if not pg:
            pytest.skip(f"{ENV_TEST_POSTGRES} is not set")
    with temporary_database(pg) as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store.open(db_url)
    try:
        yield s
    finally:
        s.close()
