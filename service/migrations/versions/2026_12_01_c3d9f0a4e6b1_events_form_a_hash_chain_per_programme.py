"""events form a hash chain per programme

Revision ID: c3d9f0a4e6b1
Revises: b7e2c4a91d03
Create Date: 2026-12-01 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.types

revision: str = 'c3d9f0a4e6b1'
down_revision: str | None = 'b7e2c4a91d03'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('event_chain',
    sa.Column('programme_id', sa.Uuid(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], ),
    sa.PrimaryKeyConstraint('programme_id')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    _seal_existing_events()
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.alter_column('sequence', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('hash', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        batch_op.create_unique_constraint('uq_event_programme_sequence', ['programme_id', 'sequence'])


def _seal_existing_events() -> None:
    """Chain the events already written, per programme, in the order they were recorded."""
    from service.history import GENESIS, SEALED, event_hash

    connection = op.get_bind()
    uuids = ('id', 'programme_id', 'subject_id', 'engagement_id', 'participation_id', 'audit_id', 'actor_id')
    columns = [
        sa.column(name, sa.Uuid() if name in uuids else service.types.UTCDateTime() if name == 'created_at' else None)
        for name in SEALED
    ]
    event = sa.table('event', *columns, sa.column('hash'))
    chain = sa.table('event_chain', sa.column('programme_id', sa.Uuid()), sa.column('sequence'), sa.column('hash'))
    heads: dict[object, tuple[int, str]] = {}
    rows = connection.execute(
        sa.select(*(event.c[name] for name in SEALED if name not in ('sequence',)))
        .order_by(event.c.programme_id, event.c.created_at, event.c.id)
    ).mappings().all()
    for row in rows:
        sequence, previous = heads.get(row['programme_id'], (0, GENESIS))
        fields = {**row, 'sequence': sequence + 1}
        digest = event_hash(previous, fields)
        connection.execute(
            event.update().where(event.c.id == row['id']).values(sequence=sequence + 1, hash=digest)
        )
        heads[row['programme_id']] = (sequence + 1, digest)
    for programme_id, (sequence, digest) in heads.items():
        connection.execute(chain.insert().values(programme_id=programme_id, sequence=sequence, hash=digest))


def downgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint('uq_event_programme_sequence', type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('sequence')
    op.drop_table('event_chain')
