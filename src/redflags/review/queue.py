"""What enters the review queue and in which order.

An ad version enters the queue when its Assessment's action is ``review`` or ``block``: a
blocked ad was held before publication and still needs a person to confirm, clear or escalate
it.  Items are worked highest risk first (a stated minor age sits at the top), then oldest
first, so nothing waits forever behind a stream of newer ads of the same risk.

>>> needs_review("block"), needs_review("allow")
(True, False)
>>> categories_key({"indicators": [{"category": "youth"}, {"category": "payment"}]})
',payment,youth,'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

__all__ = ["CATEGORIES", "CLAIM_TTL", "LEVELS", "QueueFilter", "categories_key", "needs_review"]

#: a claim lapses after this long, so an item a reviewer walked away from returns to the queue;
#: long enough to read an ad, its history and its network, short enough not to stall the queue
CLAIM_TTL = timedelta(minutes=15)
#: indicator categories (DESIGN.md section 3), the values the queue's category filter takes
CATEGORIES: tuple[str, ...] = (
    "youth",
    "third_party",
    "movement",
    "restriction",
    "payment",
    "obfuscation",
    "price",
    "network",
)
LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
_QUEUED_ACTIONS = frozenset({"review", "block"})


def needs_review(action: str) -> bool:
    """Does an Assessment with this action need a person to look at it?"""
    return action in _QUEUED_ACTIONS


def categories_key(assessment: Mapping[str, Any]) -> str:
    """The assessment's indicator categories as ``,a,b,`` (sorted), for LIKE filters."""
    cats = sorted(
        {
            str(i.get("category"))
            for i in assessment.get("indicators") or ()
            if isinstance(i, Mapping) and i.get("category")
        }
    )
    return "," + ",".join(cats) + "," if cats else ","


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Filters of ``GET /v1/queue``; ``None`` means any."""

    level: str | None = None
    category: str | None = None
    site: str | None = None
    city: str | None = None
    #: hide items someone holds a live claim on
    unclaimed: bool = False
