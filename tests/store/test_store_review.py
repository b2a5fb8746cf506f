"""Review workflow on the store: queue order and filters, claims (and their race), decisions,
stale versions, and the audit trail of every content read and decision."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from redflags.errors import ConflictError, NotFoundError, StaleVersionError
from redflags.review import QueueFilter
from redflags.store import SYSTEM, Actor, LocalScreener, Store, prepare
from redflags.store.repo import utcnow
from redflags.store.schema import audit_log

SCREENER = LocalScreener()
ADS = [
    # minor age stated: critical
    '{"id": "crit", "site": "s1", "city": "Miami", "body": "New girl 16 yo, incall only, '
    '100 roses/hr, ask my daddy"}',
    '{"id": "high", "site": "s2", "city": "Tampa", "body": "Sweet young girl, new to this. '
    'Incall only, 100 roses/hr"}',
    '{"id": "benign", "site": "s1", "city": "Miami", "body": "Oak dining table, $80"}',
]


@pytest.fixture
def loaded(store: Store) -> Store:
    store.ingest([prepare(r) for r in ADS], SCREENER, actor=SYSTEM, source="cli")
    return store


def _reviewer(store: Store, name: str) -> Actor:
    _, token = store.add_user(name, "reviewer", actor=SYSTEM)
    return store.authenticate(token)


def test_queue_is_highest_risk_first_and_filters(loaded: Store) -> None:
    items, total = loaded.queue()
    assert [i["ad_id"] for i in items] == ["crit", "high"] and total == 2
    assert items[0]["level"] == "critical" and items[0]["risk"] >= items[1]["risk"]
    assert "youth" in items[0]["categories"] and items[0]["indicators"]
    assert [i["ad_id"] for i in loaded.queue(QueueFilter(level="high"))[0]] == ["high"]
    assert [i["ad_id"] for i in loaded.queue(QueueFilter(site="s2"))[0]] == ["high"]
    assert [i["ad_id"] for i in loaded.queue(QueueFilter(city="miami"))[0]] == ["crit"]
    assert loaded.queue(QueueFilter(category="youth"))[1] == 2
    assert loaded.queue(QueueFilter(category="network"))[1] == 0
    page, total = loaded.queue(limit=1, offset=1)
    assert [i["ad_id"] for i in page] == ["high"] and total == 2


def test_claims_are_exclusive_until_they_lapse(loaded: Store) -> None:
    ana, bo = _reviewer(loaded, "ana"), _reviewer(loaded, "bo")
    item = loaded.queue()[0][0]
    claimed = loaded.claim(item["id"], actor=ana)
    assert claimed["claimed_by"] == "ana" and claimed["version"] == item["version"] + 1
    with pytest.raises(ConflictError):
        loaded.claim(item["id"], actor=bo)
    assert loaded.claim(item["id"], actor=ana)["claimed_by"] == "ana"  # extends her own
    assert [i["id"] for i in loaded.queue(QueueFilter(unclaimed=True))[0]] != [item["id"]]
    later = utcnow() + timedelta(hours=1)
    assert loaded.claim(item["id"], actor=bo, now=later)["claimed_by"] == "bo"
    with pytest.raises(NotFoundError):
        loaded.claim(999_999, actor=bo)


def test_claim_race_has_exactly_one_winner(loaded: Store) -> None:
    reviewers = [_reviewer(loaded, f"r{i}") for i in range(2)]
    items = loaded.queue()[0]
    for item in items:  # one race per item, each a fresh start for both threads
        barrier = threading.Barrier(2)
        outcome: dict[str, str] = {}

        def grab(
            actor: Actor,
            item_id: int = item["id"],
            out: dict[str, str] = outcome,
            gate: threading.Barrier = barrier,
        ) -> None:
            gate.wait()
            try:
                loaded.claim(item_id, actor=actor)
                out[actor.name] = "won"
            except ConflictError:
                out[actor.name] = "409"

        threads = [threading.Thread(target=grab, args=(r,)) for r in reviewers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcome.values()) == ["409", "won"], outcome


def test_decision_needs_claim_and_current_version(loaded: Store) -> None:
    ana, bo = _reviewer(loaded, "ana"), _reviewer(loaded, "bo")
    item = loaded.queue()[0][0]
    with pytest.raises(ConflictError, match="claim the item first"):
        loaded.decide(
            item["ad_id"],
            actor=ana,
            verdict="not-risk",
            note=None,
            expected_version=item["version"],
        )
    claimed = loaded.claim(item["id"], actor=ana)
    with pytest.raises(ConflictError, match="live claim"):
        loaded.decide(
            item["ad_id"],
            actor=bo,
            verdict="not-risk",
            note=None,
            expected_version=claimed["version"],
        )
    with pytest.raises(StaleVersionError):
        loaded.decide(
            item["ad_id"],
            actor=ana,
            verdict="not-risk",
            note=None,
            expected_version=item["version"],
        )
    with pytest.raises(ValueError, match="note"):
        loaded.decide(
            item["ad_id"],
            actor=ana,
            verdict="escalate",
            note="  ",
            expected_version=claimed["version"],
        )
    d = loaded.decide(
        item["ad_id"],
        actor=ana,
        verdict="escalate",
        note="stated age 16; escalate to hotline",
        expected_version=claimed["version"],
    )
    assert d["verdict"] == "escalate" and d["by"] == "ana"
    assert item["id"] not in [i["id"] for i in loaded.queue()[0]]
    with pytest.raises(ConflictError, match="no open review item"):
        loaded.decide(
            item["ad_id"],
            actor=ana,
            verdict="not-risk",
            note=None,
            expected_version=claimed["version"] + 1,
        )
    with pytest.raises(NotFoundError):
        loaded.decide("nope", actor=ana, verdict="not-risk", note=None, expected_version=1)


def test_a_lapsed_claim_of_someone_else_may_be_decided(loaded: Store) -> None:
    ana, bo = _reviewer(loaded, "ana"), _reviewer(loaded, "bo")
    item = loaded.queue()[0][0]
    claimed = loaded.claim(item["id"], actor=ana)
    later = utcnow() + timedelta(hours=1)
    d = loaded.decide(
        item["ad_id"],
        actor=bo,
        verdict="confirmed-risk",
        note=None,
        expected_version=claimed["version"],
        now=later,
    )
    assert d["by"] == "bo"


def test_every_content_read_and_decision_is_audited(loaded: Store) -> None:
    ana = _reviewer(loaded, "ana")
    item = loaded.queue()[0][0]
    claimed = loaded.claim(item["id"], actor=ana)
    for _ in range(3):
        loaded.get_ad(item["ad_id"], actor=ana)
    loaded.decide(
        item["ad_id"],
        actor=ana,
        verdict="not-risk",
        note="adult, independent",
        expected_version=claimed["version"],
    )
    with loaded.engine.connect() as conn:
        rows = (
            conn.execute(
                sa.select(audit_log)
                .where(audit_log.c.user_id == ana.user_id)
                .order_by(audit_log.c.id)
            )
            .mappings()
            .all()
        )
    actions = [r["action"] for r in rows]
    assert actions == ["review.claim", "ad.read", "ad.read", "ad.read", "review.decision"]
    assert all(r["target"] == f"ad:{item['ad_id']}" for r in rows)
    assert all(r["actor"] == "ana" and r["role"] == "reviewer" and r["at"] for r in rows)
    # the audit log never holds ad text
    assert all("roses" not in (r["detail"] or "") for r in rows)


def test_new_version_supersedes_a_claimed_item(loaded: Store) -> None:
    ana = _reviewer(loaded, "ana")
    item = next(i for i in loaded.queue()[0] if i["ad_id"] == "high")
    claimed = loaded.claim(item["id"], actor=ana)
    loaded.ingest(
        [
            prepare(
                '{"id": "high", "body": "Sweet young girl, new to this. Incall only, '
                '100 roses/hr, 15 yo"}'
            )
        ],
        SCREENER,
        actor=SYSTEM,
        source="api",
    )
    with pytest.raises(StaleVersionError):
        loaded.decide(
            "high", actor=ana, verdict="not-risk", note=None, expected_version=claimed["version"]
        )
    fresh = next(i for i in loaded.queue()[0] if i["ad_id"] == "high")
    assert fresh["ad_version"] == 2 and fresh["claimed_by"] is None
