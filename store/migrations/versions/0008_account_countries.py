"""Accounts work for countries and read in a language (international.md §2, §3).

An account stored before it works for every country (no row in user_countries) and reads
the default language (language null), as it did.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_countries",
        sa.Column("user_name", sa.String(100), sa.ForeignKey("users.name"), primary_key=True),
        sa.Column("country", sa.String(2), primary_key=True),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(8)))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
    op.drop_table("user_countries")
