"""A session remembers when its cookie was granted, so a grant is redeemed once.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("cookie_granted_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("cookie_granted_at")
