"""Role enforcement: every endpoint against every role (and no key at all)."""

from __future__ import annotations

from typing import Any

import pytest
from apihelp import Api

from redflags.store.access import ROLES

AD = {"id": "r-1", "body": "Oak dining table, $80"}

# (method, path, json body, roles allowed)
TABLE: list[tuple[str, str, Any, set[str]]] = [
    ("POST", "/v1/screen", AD, {"platform"}),
    ("POST", "/v1/ads", [AD], {"platform"}),
    ("GET", "/v1/ads/r-1", None, {"reviewer", "analyst", "liaison"}),
    ("GET", "/v1/queue", None, {"reviewer"}),
    ("POST", "/v1/queue/1/claim", None, {"reviewer"}),
    ("POST", "/v1/ads/r-1/decision", {"verdict": "not-risk", "version": 1}, {"reviewer"}),
    ("GET", "/v1/networks", None, {"analyst", "liaison"}),
    ("GET", "/v1/networks/n-1", None, {"analyst", "liaison"}),
    ("POST", "/v1/link", None, {"analyst"}),
    ("POST", "/v1/users", {"name": "new-user", "role": "reviewer"}, {"admin"}),
    ("GET", "/v1/users", None, {"admin"}),
    ("POST", "/v1/users/reviewer-1/keys", None, {"admin"}),
    ("DELETE", "/v1/keys/0123456789ab", None, {"admin"}),
    ("GET", "/v1/audit", None, {"admin"}),
    ("GET", "/metrics", None, set(ROLES)),
]


def test_every_endpoint_against_every_role(api: Api) -> None:
    api.client.post("/v1/screen", json=AD, headers=api.auth("platform"))
    failures: list[tuple[str, str, str, int]] = []
    for method, path, body, allowed in TABLE:
        for role in ROLES:
            r = api.client.request(method, path, json=body, headers=api.auth(role))
            denied = r.status_code == 403
            if denied == (role in allowed) or r.status_code in (401, 500):
                failures.append((method, path, role, r.status_code))
        anon = api.client.request(method, path, json=body)
        if anon.status_code != 401:
            failures.append((method, path, "no key", anon.status_code))
    assert failures == []


@pytest.mark.parametrize(
    "header", ["Bearer nope", "Basic Zm9vOmJhcg==", "Bearer ", "Bearer rfk_0123456789ab_forged"]
)
def test_bad_keys_get_401(api: Api, header: str) -> None:
    r = api.client.get("/v1/queue", headers={"Authorization": header})
    assert r.status_code == 401
    assert r.headers.get("www-authenticate") == "Bearer"


def test_health_needs_no_key(api: Api) -> None:
    r = api.client.get("/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_revoked_key_stops_working(api: Api) -> None:
    users = api.client.get("/v1/users", headers=api.auth("admin")).json()
    key_id = next(u for u in users if u["name"] == "reviewer-1")["keys"][0]["id"]
    assert api.client.get("/v1/queue", headers=api.auth("reviewer")).status_code == 200
    r = api.client.delete(f"/v1/keys/{key_id}", headers=api.auth("admin"))
    assert r.status_code == 204
    assert api.client.get("/v1/queue", headers=api.auth("reviewer")).status_code == 401


def test_admin_creates_users_whose_keys_work(api: Api) -> None:
    r = api.client.post(
        "/v1/users", json={"name": "plat-2", "role": "platform"}, headers=api.auth("admin")
    )
    assert r.status_code == 201
    token = r.json()["token"]
    r = api.client.post("/v1/screen", json=AD, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    again = api.client.post(
        "/v1/users", json={"name": "plat-2", "role": "platform"}, headers=api.auth("admin")
    )
    assert again.status_code == 409
