"""The store: the only stateful part of redflags (SQLite by default, PostgreSQL for teams).

>>> store = Store.open("sqlite://")
>>> inc = prepare('{"id": "a-1", "body": "hello"}')
>>> [r.status for r in store.ingest([inc, inc], LocalScreener(), actor=SYSTEM, source="cli")]
['created', 'unchanged']
"""

from __future__ import annotations

from redflags.store.db import DEFAULT_URL, ENV_URL, create_engine, resolve_url, upgrade
from redflags.store.ingest import Incoming, LocalScreener, PoolScreener, Screener, prepare
from redflags.store.repo import SYSTEM, Actor, IngestResult, IngestTicket, Store

__all__ = [
    "DEFAULT_URL",
    "ENV_URL",
    "SYSTEM",
    "Actor",
    "Incoming",
    "IngestResult",
    "IngestTicket",
    "LocalScreener",
    "PoolScreener",
    "Screener",
    "Store",
    "create_engine",
    "prepare",
    "resolve_url",
    "upgrade",
]
