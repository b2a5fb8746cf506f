"""The API end to end: screening, ingest, review (claims, races, decisions), networks, audit,
limits and bad input."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from apihelp import Api

from redflags.api import ApiSettings
from redflags.store import Store

RISKY = "Sweet young girl, new to this. Incall only, 100 roses/hr. Text 305-555-0199"
MINOR = "New girl 16 yo, incall only, 100 roses/hr, ask my daddy. Text 305-555-0199"


def _screen(api: Api, ad: dict[str, Any]) -> dict[str, Any]:
    r = api.client.post("/v1/screen", json=ad, headers=api.auth("platform"))
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_screen_returns_the_verdict_and_never_the_reasons(api: Api) -> None:
    out = _screen(api, {"id": "s-1", "site": "s", "city": "Miami", "body": RISKY})
    assert set(out) == {"id", "version", "status", "action", "risk", "level", "indicators"}
    assert out["action"] in ("review", "block") and out["status"] == "created"
    assert all("." in i for i in out["indicators"])  # ids only, no explanations or evidence
    assert (
        _screen(api, {"body": RISKY, "city": "Miami", "site": "s", "id": "s-1"})["status"]
        == "unchanged"
    )
    updated = _screen(api, {"id": "s-1", "body": "Oak dining table, $80"})
    assert (updated["status"], updated["version"], updated["action"]) == ("updated", 2, "allow")


def test_ids_with_slashes_are_addressable(api: Api) -> None:
    _screen(api, {"id": "site/2026/ad 7", "body": MINOR})
    r = api.client.get("/v1/ads/site%2F2026%2Fad%207", headers=api.auth("reviewer"))
    assert r.status_code == 200 and r.json()["id"] == "site/2026/ad 7"
    item = api.client.get("/v1/queue", headers=api.auth("reviewer")).json()["items"][0]
    etag = api.client.post(f"/v1/queue/{item['id']}/claim", headers=api.auth("reviewer")).headers[
        "etag"
    ]
    r = api.client.post(
        "/v1/ads/site/2026/ad 7/decision",
        json={"verdict": "confirmed-risk"},
        headers={**api.auth("reviewer"), "If-Match": etag},
    )
    assert r.status_code == 201, r.text


def test_openapi_tells_platforms_not_to_show_reasons(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    assert "must never show the reasons" in spec["info"]["description"]
    assert "Never show the reasons" in spec["paths"]["/v1/screen"]["post"]["description"]


def test_batch_ingest_is_idempotent_and_all_or_nothing(api: Api) -> None:
    ads = [{"id": f"b-{i}", "body": RISKY if i % 2 else "Kids bike, $40"} for i in range(10)]
    r = api.client.post("/v1/ads", json=ads, headers=api.auth("platform"))
    assert r.status_code == 200 and r.json()["counts"] == {"created": 10}
    r = api.client.post("/v1/ads", json=ads, headers=api.auth("platform"))
    assert r.json()["counts"] == {"unchanged": 10}
    bad = [*ads, {"id": "b-x", "title": 7}, {"body": "no id"}]
    r = api.client.post("/v1/ads", json=bad, headers=api.auth("platform"))
    assert r.status_code == 422
    assert [e["loc"] for e in r.json()["detail"]] == [["body", 10, "title"], ["body", 11, "id"]]
    assert api.store.count_ads() == (10, 10)
    raw = b'[ {"id": "exact",  "body": "kept \\u00e9xactly"} ]'
    r = api.client.post("/v1/ads", content=raw, headers=api.auth("platform"))
    assert r.status_code == 200
    ad = api.client.get("/v1/ads/exact", headers=api.auth("analyst")).json()
    import hashlib

    assert (
        ad["sha256"]
        == hashlib.sha256(b'{"id": "exact",  "body": "kept \\u00e9xactly"}').hexdigest()
    )


def _claimable(api: Api) -> dict[str, Any]:
    _screen(api, {"id": "q-1", "site": "s1", "city": "Miami", "body": MINOR})
    _screen(api, {"id": "q-2", "site": "s2", "city": "Tampa", "body": RISKY})
    r = api.client.get("/v1/queue", headers=api.auth("reviewer"))
    assert r.status_code == 200
    items = r.json()["items"]
    assert [i["ad_id"] for i in items] == ["q-1", "q-2"]
    return dict(items[0])


def test_queue_filters_and_pagination(api: Api) -> None:
    _claimable(api)
    h = api.auth("reviewer")
    get = api.client.get
    assert [i["ad_id"] for i in get("/v1/queue?level=critical", headers=h).json()["items"]] == [
        "q-1"
    ]
    assert [i["ad_id"] for i in get("/v1/queue?city=Tampa", headers=h).json()["items"]] == ["q-2"]
    assert [i["ad_id"] for i in get("/v1/queue?site=s1", headers=h).json()["items"]] == ["q-1"]
    assert get("/v1/queue?category=youth", headers=h).json()["total"] == 2
    page = get("/v1/queue?limit=1&offset=1", headers=h).json()
    assert [i["ad_id"] for i in page["items"]] == ["q-2"] and page["total"] == 2
    assert get("/v1/queue?level=urgent", headers=h).status_code == 422
    assert get("/v1/queue?limit=0", headers=h).status_code == 422


def test_two_reviewers_racing_for_one_claim(api: Api) -> None:
    item = _claimable(api)
    heads = [api.add_reviewer("ana"), api.add_reviewer("bo")]
    clients = [api.new_client(), api.new_client()]
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def claim(k: int) -> None:
        barrier.wait()
        codes.append(clients[k].post(f"/v1/queue/{item['id']}/claim", headers=heads[k]).status_code)

    threads = [threading.Thread(target=claim, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]


def test_decision_workflow_with_etags(api: Api) -> None:
    item = _claimable(api)
    ana, bo = api.add_reviewer("ana"), api.add_reviewer("bo")
    post = api.client.post
    url = f"/v1/ads/{item['ad_id']}/decision"
    assert (
        post(url, json={"verdict": "not-risk", "version": item["version"]}, headers=ana).status_code
        == 409
    )  # unclaimed: claim first
    r = post(f"/v1/queue/{item['id']}/claim", headers=ana)
    etag = r.headers["etag"]
    assert r.status_code == 200 and r.json()["claimed_by"] == "ana"
    assert post(f"/v1/queue/{item['id']}/claim", headers=bo).status_code == 409
    assert post(url, json={"verdict": "not-risk"}, headers=ana).status_code == 428
    stale = {**ana, "If-Match": f'"item-{item["id"]}.{item["version"]}"'}
    assert post(url, json={"verdict": "not-risk"}, headers=stale).status_code == 412
    assert (
        post(url, json={"verdict": "not-risk"}, headers={**ana, "If-Match": "junk"}).status_code
        == 412
    )
    assert (
        post(url, json={"verdict": "not-risk"}, headers={**bo, "If-Match": etag}).status_code == 409
    )
    r = post(url, json={"verdict": "escalate"}, headers={**ana, "If-Match": etag})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "note"]
    assert (
        post(url, json={"verdict": "maybe"}, headers={**ana, "If-Match": etag}).status_code == 422
    )
    ad = api.client.get(f"/v1/ads/{item['ad_id']}", headers=ana)
    assert ad.headers["etag"] == etag
    r = post(
        url,
        json={"verdict": "escalate", "note": "stated age 16"},
        headers={**ana, "If-Match": etag},
    )
    assert r.status_code == 201 and r.json()["verdict"] == "escalate"
    assert (
        post(url, json={"verdict": "not-risk"}, headers={**ana, "If-Match": etag}).status_code
        == 409
    )
    queue = api.client.get("/v1/queue", headers=ana).json()
    assert item["id"] not in [i["id"] for i in queue["items"]]
    ad = api.client.get(f"/v1/ads/{item['ad_id']}", headers=ana).json()
    assert ad["decisions"][0]["verdict"] == "escalate" and ad["review"]["status"] == "decided"


def test_every_content_read_and_decision_is_in_the_audit_log(api: Api) -> None:
    item = _claimable(api)
    ana = api.add_reviewer("ana")
    etag = api.client.post(f"/v1/queue/{item['id']}/claim", headers=ana).headers["etag"]
    reads = [("reviewer", ana)] * 2 + [
        ("analyst", api.auth("analyst")),
        ("liaison", api.auth("liaison")),
    ]
    for _, h in reads:
        assert api.client.get(f"/v1/ads/{item['ad_id']}", headers=h).status_code == 200
    api.client.get("/v1/ads/missing", headers=ana)  # not found: nothing was read
    api.client.post(
        f"/v1/ads/{item['ad_id']}/decision",
        json={"verdict": "confirmed-risk"},
        headers={**ana, "If-Match": etag},
    )
    log = api.client.get(f"/v1/audit?target=ad:{item['ad_id']}", headers=api.auth("admin"))
    entries = list(reversed(log.json()["entries"]))
    got = [(e["action"], e["actor"]) for e in entries if e["action"] != "ad.screen"]
    assert got == [
        ("review.claim", "ana"),
        ("ad.read", "ana"),
        ("ad.read", "ana"),
        ("ad.read", "analyst-1"),
        ("ad.read", "liaison-1"),
        ("review.decision", "ana"),
    ]
    assert all(e["at"] and e["role"] for e in entries)


def test_networks_are_linked_from_stored_ads(api: Api) -> None:
    for i in range(4):
        _screen(api, {"id": f"n-{i}", "city": "Miami", "body": f"{RISKY} ({i})"})
    _screen(api, {"id": "alone", "body": "Kids bike, $40"})
    r = api.client.post("/v1/link", headers=api.auth("analyst"))
    assert r.status_code == 200 and r.json()["networks"] == 1
    nets = api.client.get("/v1/networks", headers=api.auth("liaison")).json()
    assert nets["total"] == 1 and nets["networks"][0]["size"] == 4
    nid = nets["networks"][0]["id"]
    net = api.client.get(f"/v1/networks/{nid}", headers=api.auth("analyst")).json()
    assert sorted(m["ad_id"] for m in net["members"]) == [f"n-{i}" for i in range(4)]
    assert api.client.get("/v1/networks/n-none", headers=api.auth("analyst")).status_code == 404
    ad = api.client.get("/v1/ads/n-0", headers=api.auth("analyst")).json()
    assert ad["network"] == nid
    audit = api.client.get("/v1/audit?action=network.read", headers=api.auth("admin")).json()
    assert audit["total"] == 1


@pytest.fixture
def tight(store: Store) -> Api:
    return Api(
        store, ApiSettings(max_body_bytes=64 * 1024, max_batch=3, rate_per_second=0.01, burst=6)
    )


def test_limits(tight: Api) -> None:
    h = tight.auth("platform")
    post = tight.client.post
    r = post("/v1/screen", content=b'{"id": "x", "body": "' + b"a" * 70_000 + b'"}', headers=h)
    assert r.status_code == 413
    r = post("/v1/ads", json=[{"id": str(i)} for i in range(4)], headers=h)
    assert r.status_code == 413
    r = post("/v1/screen", content=b'{"id": "x", "body": ', headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "json_invalid"
    r = post("/v1/screen", json={"id": "x", "images": "a", "poster": 5}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "poster"]
    codes = [post("/v1/screen", json={"id": "ok"}, headers=h).status_code for _ in range(4)]
    assert codes[-1] == 429
    r = post("/v1/screen", json={"id": "ok"}, headers=h)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    # other keys have their own bucket
    assert tight.client.get("/v1/queue", headers=tight.auth("reviewer")).status_code == 200


def test_field_limit_is_413_naming_the_field(api: Api) -> None:
    r = api.client.post(
        "/v1/screen", json={"id": "x", "title": "t" * 20_001}, headers=api.auth("platform")
    )
    assert r.status_code == 413 and r.json()["detail"][0]["loc"] == ["body", "title"]


def _chunks(data: bytes) -> Any:
    for i in range(0, len(data), 1000):
        yield data[i : i + 1000]


def test_chunked_body_over_the_limit(tight: Api) -> None:
    body = b'{"id": "x", "body": "' + b"a" * 70_000 + b'"}'
    r = tight.client.post("/v1/screen", content=_chunks(body), headers=tight.auth("platform"))
    assert r.status_code == 413


NASTY: list[bytes] = [
    b"",
    b"null",
    b"[]",
    b"{}",
    b'{"id": null}',
    b'{"id": true}',
    b'{"id": 1e400}',
    b'{"id": "\\u0000"}',
    b'{"id": "a", "body": "\\ud800"}',
    b'{"id": "a", "body": NaN}',
    b"[" * 5000 + b"]" * 5000,
    b'{"id": "a", "poster": {"account_id": {"x": [1]}}}',
    b'{"id": "a", "images": [1, 2]}',
    b'{"id": 123456789012345678901234567890}',
    b"\xff\xfe",
    b'{"id": "' + "é".encode() * 300 + b'"}',
    b'{"id": "a", "city": "\\u0000"}',
    b'{"id": "a", "extra": {"deep": ' + b"[" * 2000 + b"]" * 2000 + b"}}",
]


@pytest.mark.parametrize("body", NASTY, ids=range(len(NASTY)))
def test_no_server_error_on_any_body(api: Api, body: bytes) -> None:
    h = api.auth("platform")
    for path in ("/v1/screen", "/v1/ads"):
        r = api.client.post(path, content=body, headers=h)
        assert r.status_code < 500, (path, r.status_code, r.text[:300])
        r = api.client.post(path, content=b"[" + body + b"]", headers=h)
        assert r.status_code < 500, (path, r.status_code, r.text[:300])
    r = api.client.post(
        "/v1/ads/a/decision",
        content=body,
        headers={**api.auth("reviewer"), "If-Match": '"item-1.1"'},
    )
    assert r.status_code < 500


def test_logs_never_carry_ad_text(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    secret_body = "Unique-Body-Text-4471 call 305-555-0177 " + RISKY
    _screen(api, {"id": "log-1", "body": secret_body, "phone": "305-555-0177"})
    api.client.get("/v1/ads/log-1", headers=api.auth("reviewer"))
    api.client.post(
        "/v1/screen",
        content=b'{"id": "log-2", "body": ' + secret_body.encode(),
        headers=api.auth("platform"),
    )
    text = caplog.text
    assert "Unique-Body-Text-4471" not in text and "555-0177" not in text


def test_metrics_are_prometheus_text(api: Api) -> None:
    _screen(api, {"id": "m-1", "body": RISKY})
    r = api.client.get("/metrics", headers=api.auth("analyst"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert 'redflags_http_requests_total{method="POST",route="/v1/screen",status="200"} 1' in r.text
    assert "redflags_http_request_duration_seconds_bucket" in r.text
    assert "redflags_queue_open" in r.text
