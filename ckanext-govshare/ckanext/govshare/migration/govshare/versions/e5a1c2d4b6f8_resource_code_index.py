"""An index for finding the entry that carries a resource code

Every create and import checks that its resource code is free (codes.holder/holders); without
an index that was a scan of all catalog extras, which made creating entries slower as the
catalog grew (18 entries/s at 10,000 entries, 6/s at 37,000: benchmarks/portal.py).

Revision ID: e5a1c2d4b6f8
Revises: a7d3e9b41c05
Create Date: 2026-12-04 23:50:00
"""
from alembic import op

revision = "e5a1c2d4b6f8"
down_revision = "a7d3e9b41c05"
branch_labels = None
depends_on = None

INDEX = "govshare_package_extra_resource_code"


def upgrade():
    op.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON package_extra (value) "
               f"WHERE key = 'resource_code' AND state = 'active'")


def downgrade():
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
