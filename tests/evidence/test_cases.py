"""Cases in the store (SQLite and PostgreSQL): open, add, note, read, bundle, API roles."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from redflags.api import create_app
from redflags.errors import AccessError, ConflictError, NotFoundError
from redflags.evidence.cases import (
    add_ads,
    add_note,
    build_bundle,
    close_case,
    get_case,
    list_cases,
    open_case,
)
from redflags.evidence.log import EvidenceStore
from redflags.store import SYSTEM, Actor, LocalScreener, Store, prepare
from redflags.store.access import ROLES

SCREENER = LocalScreener()
ADS = [
    {"id": "a-1", "site": "example-classifieds", "city": "Reno", "region": "NV", "country": "US",
     "posted_at": "2025-03-01T10:00:00Z", "title": "Amber, new in town", "category": "escorts",
     "body": "Hi gentlemen, I'm Amber, 16, new to this. Incall only, $200/hr. Text 775-555-0101",
     "images": ["p1.png"]},
    {"id": "a-2", "site": "example-classifieds", "city": "Sparks", "region": "NV",
     "country": "US", "posted_at": "2025-03-04T10:00:00Z", "title": "Ask for Amber",
     "category": "escorts", "body": "Ask for Amber. Incall, $150 roses. Text 775-555-0101"},
    {"id": "a-3", "site": "example-classifieds", "city": "Reno", "body": "Bike for sale, $80"},
]


def _ingest(store: Store, ads: list[dict[str, object]]) -> None:
    store.ingest([prepare(orjson.dumps(a).decode()) for a in ads], SCREENER, actor=SYSTEM,
                 source="cli")


@pytest.fixture
def images(tmp_path: Path) -> Path:
    root = tmp_path / "photos"
    root.mkdir()
    img = Image.new("RGB", (64, 64))
    for x in range(64):
        for y in range(64):
            img.putpixel((x, y), (x * 4, y * 4, (x ^ y) * 4))
    img.save(root / "p1.png")
    return root


@pytest.fixture
def ev(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore.open(tmp_path / "evidence")


def test_open_add_note_and_bundle(store: Store, ev: EvidenceStore, images: Path) -> None:
    _ingest(store, ADS)
    case = open_case(store, ev, title="Reno circuit", ad_ids=["a-1"], actor=SYSTEM,
                     image_root=images)
    cid = case["id"]
    assert [a["id"] for a in case["ads"]] == ["a-1"] and case["images"] == 1
    res = add_ads(store, ev, cid, ["a-2", "a-1"], actor=SYSTEM)
    assert res.added == ["a-2"] and res.unchanged == ["a-1"]
    add_note(store, cid, "Same phone as last month's referral.", actor=SYSTEM)

    bundle = build_bundle(store, ev, cid)
    assert bundle["case"]["title"] == "Reno circuit"
    assert bundle["case"]["notes"][0]["text"] == "Same phone as last month's referral."
    raw = next(v.content for v in _versions(store, "a-1"))
    a1 = next(a for a in bundle["ads"] if a["id"] == "a-1")
    # the captured object is the ad exactly as received, and its hash is the version's hash
    assert a1["sha256"] == hashlib.sha256(raw.encode()).hexdigest()
    assert ev.read(a1["sha256"], actor="t", reason="t") == raw.encode()
    assert a1["content"]["title"] == "Amber, new in town"
    assert a1["assessment"]["level"] == "critical"
    [img] = bundle["images"]
    assert img["ad_id"] == "a-1" and img["media_type"] == "image/png" and img["pdq"]
    assert img["sha256"] == hashlib.sha256((images / "p1.png").read_bytes()).hexdigest()
    # victims: both ads use the name Amber -> one person, a possible minor
    [person] = bundle["victims"]
    assert person["minor"] is True and person["stated_age"] == 16
    assert person["names_used"] == ["Amber"] and person["ad_ids"] == ["a-1", "a-2"]
    # custody names every object and shows both capture and (bundle) access events
    objs = {a1["sha256"], img["sha256"]}
    events = {(e["event"], o) for e in bundle["custody"] for o in e["objects"]}
    assert {("capture", o) for o in objs} <= events and {("access", o) for o in objs} <= events
    assert any(e["reason"].startswith(cid) for e in bundle["custody"])
    # every action is audited (no ad content in the audit log)
    rows, _ = store.audit_entries(actor=SYSTEM, target=f"case:{cid}")
    assert {r["action"] for r in rows} >= {"case.open", "case.add", "case.note"}
    assert all("Amber" not in orjson.dumps(r).decode() for r in rows)


def _versions(store: Store, ad_id: str) -> list[object]:
    import sqlalchemy as sa

    from redflags.store.schema import ad_versions

    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(ad_versions).where(ad_versions.c.ad_id == ad_id).order_by(
                ad_versions.c.version)
        ).all()
        conn.rollback()
    return list(rows)


def test_new_version_is_captured_when_added_again(store: Store, ev: EvidenceStore) -> None:
    _ingest(store, ADS[:1])
    cid = open_case(store, ev, title="t", ad_ids=["a-1"], actor=SYSTEM)["id"]
    _ingest(store, [{**ADS[0], "body": "Edited: I'm Amber, 17"}])
    res = add_ads(store, ev, cid, ["a-1"], actor=SYSTEM)
    assert res.updated == ["a-1"]
    bundle = build_bundle(store, ev, cid)
    [ad] = bundle["ads"]
    assert ad["version"] == 2 and [v["version"] for v in ad["versions"]] == [1, 2]
    assert all(ev.has(v["sha256"]) for v in ad["versions"])
    assert ad["content"]["body"] == "Edited: I'm Amber, 17"


def test_open_from_network(store: Store, ev: EvidenceStore) -> None:
    _ingest(store, ADS)
    store.link(actor=SYSTEM)
    nets, _ = store.networks()
    net = next(n for n in nets if n["size"] == 2)
    user, _ = store.add_user("ana", "analyst", actor=SYSTEM)
    analyst = Actor(user["id"], "ana", "analyst")
    case = open_case(store, ev, title="net", network_id=net["id"], actor=analyst)
    assert [a["id"] for a in case["ads"]] == ["a-1", "a-2"]
    assert case["network_ids"] == [net["id"]]
    bundle = build_bundle(store, ev, case["id"])
    [n] = bundle["networks"]
    assert n["id"] == net["id"] and [c["city"] for c in n["cities"]] == ["Reno", "Sparks"]
    rows, total = list_cases(store, actor=analyst)
    assert total == 1 and rows[0]["ads"] == 2


def test_bad_input_and_roles(store: Store, ev: EvidenceStore) -> None:
    _ingest(store, ADS)
    with pytest.raises(NotFoundError, match="no ad 'nope'"):
        open_case(store, ev, title="t", ad_ids=["a-1", "nope"], actor=SYSTEM)
    assert list_cases(store, actor=SYSTEM)[1] == 1  # the case row exists; no ad was added
    with pytest.raises(NotFoundError, match="no network"):
        open_case(store, ev, title="t", network_id="n-missing", actor=SYSTEM)
    with pytest.raises(ValueError, match="title"):
        open_case(store, ev, title="  ", ad_ids=["a-1"], actor=SYSTEM)
    with pytest.raises(ValueError, match="at least one ad"):
        open_case(store, ev, title="t", actor=SYSTEM)
    with pytest.raises(NotFoundError, match="no case"):
        add_note(store, "case-00000000", "x", actor=SYSTEM)
    with pytest.raises(NotFoundError, match="case ids look like"):
        get_case(store, "../etc", actor=SYSTEM)
    for role in ("reviewer", "liaison", "platform"):
        with pytest.raises(AccessError):
            open_case(store, ev, title="t", ad_ids=["a-1"], actor=Actor(1, "x", role))


def test_api_cases_roles_and_export(store: Store, tmp_path: Path) -> None:
    _ingest(store, ADS)
    app = create_app(store)
    app.state.evidence = EvidenceStore.open(tmp_path / "ev")
    client = TestClient(app)
    tok = {r: store.add_user(f"{r}-1", r, actor=SYSTEM)[1] for r in ROLES}

    def h(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tok[role]}"}

    body = {"title": "API case", "ad_ids": ["a-1"]}
    assert client.post("/v1/cases", json=body).status_code == 401
    for role in ("reviewer", "liaison", "platform"):
        assert client.post("/v1/cases", json=body, headers=h(role)).status_code == 403
    r = client.post("/v1/cases", json=body, headers=h("analyst"))
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    assert client.post("/v1/cases", json={"title": "x"}, headers=h("analyst")).status_code == 422
    assert client.post("/v1/cases", json={"title": " ", "ad_ids": ["a-1"]},
                       headers=h("analyst")).status_code == 422
    r = client.post(f"/v1/cases/{cid}/ads", json={"ad_ids": ["a-2"]}, headers=h("admin"))
    assert r.status_code == 200 and r.json()["added"] == ["a-2"]
    assert client.post(f"/v1/cases/{cid}/ads", json={"ad_ids": ["zz"]},
                       headers=h("analyst")).status_code == 404
    r = client.post(f"/v1/cases/{cid}/notes", json={"text": "call agency"}, headers=h("analyst"))
    assert r.status_code == 201
    assert client.post(f"/v1/cases/{cid}/notes", json={"text": "x"},
                       headers=h("liaison")).status_code == 403
    got = client.get(f"/v1/cases/{cid}", headers=h("liaison")).json()
    assert [a["id"] for a in got["ads"]] == ["a-1", "a-2"] and got["notes"][0]["text"]
    assert client.get("/v1/cases/case-00000000", headers=h("analyst")).status_code == 404
    assert client.get(f"/v1/cases/{cid}", headers=h("reviewer")).status_code == 403
    assert client.post(f"/v1/cases/{cid}/export", headers=h("analyst")).status_code == 403
    r = client.post(f"/v1/cases/{cid}/export", headers=h("liaison"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    from redflags.evidence.package import verify_package

    check = verify_package(r.content)
    assert check.ok, check.summary()
    assert hashlib.sha256(
        __import__("zipfile").ZipFile(io.BytesIO(r.content)).read("manifest.json")
    ).hexdigest() == r.headers["X-Manifest-SHA256"]
    exports = [e for e in app.state.evidence.entries() if e.event == "export"]
    assert len(exports) == 1 and exports[0].actor == "liaison-1"
    rows, _ = store.audit_entries(actor=SYSTEM, target=f"case:{cid}", action="case.export")
    assert rows and rows[0]["actor"] == "liaison-1"
    app.state.evidence.close()


def test_close_case(store: Store, ev: EvidenceStore) -> None:
    """Closing sets the status, keeps the reason (audit + closing note) and freezes the case."""
    _ingest(store, ADS)
    cid = open_case(store, ev, title="To close", ad_ids=["a-1"], actor=SYSTEM)["id"]
    analyst = Actor(None, "ana", "analyst")
    for role in ("reviewer", "liaison", "platform"):
        with pytest.raises(AccessError):
            close_case(store, cid, actor=Actor(None, "x", role), reason="done")
    with pytest.raises(ValueError, match="reason"):
        close_case(store, cid, actor=analyst, reason="   ")
    with pytest.raises(NotFoundError):
        close_case(store, "case-00000000", actor=analyst, reason="done")
    got = close_case(store, cid, actor=analyst, reason="referred to the task force")
    assert got["status"] == "closed"
    assert got["notes"][-1]["text"] == "Case closed: referred to the task force"
    assert list_cases(store, actor=SYSTEM)[0][0]["status"] == "closed"
    rows, _ = store.audit_entries(actor=SYSTEM, target=f"case:{cid}", action="case.close")
    assert len(rows) == 1 and rows[0]["actor"] == "ana"
    with pytest.raises(ConflictError, match="already closed|is closed"):
        close_case(store, cid, actor=analyst, reason="again")
    with pytest.raises(ConflictError):
        add_note(store, cid, "late note", actor=analyst)
    with pytest.raises(ConflictError):
        add_ads(store, ev, cid, ["a-2"], actor=analyst)
    assert len(build_bundle(store, ev, cid)["ads"]) == 1  # a closed case still exports


def test_api_close_case(store: Store, tmp_path: Path) -> None:
    _ingest(store, ADS)
    app = create_app(store)
    app.state.evidence = EvidenceStore.open(tmp_path / "ev")
    client = TestClient(app)
    tok = {r: store.add_user(f"{r}-1", r, actor=SYSTEM)[1] for r in ROLES}
    cid = open_case(store, app.state.evidence, title="API close", ad_ids=["a-1"],
                    actor=SYSTEM)["id"]
    url = f"/v1/cases/{cid}/close"
    for role in ("reviewer", "liaison", "platform"):
        r = client.post(url, json={"reason": "x"}, headers={"Authorization": f"Bearer {tok[role]}"})
        assert r.status_code == 403
    h = {"Authorization": f"Bearer {tok['analyst']}"}
    assert client.post(url, json={"reason": " "}, headers=h).status_code == 422
    r = client.post(url, json={"reason": "no further leads"}, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert client.post(url, json={"reason": "again"}, headers=h).status_code == 409
    r = client.post(f"/v1/cases/{cid}/notes", json={"text": "late"}, headers=h)
    assert r.status_code == 409
    app.state.evidence.close()


def test_cli_close_case(store: Store, db_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from redflags.evidence.case_cli import case_app

    _ingest(store, ADS)
    with EvidenceStore.open(tmp_path / "ev") as ev2:
        cid = open_case(store, ev2, title="CLI close", ad_ids=["a-1"], actor=SYSTEM)["id"]
    db = db_url
    runner = CliRunner()
    res = runner.invoke(case_app, ["close", cid, "--reason", "handed over", "--db", db])
    assert res.exit_code == 0, res.output
    assert get_case(store, cid, actor=SYSTEM, audit=False)["status"] == "closed"
    res = runner.invoke(case_app, ["close", cid, "--reason", "again", "--db", db])
    assert res.exit_code != 0
