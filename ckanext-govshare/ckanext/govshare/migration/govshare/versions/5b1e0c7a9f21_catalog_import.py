"""Bulk registrations of catalog entries from the Excel template

Revision ID: 5b1e0c7a9f21
Revises: d3c49c321de3
Create Date: 2026-12-04 16:05:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "5b1e0c7a9f21"
down_revision = "d3c49c321de3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "govshare_catalog_import",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("owner_org", sa.UnicodeText, sa.ForeignKey("group.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("filename", sa.UnicodeText, nullable=False),
        sa.Column("mode", sa.UnicodeText, nullable=False),
        sa.Column("lang", sa.UnicodeText, nullable=False, server_default="zh_Hans_CN"),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("processed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("row_errors", JSONB, nullable=False, server_default="[]"),
        sa.Column("created_codes", JSONB, nullable=False, server_default="[]"),
        sa.Column("message", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("finished", sa.DateTime),
    )
    op.create_index("govshare_catalog_import_owner_org_idx", "govshare_catalog_import",
                    ["owner_org", "created"])


def downgrade():
    op.drop_table("govshare_catalog_import")
