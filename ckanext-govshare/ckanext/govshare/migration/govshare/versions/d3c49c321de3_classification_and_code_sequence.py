"""Classification tree and resource code sequences

Revision ID: d3c49c321de3
Revises:
Create Date: 2026-12-04 15:38:31.389403
"""
import sqlalchemy as sa
from alembic import op

revision = "d3c49c321de3"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "govshare_classification",
        sa.Column("code", sa.UnicodeText, primary_key=True),
        sa.Column("name", sa.UnicodeText, nullable=False),
        sa.Column("name_en", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("modified", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "govshare_code_sequence",
        sa.Column("prefix", sa.UnicodeText, primary_key=True),
        sa.Column("last_value", sa.Integer, nullable=False),
    )


def downgrade():
    op.drop_table("govshare_code_sequence")
    op.drop_table("govshare_classification")
