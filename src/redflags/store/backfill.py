"""Fill in what an older schema did not record, for ads stored before a migration added it.

:func:`backfill_language` detects the language (:func:`redflags.language.detect`) of ads whose
``language`` is NULL, from the newest stored version of the ad as received, and sets it on the
ad and on its review items.  Migration 0007 added the column without reading every stored
version (not a migration's job on a large store); ``redflags db backfill-language`` runs this.

It goes through the ads in id order, ``batch`` at a time (one read, then one short write per
batch, so reviewers keep working meanwhile), and never overwrites a language already set.  Ads
whose language cannot be told stay NULL; running it again checks them again, and changes
nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa

from redflags.language import detect
from redflags.store.repo import Actor, Store
from redflags.store.schema import ad_versions, ads, review_items

__all__ = ["BackfillResult", "backfill_language", "missing_language"]

#: ads read and updated per transaction
BATCH = 2000


@dataclass(frozen=True)
class BackfillResult:
    checked: int
    #: ads that got a language
    updated: int
    #: review items that got one
    items: int


def missing_language(store: Store) -> int:
    """How many ads have no language yet."""
    with store._read() as conn:
        count = sa.select(sa.func.count()).select_from(ads).where(ads.c.language.is_(None))
        return int(conn.execute(count).scalar_one())


def _text(content: Any, name: str) -> str | None:
    value = content.get(name) if isinstance(content, dict) else None
    return value if isinstance(value, str) else None


def backfill_language(
    store: Store,
    *,
    actor: Actor,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> BackfillResult:
    """Detect and store the language of every ad without one; see the module docstring."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    set_ad = (
        ads.update()
        .where(ads.c.id == sa.bindparam("ad"), ads.c.language.is_(None))
        .values(language=sa.bindparam("lang"))
    )
    set_items = (
        review_items.update()
        .where(review_items.c.ad_id == sa.bindparam("ad"), review_items.c.language.is_(None))
        .values(language=sa.bindparam("lang"))
    )
    newest = sa.and_(ad_versions.c.ad_id == ads.c.id, ad_versions.c.version == ads.c.version)
    last = ""
    checked = updated = items = 0
    while True:
        with store._read() as conn:
            rows = conn.execute(
                sa.select(ads.c.id, ad_versions.c.content)
                .join(ad_versions, newest)
                .where(ads.c.language.is_(None), ads.c.id > last)
                .order_by(ads.c.id)
                .limit(batch)
            ).all()
        if not rows:
            break
        last = rows[-1].id
        found = []
        for row in rows:
            try:
                content = orjson.loads(row.content)
            except orjson.JSONDecodeError:
                continue  # stored as received; ingest accepted only JSON objects
            lang = detect(_text(content, "title"), _text(content, "body"))
            if lang is not None:
                found.append({"ad": row.id, "lang": lang})
        if found:
            with store._write() as conn:
                updated += conn.execute(set_ad, found).rowcount
                items += conn.execute(set_items, found).rowcount
        checked += len(rows)
        if progress is not None:
            progress(len(rows))
    store.audit(
        actor,
        "store.backfill_language",
        "ads",
        {"checked": checked, "updated": updated, "review_items": items},
    )
    return BackfillResult(checked, updated, items)
