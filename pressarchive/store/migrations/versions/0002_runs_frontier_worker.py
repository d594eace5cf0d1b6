"""runs.frontier and runs.worker: the processes of one crawl shared through a Redis frontier

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06

An archive that a development build opened between these columns' declaration and the first
migrations already has them (that build's open-time upgrade added every missing nullable
column): only the missing ones are added, so such an archive comes forward too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pressarchive.store.migrations.steps import add_missing_columns

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _columns() -> tuple[sa.Column[str], ...]:
    """New each time: a column added belongs to its table object, which each run makes anew."""
    return sa.Column("frontier", sa.Text(), nullable=True), sa.Column("worker", sa.String(200), nullable=True)


def upgrade() -> None:
    add_missing_columns("runs", *_columns())


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        for column in reversed(_columns()):
            batch.drop_column(column.name)
