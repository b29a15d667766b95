"""folded keys of user names and engagement and action titles, for search and sort

Revision ID: 7a3f9c2d1e58
Revises: 5e0c8a1f27d4
Create Date: 2026-12-01 23:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from service.types import name_key

revision: str = "7a3f9c2d1e58"
down_revision: str | None = "5e0c8a1f27d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, the text column, its folded key, the index that sorts by the key within a tenant)
KEYS = [
    ("user", "full_name", "name_key", "ix_user_programme_name_key"),
    ("engagement", "title", "title_key", "ix_engagement_programme_title_key"),
    ("action", "title", "title_key", "ix_action_programme_title_key"),
]


def upgrade() -> None:
    # Plain ALTER TABLE, not a batch: on SQLite a batch copies the table and drops the old
    # one, which other tables' foreign keys forbid once users, engagements and actions exist.
    connection = op.get_bind()
    for table_name, text, key, index in KEYS:
        op.add_column(
            table_name,
            sa.Column(
                key,
                sqlmodel.sql.sqltypes.AutoString(length=1000),
                nullable=False,
                server_default="",
            ),
        )
        table = sa.table(
            table_name,
            sa.column("id", sa.Uuid()),
            sa.column(text, sa.String()),
            sa.column(key, sa.String()),
        )
        for row_id, value in connection.execute(sa.select(table.c.id, table.c[text])).all():
            connection.execute(
                table.update().where(table.c.id == row_id).values({key: name_key(value)})
            )
        if connection.dialect.name != "sqlite":  # SQLite alters a default only by copying the table
            op.alter_column(table_name, key, server_default=None)
        op.create_index(index, table_name, ["programme_id", key, "id"], unique=False)


def downgrade() -> None:
    for table_name, _text, key, index in reversed(KEYS):
        op.drop_index(index, table_name=table_name)
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.drop_column(key)
