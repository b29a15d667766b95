"""idempotent replays keep the first response's headers

Revision ID: 524fa1dc6afc
Revises: 4071119d3578
Create Date: 2026-12-01 19:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '524fa1dc6afc'
down_revision: str | None = '4071119d3578'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('idempotencyrecord') as batch:
        batch.add_column(sa.Column('response_headers', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('idempotencyrecord') as batch:
        batch.drop_column('response_headers')
