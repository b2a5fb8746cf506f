"""Retention: purges what the policy expires, never what is held; dry runs change nothing.

Runs on SQLite and PostgreSQL (the ``store`` fixture) with a real evidence store and real cases.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa

from redflags.errors import ConfigError
from redflags.evidence.cases import open_case
from redflags.evidence.legal import LegalRegister, LegalScope
from redflags.evidence.log import EvidenceStore
from redflags.evidence.retention import RetentionPolicy, run
from redflags.store import SYSTEM, Actor, LocalScreener, Store, prepare
from redflags.store.repo import utcnow
from redflags.store.schema import cases, entities

LIAISON = Actor(None, "liaison-kim", "liaison")
OPERATOR = Actor(None, "cli:ops", "operator")


def _seed(store: Store) -> None:
    rows = [
        {"id": f"r-{i}", "category": "escorts", "body": f"new in town call 305-555-01{i:02d}"}
        for i in range(1, 5)
    ]
    store.ingest(
        [prepare(orjson.dumps(r).decode()) for r in rows], LocalScreener(), actor=SYSTEM, source="t"
    )


def _snapshot(store: Store) -> list[tuple[object, ...]]:
    with store.engine.connect() as conn:
        out = [
            tuple(r)
            for t in ("ad_versions", "assessments", "entities", "ads")
            for r in conn.execute(sa.text(f"SELECT * FROM {t} ORDER BY 1, 2"))
        ]
        conn.rollback()
    return out


def test_policy_from_toml_and_flags(tmp_path: Path) -> None:
    f = tmp_path / "retention.toml"
    f.write_text("[retention]\nads_days = 365\nnot_risk_days = 90\n")
    pol = RetentionPolicy.load(f)
    assert (pol.ads_days, pol.not_risk_days, pol.evidence_days) == (365, 90, None)
    assert pol.merged(evidence_days=30, ads_days=None).evidence_days == 30
    f.write_text("[retention]\nads_dayz = 3\n")
    with pytest.raises(ConfigError, match="unknown retention keys"):
        RetentionPolicy.load(f)
    with pytest.raises(ConfigError, match=">= 1"):
        RetentionPolicy(ads_days=0)


def test_dry_run_changes_nothing_and_reports_holds(store: Store, tmp_path: Path) -> None:
    _seed(store)
    ev = EvidenceStore.open(tmp_path / "ev")
    reg = LegalRegister(store, evidence=ev)
    reg.add(
        "warrant", agency="FBI", received_on=utcnow().date(), scope=LegalScope(ads=("r-1",)),
        actor=LIAISON,
    )  # fmt: skip
    before, log_before = _snapshot(store), [e.hash for e in ev.entries()]
    audit_before = store.audit_entries(actor=SYSTEM, limit=200)[1]
    result = run(
        store, RetentionPolicy(ads_days=30), reg, actor=OPERATOR, evidence=ev,
        now=utcnow() + timedelta(days=31), dry_run=True,
    )  # fmt: skip
    assert [i for i, _ in result.plan.purge_ads] == ["r-2", "r-3", "r-4"]
    assert [(i, r) for i, r, _ in result.plan.held_ads] == [("r-1", "ads")]
    assert "warrant #" in result.plan.held_ads[0][2]
    assert result.purged_ads == [] and result.deleted_objects == []
    assert _snapshot(store) == before
    assert [e.hash for e in ev.entries()] == log_before
    # the audit read above was itself audited once; the dry run wrote nothing
    assert store.audit_entries(actor=SYSTEM, limit=200)[1] == audit_before + 1


def test_purge_leaves_tombstones_and_spares_held_ads(store: Store) -> None:
    _seed(store)
    reg = LegalRegister(store)
    reg.add(
        "preservation", agency="FBI", received_on=utcnow().date(),
        scope=LegalScope(identifiers=("+13055550102",)), actor=LIAISON,
    )  # fmt: skip
    result = run(
        store, RetentionPolicy(ads_days=30), reg, actor=OPERATOR, now=utcnow() + timedelta(days=31)
    )
    assert result.purged_ads == ["r-1", "r-3", "r-4"]
    assert [i for i, _, _ in result.plan.held_ads] == ["r-2"]
    purged = store.get_ad("r-1", actor=SYSTEM)
    assert purged["content"] == {"id": "r-1", "purged": True}
    assert purged["assessments"][0]["result"]["purged"] is True
    assert purged["assessments"][0]["result"]["entities"] == {}
    assert purged["sha256"]  # the hash of the text as received is kept
    held = store.get_ad("r-2", actor=SYSTEM)
    assert "305" in held["content"]["body"]
    assert store.count_ads() == (4, 4)  # tombstones keep the counts
    with store.engine.connect() as conn:
        left = set(conn.execute(sa.select(entities.c.ad_id).distinct()).scalars())
        conn.rollback()
    assert left == {"r-2"}
    audit = store.audit_entries(actor=SYSTEM, action="retention.purge", limit=10)[0]
    assert sorted(e["target"] for e in audit) == ["ad:r-1", "ad:r-3", "ad:r-4"]
    # a second run finds nothing new to purge
    again = run(
        store, RetentionPolicy(ads_days=30), reg, actor=OPERATOR, now=utcnow() + timedelta(days=31)
    )
    assert again.purged_ads == []


def test_expired_holds_stop_holding(store: Store) -> None:
    _seed(store)
    reg = LegalRegister(store)
    item = reg.add(
        "preservation", agency="FBI", received_on=utcnow().date(),
        scope=LegalScope(ads=("r-1", "r-2", "r-3", "r-4")), actor=LIAISON,
    )  # fmt: skip
    held = run(
        store, RetentionPolicy(ads_days=30), reg, actor=OPERATOR, now=utcnow() + timedelta(days=40)
    )
    assert held.purged_ads == [] and len(held.plan.held_ads) == 4
    # 90 days on, the preservation has ended (unrenewed): it stops holding, and says so
    later = run(
        store, RetentionPolicy(ads_days=30), reg, actor=OPERATOR, now=utcnow() + timedelta(days=92)
    )
    assert later.purged_ads == ["r-1", "r-2", "r-3", "r-4"]
    assert reg.get(item.id).status == "expired"
    assert store.audit_entries(actor=SYSTEM, action="legal.expired")[1] == 1


def test_not_risk_verdicts_have_their_own_clock(store: Store) -> None:
    _seed(store)
    flagged = {"id": "f-1", "category": "escorts", "body": "Sweet young girl new to this incall "
               "80/hr 305-555-0199"}  # fmt: skip
    store.ingest([prepare(orjson.dumps(flagged).decode())], LocalScreener(), actor=SYSTEM,
                 source="t")  # fmt: skip
    reviewer, _ = store.add_user("rev-1", "reviewer", actor=SYSTEM)
    rev = Actor(reviewer["id"], "rev-1", "reviewer")
    items, _ = store.queue()
    assert items, "the seeded ads need review"
    first = items[0]
    store.claim(first["id"], actor=rev)
    store.decide(
        first["ad_id"], actor=rev, verdict="not-risk", note="adult, no indicators",
        expected_version=first["version"] + 1,
    )  # fmt: skip
    result = run(
        store, RetentionPolicy(not_risk_days=7), LegalRegister(store), actor=OPERATOR,
        now=utcnow() + timedelta(days=8),
    )  # fmt: skip
    assert result.plan.purge_ads == [(first["ad_id"], "not-risk")]


def test_evidence_of_closed_cases_is_deleted_with_deletion_events_verify_accepts(
    store: Store, tmp_path: Path
) -> None:
    _seed(store)
    reg = LegalRegister(store)
    ev = EvidenceStore.open(tmp_path / "ev", hold_check=reg.hold_check)
    reg.evidence = ev
    closed = open_case(store, ev, title="closed one", ad_ids=["r-1", "r-2"], actor=OPERATOR)
    still_open = open_case(store, ev, title="open one", ad_ids=["r-3"], actor=OPERATOR)
    with store._write() as conn:  # cases have no close command yet: close it directly
        conn.execute(cases.update().where(cases.c.id == closed["id"]).values(status="closed"))
    item = reg.add(
        "preservation", agency="FBI", received_on=utcnow().date(),
        scope=LegalScope(ads=("r-2",)), actor=LIAISON,
    )  # fmt: skip
    r1 = store.get_ad("r-1", actor=SYSTEM)["sha256"]
    r2 = store.get_ad("r-2", actor=SYSTEM)["sha256"]
    r3 = store.get_ad("r-3", actor=SYSTEM)["sha256"]
    assert ev.has(r1) and ev.has(r2) and ev.has(r3)
    policy = RetentionPolicy(evidence_days=10)
    result = run(store, policy, reg, actor=OPERATOR, evidence=ev, now=utcnow() + timedelta(days=11))
    assert result.deleted_objects == [r1]
    assert [s for s, _, _ in result.plan.held_objects] == [r2]
    assert f"preservation #{item.id}" in result.plan.held_objects[0][2]
    assert not ev.has(r1) and ev.has(r2) and ev.has(r3)  # r-3 is in an open case
    assert still_open["status"] == "open"
    deletions = [e for e in ev.entries() if e.event == "deletion"]
    assert [e.objects for e in deletions] == [(r1,)]
    assert "retention" in deletions[0].reason and deletions[0].actor == "cli:ops"
    report = ev.verify()
    assert report.ok, report.summary()
    assert report.counts["deleted"] == 1


def test_cli_dry_run_prints_plan_and_changes_nothing(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    import subprocess
    import sys

    _seed(store)
    LegalRegister(store).add(
        "warrant", agency="FBI", received_on=utcnow().date(), scope=LegalScope(ads=("r-4",)),
        actor=LIAISON,
    )  # fmt: skip
    with store._write() as conn:  # make the ads old enough for the policy
        conn.execute(
            sa.text("UPDATE ads SET updated_at = :t"), {"t": utcnow() - timedelta(days=40)}
        )
    before = _snapshot(store)
    policy = tmp_path / "retention.toml"
    policy.write_text("[retention]\nads_days = 30\n")
    proc = subprocess.run(
        [sys.executable, "-m", "redflags.cli", "retention", "run", "--policy", str(policy),
         "--dry-run", "--json", "--db", db_url],
        capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = orjson.loads(proc.stdout)
    assert [a["id"] for a in out["purge_ads"]] == ["r-1", "r-2", "r-3"]
    assert [a["id"] for a in out["held_ads"]] == ["r-4"] and out["dry_run"] is True
    assert out["purged_ads"] == []
    assert _snapshot(store) == before
    nothing = subprocess.run(
        [sys.executable, "-m", "redflags.cli", "retention", "run", "--db", db_url],
        capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert nothing.returncode == 3 and "no retention rule" in nothing.stderr
