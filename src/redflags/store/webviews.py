"""Read queries the reviewer UI needs beyond :class:`~redflags.store.Store` (no ad text here
except :func:`ad_images`, which returns image *paths* for the image route).

Counts and filter lists run on the indexed review columns; every function is one short read.

>>> from redflags.store import Store
>>> store = Store.open("sqlite://")
>>> level_counts(store)
{'critical': 0, 'high': 0, 'medium': 0, 'low': 0}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import orjson
import sqlalchemy as sa

from redflags.review import LEVELS, QueueFilter
from redflags.store.repo import Store, queue_where
from redflags.store.schema import ad_versions, ads, entities, review_items

__all__ = [
    "LINK_KINDS",
    "ad_images",
    "filter_values",
    "item_ad",
    "level_counts",
    "shared_identifiers",
]

#: entity kinds that identify a person or account (ages and prices are facts, not identifiers)
LINK_KINDS = ("phone", "email", "handle", "wallet", "account")
#: most distinct sites / cities offered as filter choices (beyond that, type-ahead is needed)
MAX_CHOICES = 300


def level_counts(
    store: Store, flt: QueueFilter | None = None, *, language: str | None = None
) -> dict[str, int]:
    """Open review items per level (most urgent first) under ``flt``'s other filters (its
    level and ``unclaimed`` are not applied)."""
    ri = review_items
    others = dataclasses.replace(flt or QueueFilter(), level=None, unclaimed=False)
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(ri.c.level, sa.func.count())
            .where(*queue_where(others, language))
            .group_by(ri.c.level)
        ).all()
        conn.rollback()
    got = {str(level): int(n) for level, n in rows}
    return {lv: got.get(lv, 0) for lv in reversed(LEVELS)}


def filter_values(store: Store) -> dict[str, list[str]]:
    """Sites, cities and languages that open review items have, sorted (at most
    ``MAX_CHOICES`` each; languages are codes such as ``es``, see :mod:`redflags.language`)."""
    ri = review_items
    out: dict[str, list[str]] = {}
    with store.engine.connect() as conn:
        for name, col in (
            ("sites", ri.c.site), ("cities", ri.c.city), ("languages", ri.c.language)
        ):
            rows = conn.execute(
                sa.select(col)
                .where(ri.c.status == "open", col.is_not(None))
                .group_by(col)
                .order_by(col)
                .limit(MAX_CHOICES)
            ).scalars()
            out[name] = [str(v) for v in rows]
        conn.rollback()
    return out


def shared_identifiers(
    store: Store, ad_id: str, *, sample: int = 5
) -> list[dict[str, Any]]:
    """Each identifier of the ad with how many *other* ads carry it and a few of their ids.

    ``[{"kind": "phone", "value": "+13055550142", "others": 12, "ads": ["a-7", ...]}]``,
    most-shared first.
    """
    e, o = entities, entities.alias("other")
    with store.engine.connect() as conn:
        mine = conn.execute(
            sa.select(e.c.kind, e.c.value)
            .where(e.c.ad_id == ad_id, e.c.kind.in_(LINK_KINDS))
            .distinct()
        ).all()
        out = []
        for kind, value in mine:
            others = sa.and_(o.c.kind == kind, o.c.value == value, o.c.ad_id != ad_id)
            n = conn.execute(
                sa.select(sa.func.count(sa.distinct(o.c.ad_id))).where(others)
            ).scalar_one()
            ids: Sequence[str] = []
            if n:
                ids = conn.execute(
                    sa.select(o.c.ad_id).where(others).group_by(o.c.ad_id)
                    .order_by(o.c.ad_id).limit(sample)
                ).scalars().all()
            out.append({"kind": kind, "value": value, "others": int(n), "ads": list(ids)})
        conn.rollback()
    out.sort(key=lambda r: (-r["others"], r["kind"], r["value"]))
    return out


def ad_images(store: Store, ad_id: str) -> list[str] | None:
    """The ``images`` of the ad's current version (None: no such ad).  Not audited: the page
    that shows them has already written the ``ad.read`` entry."""
    with store.engine.connect() as conn:
        content = conn.execute(
            sa.select(ad_versions.c.content)
            .select_from(
                ads.join(
                    ad_versions,
                    sa.and_(ad_versions.c.ad_id == ads.c.id,
                            ad_versions.c.version == ads.c.version),
                )
            )
            .where(ads.c.id == ad_id)
        ).scalar()
        conn.rollback()
    if content is None:
        return None
    images = orjson.loads(content).get("images")
    if isinstance(images, str):
        images = [images]
    if not isinstance(images, list):
        return []
    return [i if isinstance(i, str) else "" for i in images]


def item_ad(store: Store, item_id: int) -> str | None:
    """The ad id of review item ``item_id`` (None: no such item)."""
    with store.engine.connect() as conn:
        ad_id = conn.execute(
            sa.select(review_items.c.ad_id).where(review_items.c.id == item_id)
        ).scalar()
        conn.rollback()
    return None if ad_id is None else str(ad_id)
