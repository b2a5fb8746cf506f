"""The ad's language in the store: filled at ingest, filtered in the queue (store, API, counts,
filter choices), migration 0007 on rows stored before it, and the queue index serving it."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from redflags.api import create_app
from redflags.language import detect
from redflags.review import QueueFilter
from redflags.store import SYSTEM, LocalScreener, Store, prepare
from redflags.store.db import create_engine, upgrade
from redflags.store.schema import ads
from redflags.store.webviews import filter_values, level_counts
from redflags.synth import generate

SCREENER = LocalScreener()
#: enough synthetic ads that each catalog language has queued ones (checked below)
N_ADS = 400
SEED = 11


@pytest.fixture
def loaded(store: Store) -> tuple[Store, dict[str, str]]:
    """A store with ``N_ADS`` synthetic ads; returns it and each ad's true language."""
    truth: dict[str, str] = {}
    lines = []
    for ad, t in generate(N_ADS, seed=SEED):
        truth[ad["id"]] = str(t["lang"])
        lines.append(orjson.dumps(ad).decode())
    store.ingest([prepare(x) for x in lines], SCREENER, actor=SYSTEM, source="cli")
    return store, truth


def test_language_is_stored_with_the_ad_and_its_review_item(
    loaded: tuple[Store, dict[str, str]],
) -> None:
    store, truth = loaded
    with store.engine.connect() as conn:
        stored = {str(i): lang for i, lang in conn.execute(sa.select(ads.c.id, ads.c.language))}
    assert set(stored) == set(truth)
    # every ad whose language was detected has its true language; most were detected
    assert all(stored[i] in (None, truth[i]) for i in truth)
    assert sum(stored[i] == truth[i] for i in truth) >= 0.95 * len(truth)
    items, _ = store.queue(limit=N_ADS)
    assert items and all(i["language"] == stored[i["ad_id"]] for i in items)


def test_queue_filters_by_language(loaded: tuple[Store, dict[str, str]]) -> None:
    store, truth = loaded
    everything, total = store.queue(limit=N_ADS)
    by_lang = Counter(i["language"] for i in everything)
    assert by_lang["en"] and by_lang["es"], by_lang  # the seed queues ads in both
    for lang in ("en", "es", "ru", "other"):
        page, n = store.queue(language=lang, limit=N_ADS)
        assert n == by_lang[lang] == len(page)
        assert all(i["language"] == lang and truth[i["ad_id"]] == lang for i in page)
        # same order as the unfiltered queue, and it combines with the other filters
        assert [i["id"] for i in page] == [i["id"] for i in everything if i["language"] == lang]
    level = everything[0]["level"]
    page, n = store.queue(QueueFilter(level=level), language="es", limit=N_ADS)
    assert n == sum(i["level"] == level and i["language"] == "es" for i in everything)
    page2, n2 = store.queue(language="en", limit=5, offset=5)
    assert n2 == by_lang["en"] and [i["id"] for i in page2] == [
        i["id"] for i in everything if i["language"] == "en"
    ][5:10]
    with pytest.raises(ValueError, match="en, es, ru, other"):
        store.queue(language="english")
    # counts per level and the filter choices of the UI follow the same column
    counts = level_counts(store, language="es")
    assert sum(counts.values()) == by_lang["es"]
    assert filter_values(store)["languages"] == sorted(k for k in by_lang if k)


def test_api_filters_the_queue_by_language(loaded: tuple[Store, dict[str, str]]) -> None:
    store, _ = loaded
    _, token = store.add_user("rev-lang", "reviewer", actor=SYSTEM)
    client = TestClient(create_app(store))
    h = {"Authorization": f"Bearer {token}"}
    r = client.get("/v1/queue?language=es&limit=200", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == store.queue(language="es")[1] > 0
    assert {i["language"] for i in body["items"]} == {"es"}
    assert client.get("/v1/queue?language=english", headers=h).status_code == 422
    assert client.get("/v1/queue?language=other", headers=h).json()["total"] == 0


def test_a_new_version_is_detected_again(store: Store) -> None:
    risky = "Sweet young girl, new to this. Incall only, 100 roses/hr. Text 305-555-0199"
    store.ingest([prepare(orjson.dumps({"id": "v", "body": risky}))], SCREENER,
                 actor=SYSTEM, source="cli")
    assert [i["language"] for i in store.queue()[0]] == ["en"]
    nueva = "Chica joven y nueva en la ciudad, solo incall, 100 rosas la hora. 305-555-0199"
    assert detect("", nueva) == "es"
    store.ingest([prepare(orjson.dumps({"id": "v", "body": nueva}))], SCREENER,
                 actor=SYSTEM, source="cli")
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(ads.c.language)).scalar_one() == "es"
    assert [i["language"] for i in store.queue()[0]] == ["es"]  # the new version, queued


