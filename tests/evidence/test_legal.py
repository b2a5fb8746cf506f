"""Legal process register: deadlines (pure), holds, renewals, closing, disclosures.

Register tests run on SQLite and PostgreSQL (the ``store`` fixture) with a real evidence store.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from redflags.errors import ConflictError, HeldError, NotFoundError
from redflags.evidence.legal import (
    LegalRegister,
    LegalScope,
    RenewalRefused,
    add_years,
    days_left,
    initial_expiry,
    is_live,
    parse_identifier,
    renewed_expiry,
)
from redflags.evidence.log import EvidenceStore
from redflags.store import SYSTEM, Actor, LocalScreener, Store, prepare

LIAISON = Actor(None, "liaison-kim", "liaison")
TODAY = date.today()


def _ads(store: Store, *rows: dict[str, object]) -> None:
    store.ingest(
        [prepare(orjson.dumps(r).decode()) for r in rows], LocalScreener(), actor=SYSTEM, source="t"
    )


# -- pure deadline arithmetic -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "received", "expires"),
    [
        # 2703(f): 90 days after the day of receipt
        ("preservation", date(2026, 3, 1), date(2026, 5, 30)),
        # across 29 February in a leap year, and the same dates a year earlier
        ("preservation", date(2024, 1, 15), date(2024, 4, 14)),
        ("preservation", date(2023, 1, 15), date(2023, 4, 15)),
        ("preservation", date(2024, 12, 15), date(2025, 3, 15)),
        # REPORT Act, 18 U.S.C. 2258A(h): one year from the report
        ("report_preservation", date(2025, 6, 30), date(2026, 6, 30)),
        ("report_preservation", date(2024, 2, 29), date(2025, 3, 1)),
        ("report_preservation", date(2023, 3, 1), date(2024, 3, 1)),
        ("report_preservation", date(2027, 12, 31), date(2028, 12, 31)),
        # other process holds until closed
        ("subpoena", date(2026, 3, 1), None),
        ("court_order", date(2026, 3, 1), None),
        ("warrant", date(2026, 3, 1), None),
    ],
)
def test_initial_expiry(kind: str, received: date, expires: date | None) -> None:
    assert initial_expiry(kind, received) == expires


def test_preservation_renews_once_for_90_more_days_and_refuses_a_second_renewal() -> None:
    first = initial_expiry("preservation", date(2024, 1, 15))
    assert first == date(2024, 4, 14)
    second = renewed_expiry("preservation", first, renewals=0, today=date(2024, 4, 14))
    assert second == date(2024, 7, 13) and (second - date(2024, 1, 15)).days == 180
    with pytest.raises(RenewalRefused, match="one 90-day extension"):
        renewed_expiry("preservation", second, renewals=1, today=date(2024, 5, 1))


@pytest.mark.parametrize(
    ("kind", "expires", "renewals", "today", "message"),
    [
        ("preservation", date(2026, 5, 30), 0, date(2026, 5, 31), "ended on 2026-05-30"),
        ("report_preservation", date(2026, 5, 30), 0, date(2026, 5, 1), "only 2703"),
        ("warrant", None, 0, date(2026, 5, 1), "only 2703"),
        ("preservation", date(2026, 5, 30), 1, date(2026, 5, 1), "already renewed"),
    ],
)
def test_renewal_refusals(
    kind: str, expires: date | None, renewals: int, today: date, message: str
) -> None:
    with pytest.raises(RenewalRefused, match=message):
        renewed_expiry(kind, expires, renewals, today)


def test_explicit_expiry_extends_but_never_shortens_a_statutory_period() -> None:
    assert initial_expiry("preservation", date(2026, 3, 1), date(2026, 4, 1)) == date(2026, 5, 30)
    assert initial_expiry("preservation", date(2026, 3, 1), date(2026, 9, 1)) == date(2026, 9, 1)
    assert initial_expiry("subpoena", date(2026, 3, 1), date(2026, 4, 1)) == date(2026, 4, 1)
    with pytest.raises(ValueError, match="before the date received"):
        initial_expiry("warrant", date(2026, 3, 1), date(2026, 2, 1))
    with pytest.raises(ValueError, match="unknown kind"):
        initial_expiry("letter", date(2026, 3, 1))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_deadline_properties(received: date) -> None:
    first = initial_expiry("preservation", received)
    assert first is not None and (first - received).days == 90
    assert (renewed_expiry("preservation", first, 0) - first).days == 90
    year = add_years(received, 1)
    assert 365 <= (year - received).days <= 366
    assert is_live("active", first, first) and not is_live("active", first, first + timedelta(1))
    assert not is_live("fulfilled", first, received)
    assert days_left(first, received) == 90


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("+1 305 555 0123", ("phone", "+13055550123")),
        ("phone:(305) 555-0123", ("phone", "+13055550123")),
        ("Ana@Example.com", ("email", "ana@example.com")),
        ("handle:Telegram:Someone", ("handle", "telegram:someone")),
        ("wallet:Bitcoin:bc1qexample", ("wallet", "bitcoin:bc1qexample")),
        ("account:example-classifieds:u-77", ("account", "example-classifieds:u-77")),
    ],
)
def test_parse_identifier(text: str, parsed: tuple[str, str]) -> None:
    assert parse_identifier(text) == parsed


@pytest.mark.parametrize("bad", ["someone", "phone:not a number", "fax:123"])
def test_parse_identifier_refuses_what_it_cannot_place(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_identifier(bad)


# -- the register on a real store ---------------------------------------------------------------


def test_add_renew_twice_is_refused_and_state_is_kept(store: Store) -> None:
    reg = LegalRegister(store)
    received = TODAY - timedelta(days=10)
    item = reg.add(
        "preservation",
        agency="FBI Miami",
        agency_case="2026-77",
        received_on=received,
        scope=LegalScope(ads=("a-1",)),
        actor=LIAISON,
    )
    assert item.expires_on == received + timedelta(days=90)
    assert item.status == "active" and item.renewals == 0 and item.recorded_by == "liaison-kim"
    assert item.legal_basis == "18 U.S.C. 2703(f)"
    renewed = reg.renew(item.id, actor=LIAISON, notes="renewed by letter")
    assert renewed.expires_on == received + timedelta(days=180) and renewed.renewals == 1
    with pytest.raises(RenewalRefused, match="one 90-day extension"):
        reg.renew(item.id, actor=LIAISON)
    again = reg.get(item.id)
    assert again.expires_on == renewed.expires_on and again.renewals == 1
    assert "renewal: renewed by letter" in (again.notes or "")
    actions = [e["action"] for e in store.audit_entries(actor=SYSTEM, target=f"legal:{item.id}")[0]]
    assert actions == ["legal.renew", "legal.add"]


def test_report_act_preservation_holds_one_year(store: Store) -> None:
    reg = LegalRegister(store)
    item = reg.add(
        "report_preservation",
        agency="NCMEC CyberTipline",
        received_on=date(2024, 2, 29),
        scope=LegalScope(ads=("a-9",)),
        actor=LIAISON,
    )
    assert item.expires_on == date(2025, 3, 1)
    assert reg.is_held("a-9", today=date(2025, 3, 1))
    with pytest.raises(RenewalRefused):
        reg.renew(item.id, actor=LIAISON, today=date(2025, 1, 1))


def test_expired_holds_stop_holding_and_the_end_is_logged(store: Store, tmp_path: Path) -> None:
    ev = EvidenceStore.open(tmp_path / "ev")
    reg = LegalRegister(store, evidence=ev)
    received = TODAY - timedelta(days=5)
    item = reg.add(
        "preservation",
        agency="HSI",
        received_on=received,
        scope=LegalScope(ads=("a-1",)),
        actor=LIAISON,
    )
    last = received + timedelta(days=90)
    assert "preservation #" in (reg.is_held("a-1", today=last) or "")
    assert reg.is_held("a-1", today=last + timedelta(days=1)) is None
    assert reg.get(item.id).status == "expired"
    assert [i.id for i in reg.items(status="expired")] == [item.id]
    actions = [e["action"] for e in store.audit_entries(actor=SYSTEM, target=f"legal:{item.id}")[0]]
    assert actions[0] == "legal.expired"
    events = [e.event for e in ev.entries()]
    assert events == ["hold", "release"]
    assert ev.verify().ok
    # an ended preservation cannot be renewed; record a new request instead
    with pytest.raises(RenewalRefused):
        reg.renew(item.id, actor=LIAISON, today=last + timedelta(days=2))


def test_closing_ends_holds_and_cannot_be_done_twice(store: Store) -> None:
    reg = LegalRegister(store)
    item = reg.add(
        "warrant",
        agency="Miami-Dade PD",
        received_on=TODAY,
        scope=LegalScope(ads=("a-1",)),
        actor=LIAISON,
    )
    assert item.expires_on is None and reg.is_held("a-1")
    closed = reg.close(item.id, "fulfilled", actor=LIAISON, reason="records produced")
    assert closed.status == "fulfilled" and closed.closed_by == "liaison-kim"
    assert reg.is_held("a-1") is None
    with pytest.raises(ConflictError, match="already fulfilled"):
        reg.close(item.id, "withdrawn", actor=LIAISON, reason="x")
    with pytest.raises(ValueError, match="fulfilled, withdrawn"):
        reg.close(item.id, "expired", actor=LIAISON, reason="x")
    with pytest.raises(NotFoundError):
        reg.close(999, "fulfilled", actor=LIAISON, reason="x")


def test_scope_by_identifier_and_network_holds_their_ads(store: Store) -> None:
    _ads(
        store,
        {"id": "p-1", "body": "call 305-555-0123 tonight", "category": "escorts"},
        {"id": "p-2", "body": "text me 305 555 0123", "category": "escorts"},
        {"id": "p-3", "body": "call 305-555-0142", "category": "escorts"},
    )
    store.link(actor=SYSTEM)
    reg = LegalRegister(store)
    reg.add(
        "subpoena",
        agency="FBI",
        received_on=TODAY,
        scope=LegalScope(identifiers=("+1 305 555 0123",)),
        actor=LIAISON,
    )
    holds = reg.holds()
    assert set(holds.ads) == {"p-1", "p-2"}
    # the versions of held ads (their text as received) are held objects too
    shas = store.get_ad("p-1", actor=SYSTEM)["sha256"]
    assert holds.hold_check(shas) is not None
    nets = store.networks()[0]
    if nets:  # p-1 and p-2 share a phone, so they form a network
        net_id = nets[0]["id"]
        item = reg.add(
            "preservation",
            agency="FBI",
            received_on=TODAY,
            scope=LegalScope(networks=(net_id,)),
            actor=LIAISON,
        )
        assert set(item.expanded_ads) == {"p-1", "p-2"}


def test_holds_block_the_evidence_stores_delete(store: Store, tmp_path: Path) -> None:
    reg = LegalRegister(store)
    ev = EvidenceStore.open(tmp_path / "ev", hold_check=reg.hold_check)
    reg.evidence = ev
    sha = ev.capture(b"image bytes", media_type="image/jpeg", actor="kim", reason="t", ref="ad:a-7")
    other = ev.capture(b"other", media_type="text/plain", actor="kim", reason="t", ref="ad:a-8")
    item = reg.add(
        "preservation",
        agency="FBI",
        received_on=TODAY,
        scope=LegalScope(ads=("a-7",)),
        actor=LIAISON,
    )
    with pytest.raises(HeldError, match=f"preservation #{item.id}"):
        ev.delete(sha, actor="kim", reason="cleanup")
    ev.delete(other, actor="kim", reason="cleanup")  # not in scope
    reg.close(item.id, "withdrawn", actor=LIAISON, reason="agency withdrew the request")
    ev.delete(sha, actor="kim", reason="cleanup")
    assert not ev.has(sha)
    report = ev.verify()
    assert report.ok, report.summary()
    assert [e.event for e in ev.entries()] == [
        "capture", "capture", "hold", "deletion", "release", "deletion",
    ]  # fmt: skip


def test_objects_named_in_scope_are_held(store: Store) -> None:
    reg = LegalRegister(store)
    sha = "ab" * 32
    reg.add(
        "court_order",
        agency="USAO",
        received_on=TODAY,
        scope=LegalScope(objects=(sha.upper(),)),
        actor=LIAISON,
    )
    assert reg.hold_check(sha) and "court_order" in (reg.hold_check(sha) or "")
    assert reg.hold_check("cd" * 32) is None


def test_disclosure_log_and_evidence_event(store: Store, tmp_path: Path) -> None:
    ev = EvidenceStore.open(tmp_path / "ev")
    reg = LegalRegister(store, evidence=ev)
    sha = ev.capture(b"ad text", media_type="text/plain", actor="kim", reason="t", ref="ad:a-1")
    item = reg.add(
        "subpoena",
        agency="FBI",
        agency_case="2026-77",
        received_on=TODAY,
        scope=LegalScope(ads=("a-1",)),
        actor=LIAISON,
    )
    pkg = "0f" * 32
    d = reg.disclose(
        agency="FBI",
        recipient="SA Jane Roe",
        legal_basis="subpoena 2026-77",
        objects=[sha],
        package_sha256=pkg,
        item_id=item.id,
        actor=LIAISON,
    )
    assert [x.to_json()["recipient"] for x in reg.disclosures(item_id=item.id)] == ["SA Jane Roe"]
    assert reg.disclosures()[0].objects == (sha,) and d.package_sha256 == pkg
    disclosure = [e for e in ev.entries() if e.event == "disclosure"]
    assert len(disclosure) == 1 and set(disclosure[0].objects) == {sha, pkg}
    assert disclosure[0].actor == "liaison-kim" and "SA Jane Roe" in disclosure[0].reason
    assert ev.verify().ok
    with pytest.raises(ValueError, match="say what was disclosed"):
        reg.disclose(agency="FBI", recipient="x", legal_basis="y", actor=LIAISON)
    with pytest.raises(NotFoundError):
        reg.disclose(
            agency="FBI", recipient="x", legal_basis="y", objects=[sha], item_id=99, actor=LIAISON
        )


def test_deadlines_lists_items_ending_soon(store: Store) -> None:
    reg = LegalRegister(store)
    soon = reg.add(
        "preservation",
        agency="A",
        received_on=TODAY - timedelta(days=80),
        scope=LegalScope(ads=("x",)),
        actor=LIAISON,
    )
    reg.add(
        "preservation", agency="B", received_on=TODAY, scope=LegalScope(ads=("y",)), actor=LIAISON
    )
    reg.add("warrant", agency="C", received_on=TODAY, scope=LegalScope(ads=("z",)), actor=LIAISON)
    got = reg.deadlines(within=14)
    assert [(i.id, left) for i, left in got] == [(soon.id, 10)]
    assert len(reg.deadlines(within=90)) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "letter"}, "unknown kind"),
        ({"scope": LegalScope()}, "needs a scope"),
        ({"scope": LegalScope(identifiers=("nobody",))}, "cannot tell"),
        ({"scope": LegalScope(objects=("xyz",))}, "not a SHA-256"),
        ({"agency": "  "}, "agency is required"),
        ({"received_on": TODAY + timedelta(days=30)}, "in the future"),
    ],
)
def test_bad_input_is_refused_clearly(
    store: Store, kwargs: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {
        "kind": "preservation",
        "agency": "FBI",
        "received_on": TODAY,
        "scope": LegalScope(ads=("a-1",)),
    }
    args.update(kwargs)
    kind = args.pop("kind")
    with pytest.raises(ValueError, match=message):
        LegalRegister(store).add(str(kind), actor=LIAISON, **args)  # type: ignore[arg-type]


# -- API and command line -----------------------------------------------------------------------


def test_api_roles_renewals_and_deadlines(store: Store) -> None:
    from fastapi.testclient import TestClient

    from redflags.api import create_app

    client = TestClient(create_app(store))
    auth = {}
    for role in ("liaison", "admin", "analyst", "reviewer", "platform"):
        _, token = store.add_user(f"{role}-1", role, actor=SYSTEM)
        auth[role] = {"Authorization": f"Bearer {token}"}
    body = {
        "kind": "preservation",
        "agency": "FBI Miami",
        "agency_case": "2026-77",
        "received_on": (TODAY - timedelta(days=80)).isoformat(),
        "scope": {"ads": ["a-1"], "identifiers": ["+1 305 555 0123"]},
    }
    r = client.post("/v1/legal", json=body, headers=auth["liaison"])
    assert r.status_code == 201, r.text
    item = r.json()
    assert item["days_left"] == 10 and item["renewable"] and item["recorded_by"] == "liaison-1"
    assert item["scope"]["identifiers"] == ["phone:+13055550123"]
    # analysts read, but may not write; reviewers and platforms may not even read
    assert client.get("/v1/legal", headers=auth["analyst"]).json()["total"] == 1
    assert client.post("/v1/legal", json=body, headers=auth["analyst"]).status_code == 403
    assert client.get("/v1/legal/deadlines", headers=auth["reviewer"]).status_code == 403
    assert client.get("/v1/legal", headers=auth["platform"]).status_code == 403
    assert client.get("/v1/legal").status_code == 401
    due = client.get("/v1/legal/deadlines?within=14", headers=auth["analyst"]).json()
    assert [i["id"] for i in due["items"]] == [item["id"]] and due["count"] == 1
    r = client.post(f"/v1/legal/{item['id']}/renew", headers=auth["admin"])
    assert r.status_code == 200 and r.json()["days_left"] == 100 and not r.json()["renewable"]
    r = client.post(f"/v1/legal/{item['id']}/renew", headers=auth["liaison"])
    assert r.status_code == 409 and "one 90-day extension" in r.json()["detail"]
    assert client.get("/v1/legal/deadlines", headers=auth["analyst"]).json()["count"] == 0
    assert client.post("/v1/legal/999/renew", headers=auth["liaison"]).status_code == 404
    bad = {**body, "scope": {"identifiers": ["nobody"]}}
    assert client.post("/v1/legal", json=bad, headers=auth["liaison"]).status_code == 422
    assert (
        client.post("/v1/legal", json={**body, "kind": "x"}, headers=auth["liaison"]).status_code
        == 422
    )
    r = client.post(
        f"/v1/legal/{item['id']}/close",
        json={"status": "fulfilled", "reason": "records produced"},
        headers=auth["liaison"],
    )
    assert r.status_code == 200 and r.json()["status"] == "fulfilled"
    got = client.get(f"/v1/legal/{item['id']}", headers=auth["analyst"]).json()
    assert got["status"] == "fulfilled" and got["closed_by"] == "liaison-1"


def test_cli_register_flow(db_url: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "redflags.cli", *args, "--db", db_url,
             "--evidence-dir", str(tmp_path / "ev")],
            capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path,
        )  # fmt: skip

    received = (TODAY - timedelta(days=85)).isoformat()
    add = cli("legal", "add", "preservation", "--agency", "FBI", "--ad", "a-1",
              "--received", received, "--case-number", "2026-77")  # fmt: skip
    assert add.returncode == 0, add.stderr
    item_id = add.stdout.strip()
    due = cli("legal", "deadlines", "--within", "14", "--json")
    assert due.returncode == 0 and orjson.loads(due.stdout)["days_left"] == 5
    assert cli("legal", "renew", item_id).returncode == 0
    again = cli("legal", "renew", item_id)
    assert again.returncode == 1 and "one 90-day extension" in " ".join(again.stderr.split())
    pkg = "ab" * 32
    dis = cli("legal", "disclose", "--agency", "FBI", "--to", "SA Jane Roe", "--basis",
              "2026-77", "--package", pkg, "--item", item_id)  # fmt: skip
    assert dis.returncode == 0, dis.stderr
    bad = cli("legal", "add", "letter", "--agency", "FBI", "--ad", "a-1")
    assert bad.returncode == 3 and "unknown kind" in bad.stderr
    ev = EvidenceStore.open(tmp_path / "ev", create=False)
    assert [e.event for e in ev.entries()] == ["hold", "disclosure"]
    assert ev.verify().ok


def test_open_evidence_enforces_holds_recorded_by_another_register(
    store: Store, tmp_path: Path
) -> None:
    """The one opener the API and the case CLI use wires the legal register's holds in."""
    from redflags.evidence.service import open_evidence

    ev, reg = open_evidence(store, tmp_path / "ev")
    sha = ev.capture(
        b"ad as posted", media_type="text/plain", actor="kim", reason="t", ref="ad:h-1"
    )
    LegalRegister(store).add(  # recorded elsewhere (another process, the API)
        "preservation",
        agency="FBI",
        received_on=TODAY,
        scope=LegalScope(ads=("h-1",)),
        actor=LIAISON,
    )
    reg._cache = None  # another process's change shows within HOLD_CACHE_SECONDS; skip the wait
    with pytest.raises(HeldError, match="preservation"):
        ev.delete(sha, actor="kim", reason="cleanup")
    assert ev.has(sha)
