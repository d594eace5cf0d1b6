"""Building blocks that revisions share, so each stays a few declarative lines.

An archive that reaches a revision may already hold what it adds: ``0001`` brings an archive
from before migrations forward to the schema its program declared, and an archive whose
``alembic_version`` row was lost (a restore of the tables only) is taken for one from before
migrations. Adding columns therefore adds only the missing ones.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op


def add_missing_columns(table: str, *columns: sa.Column[Any]) -> None:
    """Columns must be made anew by each caller: a column added belongs to its table object."""
    present = {column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)}
    missing = [column for column in columns if column.name not in present]
    if not missing:
        return
    with op.batch_alter_table(table) as batch:
        for column in missing:
            batch.add_column(column)
