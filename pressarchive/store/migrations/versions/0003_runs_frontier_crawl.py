"""runs.frontier_crawl: which crawl of a frontier key a process's run took part in

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

Kept from the run's start, so that a process killed before it wrote its report still counts in
its shared crawl's summed report (``frontier-report``). An archive that already has the column
(see ``steps.py``) keeps it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pressarchive.store.migrations.steps import add_missing_columns

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_missing_columns("runs", sa.Column("frontier_crawl", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("frontier_crawl")
