"""Dashboard indexes: time windows on ads, assessments, review items and decisions.

The dashboard (``redflags.store.stats``) groups the last N days of each by day, level or
reviewer; these indexes make each query a bounded range scan (most of them answered from the
index alone) instead of a full table scan.  Also: the largest networks.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_INDEXES = (
    ("ix_ads_received_at", "ads", ["received_at"]),
    ("ix_assessments_created_at_level", "assessments", ["created_at", "level"]),
    ("ix_review_items_created_at", "review_items", ["created_at"]),
    (
        "ix_decisions_created_at_user_id_verdict_item_id",
        "decisions",
        ["created_at", "user_id", "verdict", "item_id"],
    ),
    ("ix_networks_size", "networks", ["size"]),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
