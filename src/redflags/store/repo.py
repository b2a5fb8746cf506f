"""The store: ads, assessments, review, networks, users and audit behind one class.

One :class:`Store` runs on SQLite and on PostgreSQL alike.  Every method is one transaction;
methods that show ad content or record a decision write their audit row inside that same
transaction, so there is no read without its audit entry.

>>> store = Store.open("sqlite://")          # in-memory: the real store, for tests and demos
>>> admin = SYSTEM
>>> user, token = store.add_user("ana", "reviewer", actor=admin)
>>> store.authenticate(token).name
'ana'
"""

from __future__ import annotations

import os
import queue
import secrets
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, InvalidStateError
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from redflags.errors import AccessError, ConflictError, NotFoundError, StaleVersionError
from redflags.language import LANGUAGE_NAMES
from redflags.language import detect as detect_language
from redflags.review import (
    CLAIM_TTL,
    QueueFilter,
    categories_key,
    check_decision,
    claim_state,
    etag,
    may_decide,
    needs_review,
)
from redflags.store import keys as keys_mod
from redflags.store.access import check_role
from redflags.store.db import create_engine, upgrade
from redflags.store.ingest import Incoming, Screener
from redflags.store.schema import (
    ENTITY_CHARS,
    FILTER_CHARS,
    ad_versions,
    ads,
    api_keys,
    assessments,
    audit_log,
    decisions,
    entities,
    network_members,
    networks,
    review_items,
    settings,
    users,
)

__all__ = ["SYSTEM", "Actor", "Head", "IngestResult", "IngestTicket", "Store", "utcnow"]

IngestStatus = Literal["created", "updated", "rescreened", "unchanged"]
#: attempts at an ingest batch that raced another writer on the same ad ids
_INGEST_ATTEMPTS = 5
#: how often the SQLite WAL is checkpointed into the database file (background thread)
CHECKPOINT_SECONDS = 1.0
#: most waiting calls one group commit takes: one disk sync then serves all of them, and a
#: group this size still commits in a few tens of milliseconds
GROUP_COMMIT_MAX = 256
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-")


def utcnow() -> datetime:
    """Naive UTC now (the store keeps naive UTC times on both backends)."""
    return datetime.now(UTC).replace(tzinfo=None)


def iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.isoformat(timespec="milliseconds") + "Z"


def _clean(value: Any, limit: int = FILTER_CHARS) -> str | None:
    """A filter/lookup column value: text, no NUL (PostgreSQL refuses it), bounded length."""
    if value is None:
        return None
    text = str(value).replace("\x00", "")
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text[:limit] or None


_AUDIT_INSERT = audit_log.insert()
_HEAD_COLUMNS = sa.select(
    ads.c.id, ads.c.version, ads.c.fingerprint, ads.c.model, ads.c.catalog_version
)
_HEAD_ONE = _HEAD_COLUMNS.where(ads.c.id == sa.bindparam("ad_id"))


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: an API key's user, or the operator at the command line."""

    user_id: int | None
    name: str
    role: str
    key_id: str | None = None


#: the operator at the command line (``redflags users add``, ``redflags ingest``)
SYSTEM = Actor(None, "cli", "operator")


@dataclass(frozen=True, slots=True)
class Head:
    version: int
    fingerprint: str
    model: str
    catalog_version: int


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What happened to one received ad, and the latest verdict on it."""

    id: str
    version: int
    status: IngestStatus
    risk: float = 0.0
    level: str = "low"
    action: str = "allow"
    indicators: tuple[str, ...] = ()


@dataclass(slots=True)
class _Step:
    inc: Incoming
    status: IngestStatus
    version: int
    assessment: dict[str, Any] | None = None
    assessment_id: int | None = None
    #: index of who sent this ad (actor, source) in the batch being written
    origin: int = 0
    #: the ad's detected language, once known (the ad row and its review item both carry it)
    _language: str | None = None
    _language_known: bool = False

    def language(self) -> str | None:
        """The ad's language (:func:`redflags.language.detect`), detected once per step."""
        if not self._language_known:
            self._language = detect_language(self.inc.ad.title, self.inc.ad.body)
            self._language_known = True
        return self._language


@dataclass(slots=True)
class _Job:
    """One caller's ingest waiting for the group commit."""

    items: list[Incoming]
    screener: Screener
    actor: Actor
    source: str
    cache: dict[tuple[str, str], dict[str, Any]]
    steps: list[_Step] = field(default_factory=list)
    error: BaseException | None = None
    done: Future[None] = field(default_factory=Future)


class IngestTicket:
    """A submitted ingest: ``committed`` completes once its ads are committed."""

    __slots__ = ("job",)

    def __init__(self, job: _Job) -> None:
        self.job = job

    @property
    def committed(self) -> Future[None]:
        return self.job.done


class _Retry(Exception):
    """Another writer changed an ad between our read and our write; start the batch again."""


def _entity_rows(ad: Mapping[str, Any], assessment: Mapping[str, Any]) -> list[tuple[str, str]]:
    from redflags.link.engine import identifier_keys

    out: dict[tuple[str, str], None] = {}
    for key in identifier_keys(ad, assessment):
        kind, _, value = key.partition(":")
        out[(kind, value)] = None
    for age in (assessment.get("entities") or {}).get("ages", ()):
        out[("age", str(age))] = None
    return [(k, v) for k, v in out if v]


