"""Review-queue index for the reviewer UI: every queue page and count from one index.

``Store.queue`` counts the open items matching the filters and reads one page of them, highest
risk first, then oldest (``risk DESC, id``).  With only ``(status, risk)`` every filtered count,
the counts per level and every deep page looked up each open item's table row (~0.4 s each at
70k open items in a 1M-ad SQLite store).  This index is ordered exactly like the queue and
carries every filter column, so counts, pages and ``queue_depth`` read the index alone (a few
tens of ms); it replaces ``(status, risk)``, of which it is a superset.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: the order of the queue, then the filter columns of ``QueueFilter``
_QUEUE: list[str | sa.TextClause] = [
    "status",
    sa.text("risk DESC"),
    "id",
    "level",
    "site",
    "city",
    "claimed_by",
    "claim_expires_at",
    "categories",
]


def upgrade() -> None:
    op.create_index("ix_review_items_queue", "review_items", _QUEUE, unique=False)
    op.drop_index("ix_review_items_status_risk", table_name="review_items")


def downgrade() -> None:
    op.create_index("ix_review_items_status_risk", "review_items", ["status", "risk"], unique=False)
    op.drop_index("ix_review_items_queue", table_name="review_items")