def test_migration_0007_keeps_older_rows_unknown(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        upgrade(engine, "0006")
        now = datetime(2026, 11, 1)
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO ads (id, version, sha256, fingerprint, model, catalog_version,"
                " received_at, updated_at) VALUES ('old', 1, :h, :h, 'm', 1, :t, :t)"
            ), {"h": "0" * 64, "t": now})
            conn.execute(sa.text(
                "INSERT INTO assessments (ad_id, ad_version, model, catalog_version, risk,"
                " level, action, result, created_at) VALUES"
                " ('old', 1, 'm', 1, 0.9, 'high', 'review', '{}', :t)"
            ), {"t": now})
            aid = conn.execute(sa.text("SELECT id FROM assessments")).scalar_one()
            conn.execute(sa.text(
                "INSERT INTO review_items (ad_id, ad_version, assessment_id, risk, level, action,"
                " categories, indicators, status, version, created_at, updated_at) VALUES"
                " ('old', 1, :a, 0.9, 'high', 'review', ',youth,', '', 'open', 1, :t, :t)"
            ), {"a": aid, "t": now})
        upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT language FROM ads")).scalar_one() is None
        store = Store(engine)
        assert [i["ad_id"] for i in store.queue()[0]] == ["old"]
        assert store.queue()[0][0]["language"] is None
        assert store.queue(language="en")[1] == 0
    finally:
        engine.dispose()


def test_queue_index_serves_language_filtered_pages(loaded: tuple[Store, dict[str, str]]) -> None:
    store, _ = loaded
    if store.engine.dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite (PostgreSQL plans depend on statistics)")
    with store.engine.connect() as conn:
        plan = " ".join(
            str(r[-1]) for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT count(*) FROM review_items "
                "WHERE status = 'open' AND language = 'es'"
            )
        )
    assert "COVERING INDEX ix_review_items_queue" in plan, plan


def test_backfill_gives_ads_stored_before_0007_their_language(
    loaded: tuple[Store, dict[str, str]],
) -> None:
    """Rows as migration 0007 leaves them (NULL language on the ad and its review items) get
    the language ingest would have given them; set languages are never overwritten."""
    from redflags.store.backfill import backfill_language, missing_language
    from redflags.store.schema import review_items

    store, truth = loaded
    with store.engine.connect() as conn:
        before = {str(i): lang for i, lang in conn.execute(sa.select(ads.c.id, ads.c.language))}
    keep = sorted(i for i, lang in before.items() if lang == "en")[0]
    with store.engine.begin() as conn:
        conn.execute(ads.update().where(ads.c.id != keep).values(language=None))
        conn.execute(review_items.update().where(review_items.c.ad_id != keep)
                     .values(language=None))
        # a language set by someone else is kept even if detection would say otherwise
        conn.execute(ads.update().where(ads.c.id == keep).values(language="other"))
    undetected = sum(1 for lang in before.values() if lang is None)
    assert missing_language(store) == len(before) - 1

    seen: list[int] = []
    res = backfill_language(store, actor=SYSTEM, batch=37, progress=seen.append)
    assert res.checked == len(before) - 1 == sum(seen) and max(seen) == 37
    assert res.updated == len(before) - 1 - undetected
    with store.engine.connect() as conn:
        after = {str(i): lang for i, lang in conn.execute(sa.select(ads.c.id, ads.c.language))}
        item_langs = {
            a: lang
            for a, lang in conn.execute(sa.select(review_items.c.ad_id, review_items.c.language))
        }
    assert after == {**before, keep: "other"}
    assert res.items == sum(1 for a, lang in item_langs.items() if a != keep and lang)
    assert all(item_langs[a] == after[a] for a in item_langs if a != keep)
    assert store.queue(language="es", limit=N_ADS)[1] == sum(
        1 for a in item_langs if after[a] == "es"
    )
    # again: only the undetectable ones are looked at, nothing changes
    again = backfill_language(store, actor=SYSTEM)
    assert (again.checked, again.updated, again.items) == (undetected, 0, 0)
    rows, _ = store.audit_entries(actor=SYSTEM, action="store.backfill_language")
    assert len(rows) == 2


def test_backfill_language_cli(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from redflags.cli import app

    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = Store.open(url)
    try:
        store.ingest(
            [prepare(orjson.dumps(a).decode()) for a in (
                {"id": "es-1", "title": "Nueva en la ciudad",
                 "body": "Hola, soy Ana y estoy disponible para ti"},
                {"id": "x-1", "title": "Massage"},
            )],
            SCREENER, actor=SYSTEM, source="cli",
        )
        with store.engine.begin() as conn:
            conn.execute(ads.update().values(language=None))
    finally:
        store.close()
    r = CliRunner().invoke(app, ["db", "backfill-language", "--db", url, "--batch", "1"])
    assert r.exit_code == 0, r.output
    assert "checked 2 ads: 1 got a language" in r.output
    store = Store.open(url)
    try:
        with store.engine.connect() as conn:
            assert {a: lang for a, lang in conn.execute(sa.select(ads.c.id, ads.c.language))} == {
                "es-1": "es", "x-1": None}
    finally:
        store.close()
