"""Legal process register, scope, disclosure log and retention tombstones.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legal_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("agency_case", sa.String(length=128), nullable=True),
        sa.Column("legal_basis", sa.String(length=200), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("renewals", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_items")),
    )
    op.create_index(
        op.f("ix_legal_items_status_expires_on"),
        "legal_items",
        ["status", "expires_on"],
        unique=False,
    )
    op.create_table(
        "legal_scope",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("via", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["legal_items.id"], name=op.f("fk_legal_scope_item_id_legal_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_scope")),
    )
    op.create_index(op.f("ix_legal_scope_kind_value"), "legal_scope", ["kind", "value"])
    op.create_index(op.f("ix_legal_scope_item_id"), "legal_scope", ["item_id"])
    op.create_table(
        "legal_disclosures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("legal_basis", sa.String(length=200), nullable=False),
        sa.Column("objects", sa.Text(), nullable=False),
        sa.Column("package_sha256", sa.String(length=64), nullable=True),
        sa.Column("disclosed_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["legal_items.id"],
            name=op.f("fk_legal_disclosures_item_id_legal_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_disclosures")),
    )
    op.create_index(op.f("ix_legal_disclosures_item_id"), "legal_disclosures", ["item_id"])
    op.create_table(
        "retention_purges",
        sa.Column("ad_id", sa.String(length=256), nullable=False),
        sa.Column("purged_at", sa.DateTime(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("ad_id", name=op.f("pk_retention_purges")),
    )


def downgrade() -> None:
    op.drop_table("retention_purges")
    op.drop_index(op.f("ix_legal_disclosures_item_id"), table_name="legal_disclosures")
    op.drop_table("legal_disclosures")
    op.drop_index(op.f("ix_legal_scope_item_id"), table_name="legal_scope")
    op.drop_index(op.f("ix_legal_scope_kind_value"), table_name="legal_scope")
    op.drop_table("legal_scope")
    op.drop_index(op.f("ix_legal_items_status_expires_on"), table_name="legal_items")
    op.drop_table("legal_items")
