"""API fixtures; the ``store`` fixture (SQLite and PostgreSQL) comes from tests/conftest.py."""

from __future__ import annotations

import pytest
from apihelp import Api

from redflags.store import Store


@pytest.fixture
def api(store: Store) -> Api:
    return Api(store)
