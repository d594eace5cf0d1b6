"""baseline: the schema as it was when migrations began (the end of issue 13)

Revision ID: 0001
Revises:
Create Date: 2026-12-06

Creates that schema in an empty database, and brings an archive made before migrations (any
earlier shape) to it by adding only what it lacks: see ``migrations/baseline.py``.
"""

from __future__ import annotations

from alembic import op

from pressarchive.store.migrations import baseline

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    done = baseline.bring_forward(op.get_bind())
    config = op.get_context().config
    if config is not None:  # store/migrate.py reports what was done
        config.attributes.setdefault("done", []).extend(done)


def downgrade() -> None:
    raise RuntimeError("0001 is the first revision: below it there is no archive, and none is ever dropped")
