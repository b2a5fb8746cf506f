"""Review workflow policy: what enters the queue, in which order, claims and decisions.

Pure rules, no I/O; :class:`redflags.store.Store` applies them in its transactions.
"""

from __future__ import annotations

from redflags.review.decisions import (
    MAX_NOTE_CHARS,
    VERDICTS,
    ClaimState,
    Verdict,
    check_decision,
    claim_state,
    etag,
    may_decide,
    parse_etag,
)
from redflags.review.queue import (
    CATEGORIES,
    CLAIM_TTL,
    LEVELS,
    QueueFilter,
    categories_key,
    needs_review,
)

__all__ = [
    "CATEGORIES",
    "CLAIM_TTL",
    "LEVELS",
    "MAX_NOTE_CHARS",
    "VERDICTS",
    "ClaimState",
    "QueueFilter",
    "Verdict",
    "categories_key",
    "check_decision",
    "claim_state",
    "etag",
    "may_decide",
    "needs_review",
    "parse_etag",
]
