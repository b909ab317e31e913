"""anchors table

Revision ID: 0001
Revises:
Create Date: 2026-06-02 10:14:08.512301
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "anchors",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("digest", sa.String(length=66), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False, server_default="submitted"),
        sa.Column("tx_hash", sa.String(length=66), nullable=True),
        sa.Column("nonce", sa.BigInteger(), nullable=True),
        sa.Column("block_number", sa.BigInteger(), nullable=True),
        sa.Column("confirmations", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("digest", name="uq_anchors_digest"),
        sa.UniqueConstraint("tx_hash", name="uq_anchors_tx_hash"),
    )
    op.create_index("ix_anchors_status_created_at", "anchors", ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_anchors_status_created_at", table_name="anchors")
    op.drop_table("anchors")
