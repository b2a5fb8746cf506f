"""Dashboard aggregates (redflags.store.stats) on SQLite and PostgreSQL: each count is checked
against the rows the store holds, and the time windows against rows moved in and out of them."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from redflags.store import SYSTEM, Actor, LocalScreener, Store, prepare, stats
from redflags.store.schema import ads, assessments, review_items

SCREENER = LocalScreener()
NOW = datetime(2026, 3, 10, 15, 30)
ADS = [
    '{"id": "crit", "site": "s1", "city": "Miami", "body": "New girl 16 yo, incall only, '
    '100 roses/hr, ask my daddy, text 305-555-0123"}',
    '{"id": "high", "site": "s2", "city": "Tampa", "body": "Sweet young girl, new to this. '
    'Incall only, 100 roses/hr, text 305-555-0123"}',
    '{"id": "high2", "site": "s2", "city": "Orlando", "body": "Sweet young girl, new to this. '
    'Incall only, 150 roses/hr, call 407-555-0188"}',
    '{"id": "benign", "site": "s1", "city": "Miami", "body": "Oak dining table, $80"}',
]


@pytest.fixture
def loaded(store: Store) -> Store:
    store.ingest([prepare(r) for r in ADS], SCREENER, actor=SYSTEM, source="cli")
    return store


def _move(store: Store, ad_id: str, when: datetime) -> None:
    """Pretend ``ad_id`` (its head, assessments and review items) arrived at ``when``."""
    with store.engine.begin() as conn:
        conn.execute(ads.update().where(ads.c.id == ad_id).values(received_at=when))
        conn.execute(
            assessments.update().where(assessments.c.ad_id == ad_id).values(created_at=when)
        )
        conn.execute(
            review_items.update().where(review_items.c.ad_id == ad_id).values(created_at=when)
        )


def _reviewer(store: Store, name: str) -> Actor:
    _, token = store.add_user(name, "reviewer", actor=SYSTEM)
    return store.authenticate(token)


def test_per_day_counts_are_zero_filled_and_bounded_by_the_window(loaded: Store) -> None:
    _move(loaded, "crit", NOW - timedelta(days=2))
    _move(loaded, "high", NOW - timedelta(days=2, hours=3))
    _move(loaded, "high2", NOW)
    _move(loaded, "benign", NOW - timedelta(days=40))  # outside a 30-day window
    per_day = stats.ads_per_day(loaded, now=NOW)
    assert len(per_day) == 30 and per_day[-1] == ("2026-03-10", 1)
    assert per_day[0][0] == "2026-02-09"
    assert dict(per_day)["2026-03-08"] == 2 and sum(n for _, n in per_day) == 3
    assert sum(n for _, n in stats.ads_per_day(loaded, days=60, now=NOW)) == 4
    flagged = dict(stats.flagged_per_day(loaded, now=NOW))
    assert flagged["2026-03-08"] == 2 and flagged["2026-03-10"] == 1  # the table is not held
    assert stats.day_labels(3, NOW) == ["2026-03-08", "2026-03-09", "2026-03-10"]


def test_levels_and_top_indicators_match_the_stored_rows(loaded: Store) -> None:
    got = stats.levels(loaded)
    with loaded.engine.connect() as conn:
        want = Counter(conn.execute(sa.select(assessments.c.level)).scalars())
        inds = Counter(
            i for row in conn.execute(sa.select(review_items.c.indicators)).scalars()
            for i in row.split(",") if i
        )
    assert got == dict(want) and list(got)[0] == "critical" and got["low"] == 1
    top = stats.top_indicators(loaded, limit=50)
    assert dict(top) == dict(inds) and top == sorted(top, key=lambda kv: (-kv[1], kv[0]))
    assert stats.top_indicators(loaded, limit=2) == top[:2]
    assert stats.top_indicators(loaded, days=1, now=NOW + timedelta(days=400)) == []
    # bounded: only the latest ``sample`` items in the window are counted
    assert sum(n for _, n in stats.top_indicators(loaded, limit=50, sample=1)) < sum(inds.values())


def test_throughput_and_agreement_with_the_model(loaded: Store) -> None:
    rita, sam = _reviewer(loaded, "rita"), _reviewer(loaded, "sam")
    items = {i["ad_id"]: i for i in loaded.queue()[0]}
    assert set(items) == {"crit", "high", "high2"}
    plan = [  # (ad, reviewer, verdict, when)
        ("crit", rita, "escalate", NOW - timedelta(days=1)),
        ("high", rita, "confirmed-risk", NOW),
        ("high2", sam, "not-risk", NOW),
    ]
    for ad_id, who, verdict, when in plan:
        item = loaded.claim(items[ad_id]["id"], actor=who, now=when)
        loaded.decide(ad_id, actor=who, verdict=verdict, note="checked", now=when,
                      expected_version=item["version"])
    tp = stats.throughput(loaded, now=NOW)
    assert list(tp) == ["rita", "sam"]  # busiest first
    assert dict(tp["rita"])["2026-03-09"] == 1 and dict(tp["rita"])["2026-03-10"] == 1
    assert sum(n for _, n in tp["sam"]) == 1 and len(tp["sam"]) == 30
    ag = stats.agreement(loaded, now=NOW)
    assert (ag.agree, ag.disagree, ag.escalated, ag.decided) == (2, 1, 1, 3)
    assert ag.share == pytest.approx(2 / 3)
    assert ag.by_reviewer == {"rita": (2, 0), "sam": (0, 1)}
    today = stats.agreement(loaded, days=1, now=NOW)
    assert (today.agree, today.disagree) == (1, 1)
    assert stats.agreement(loaded, days=1, now=NOW + timedelta(days=5)).share is None
    t = stats.totals(loaded, now=NOW)
    assert t.ads == 4 and t.decisions == 3 and sum(t.open_items.values()) == 0


def test_networks_and_their_members(loaded: Store) -> None:
    loaded.link(actor=SYSTEM)
    (net,) = stats.top_networks(loaded)
    # crit and high share a phone; high2 copies high's text (a template link)
    assert net["size"] == 3 and net["levels"] and net["cities"] == 3
    assert stats.top_networks(loaded, by="size") == [net]
    members = stats.member_ads(loaded, net["id"])
    assert [m["id"] for m in members][0] == "crit" and len(members) == 3  # highest risk first
    assert members == sorted(members, key=lambda m: (-m["risk"], m["id"]))
    assert members[0]["level"] == "critical" and members[0]["city"] == "Miami"
    texts = stats.member_texts(loaded, ["high", "crit", "nope"])
    assert len(texts) == 2 and texts[0].startswith("New girl 16 yo")
    assert stats.member_ads(loaded, "n-none") == [] and stats.member_texts(loaded, []) == []
    t = stats.totals(loaded)
    assert t.networks == 1 and t.computed_at is not None
    assert sum(t.open_items.values()) == 3 and t.open_items["critical"] == 1


def test_empty_store_and_bad_windows(store: Store) -> None:
    assert stats.levels(store) == {} and stats.top_networks(store) == []
    assert stats.throughput(store) == {} and stats.agreement(store).decided == 0
    assert all(n == 0 for _, n in stats.ads_per_day(store, days=7))
    for bad in (0, -1, 367):
        with pytest.raises(ValueError, match="days must be between 1 and 366"):
            stats.ads_per_day(store, days=bad)
