"""organization names unique per programme, whatever their case, accents and spacing

Revision ID: 5e0c8a1f27d4
Revises: e5a7c3b90d12
Create Date: 2026-12-01 19:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from service.types import name_key

revision: str = '5e0c8a1f27d4'
down_revision: str | None = 'e5a7c3b90d12'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False, server_default='')
        )
    organizations = sa.table(
        'organization', sa.column('id', sa.Uuid()), sa.column('name', sa.String()), sa.column('name_key', sa.String())
    )
    connection = op.get_bind()
    for row_id, name in connection.execute(sa.select(organizations.c.id, organizations.c.name)).all():
        connection.execute(
            organizations.update().where(organizations.c.id == row_id).values(name_key=name_key(name))
        )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.alter_column('name_key', server_default=None)
        batch_op.create_unique_constraint('uq_organization_programme_name', ['programme_id', 'name_key'])


def downgrade() -> None:
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_constraint('uq_organization_programme_name', type_='unique')
        batch_op.drop_column('name_key')
