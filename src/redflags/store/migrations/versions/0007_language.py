"""The language of an ad (issue 5): a filter column on ``ads`` and ``review_items``.

``redflags.language.detect`` fills both at ingest from the ad as received (``en``, ``es``,
``ru``, ``other``; NULL = not detected).  Rows stored before this revision stay NULL (unknown):
detecting them would mean reading and parsing every stored version, which is not a migration's
job on a large store; they get a language when their ad is next ingested, or from
``redflags db backfill-language`` (:mod:`redflags.store.backfill`), which works in batches.

The queue index of 0006 is rebuilt with ``language`` as one more carried column, so a queue
filtered by language still counts and pages from the index alone.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: ISO 639-1 code or "other"; a few characters, kept short for the index
_LANGUAGE = 8
#: 0006's queue index: the queue order, then the filter columns of ``QueueFilter``
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
    op.add_column("ads", sa.Column("language", sa.String(_LANGUAGE)))
    op.add_column("review_items", sa.Column("language", sa.String(_LANGUAGE)))
    op.drop_index("ix_review_items_queue", table_name="review_items")
    op.create_index("ix_review_items_queue", "review_items", [*_QUEUE, "language"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_review_items_queue", table_name="review_items")
    op.create_index("ix_review_items_queue", "review_items", _QUEUE, unique=False)
    with op.batch_alter_table("review_items") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("ads") as batch:
        batch.drop_column("language")
