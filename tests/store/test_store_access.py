"""Users and API keys: tokens are never stored, revoked and unknown keys are refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from redflags.errors import AccessError, ConflictError, NotFoundError
from redflags.store import SYSTEM, Store
from redflags.store.access import ROLES, allowed
from redflags.store.schema import api_keys, audit_log


def test_keys_are_stored_hashed_and_authenticate(store: Store) -> None:
    user, token = store.add_user("plat-1", "platform", actor=SYSTEM)
    actor = store.authenticate(token)
    assert (actor.name, actor.role, actor.key_id) == ("plat-1", "platform", user["key_id"])
    secret = token.split("_", 2)[2]
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(api_keys)).mappings().all()
    assert len(rows) == 1
    assert all(secret not in str(v) and token not in str(v) for v in rows[0].values())


@pytest.mark.parametrize(
    "token", ["", "Bearer x", "rfk_short_x", "rfk_0123456789ab_wrong", "rfk_" + "a" * 200]
)
def test_unknown_keys_are_refused(store: Store, token: str) -> None:
    store.add_user("someone", "reviewer", actor=SYSTEM)
    with pytest.raises(AccessError) as exc:
        store.authenticate(token)
    assert exc.value.status == 401


def test_revoked_keys_are_refused_and_new_keys_work(store: Store) -> None:
    user, token = store.add_user("rev", "reviewer", actor=SYSTEM)
    key_id, token2 = store.create_key("rev", actor=SYSTEM)
    store.revoke_key(user["key_id"], actor=SYSTEM)
    with pytest.raises(AccessError):
        store.authenticate(token)
    assert store.authenticate(token2).key_id == key_id
    with pytest.raises(NotFoundError):
        store.revoke_key(user["key_id"], actor=SYSTEM)
    with pytest.raises(NotFoundError):
        store.create_key("nobody", actor=SYSTEM)
    with store.engine.connect() as conn:
        actions = (
            conn.execute(sa.select(audit_log.c.action).order_by(audit_log.c.id)).scalars().all()
        )
    assert actions == ["user.create", "key.create", "key.create", "key.revoke"]


def test_user_names_and_roles_are_checked(store: Store) -> None:
    store.add_user("ana", "admin", actor=SYSTEM)
    with pytest.raises(ConflictError):
        store.add_user("ana", "reviewer", actor=SYSTEM)
    with pytest.raises(ValueError, match="role"):
        store.add_user("bo", "superuser", actor=SYSTEM)
    with pytest.raises(ValueError, match="names"):
        store.add_user("bad name", "reviewer", actor=SYSTEM)
    assert [u["name"] for u in store.list_users()] == ["ana"]


def test_least_privilege() -> None:
    assert [r for r in ROLES if allowed(r, "ad.read")] == ["reviewer", "analyst", "liaison"]
    assert [r for r in ROLES if allowed(r, "screen")] == ["platform"]
    assert [r for r in ROLES if allowed(r, "decide")] == ["reviewer"]
    assert [r for r in ROLES if allowed(r, "users")] == ["admin"]
    assert not allowed("nobody", "metrics")
