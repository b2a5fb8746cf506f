"""API keys: ``rfk_<key id>_<secret>``; only a salted HMAC-SHA256 of the secret is stored.

The secret is 256 random bits, so no guessing attack is feasible and a slow hash would only
slow every request down; the HMAC key (the *pepper*) comes from ``$REDFLAGS_KEY_PEPPER`` when
set, so a copy of the database alone is not enough to check guesses.  Without it a random
pepper is generated once and kept in the ``settings`` table.  The key id is public (it names
the key in the audit log and in ``redflags keys revoke``); the secret is shown once, when the
key is made.

>>> token = format_token("0123456789ab", "s3cret")
>>> parse_token(token)
('0123456789ab', 's3cret')
>>> parse_token("Bearer nonsense") is None
True
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = [
    "PEPPER_ENV",
    "TOKEN_PREFIX",
    "format_token",
    "hash_secret",
    "new_key",
    "parse_token",
    "verify_secret",
]

TOKEN_PREFIX = "rfk"
#: environment variable holding the server-side HMAC key (hex or any string)
PEPPER_ENV = "REDFLAGS_KEY_PEPPER"
_KEY_ID_BYTES = 6
_SECRET_BYTES = 32
#: longest token looked at; anything longer is not ours and is rejected before hashing
MAX_TOKEN_CHARS = 128


def new_key() -> tuple[str, str, str]:
    """A fresh ``(key_id, secret, salt)``."""
    return (
        secrets.token_hex(_KEY_ID_BYTES),
        secrets.token_urlsafe(_SECRET_BYTES),
        secrets.token_hex(16),
    )


def format_token(key_id: str, secret: str) -> str:
    return f"{TOKEN_PREFIX}_{key_id}_{secret}"


def parse_token(token: str) -> tuple[str, str] | None:
    """``(key_id, secret)`` from a token, or None when it is not one of ours."""
    if len(token) > MAX_TOKEN_CHARS:
        return None
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    key_id, secret = parts[1], parts[2]
    if len(key_id) != 2 * _KEY_ID_BYTES or not secret:
        return None
    return key_id, secret


def hash_secret(pepper: bytes, salt: str, secret: str) -> str:
    return hmac.new(pepper, (salt + ":" + secret).encode(), hashlib.sha256).hexdigest()


def verify_secret(pepper: bytes, salt: str, secret: str, expected: str) -> bool:
    return hmac.compare_digest(hash_secret(pepper, salt, secret), expected)
