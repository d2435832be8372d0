"""The register names each prison's country (international.md §1).

Entries stored before it are of the deployment's default country (the setting
default_country, PRISON_MONITOR_DEFAULT_COUNTRY, as when a register without the column is
imported), in the register as it is now and in every version of its history.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from data_contracts.countries import DEFAULT_COUNTRY_SETTING, default_country, is_country_code

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("prisons", "register_history")


def upgrade() -> None:
    country = default_country()
    if not is_country_code(country):
        raise ValueError(
            f"{DEFAULT_COUNTRY_SETTING} is {country!r}, not an ISO 3166-1 alpha-2 code such as "
            "BE: correct it before upgrading the database."
        )
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("country", sa.String(2), nullable=False, server_default=country)
            )
        with op.batch_alter_table(table) as batch:  # new rows always name their country
            batch.alter_column("country", server_default=None)


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("country")
