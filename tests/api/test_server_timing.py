"""Every HTTP response carries ``Server-Timing: app;dur=<ms>`` (read by bench/ui.py)."""

from __future__ import annotations

import re

import pytest
from apihelp import Api

TIMING = re.compile(r"^app;dur=(\d+\.\d)$")


@pytest.mark.parametrize(
    ("method", "path", "role", "status"),
    [
        ("GET", "/health", None, 200),
        ("GET", "/v1/queue", "reviewer", 200),
        ("GET", "/v1/queue", None, 401),  # refused requests are timed too
        ("GET", "/v1/ads/no-such-ad", "reviewer", 404),
        ("GET", "/no/such/route", None, 404),
        ("POST", "/v1/screen", "platform", 422),
    ],
)
def test_every_response_has_server_timing(
    api: Api, method: str, path: str, role: str | None, status: int
) -> None:
    headers = api.auth(role) if role else {}
    resp = api.client.request(method, path, headers=headers, content=b"{}")
    assert resp.status_code == status
    values = resp.headers.get_list("server-timing")
    assert len(values) == 1, values
    m = TIMING.match(values[0])
    assert m, values[0]
    assert float(m.group(1)) >= 0.0
