"""Property-based API test: schemathesis drives every operation in the OpenAPI description
(in-process, through ASGI) with bounded valid and invalid examples, using a key whose role may
call it, and no response may be a server error."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from apihelp import Api
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core.result import Ok
from schemathesis.generation.modes import GenerationMode

from redflags.api import ApiSettings
from redflags.store import Store

#: the role whose key each path is called with (the role table itself is tested elsewhere)
ROLE_FOR = {
    "/v1/screen": "platform",
    "/v1/ads": "platform",
    "/v1/ads/{ad_id}": "reviewer",
    "/v1/queue": "reviewer",
    "/v1/queue/{item_id}/claim": "reviewer",
    "/v1/ads/{ad_id}/decision": "reviewer",
    "/v1/networks": "analyst",
    "/v1/networks/{network_id}": "analyst",
    "/v1/link": "analyst",
    "/v1/users": "admin",
    "/v1/users/{name}/keys": "admin",
    "/v1/keys/{key_id}": "admin",
    "/v1/audit": "admin",
    "/v1/cases": "analyst",
    "/v1/cases/{case_id}": "analyst",
    "/v1/cases/{case_id}/ads": "analyst",
    "/v1/cases/{case_id}/notes": "analyst",
    "/v1/cases/{case_id}/close": "analyst",
    "/v1/cases/{case_id}/export": "liaison",
    "/v1/legal": "liaison",
    "/v1/legal/deadlines": "liaison",
    "/v1/legal/{item_id}": "liaison",
    "/v1/legal/{item_id}/renew": "liaison",
    "/v1/legal/{item_id}/close": "liaison",
    "/metrics": "analyst",
    "/health": "admin",
}
#: examples per operation: enough to hit odd strings, numbers and shapes, small enough that
#: the whole run stays well under a minute on both backends
EXAMPLES = 15


@pytest.fixture
def fuzz_api(store: Store) -> Api:
    api = Api(store, ApiSettings(rate_per_second=1e6, burst=1_000_000))
    for i, body in enumerate(
        ["Sweet young girl, new to this. Incall only, 100 roses/hr", "Oak dining table, $80"]
    ):
        api.client.post(
            "/v1/screen", json={"id": f"seed-{i}", "body": body}, headers=api.auth("platform")
        )
    return api


def _fuzz(
    op: Any, mode: GenerationMode, headers: dict[str, str], failures: list[str], calls: list[int]
) -> None:
    @given(case=op.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        calls.append(response.status_code)
        if response.status_code >= 500:
            failures.append(f"{case.operation.label}: {response.status_code} {response.text[:200]}")

    try:
        run()
    except Unsatisfiable:
        # an operation without parameters or body has no invalid variant to generate
        assert mode is GenerationMode.NEGATIVE, op.label


def test_no_server_errors(fuzz_api: Api) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_api.app)
    operations = [r.ok() for r in schema.get_all_operations() if isinstance(r, Ok)]
    assert len(operations) >= len(ROLE_FOR)
    failures: list[str] = []
    calls: list[int] = []
    for op in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(op, mode, fuzz_api.auth(ROLE_FOR[op.path]), failures, calls)
    assert failures == []
    assert len(calls) > 10 * len(operations)  # the run really exercised the API


def test_every_operation_has_a_role() -> None:
    from fastapi.testclient import TestClient  # noqa: F401 - ensures the client stack imports

    store = Store.open("sqlite://")
    try:
        spec = Api(store).client.get("/openapi.json").json()
    finally:
        store.close()
    assert set(spec["paths"]) == set(ROLE_FOR)
