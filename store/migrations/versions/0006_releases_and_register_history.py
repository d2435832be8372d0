"""Releases (governance.md §3) and the effective-dated register (§5): both append-only.

A release names the exact submissions current when it was made. The register's history
keeps every version of each prison's entry with the quarter it applies from; the prisons
table stays the register as it is now. Existing entries become its first versions, applying
from the first quarter.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "release_submissions",
        sa.Column("release_id", sa.Integer, sa.ForeignKey("releases.id"), primary_key=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), primary_key=True),
    )
    history = op.create_table(
        "register_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("effective_from", sa.String(7)),
        sa.Column("effective_from_index", sa.Integer),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("region", sa.Text, nullable=False),
        sa.Column("prison_type", sa.Text),
        sa.Column("opened", sa.String(7)),
        sa.Column("closed", sa.String(7)),
        sa.Column("modules", sa.Text, nullable=False, server_default=""),
        sa.Column("peer_group", sa.Text),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Text, nullable=False),
    )
    op.create_index("ix_register_history_code", "register_history", ["code", "recorded_at"])
    prisons = sa.table(
        "prisons",
        *(
            sa.column(c)
            for c in (
                "code", "name", "region", "prison_type", "opened", "closed", "modules",
                "peer_group", "updated_at", "updated_by",
            )
        ),
    )  # fmt: skip
    op.execute(
        history.insert().from_select(
            [
                "code", "name", "region", "prison_type", "opened", "closed", "modules",
                "peer_group", "recorded_at", "recorded_by",
            ],
            sa.select(
                prisons.c.code, prisons.c.name, prisons.c.region, prisons.c.prison_type,
                prisons.c.opened, prisons.c.closed, prisons.c.modules, prisons.c.peer_group,
                prisons.c.updated_at, prisons.c.updated_by,
            ),
        )
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_register_history_code", "register_history")
    op.drop_table("register_history")
    op.drop_table("release_submissions")
    op.drop_table("releases")
