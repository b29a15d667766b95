"""login throttle counters per account, address and pair, replacing login attempts

Revision ID: b7c1d2e3f4a5
Revises: c3d9f0a4e6b1
Create Date: 2026-12-01 15:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.types

revision: str = 'b7c1d2e3f4a5'
down_revision: str | None = 'c3d9f0a4e6b1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('loginthrottle',
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', service.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', service.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('scope', 'key')
    )
    with op.batch_alter_table('loginthrottle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loginthrottle_window_started_at'), ['window_started_at'], unique=False)
    with op.batch_alter_table('loginattempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loginattempt_email'))
        batch_op.drop_index(batch_op.f('ix_loginattempt_attempted_at'))
    op.drop_table('loginattempt')


def downgrade() -> None:
    op.create_table('loginattempt',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('attempted_at', service.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('loginattempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loginattempt_attempted_at'), ['attempted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_loginattempt_email'), ['email'], unique=False)
    with op.batch_alter_table('loginthrottle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loginthrottle_window_started_at'))
    op.drop_table('loginthrottle')
