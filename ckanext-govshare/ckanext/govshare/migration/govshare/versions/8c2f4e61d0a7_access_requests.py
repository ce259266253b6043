"""Conditional sharing requests and open-data applications, with their history

Revision ID: 8c2f4e61d0a7
Revises: 5b1e0c7a9f21
Create Date: 2026-12-04 18:00:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "8c2f4e61d0a7"
down_revision = "5b1e0c7a9f21"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "govshare_access_request",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False),
        sa.Column("owner_org", sa.UnicodeText,
                  sa.ForeignKey("group.id", ondelete="CASCADE"), nullable=False),
        sa.Column("requester_id", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("resource_ids", ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("data_items", ARRAY(sa.UnicodeText), nullable=False, server_default="{}"),
        sa.Column("purpose", sa.UnicodeText, nullable=False),
        sa.Column("basis", sa.UnicodeText, nullable=False),
        sa.Column("requested_until", sa.Date, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("reply_due", sa.Date, nullable=False),
        sa.Column("decided_by", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="SET NULL")),
        sa.Column("decided", sa.DateTime),
        sa.Column("expires", sa.Date),
        sa.Column("reason", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("overdue_notified", sa.DateTime),
    )
    # the access check asks: does this user hold an approved request for this dataset?
    op.create_index("govshare_access_request_grant_idx", "govshare_access_request",
                    ["requester_id", "package_id", "state"])
    op.create_index("govshare_access_request_inbox_idx", "govshare_access_request",
                    ["owner_org", "state", "created"])
    op.create_table(
        "govshare_access_request_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.UnicodeText,
                  sa.ForeignKey("govshare_access_request.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("actor_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="SET NULL")),
        sa.Column("action", sa.UnicodeText, nullable=False),
        sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )


def downgrade():
    op.drop_table("govshare_access_request_event")
    op.drop_table("govshare_access_request")
