"""Throw-away databases for tests and benchmarks: a fresh PostgreSQL schema or SQLite file.

The PostgreSQL server outlives test runs, so every run works in a schema of its own
(``rf_test_<random>``, reached through ``search_path`` in the URL, so subprocesses given the URL
land in it too) and drops it afterwards.

>>> with temporary_database(None) as url:
...     url.startswith("sqlite:///")
True
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from redflags.store.db import resolve_url

__all__ = ["ENV_TEST_POSTGRES", "temporary_database", "temporary_schema"]

#: environment variable with the PostgreSQL server tests use (unset: PostgreSQL tests skip)
ENV_TEST_POSTGRES = "REDFLAGS_TEST_POSTGRES_URL"


@contextmanager
def temporary_schema(base_url: str, prefix: str = "rf_test_") -> Iterator[str]:
    """A URL whose connections use a brand-new schema; the schema is dropped on exit."""
    base = resolve_url(base_url)
    name = prefix + secrets.token_hex(6)
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options={quote(f'-csearch_path={name}')}"
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        admin.dispose()


@contextmanager
def temporary_database(postgres_url: str | None) -> Iterator[str]:
    """A fresh PostgreSQL schema when ``postgres_url`` is given, else a fresh SQLite file."""
    if postgres_url:
        with temporary_schema(postgres_url) as url:
            yield url
        return
    folder = Path(tempfile.mkdtemp(prefix="redflags-"))
    try:
        yield f"sqlite:///{folder / 'redflags.db'}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