def _indicator_ids(assessment: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(
        str(i.get("id")) for i in assessment.get("indicators") or () if isinstance(i, Mapping)
    )


class Store:
    """Persistence for redflags; see the module docstring."""

    def __init__(self, engine: Engine, *, pepper: bytes | None = None) -> None:
        self.engine = engine
        self.backend = engine.dialect.name
        self._pepper = pepper
        self._write_lock = threading.RLock() if self.backend == "sqlite" else None
        self._writer_lock = threading.Lock()
        self._jobs: queue.SimpleQueue[_Job | None] | None = None
        self._writer_thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._checkpointer: threading.Thread | None = None
        if self.backend == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            self._checkpointer = threading.Thread(
                target=self._checkpoints, name="redflags-checkpoint", daemon=True
            )
            self._checkpointer.start()

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True, pool_size: int = 10) -> Store:
        """Open (and by default migrate) the database at ``url`` (see ``resolve_url``)."""
        engine = create_engine(url, pool_size=pool_size)
        if migrate:
            upgrade(engine)
        return cls(engine)

    def _checkpoints(self) -> None:
        """Copy the SQLite WAL into the database file in the background (PASSIVE: never
        waits for readers or writers), so no request pays for a checkpoint."""
        while not self._stop.wait(CHECKPOINT_SECONDS):
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            except sa.exc.SQLAlchemyError:  # busy or closing: the next round catches up
                continue

    def close(self) -> None:
        self._stop.set()
        if self._checkpointer is not None:
            self._checkpointer.join(timeout=30)
            self._checkpointer = None
        with self._writer_lock:
            if self._jobs is not None and self._writer_thread is not None:
                self._jobs.put(None)
                self._writer_thread.join(timeout=30)
                self._jobs = self._writer_thread = None
        self.engine.dispose()

    # -- transactions -------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        if self._write_lock is None:
            with self.engine.connect().execution_options(redflags_write=True) as conn:
                with conn.begin():
                    yield conn
            return
        # SQLite has one writer at a time; queueing our own threads on a lock wakes the next
        # one the moment the last commits, where SQLite's busy handler would sleep and poll
        with self._write_lock:
            with self.engine.connect().execution_options(redflags_write=True) as conn:
                with conn.begin():
                    yield conn

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            conn.rollback()

    # -- audit --------------------------------------------------------------------------------

    @staticmethod
    def _audit(
        conn: sa.Connection,
        actor: Actor,
        action: str,
        target: str,
        detail: Mapping[str, Any] | None = None,
        now: datetime | None = None,
    ) -> None:
        conn.execute(
            _AUDIT_INSERT,
            {
                "at": now or utcnow(),
                "user_id": actor.user_id,
                "actor": actor.name[:128],
                "role": actor.role[:16],
                "action": action,
                "target": target[:300],
                "detail": orjson.dumps(detail).decode() if detail else None,
            },
        )

    def audit(
        self, actor: Actor, action: str, target: str, detail: Mapping[str, Any] | None = None
    ) -> None:
        """Record one action on its own (when there is no other write to join)."""
        with self._write() as conn:
            self._audit(conn, actor, action, target, detail)

    def audit_entries(
        self,
        *,
        actor: Actor,
        target: str | None = None,
        action: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        """Audit rows, newest first (reading the log is itself logged)."""
        where = []
        if target is not None:
            where.append(audit_log.c.target == target)
        if action is not None:
            where.append(audit_log.c.action == action)
        with self._write() as conn:
            rows, total = _page(
                conn, audit_log, sa.select(audit_log), where, [audit_log.c.id.desc()], limit, offset
            )
            self._audit(conn, actor, "audit.read", target or "audit", {"action": action})
        out = [
            {
                "id": r["id"],
                "at": iso(r["at"]),
                "user_id": r["user_id"],
                "actor": r["actor"],
                "role": r["role"],
                "action": r["action"],
                "target": r["target"],
                "detail": orjson.loads(r["detail"]) if r["detail"] else None,
            }
            for r in rows
        ]
        return out, int(total)

    # -- users and keys -----------------------------------------------------------------------

    def _load_pepper(self) -> bytes:
        if self._pepper is not None:
            return self._pepper
        env = os.environ.get(keys_mod.PEPPER_ENV)
        if env:
            self._pepper = env.encode()
            return self._pepper
        with self._write() as conn:
            value = conn.execute(
                sa.select(settings.c.value).where(settings.c.name == "key_pepper")
            ).scalar_one_or_none()
            if value is None:
                value = secrets.token_hex(32)
                conn.execute(settings.insert().values(name="key_pepper", value=value))
        self._pepper = value.encode()
        return self._pepper

    def add_user(self, name: str, role: str, *, actor: Actor) -> tuple[dict[str, Any], str]:
        """Create a user with one key; returns the user and the key's token (shown once)."""
        valid_role = check_role(role)
        if not (0 < len(name) <= 128) or not set(name) <= _NAME_CHARS:
            raise ValueError("user names are 1-128 characters of letters, digits and . _ @ -")
        self._load_pepper()  # before our transaction: it may write the pepper itself
        now = utcnow()
        try:
            with self._write() as conn:
                uid = conn.execute(
                    users.insert()
                    .values(name=name, role=valid_role, disabled=False, created_at=now)
                    .returning(users.c.id)
                ).scalar_one()
                self._audit(conn, actor, "user.create", f"user:{name}", {"role": role}, now)
                key_id, token = self._new_key(conn, uid, name, actor, now)
        except sa.exc.IntegrityError:
            raise ConflictError(f"a user named {name!r} already exists") from None
        return {"id": uid, "name": name, "role": valid_role, "key_id": key_id}, token

    def _new_key(
        self, conn: sa.Connection, uid: int, name: str, actor: Actor, now: datetime
    ) -> tuple[str, str]:
        key_id, secret, salt = keys_mod.new_key()
        conn.execute(
            api_keys.insert().values(
                id=key_id,
                user_id=uid,
                salt=salt,
                hash=keys_mod.hash_secret(self._load_pepper(), salt, secret),
                created_at=now,
            )
        )
        self._audit(conn, actor, "key.create", f"key:{key_id}", {"user": name}, now)
        return key_id, keys_mod.format_token(key_id, secret)

    def create_key(self, name: str, *, actor: Actor) -> tuple[str, str]:
        """A new key for an existing user: ``(key_id, token)``."""
        self._load_pepper()
        now = utcnow()
        with self._write() as conn:
            uid = conn.execute(sa.select(users.c.id).where(users.c.name == name)).scalar()
            if uid is None:
                raise NotFoundError(f"no user named {name!r}")
            return self._new_key(conn, uid, name, actor, now)

    def revoke_key(self, key_id: str, *, actor: Actor) -> None:
        now = utcnow()
        with self._write() as conn:
            rc = conn.execute(
                api_keys.update()
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=now)
            ).rowcount
            if rc != 1:
                raise NotFoundError(f"no active key {key_id!r}")
            self._audit(conn, actor, "key.revoke", f"key:{key_id}", None, now)

    def list_users(self) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = (
                conn.execute(
                    sa.select(users, api_keys.c.id.label("key_id"), api_keys.c.revoked_at)
                    .select_from(users.outerjoin(api_keys, api_keys.c.user_id == users.c.id))
                    .order_by(users.c.id, api_keys.c.created_at)
                )
                .mappings()
                .all()
            )
        out: dict[int, dict[str, Any]] = {}
        for r in rows:
            u = out.setdefault(
                r["id"],
                {
                    "id": r["id"],
                    "name": r["name"],
                    "role": r["role"],
                    "disabled": r["disabled"],
                    "created_at": iso(r["created_at"]),
                    "keys": [],
                },
            )
            if r["key_id"]:
                u["keys"].append({"id": r["key_id"], "revoked": r["revoked_at"] is not None})
        return list(out.values())

    def authenticate(self, token: str) -> Actor:
        """The actor a bearer token belongs to, or :class:`AccessError` (401)."""
        parsed = keys_mod.parse_token(token)
        if parsed is None:
            raise AccessError("not a redflags API key", 401)
        key_id, secret = parsed
        pepper = self._load_pepper()
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(
                    api_keys.c.salt,
                    api_keys.c.hash,
                    api_keys.c.revoked_at,
                    users.c.id,
                    users.c.name,
                    users.c.role,
                    users.c.disabled,
                )
                .select_from(api_keys.join(users, users.c.id == api_keys.c.user_id))
                .where(api_keys.c.id == key_id)
            ).first()
            conn.rollback()
        if row is None or not keys_mod.verify_secret(pepper, row.salt, secret, row.hash):
            raise AccessError("unknown API key", 401)
        if row.revoked_at is not None or row.disabled:
            raise AccessError("this API key was revoked", 401)
        return Actor(row.id, row.name, row.role, key_id)

    # -- ingest -------------------------------------------------------------------------------

    def heads(self, ids: Sequence[str]) -> dict[str, Head]:
        """Current version, fingerprint and screener of each known id."""
        with self.engine.connect() as conn:
            out = self._heads(conn, ids)
            conn.rollback()
        return out

    @staticmethod
    def _heads(conn: sa.Connection, ids: Sequence[str]) -> dict[str, Head]:
        out: dict[str, Head] = {}
        uniq = list(dict.fromkeys(ids))
        if len(uniq) == 1:  # the pre-publication path: one ad, a plain cached statement
            rows: Any = conn.execute(_HEAD_ONE, {"ad_id": uniq[0]})
            for r in rows:
                out[r.id] = Head(r.version, r.fingerprint, r.model, r.catalog_version)
            return out
        for i in range(0, len(uniq), 500):
            rows = conn.execute(_HEAD_COLUMNS.where(ads.c.id.in_(uniq[i : i + 500])))
            for r in rows:
                out[r.id] = Head(r.version, r.fingerprint, r.model, r.catalog_version)
        return out

    def ingest(
        self,
        items: Sequence[Incoming],
        screener: Screener,
        *,
        actor: Actor,
        source: str,
        results: bool = True,
        group: bool = False,
    ) -> list[IngestResult]:
        """Store a batch idempotently and commit it before returning.

        Same id + same content = no-op; same id + new content = a new version, screened and
        queued (its open review item is superseded); same content screened by an older
        model/catalog = a new assessment of the same version.  Safe to rerun after a crash and
        against concurrent writers (a batch that raced one is retried from fresh state).
        With ``results=False`` unchanged ads are not looked up for their latest verdict.

        With ``group=True`` (many small concurrent calls, e.g. ``POST /v1/screen``) screening
        happens in the caller's thread and the write joins a *group commit*: one writer thread
        commits all waiting calls in one transaction, so one disk sync serves many requests.
        Each call still returns only after its ads are committed.
        """
        cache: dict[tuple[str, str], dict[str, Any]] = {}
        if group:
            return self._results(
                self._group(items, screener, actor, source, cache), summaries=results
            )
        for _attempt in range(_INGEST_ATTEMPTS):
            steps = self._steps(items, self.heads([i.ad.id for i in items]), screener, cache)
            try:
                with self._write() as conn:
                    heads = self._heads(conn, [i.ad.id for i in items])
                    steps = self._steps(items, heads, screener, cache)
                    self._apply(conn, steps, heads, screener, [(actor, source)])
                    break
            except (_Retry, sa.exc.IntegrityError):
                continue
        else:
            raise ConflictError("the batch kept racing other writers on the same ads; retry it")
        return self._results(steps, summaries=results)

    def _steps(
        self,
        items: Sequence[Incoming],
        heads: Mapping[str, Head],
        screener: Screener,
        cache: dict[tuple[str, str], dict[str, Any]],
    ) -> list[_Step]:
        """Plan the batch against ``heads`` and attach assessments, screening what is new."""
        steps = self._plan(items, heads, screener)
        todo = [s for s in steps if s.status != "unchanged"]
        need = [s for s in todo if (s.inc.fingerprint, s.inc.ad.id) not in cache]
        if need:
            for s, a in zip(need, screener([s.inc.ad for s in need]), strict=True):
                cache[(s.inc.fingerprint, s.inc.ad.id)] = a
        for s in todo:
            s.assessment = cache[(s.inc.fingerprint, s.inc.ad.id)]
        return steps

    # -- group commit ---------------------------------------------------------------------------

    def _group(
        self,
        items: Sequence[Incoming],
        screener: Screener,
        actor: Actor,
        source: str,
        cache: dict[tuple[str, str], dict[str, Any]],
    ) -> list[_Step]:
        """Screen here, then hand the write to the writer thread and wait for its commit."""
        job = self._enqueue(items, screener, actor, source, cache)
        job.done.result()
        if job.error is not None:
            raise job.error
        return job.steps

    def _enqueue(
        self,
        items: Sequence[Incoming],
        screener: Screener,
        actor: Actor,
        source: str,
        cache: dict[tuple[str, str], dict[str, Any]],
    ) -> _Job:
        # a single ad is screened without first asking whether it is already stored:
        # screening is cheaper than that extra round trip, and most ads sent alone are new
        heads = self.heads([i.ad.id for i in items]) if len(items) > 1 else {}
        self._steps(items, heads, screener, cache)
        job = _Job(list(items), screener, actor, source, cache)
        self._writer().put(job)
        return job

    def submit(
        self, items: Sequence[Incoming], screener: Screener, *, actor: Actor, source: str
    ) -> IngestTicket:
        """Screen ``items`` now and queue them for the next group commit, without waiting.

        ``ticket.committed`` completes when they are committed (an ``asyncio`` caller awaits
        it with ``asyncio.wrap_future``); :meth:`collect` then gives the results.  The same
        rules as :meth:`ingest`; the caller acknowledges only after ``committed``.
        """
        job = self._enqueue(items, screener, actor, source, {})
        return IngestTicket(job)

    def collect(self, ticket: IngestTicket, *, results: bool = True) -> list[IngestResult]:
        """The results of a committed :meth:`submit` (re-raises its error, if any)."""
        job = ticket.job
        job.done.result()
        if job.error is not None:
            raise job.error
        return self._results(job.steps, summaries=results)

    def _writer(self) -> queue.SimpleQueue[_Job | None]:
        with self._writer_lock:
            if self._jobs is None:
                self._jobs = queue.SimpleQueue()
                self._writer_thread = threading.Thread(
                    target=self._write_loop,
                    args=(self._jobs,),
                    name="redflags-writer",
                    daemon=True,
                )
                self._writer_thread.start()
            return self._jobs

    def _write_loop(self, jobs: queue.SimpleQueue[_Job | None]) -> None:
        while True:
            job = jobs.get()
            if job is None:
                return
            group = [job]
            while len(group) < GROUP_COMMIT_MAX:
                try:
                    nxt = jobs.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    jobs.put(None)  # stop after this group
                    break
                group.append(nxt)
            self._commit_group(group)

    def _commit_group(self, group: list[_Job]) -> None:
        try:
            with self._write() as conn:
                by_screener: dict[int, list[_Job]] = defaultdict(list)
                for job in group:
                    by_screener[id(job.screener)].append(job)
                for jobs in by_screener.values():
                    self._apply_jobs(conn, jobs)
        except Exception:  # noqa: BLE001 - one bad job must not fail its neighbours
            for job in group:  # one by one, each with the ordinary retries
                try:
                    job.steps = self._ingest_steps(job)
                except Exception as exc:  # noqa: BLE001 - handed to the waiting caller
                    job.error = exc
        for job in group:
            # a caller that went away may have cancelled its wait; the ads are stored anyway
            with suppress(InvalidStateError):
                job.done.set_result(None)

    def _apply_jobs(self, conn: sa.Connection, jobs: list[_Job]) -> None:
        """All jobs of a group as one batch: a handful of statements for many requests."""
        items = [i for job in jobs for i in job.items]
        cache: dict[tuple[str, str], dict[str, Any]] = {}
        for job in jobs:
            cache.update(job.cache)
        heads = self._heads(conn, [i.ad.id for i in items])
        steps = self._steps(items, heads, jobs[0].screener, cache)
        at = 0
        for k, job in enumerate(jobs):
            job.steps = steps[at : at + len(job.items)]
            for st in job.steps:
                st.origin = k
            at += len(job.items)
        self._apply(conn, steps, heads, jobs[0].screener, [(j.actor, j.source) for j in jobs])

    def _ingest_steps(self, job: _Job) -> list[_Step]:
        for _attempt in range(_INGEST_ATTEMPTS):
            try:
                with self._write() as conn:
                    heads = self._heads(conn, [i.ad.id for i in job.items])
                    steps = self._steps(job.items, heads, job.screener, job.cache)
                    self._apply(conn, steps, heads, job.screener, [(job.actor, job.source)])
                    return steps
            except (_Retry, sa.exc.IntegrityError):
                continue
        raise ConflictError("the ad kept racing other writers; retry it")

    @staticmethod
    def _plan(
        items: Sequence[Incoming], heads: Mapping[str, Head], screener: Screener
    ) -> list[_Step]:
        local = dict(heads)
        steps: list[_Step] = []
        for inc in items:
            h = local.get(inc.ad.id)
            if h is None:
                step = _Step(inc, "created", 1)
            elif h.fingerprint != inc.fingerprint:
                step = _Step(inc, "updated", h.version + 1)
            elif (h.model, h.catalog_version) != (screener.model, screener.catalog_version):
                step = _Step(inc, "rescreened", h.version)
            else:
                step = _Step(inc, "unchanged", h.version)
            local[inc.ad.id] = Head(
                step.version, inc.fingerprint, screener.model, screener.catalog_version
            )
            steps.append(step)
        return steps

    def _apply(
        self,
        conn: sa.Connection,
        steps: list[_Step],
        heads: Mapping[str, Head],
        screener: Screener,
        origins: Sequence[tuple[Actor, str]],
    ) -> None:
        """Write the planned steps; ``origins[step.origin]`` is who sent each ad, and how."""
        now = utcnow()
        todo = [s for s in steps if s.status != "unchanged"]
        if not todo:
            return
        last: dict[str, _Step] = {s.inc.ad.id: s for s in todo}
        new_ids = [i for i in last if i not in heads]
        if new_ids:
            conn.execute(
                ads.insert(), [self._head_row(last[i], screener, now, new=True) for i in new_ids]
            )
        versions = [s for s in todo if s.status in ("created", "updated")]
        if versions:
            conn.execute(
                ad_versions.insert(),
                [
                    {
                        "ad_id": s.inc.ad.id,
                        "version": s.version,
                        "sha256": s.inc.sha256,
                        "fingerprint": s.inc.fingerprint,
                        "content": s.inc.raw,
                        "source": origins[s.origin][1],
                        "received_by": origins[s.origin][0].user_id,
                        "received_at": now,
                    }
                    for s in versions
                ],
            )
        ids = (
            conn.execute(
                assessments.insert().returning(assessments.c.id, sort_by_parameter_order=True),
                [self._assessment_row(s, screener, now) for s in todo],
            )
            .scalars()
            .all()
        )
        for s, aid in zip(todo, ids, strict=True):
            s.assessment_id = aid
        if new_ids:
            conn.execute(
                ads.update()
                .where(ads.c.id == sa.bindparam("b_id"))
                .values(assessment_id=sa.bindparam("b_aid")),
                [{"b_id": i, "b_aid": last[i].assessment_id} for i in new_ids],
            )
        old_ids = [i for i in last if i in heads]
        for i in old_ids:
            row = self._head_row(last[i], screener, now, new=False)
            rc = conn.execute(
                ads.update().where(ads.c.id == i, ads.c.version == heads[i].version).values(**row)
            ).rowcount
            if rc != 1:
                raise _Retry(i)
        if old_ids:
            conn.execute(entities.delete().where(entities.c.ad_id.in_(old_ids)))
        ent_rows = []
        for i, s in last.items():
            assert s.assessment is not None
            ad_json = {"site": s.inc.ad.site, "poster": s.inc.ad.poster}
            for kind, value in _entity_rows(ad_json, s.assessment):
                ent_rows.append(
                    {
                        "ad_id": i,
                        "assessment_id": s.assessment_id,
                        "kind": kind,
                        "value": _clean(value, ENTITY_CHARS) or "?",
                    }
                )
        if ent_rows:
            conn.execute(entities.insert(), ent_rows)
        self._queue_items(conn, last, heads, now)
        per_origin: dict[int, list[_Step]] = defaultdict(list)
        for s in steps:
            per_origin[s.origin].append(s)
        for k, mine in per_origin.items():
            if all(s.status == "unchanged" for s in mine):
                continue
            counts: dict[str, int] = defaultdict(int)
            for s in mine:
                counts[s.status] += 1
            actor, source = origins[k]
            target = f"ad:{mine[0].inc.ad.id}" if len(mine) == 1 else f"batch:{len(mine)}"
            self._audit(conn, actor, f"ad.{source}", target, dict(counts), now)

    @staticmethod
    def _head_row(s: _Step, screener: Screener, now: datetime, *, new: bool) -> dict[str, Any]:
        ad = s.inc.ad
        row: dict[str, Any] = {
            "version": s.version,
            "sha256": s.inc.sha256,
            "fingerprint": s.inc.fingerprint,
            "site": _clean(ad.site),
            "city": _clean(ad.city),
            "region": _clean(ad.region),
            "country": _clean(ad.country),
            "category": _clean(ad.category),
            "language": s.language(),
            "model": screener.model,
            "catalog_version": screener.catalog_version,
            "updated_at": now,
        }
        if new:
            row.update(id=ad.id, received_at=now, assessment_id=None)
        else:
            row["assessment_id"] = s.assessment_id
        return row

    @staticmethod
    def _assessment_row(s: _Step, screener: Screener, now: datetime) -> dict[str, Any]:
        a = s.assessment or {}
        return {
            "ad_id": s.inc.ad.id,
            "ad_version": s.version,
            "model": str(a.get("model") or screener.model)[:64],
            "catalog_version": screener.catalog_version,
            "risk": float(a.get("risk", 0.0)),
            "level": str(a.get("level", "low")),
            "action": str(a.get("action", "allow")),
            "result": orjson.dumps(a).decode(),
            "created_at": now,
        }

    @staticmethod
    def _item_row(s: _Step, now: datetime) -> dict[str, Any]:
        a = s.assessment or {}
        return {
            "ad_id": s.inc.ad.id,
            "ad_version": s.version,
            "assessment_id": s.assessment_id,
            "risk": float(a.get("risk", 0.0)),
            "level": str(a.get("level", "low")),
            "action": str(a.get("action", "allow")),
            "categories": categories_key(a)[:256],
            "indicators": ",".join(_indicator_ids(a)),
            "site": _clean(s.inc.ad.site),
            "city": _clean(s.inc.ad.city),
            "language": s.language(),
            "status": "open",
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }

    def _queue_items(
        self,
        conn: sa.Connection,
        last: Mapping[str, _Step],
        heads: Mapping[str, Head],
        now: datetime,
    ) -> None:
        changed = [i for i, s in last.items() if i in heads and s.status == "updated"]
        if changed:
            conn.execute(
                review_items.update()
                .where(review_items.c.ad_id.in_(changed), review_items.c.status == "open")
                .values(
                    status="superseded",
                    version=review_items.c.version + 1,
                    claimed_by=None,
                    claim_expires_at=None,
                    updated_at=now,
                )
            )
        rows = []
        for s in last.values():
            action = str((s.assessment or {}).get("action", "allow"))
            if s.status == "rescreened":
                self._rescreen_item(conn, s, action, now)
            elif needs_review(action):
                rows.append(self._item_row(s, now))
        if rows:
            conn.execute(review_items.insert(), rows)

    def _rescreen_item(self, conn: sa.Connection, s: _Step, action: str, now: datetime) -> None:
        """Same content, newer screener: refresh the open item, or open one if now needed."""
        row = self._item_row(s, now)
        for k in ("status", "version", "created_at", "ad_id", "ad_version"):
            row.pop(k)
        rc = conn.execute(
            review_items.update()
            .where(review_items.c.ad_id == s.inc.ad.id, review_items.c.status == "open")
            .values(version=review_items.c.version + 1, **row)
        ).rowcount
        if rc == 0 and needs_review(action):
            seen = conn.execute(
                sa.select(review_items.c.id)
                .where(review_items.c.ad_id == s.inc.ad.id, review_items.c.ad_version == s.version)
                .limit(1)
            ).first()
            if seen is None:
                conn.execute(review_items.insert().values(**self._item_row(s, now)))

    def _results(self, steps: list[_Step], *, summaries: bool) -> list[IngestResult]:
        """One result per step; without ``summaries`` unchanged ads carry no verdict."""
        unchanged = [s.inc.ad.id for s in steps if s.assessment is None] if summaries else []
        latest: dict[str, dict[str, Any]] = {}
        if unchanged:
            with self.engine.connect() as conn:
                for k in range(0, len(unchanged), 500):
                    rows = conn.execute(
                        sa.select(ads.c.id, assessments.c.result)
                        .select_from(ads.join(assessments, assessments.c.id == ads.c.assessment_id))
                        .where(ads.c.id.in_(unchanged[k : k + 500]))
                    )
                    for r in rows:
                        latest[r.id] = orjson.loads(r.result)
                conn.rollback()
        out = []
        for s in steps:
            a = s.assessment if s.assessment is not None else latest.get(s.inc.ad.id, {})
            out.append(
                IngestResult(
                    id=s.inc.ad.id,
                    version=s.version,
                    status=s.status,
                    risk=float(a.get("risk", 0.0)),
                    level=str(a.get("level", "low")),
                    action=str(a.get("action", "allow")),
                    indicators=_indicator_ids(a),
                )
            )
        return out

    def count_ads(self) -> tuple[int, int]:
        """``(ads, ad versions)`` stored."""
        with self.engine.connect() as conn:
            n = conn.execute(sa.select(sa.func.count()).select_from(ads)).scalar_one()
            v = conn.execute(sa.select(sa.func.count()).select_from(ad_versions)).scalar_one()
            conn.rollback()
        return int(n), int(v)

    # -- reading ads --------------------------------------------------------------------------

    def get_ad(self, ad_id: str, *, actor: Actor) -> dict[str, Any]:
        """An ad with its content, versions, assessment history, review state and decisions.

        Writes an ``ad.read`` audit row in the same transaction.
        """
        with self._write() as conn:
            head = conn.execute(sa.select(ads).where(ads.c.id == ad_id)).mappings().first()
            if head is None:
                raise NotFoundError(f"no ad {ad_id!r}")
            vers = (
                conn.execute(
                    sa.select(ad_versions)
                    .where(ad_versions.c.ad_id == ad_id)
                    .order_by(ad_versions.c.version)
                )
                .mappings()
                .all()
            )
            hist = (
                conn.execute(
                    sa.select(assessments)
                    .where(assessments.c.ad_id == ad_id)
                    .order_by(assessments.c.id.desc())
                )
                .mappings()
                .all()
            )
            item = (
                conn.execute(
                    sa.select(review_items, users.c.name.label("claimer"))
                    .select_from(
                        review_items.outerjoin(users, users.c.id == review_items.c.claimed_by)
                    )
                    .where(review_items.c.ad_id == ad_id)
                    .order_by(review_items.c.id.desc())
                    .limit(1)
                )
                .mappings()
                .first()
            )
            decs = (
                conn.execute(
                    sa.select(decisions, users.c.name)
                    .select_from(decisions.join(users, users.c.id == decisions.c.user_id))
                    .where(decisions.c.ad_id == ad_id)
                    .order_by(decisions.c.id)
                )
                .mappings()
                .all()
            )
            net = conn.execute(
                sa.select(network_members.c.network_id).where(network_members.c.ad_id == ad_id)
            ).scalar()
            self._audit(conn, actor, "ad.read", f"ad:{ad_id}", {"version": head["version"]})
        current = next(v for v in vers if v["version"] == head["version"])
        return {
            "id": ad_id,
            "version": head["version"],
            "sha256": current["sha256"],
            "received_at": iso(current["received_at"]),
            "content": orjson.loads(current["content"]),
            "versions": [
                {
                    "version": v["version"],
                    "sha256": v["sha256"],
                    "source": v["source"],
                    "received_at": iso(v["received_at"]),
                }
                for v in vers
            ],
            "assessments": [
                {
                    "id": a["id"],
                    "ad_version": a["ad_version"],
                    "model": a["model"],
                    "catalog_version": a["catalog_version"],
                    "created_at": iso(a["created_at"]),
                    "risk": a["risk"],
                    "level": a["level"],
                    "action": a["action"],
                    "result": orjson.loads(a["result"]),
                }
                for a in hist
            ],
            "review": None if item is None else self._item_json(item),
            "decisions": [
                {
                    "verdict": d["verdict"],
                    "note": d["note"],
                    "by": d["name"],
                    "ad_version": d["ad_version"],
                    "at": iso(d["created_at"]),
                }
                for d in decs
            ],
            "network": net,
        }

    # -- review -------------------------------------------------------------------------------

    @staticmethod
    def _item_json(r: Mapping[Any, Any], now: datetime | None = None) -> dict[str, Any]:
        """An item as JSON; with ``now``, a lapsed claim is shown as no claim."""
        expires = r["claim_expires_at"]
        lapsed = now is not None and expires is not None and expires <= now
        cats = [c for c in str(r["categories"]).split(",") if c]
        inds = [c for c in str(r["indicators"] or "").split(",") if c]
        return {
            "id": r["id"],
            "ad_id": r["ad_id"],
            "ad_version": r["ad_version"],
            "risk": r["risk"],
            "level": r["level"],
            "action": r["action"],
            "categories": cats,
            "indicators": inds,
            "site": r["site"],
            "city": r["city"],
            "language": r["language"],
            "status": r["status"],
            "version": r["version"],
            "etag": etag(r["id"], r["version"]),
            "claimed_by": None if lapsed else r.get("claimer"),
            "claim_expires_at": None if lapsed else iso(expires),
            "created_at": iso(r["created_at"]),
        }

    def queue(
        self,
        flt: QueueFilter | None = None,
        *,
        limit: int = 50,
        offset: int = 0,
        now: datetime | None = None,
        language: str | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """Open review items, highest risk first (then oldest); ``(page, total)``.

        ``language`` keeps the ads detected in that language (``en``, ``es``, ``ru``, ``other``;
        see :mod:`redflags.language`); ads of unknown language never match it.  Any other value
        raises ``ValueError``.
        """
        if language is not None and language not in LANGUAGE_NAMES:
            known = ", ".join(LANGUAGE_NAMES)
            raise ValueError(f"language must be one of {known}, not {language!r}")
        now = now or utcnow()
        ri = review_items
        where = queue_where(flt or QueueFilter(), language, now)
        with self._read() as conn:
            query = sa.select(ri, users.c.name.label("claimer")).select_from(
                ri.outerjoin(users, users.c.id == ri.c.claimed_by)
            )
            rows, total = _page(
                conn, ri, query, where, [ri.c.risk.desc(), ri.c.id.asc()], limit, offset
            )
        return [self._item_json(r, now) for r in rows], int(total)

    def queue_depth(self) -> dict[str, int]:
        """Open items per level (for /metrics)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(review_items.c.level, sa.func.count())
                .where(review_items.c.status == "open")
                .group_by(review_items.c.level)
            ).all()
            conn.rollback()
        return {str(level): int(n) for level, n in rows}

    def claim(
        self,
        item_id: int,
        *,
        actor: Actor,
        ttl: timedelta = CLAIM_TTL,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """Claim an open item until ``now + ttl``; :class:`ConflictError` if someone else holds
        it.  Re-claiming one's own item extends the claim."""
        now = now or utcnow()
        ri = review_items
        with self._write() as conn:
            rc = conn.execute(
                ri.update()
                .where(
                    ri.c.id == item_id,
                    ri.c.status == "open",
                    sa.or_(
                        ri.c.claimed_by.is_(None),
                        ri.c.claim_expires_at <= now,
                        ri.c.claimed_by == actor.user_id,
                    ),
                )
                .values(
                    claimed_by=actor.user_id,
                    claim_expires_at=now + ttl,
                    version=ri.c.version + 1,
                    updated_at=now,
                )
            ).rowcount
            row = (
                conn.execute(
                    sa.select(ri, users.c.name.label("claimer"))
                    .select_from(ri.outerjoin(users, users.c.id == ri.c.claimed_by))
                    .where(ri.c.id == item_id)
                )
                .mappings()
                .first()
            )
            if row is None:
                raise NotFoundError(f"no review item {item_id}")
            if rc != 1:
                if row["status"] != "open":
                    raise ConflictError(f"review item {item_id} is {row['status']}, not open")
                raise ConflictError(
                    f"review item {item_id} is claimed by another reviewer until "
                    f"{iso(row['claim_expires_at'])}"
                )
            self._audit(
                conn,
                actor,
                "review.claim",
                f"ad:{row['ad_id']}",
                {"item": item_id, "until": iso(now + ttl)},
                now,
            )
        return self._item_json(row)

    def decide(
        self,
        ad_id: str,
        *,
        actor: Actor,
        verdict: str,
        note: str | None,
        expected_version: int | None,
        item_id: int | None = None,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """Record a reviewer's verdict on the ad's open review item.

        Needs the caller's claim (or a lapsed one); ``expected_version`` (the item version the
        reviewer saw, from its ETag) must still be current, else :class:`StaleVersionError`.
        """
        problem = check_decision(verdict, note)
        if problem:
            raise ValueError(problem)
        now = now or utcnow()
        ri = review_items
        with self._write() as conn:
            q = sa.select(ri).where(ri.c.ad_id == ad_id, ri.c.status == "open")
            if item_id is not None:
                q = q.where(ri.c.id == item_id)
            item = (
                conn.execute(q.order_by(ri.c.id.desc()).limit(1).with_for_update())
                .mappings()
                .first()
            )
            if item is None:
                known = conn.execute(sa.select(ads.c.id).where(ads.c.id == ad_id)).first()
                if known is None:
                    raise NotFoundError(f"no ad {ad_id!r}")
                raise ConflictError(
                    f"ad {ad_id!r} has no open review item"
                    + (f" {item_id}" if item_id is not None else "")
                )
            if expected_version is not None and expected_version != item["version"]:
                raise StaleVersionError(
                    f"review item {item['id']} is at version {item['version']}, not "
                    f"{expected_version}; read it again"
                )
            state = claim_state(item["claimed_by"], item["claim_expires_at"], actor.user_id, now)
            if not may_decide(state):
                raise ConflictError(
                    "claim the item first"
                    if state == "unclaimed"
                    else "another reviewer holds a live claim on this item"
                )
            rc = conn.execute(
                ri.update()
                .where(ri.c.id == item["id"], ri.c.version == item["version"])
                .values(
                    status="decided",
                    version=ri.c.version + 1,
                    claimed_by=None,
                    claim_expires_at=None,
                    updated_at=now,
                )
            ).rowcount
            if rc != 1:
                raise StaleVersionError(f"review item {item['id']} changed; read it again")
            did = conn.execute(
                decisions.insert()
                .values(
                    item_id=item["id"],
                    ad_id=ad_id,
                    ad_version=item["ad_version"],
                    user_id=actor.user_id,
                    verdict=verdict,
                    note=note,
                    created_at=now,
                )
                .returning(decisions.c.id)
            ).scalar_one()
            self._audit(
                conn,
                actor,
                "review.decision",
                f"ad:{ad_id}",
                {
                    "verdict": verdict,
                    "item": item["id"],
                    "decision": did,
                    "ad_version": item["ad_version"],
                },
                now,
            )
        return {
            "id": did,
            "ad_id": ad_id,
            "ad_version": item["ad_version"],
            "item_id": item["id"],
            "verdict": verdict,
            "note": note,
            "by": actor.name,
            "at": iso(now),
        }

    # -- networks -----------------------------------------------------------------------------

    def linkable(self) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """``(ad, assessment)`` of every stored ad at its current version, latest screening."""
        q = (
            sa.select(ad_versions.c.content, assessments.c.result)
            .select_from(
                ads.join(
                    ad_versions,
                    sa.and_(
                        ad_versions.c.ad_id == ads.c.id, ad_versions.c.version == ads.c.version
                    ),
                ).join(assessments, assessments.c.id == ads.c.assessment_id)
            )
            .order_by(ads.c.id)
        )
        with self.engine.connect() as conn:
            for row in conn.execution_options(stream_results=True, yield_per=2000).execute(q):
                yield orjson.loads(row.content), orjson.loads(row.result)
            conn.rollback()

    def link(self, *, actor: Actor, linker: Callable[..., Any] | None = None) -> dict[str, int]:
        """Recompute networks from the stored ads and their latest assessments, replacing the
        previous run's networks in one transaction."""
        if linker is None:
            from redflags.link.engine import link_records

            linker = link_records
        result = linker(self.linkable())
        now = utcnow()
        with self._write() as conn:
            conn.execute(network_members.delete())
            conn.execute(networks.delete())
            if result.networks:
                conn.execute(
                    networks.insert(),
                    [
                        {
                            "id": str(n["id"])[:64],
                            "size": int(n["size"]),
                            "top_risk": float(n["top_risk"]),
                            "summary": orjson.dumps(n).decode(),
                            "computed_at": now,
                        }
                        for n in result.networks
                    ],
                )
            members = [
                {
                    "network_id": str(r["network"])[:64],
                    "ad_id": str(r["id"]),
                    "via": orjson.dumps(r.get("via") or []).decode(),
                }
                for r in result.links
                if r.get("network")
            ]
            for k in range(0, len(members), 5000):
                conn.execute(network_members.insert(), members[k : k + 5000])
            stats = {
                "ads": len(result.links),
                "networks": len(result.networks),
                "linked_ads": len(members),
                "hubs": len(result.hubs),
            }
            self._audit(conn, actor, "link.run", "networks", stats, now)
        return stats

    def networks(
        self, *, limit: int = 50, offset: int = 0, min_size: int = 2
    ) -> tuple[list[dict[str, Any]], int]:
        """Networks, highest risk first then largest: counts and dates, no ad text."""
        where = [networks.c.size >= min_size]
        with self._read() as conn:
            order = [networks.c.top_risk.desc(), networks.c.size.desc(), networks.c.id]
            rows, total = _page(conn, networks, sa.select(networks), where, order, limit, offset)
        out = []
        for r in rows:
            s = orjson.loads(r["summary"])
            out.append(
                {
                    "id": r["id"],
                    "size": r["size"],
                    "top_risk": r["top_risk"],
                    "levels": s.get("levels") or {},
                    "cities": len(s.get("cities") or ()),
                    "first_seen": s.get("first_seen"),
                    "last_seen": s.get("last_seen"),
                    "computed_at": iso(r["computed_at"]),
                }
            )
        return out, int(total)

    def network(self, network_id: str, *, actor: Actor) -> dict[str, Any]:
        """One network's full summary and members (audited: summaries quote ad evidence)."""
        with self._write() as conn:
            row = (
                conn.execute(sa.select(networks).where(networks.c.id == network_id))
                .mappings()
                .first()
            )
            if row is None:
                raise NotFoundError(f"no network {network_id!r}")
            mem = conn.execute(
                sa.select(network_members.c.ad_id, network_members.c.via)
                .where(network_members.c.network_id == network_id)
                .order_by(network_members.c.ad_id)
            ).all()
            self._audit(conn, actor, "network.read", f"network:{network_id}", {"size": row["size"]})
        summary = orjson.loads(row["summary"])
        summary["members"] = [{"ad_id": m.ad_id, "via": orjson.loads(m.via)} for m in mem]
        summary["computed_at"] = iso(row["computed_at"])
        return dict(summary)


def queue_where(
    flt: QueueFilter, language: str | None = None, now: datetime | None = None
) -> list[sa.ColumnElement[bool]]:
    """The conditions of the open review queue under ``flt`` and ``language``; ``unclaimed``
    keeps the items without a claim live at ``now`` (default: the current time)."""
    ri = review_items
    where: list[sa.ColumnElement[bool]] = [ri.c.status == "open"]
    if flt.level:
        where.append(ri.c.level == flt.level)
    if flt.category:
        where.append(ri.c.categories.contains(f",{flt.category},", autoescape=True))
    if flt.site:
        where.append(ri.c.site == flt.site)
    if flt.city:
        where.append(sa.func.lower(ri.c.city) == flt.city.lower())
    if language:
        where.append(ri.c.language == language)
    if flt.unclaimed:
        where.append(sa.or_(ri.c.claimed_by.is_(None), ri.c.claim_expires_at <= (now or utcnow())))
    return where


def _page(
    conn: sa.Connection,
    table: sa.FromClause,
    query: sa.Select[Any],
    where: Sequence[sa.ColumnElement[bool]],
    order: Sequence[Any],
    limit: int,
    offset: int,
) -> tuple[Sequence[sa.RowMapping], int]:
    """One page of ``query`` under ``where`` and the total count of ``table`` rows matching."""
    total = conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
    rows = (
        conn.execute(query.where(*where).order_by(*order).limit(limit).offset(offset))
        .mappings()
        .all()
    )
    return rows, int(total)
