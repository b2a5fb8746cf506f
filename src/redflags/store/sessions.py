"""Passwords and signed-in browser sessions of the reviewer UI (functions over a :class:`Store`).

Passwords are hashed with ``hashlib.scrypt`` (memory-hard, in the standard library) and kept as
``scrypt$n$r$p$salt$hash``; a user without one can use API keys only.  A session is a random
cookie token; the database keeps only its SHA-256 (``web_sessions.id``), so a copy of the
database yields no usable cookie.  Each session carries its own CSRF token.

>>> from redflags.store import SYSTEM, Store
>>> store = Store.open("sqlite://")
>>> _ = store.add_user("rita", "reviewer", actor=SYSTEM)
>>> set_password(store, "rita", "correct horse battery", actor=SYSTEM)
>>> check_login(store, "rita", "wrong") is None
True
>>> token, csrf = create_session(store, check_login(store, "rita", "correct horse battery"))
>>> session_actor(store, token).actor.name
'rita'
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from redflags.errors import NotFoundError
from redflags.store.repo import Actor, Store, utcnow
from redflags.store.schema import users, web_sessions

__all__ = [
    "IDLE_TIMEOUT",
    "MIN_PASSWORD_CHARS",
    "SESSION_TTL",
    "Session",
    "check_login",
    "create_session",
    "end_session",
    "hash_password",
    "session_actor",
    "set_password",
    "verify_password",
]

#: scrypt cost: n=2**14, r=8 takes ~16 MiB and ~40 ms per check, the RFC 7914 interactive
#: recommendation; slow enough to make guessing a stolen hash expensive, fast for a sign-in
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
#: a session lasts at most one long shift, signed in or not
SESSION_TTL = timedelta(hours=12)
#: a session unused this long ends (an unattended screen showing ads signs itself out)
IDLE_TIMEOUT = timedelta(hours=1)
#: ``last_seen_at`` is written at most this often (a page view is then usually a pure read)
_TOUCH_EVERY = timedelta(minutes=1)
#: NIST SP 800-63B: at least 8 characters; long passphrases beat composition rules
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024
#: checked when the user does not exist, so a wrong name costs as long as a wrong password
_DUMMY_HASH = "scrypt$16384$8$1$" + "00" * 16 + "$" + "00" * 32


@dataclass(frozen=True, slots=True)
class Session:
    """A live session: who is signed in and the CSRF token its forms carry."""

    actor: Actor
    csrf: str
    expires_at: datetime


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` of ``password`` with a fresh random salt.

    >>> verify_password(hash_password("a long passphrase"), "a long passphrase")
    True
    """
    if not (MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS):
        raise ValueError(
            f"a password needs {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters "
            "(a few words make a good one)"
        )
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8", "surrogatepass"), salt=salt, n=n, r=r, p=p, dklen=32,
        maxmem=256 * 1024 * 1024,
    )


def verify_password(stored: str | None, password: str) -> bool:
    """Does ``password`` match the stored hash?  Constant-time; False for malformed hashes."""
    if not stored or len(password) > MAX_PASSWORD_CHARS:
        return False
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, want = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:
        return False
    if not (2 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16):
        return False
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), want)


def set_password(store: Store, name: str, password: str, *, actor: Actor) -> None:
    """Set (or replace) the web sign-in password of user ``name``; ends its open sessions."""
    hashed = hash_password(password)
    now = utcnow()
    with store._write() as conn:
        uid = conn.execute(sa.select(users.c.id).where(users.c.name == name)).scalar()
        if uid is None:
            raise NotFoundError(f"no user named {name!r}")
        conn.execute(users.update().where(users.c.id == uid).values(password_hash=hashed))
        conn.execute(web_sessions.delete().where(web_sessions.c.user_id == uid))
        store._audit(conn, actor, "user.password", f"user:{name}", None, now)


def check_login(store: Store, name: str, password: str) -> Actor | None:
    """The user's :class:`Actor` if ``name``/``password`` are right and the user is enabled."""
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(users.c.id, users.c.name, users.c.role, users.c.disabled,
                      users.c.password_hash).where(users.c.name == name[:128])
        ).first()
        conn.rollback()
    if row is None or not row.password_hash:
        verify_password(_DUMMY_HASH, password)  # same cost as a real check
        return None
    if not verify_password(row.password_hash, password) or row.disabled:
        return None
    return Actor(row.id, row.name, row.role)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def create_session(
    store: Store, actor: Actor, *, ttl: timedelta = SESSION_TTL, now: datetime | None = None
) -> tuple[str, str]:
    """Start a session for ``actor``: ``(cookie token, csrf token)``; audited as ``web.login``."""
    if actor.user_id is None:
        raise ValueError("only stored users can sign in")
    now = now or utcnow()
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with store._write() as conn:
        # sign-ins are rare: a good moment to drop this user's ended sessions
        conn.execute(
            web_sessions.delete().where(
                web_sessions.c.user_id == actor.user_id,
                sa.or_(
                    web_sessions.c.expires_at <= now,
                    web_sessions.c.last_seen_at <= now - IDLE_TIMEOUT,
                ),
            )
        )
        conn.execute(
            web_sessions.insert().values(
                id=_digest(token),
                user_id=actor.user_id,
                csrf=csrf,
                created_at=now,
                last_seen_at=now,
                expires_at=now + ttl,
            )
        )
        store._audit(conn, actor, "web.login", f"user:{actor.name}", None, now)
    return token, csrf


def session_actor(store: Store, token: str, *, now: datetime | None = None) -> Session | None:
    """The live session behind a cookie token, or None (unknown, expired, idle, disabled)."""
    if not token or len(token) > 200:
        return None
    now = now or utcnow()
    sid = _digest(token)
    ws = web_sessions
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(ws.c.csrf, ws.c.expires_at, ws.c.last_seen_at, users.c.id,
                      users.c.name, users.c.role, users.c.disabled)
            .select_from(ws.join(users, users.c.id == ws.c.user_id))
            .where(ws.c.id == sid)
        ).first()
        conn.rollback()
    if row is None or row.disabled:
        return None
    if row.expires_at <= now or row.last_seen_at <= now - IDLE_TIMEOUT:
        return None
    if row.last_seen_at <= now - _TOUCH_EVERY:
        with store._write() as conn:
            conn.execute(ws.update().where(ws.c.id == sid).values(last_seen_at=now))
    return Session(Actor(row.id, row.name, row.role), row.csrf, row.expires_at)


def end_session(store: Store, token: str, *, actor: Actor | None = None) -> None:
    """Sign out: delete the session (audited as ``web.logout`` when ``actor`` is given)."""
    with store._write() as conn:
        conn.execute(web_sessions.delete().where(web_sessions.c.id == _digest(token)))
        if actor is not None:
            store._audit(conn, actor, "web.logout", f"user:{actor.name}")
