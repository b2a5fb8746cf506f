"""Open a database: resolve the URL, tune the engine per backend, run migrations.

SQLite (the default, ``./redflags.db``) runs in WAL mode so reviewers read while ingest writes;
every write transaction starts with ``BEGIN IMMEDIATE`` so two writers queue on the lock instead
of failing half-way.  ``synchronous=FULL`` makes a commit durable before it is acknowledged.
PostgreSQL is reached through psycopg 3 (``postgresql://`` URLs are read as
``postgresql+psycopg://``).

>>> resolve_url("ads.db")
'sqlite:///ads.db'
>>> resolve_url("postgresql://u@h/db")
'postgresql+psycopg://u@h/db'
"""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from redflags.errors import StoreError

__all__ = ["DEFAULT_URL", "ENV_URL", "create_engine", "resolve_url", "upgrade"]

DEFAULT_URL = "sqlite:///./redflags.db"
#: environment variable naming the database when ``--db`` is not given
ENV_URL = "REDFLAGS_DB"
#: SQLite connections kept open: one per thread of the API's thread pool (40) and some spare
SQLITE_POOL = 48
#: how long a SQLite writer waits for the lock before giving up (ms); ingest batches and
#: decisions are short, so waiting is always better than failing
SQLITE_BUSY_MS = 30_000


def resolve_url(url: str | None = None) -> str:
    """``--db`` value, else ``$REDFLAGS_DB``, else ``./redflags.db``; bare paths are SQLite."""
    raw = url or os.environ.get(ENV_URL) or DEFAULT_URL
    if "://" not in raw:
        return f"sqlite:///{raw}"
    if raw.startswith("postgresql://") or raw.startswith("postgres://"):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    return raw


def create_engine(url: str | None = None, *, pool_size: int = 10) -> Engine:
    """An engine for ``url`` (see :func:`resolve_url`), tuned for its backend."""
    resolved = resolve_url(url)
    try:
        parsed = sa.engine.make_url(resolved)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"cannot read database URL: {exc}") from None
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(resolved, pool_size)
        # no pre-ping (a round trip per checkout); a connection the server dropped fails one
        # request with 503 and is replaced, and connections are recycled every half hour
        return sa.create_engine(
            resolved, pool_size=pool_size, max_overflow=3 * pool_size, pool_recycle=1800
        )
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot open database {parsed.render_as_string()}: {exc}") from None


def _sqlite_engine(url: str, pool_size: int) -> Engine:
    # isolation_level=None hands transaction control to us (the "begin" hook below); the
    # driver's own deferred BEGIN would let two readers both try to upgrade to writers
    memory = url.rstrip("/").endswith(":memory:") or url == "sqlite://"
    args: dict[str, Any] = {"check_same_thread": False, "isolation_level": None, "timeout": 30}
    if memory:  # one shared connection, or every checkout would see an empty database
        engine = sa.create_engine(url, connect_args=args, poolclass=sa.pool.StaticPool)
    else:
        # connections are cheap to keep and costly to churn (each opens the WAL anew): keep
        # one per server thread rather than closing overflow connections after every use
        engine = sa.create_engine(
            url, connect_args=args, pool_size=max(pool_size, SQLITE_POOL), max_overflow=8
        )

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            # checkpoints run on the store's own background thread (Store._checkpoints), not
            # inside whichever request happens to commit the 1000th page
            cur.execute("PRAGMA wal_autocheckpoint=0")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get("redflags_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "redflags.store:migrations")
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema up to ``revision`` (idempotent; runs on every start).

    The migrations form one line (0001 ... 0007); ``heads`` also applies a branch that two
    pieces of work add from the same revision until they are put back in line.
    """
    from alembic import command

    cfg = _alembic_config()
    try:
        with engine.connect().execution_options(redflags_write=True) as conn:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
    except sa.exc.OperationalError as exc:
        raise StoreError(f"cannot migrate the database: {exc.orig}") from None


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None before the first migration)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
        conn.rollback()
        return "+".join(sorted(heads)) if heads else None
