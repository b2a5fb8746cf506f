"""Ingest: idempotency, versioning, content kept exactly, re-screening, concurrent writers."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from typing import Any

import pytest
import sqlalchemy as sa

from redflags.errors import RecordError
from redflags.model import Ad
from redflags.store import SYSTEM, LocalScreener, Store, prepare
from redflags.store.schema import ad_versions, assessments, entities, review_items

RISKY = "Sweet young girl, new to this. Incall only, 100 roses/hr. Text 305-555-0123"
SCREENER = LocalScreener()


def _ingest(store: Store, *raws: str) -> list[str]:
    res = store.ingest([prepare(r) for r in raws], SCREENER, actor=SYSTEM, source="cli")
    return [r.status for r in res]


def test_same_content_is_a_no_op_whatever_the_whitespace(store: Store) -> None:
    assert _ingest(store, '{"id": "a-1", "body": "hello", "city": "Miami"}') == ["created"]
    assert _ingest(store, '{"city":"Miami","body":"hello","id":"a-1"}') == ["unchanged"]
    assert _ingest(store, '{"id": "a-1", "body": "hello", "city": "Miami"}') == ["unchanged"]
    assert store.count_ads() == (1, 1)


def test_new_content_is_a_new_version_with_history(store: Store) -> None:
    _ingest(store, f'{{"id": "a-2", "body": "{RISKY}"}}')
    assert _ingest(store, '{"id": "a-2", "body": "Oak dining table, $80"}') == ["updated"]
    assert store.count_ads() == (1, 2)
    ad = store.get_ad("a-2", actor=SYSTEM)
    assert ad["version"] == 2
    assert [v["version"] for v in ad["versions"]] == [1, 2]
    assert [a["ad_version"] for a in ad["assessments"]] == [2, 1]  # newest first
    assert ad["assessments"][1]["action"] != "allow"
    assert ad["assessments"][0]["action"] == "allow"
    assert ad["content"]["body"] == "Oak dining table, $80"
    # the risky version's review item was superseded by the new version
    with store.engine.connect() as conn:
        statuses = conn.execute(sa.select(review_items.c.status)).scalars().all()
    assert statuses == ["superseded"]


def test_content_is_kept_exactly_as_received(store: Store) -> None:
    raw = '{ "id" : "a-3",  "body": "caf\\u00e9 \u2014 ok",\n "extra": [1, 2.50, null] }'
    _ingest(store, raw)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(ad_versions.c.content, ad_versions.c.sha256)).one()
    assert row.content == raw
    assert row.sha256 == hashlib.sha256(raw.encode()).hexdigest()
    assert store.get_ad("a-3", actor=SYSTEM)["sha256"] == row.sha256


def test_two_versions_in_one_batch(store: Store) -> None:
    assert _ingest(
        store,
        '{"id": "b", "body": "one"}',
        '{"id": "b", "body": "two"}',
        '{"id": "b", "body": "two"}',
    ) == ["created", "updated", "unchanged"]
    assert store.count_ads() == (1, 2)
    assert store.get_ad("b", actor=SYSTEM)["content"]["body"] == "two"


class _NewModel:
    model = "redflags-rules-2"
    catalog_version = 99

    def __call__(self, ads: Sequence[Ad]) -> list[dict[str, Any]]:
        out = SCREENER(ads)
        for a in out:
            a["model"] = self.model
        return out


def test_new_model_rescreens_same_version_and_keeps_history(store: Store) -> None:
    _ingest(store, f'{{"id": "c", "body": "{RISKY}"}}')
    res = store.ingest(
        [prepare(f'{{"id": "c", "body": "{RISKY}"}}')], _NewModel(), actor=SYSTEM, source="cli"
    )
    assert [r.status for r in res] == ["rescreened"]
    hist = store.get_ad("c", actor=SYSTEM)["assessments"]
    assert [(a["model"], a["catalog_version"], a["ad_version"]) for a in hist] == [
        ("redflags-rules-2", 99, 1),
        ("redflags-rules-1", SCREENER.catalog_version, 1),
    ]
    with store.engine.connect() as conn:  # the open item was refreshed, not duplicated
        assert conn.execute(sa.select(sa.func.count()).select_from(review_items)).scalar() == 1


def test_results_carry_the_latest_verdict_for_unchanged_ads(store: Store) -> None:
    first = store.ingest(
        [prepare(f'{{"id": "d", "body": "{RISKY}"}}')], SCREENER, actor=SYSTEM, source="screen"
    )[0]
    again = store.ingest(
        [prepare(f'{{"id": "d", "body": "{RISKY}"}}')], SCREENER, actor=SYSTEM, source="screen"
    )[0]
    assert again.status == "unchanged"
    assert (again.action, again.level, again.indicators) == (
        first.action,
        first.level,
        first.indicators,
    )
    assert first.action in ("review", "block")


def test_entities_are_kept_for_lookups(store: Store) -> None:
    _ingest(
        store, f'{{"id": "e", "site": "s", "body": "{RISKY}", "poster": {{"account_id": "u"}}}}'
    )
    with store.engine.connect() as conn:
        rows = set(conn.execute(sa.select(entities.c.kind, entities.c.value)).all())
    assert ("phone", "+13055550123") in rows
    assert ("account", "s:u") in rows


def test_text_postgres_refuses_is_stored_anyway(store: Store) -> None:
    # NUL characters are valid JSON escapes; filter columns drop them, the content keeps them
    _ingest(store, '{"id": "nul", "city": "Mi\\u0000ami", "body": "x\\u0000y"}')
    assert store.get_ad("nul", actor=SYSTEM)["content"]["body"] == "x\x00y"


@pytest.mark.parametrize(
    "raw, field",
    [
        ('{"body": "no id"}', "id"),
        ('{"id": "x", "title": 5}', "title"),
        ('{"id": "a\\u0001b"}', "id"),
        ('{"id": "' + "x" * 300 + '"}', "id"),
        ('{"id": "x", "body": "' + "y" * 20_001 + '"}', "body"),
        ('{"id": "x", "body": "\\ud800"}', None),
        ("[1, 2]", None),
    ],
)
def test_bad_ads_are_rejected_naming_the_field(raw: str, field: str | None) -> None:
    with pytest.raises(RecordError) as exc:
        prepare(raw)
    if field:
        assert f"'{field}'" in str(exc.value)


def test_concurrent_ingest_of_the_same_ads_stores_each_once(store: Store) -> None:
    raws = [f'{{"id": "p-{i}", "body": "ad number {i}"}}' for i in range(60)]
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            store.ingest([prepare(r) for r in raws], SCREENER, actor=SYSTEM, source="cli")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert store.count_ads() == (60, 60)
    with store.engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(assessments)).scalar()
    assert n == 60


def test_group_commit_under_concurrency(store: Store) -> None:
    """Many concurrent single-ad calls (the /v1/screen path) share commits; each returns only
    once its ad is visible, and two versions of one ad sent at once both land, in order."""
    barrier = threading.Barrier(16)
    errors: list[BaseException] = []
    seen: list[bool] = []

    def run(k: int) -> None:
        try:
            barrier.wait()
            for j in range(5):
                raw = f'{{"id": "g-{k}-{j}", "body": "{RISKY if j % 2 else "bike"}"}}'
                [r] = store.ingest(
                    [prepare(raw)], SCREENER, actor=SYSTEM, source="screen", group=True
                )
                seen.append(store.heads([r.id]).get(r.id) is not None)
                shared = f'{{"id": "shared", "body": "from {k} {j}"}}'
                store.ingest([prepare(shared)], SCREENER, actor=SYSTEM, source="screen", group=True)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and all(seen) and len(seen) == 80
    ads_n, versions_n = store.count_ads()
    assert ads_n == 81 and versions_n == 80 + 80
    hist = store.get_ad("shared", actor=SYSTEM)["versions"]
    assert [v["version"] for v in hist] == list(range(1, 81))


def test_a_caller_that_gives_up_does_not_stop_the_writer(store: Store) -> None:
    ticket = store.submit(
        [prepare('{"id": "gone", "body": "x"}')], SCREENER, actor=SYSTEM, source="screen"
    )
    ticket.committed.cancel()  # the HTTP client disconnected while waiting
    later = store.submit(
        [prepare('{"id": "next", "body": "y"}')], SCREENER, actor=SYSTEM, source="screen"
    )
    assert [r.status for r in store.collect(later)] == ["created"]
    assert set(store.heads(["gone", "next"])) == {"gone", "next"}  # both were committed


def test_migrations_create_exactly_the_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from redflags.store.schema import metadata

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_an_internal_screening_error_holds_that_ad_for_review_and_the_batch_goes_on(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Fail closed: an ad the screener chokes on (a bug) is stored and queued for a person with
    the reason in its explanation, never let through as if screened; its neighbours are normal."""
    import redflags.screen as screen_mod

    real = screen_mod.screen

    def choke(ad: Ad, **kw: Any) -> Any:
        if ad.id == "bug-1":
            raise KeyError("words from the ad")
        return real(ad, **kw)

    monkeypatch.setattr(screen_mod, "screen", choke)
    lines = ['{"id": "ok-1", "body": "Bake sale on Sunday"}',
             '{"id": "bug-1", "body": "whatever"}',
             '{"id": "ok-2", "body": "Lost cat, grey, answers to Max"}']
    with caplog.at_level("WARNING"):
        res = store.ingest([prepare(x) for x in lines], LocalScreener(), actor=SYSTEM,
                           source="cli")
    assert [r.status for r in res] == ["created"] * 3
    items, _ = store.queue(limit=10)
    assert [i["ad_id"] for i in items] == ["bug-1"]
    ad = store.get_ad("bug-1", actor=SYSTEM)
    result = ad["assessments"][-1]["result"]
    assert result["action"] == "review" and result["indicators"] == []
    assert "internal error (KeyError)" in result["explanation"][0]
    assert "internal error (KeyError)" in caplog.text and "words from the ad" not in caplog.text
