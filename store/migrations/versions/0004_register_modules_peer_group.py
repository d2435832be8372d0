"""The register names each prison's modules and peer group (submission-format v2 §5).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("prisons") as batch:
        # the modules beyond core, in the contract's order, joined by ';' ('' for core only)
        batch.add_column(sa.Column("modules", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("peer_group", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("prisons") as batch:
        batch.drop_column("peer_group")
        batch.drop_column("modules")
