"""webhook endpoints have a version, for If-Match on their changes

Revision ID: e5a7c3b90d12
Revises: d4e8a1f27c90
Create Date: 2026-12-01 20:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import service.types

revision: str = 'e5a7c3b90d12'
down_revision: str | None = 'd4e8a1f27c90'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('webhook_endpoint') as batch:
        batch.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch.add_column(
            sa.Column(
                'updated_at',
                service.types.UTCDateTime(timezone=True),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('webhook_endpoint') as batch:
        batch.drop_column('updated_at')
        batch.drop_column('version')
