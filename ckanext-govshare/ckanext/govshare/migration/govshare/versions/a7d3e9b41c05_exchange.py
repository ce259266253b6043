"""The exchange: node credentials and the lineage of harvested entries and files

Revision ID: a7d3e9b41c05
Revises: 8c2f4e61d0a7
Create Date: 2026-12-04 19:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "a7d3e9b41c05"
down_revision = "8c2f4e61d0a7"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "govshare_exchange_node",
        sa.Column("source_id", sa.UnicodeText, primary_key=True),
        sa.Column("api_token", sa.UnicodeText, nullable=False),
        sa.Column("set_by", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="SET NULL")),
        sa.Column("set_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "govshare_entry_lineage",
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("source_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("remote_id", sa.UnicodeText, nullable=False),
        sa.Column("remote_name", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("remote_modified", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("harvest_job_id", sa.UnicodeText, nullable=False),
        sa.Column("harvest_object_id", sa.UnicodeText, nullable=False),
        sa.Column("harvested", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("withdrawn", sa.DateTime),
        sa.Column("withdrawn_reason", sa.UnicodeText, nullable=False, server_default=""),
        sa.UniqueConstraint("source_id", "remote_id"),
    )
    op.create_table(
        "govshare_file_lineage",
        sa.Column("resource_id", sa.UnicodeText,
                  sa.ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("source_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("remote_id", sa.UnicodeText, nullable=False),
        sa.Column("remote_url", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("harvest_job_id", sa.UnicodeText, nullable=False),
        sa.Column("harvested", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("transfer", sa.UnicodeText, nullable=False),
        sa.Column("size", sa.BigInteger),
        sa.Column("checksum", sa.UnicodeText),
        sa.Column("source_checksum", sa.UnicodeText),
        sa.Column("source_encoding", sa.UnicodeText),
        sa.Column("derived_from", sa.UnicodeText),
        sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
    )


def downgrade():
    op.drop_table("govshare_file_lineage")
    op.drop_table("govshare_entry_lineage")
    op.drop_table("govshare_exchange_node")
