"""Reviewers' verdicts, who may give one, and the ETag that guards against stale decisions.

A reviewer claims an item (``POST /v1/queue/{id}/claim``), reads the ad, and decides
(``POST /v1/ads/{id}/decision``) sending back the item's ETag.  A decision needs the caller's
own claim (live, or lapsed while nobody else took the item) or a lapsed claim of someone else;
an item nobody claimed must be claimed first, so two reviewers never work one ad unknowingly.

>>> from datetime import datetime, timedelta
>>> now = datetime(2026, 1, 1)
>>> claim_state(7, now + timedelta(minutes=5), 7, now), claim_state(8, now, 7, now)
('mine', 'expired')
>>> may_decide("held"), may_decide("expired")
(False, True)
>>> parse_etag(etag(12, 3))
(12, 3)
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

__all__ = [
    "MAX_NOTE_CHARS",
    "VERDICTS",
    "ClaimState",
    "Verdict",
    "check_decision",
    "claim_state",
    "etag",
    "may_decide",
    "parse_etag",
]

Verdict = Literal["confirmed-risk", "not-risk", "escalate"]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
ClaimState = Literal["mine", "expired", "unclaimed", "held"]
_MAX_INT = 2_147_483_647
#: a note is a reviewer's reasoning, not a copy of the ad
MAX_NOTE_CHARS = 4000


def check_decision(verdict: str, note: str | None) -> str | None:
    """Why this verdict/note pair is invalid, or None.  Escalation always needs a note."""
    if verdict not in VERDICTS:
        return f"verdict must be one of: {', '.join(VERDICTS)}"
    if note is not None and len(note) > MAX_NOTE_CHARS:
        return f"note is {len(note)} characters; the limit is {MAX_NOTE_CHARS}"
    if verdict == "escalate" and not (note and note.strip()):
        return "an escalation needs a note saying why (the next person acts on it)"
    return None


def claim_state(
    claimed_by: int | None, expires_at: datetime | None, user_id: int | None, now: datetime
) -> ClaimState:
    """The caller's relation to an item's claim."""
    if claimed_by is None:
        return "unclaimed"
    if claimed_by == user_id:
        return "mine"
    if expires_at is None or expires_at <= now:
        return "expired"
    return "held"


def may_decide(state: ClaimState) -> bool:
    return state in ("mine", "expired")


def etag(item_id: int, version: int) -> str:
    """Strong ETag of a review item at a version: ``"item-12.3"``."""
    return f'"item-{item_id}.{version}"'


def parse_etag(value: str) -> tuple[int, int] | None:
    """``(item_id, version)`` from an ETag / If-Match value (``W/`` prefix tolerated)."""
    v = value.strip()
    if v.startswith("W/"):
        v = v[2:]
    v = v.strip('"')
    if not v.startswith("item-"):
        return None
    head, _, ver = v[5:].partition(".")
    if not (head.isdigit() and ver.isdigit()) or len(head) > 10 or len(ver) > 10:
        return None
    item_id, version = int(head), int(ver)
    if max(item_id, version) > _MAX_INT:  # ids and versions are 32-bit columns
        return None
    return item_id, version
