"""Cases: cases, case_ads, case_images, case_notes (redflags.evidence.cases).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("opened_by_name", sa.String(length=128), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("network_ids", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["opened_by"], ["users.id"], name=op.f("fk_cases_opened_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    op.create_table(
        "case_ads",
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("ad_id", sa.String(length=256), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("added_by_name", sa.String(length=128), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ad_id"], ["ads.id"], name=op.f("fk_case_ads_ad_id_ads")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_ads_case_id_cases")),
        sa.PrimaryKeyConstraint("case_id", "ad_id", name=op.f("pk_case_ads")),
    )
    op.create_index(op.f("ix_case_ads_ad_id"), "case_ads", ["ad_id"], unique=False)
    op.create_table(
        "case_images",
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("ad_id", sa.String(length=256), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("pdq", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_images_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", "sha256", "ad_id", name=op.f("pk_case_images")),
    )
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("by_name", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_notes_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_notes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    op.create_index(op.f("ix_case_notes_case_id"), "case_notes", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_notes_case_id"), table_name="case_notes")
    op.drop_table("case_notes")
    op.drop_table("case_images")
    op.drop_index(op.f("ix_case_ads_ad_id"), table_name="case_ads")
    op.drop_table("case_ads")
    op.drop_table("cases")
