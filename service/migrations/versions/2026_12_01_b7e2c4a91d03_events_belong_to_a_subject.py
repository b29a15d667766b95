"""events belong to a subject; the engagement is optional

Revision ID: b7e2c4a91d03
Revises: 660f94ece41f
Create Date: 2026-12-01 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b7e2c4a91d03'
down_revision: str | None = '660f94ece41f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUBJECT_KIND = sa.Enum(
    'programme', 'organization', 'user', 'engagement', 'participation', 'audit', 'round_table',
    'target', 'analysis', 'plan', 'action', 'partnership_decision',
    name='subjectkind', native_enum=False, length=32,
)


def upgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_kind', SUBJECT_KIND, nullable=True))
        batch_op.add_column(sa.Column('subject_id', sa.Uuid(), nullable=True))
    # Existing events are about the audit, the participation or the engagement they name.
    op.execute(
        "UPDATE event SET subject_kind = CASE"
        " WHEN audit_id IS NOT NULL THEN 'audit'"
        " WHEN participation_id IS NOT NULL THEN 'participation'"
        " ELSE 'engagement' END,"
        " subject_id = COALESCE(audit_id, participation_id, engagement_id)"
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.alter_column('subject_kind', existing_type=SUBJECT_KIND, nullable=False)
        batch_op.alter_column('subject_id', existing_type=sa.Uuid(), nullable=False)
        batch_op.alter_column('engagement_id', existing_type=sa.Uuid(), nullable=True)
        batch_op.create_index(
            'ix_event_programme_subject', ['programme_id', 'subject_kind', 'created_at'],
            unique=False,
        )


def downgrade() -> None:
    op.execute("DELETE FROM event WHERE engagement_id IS NULL")
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_programme_subject')
        batch_op.alter_column('engagement_id', existing_type=sa.Uuid(), nullable=False)
        batch_op.drop_column('subject_id')
        batch_op.drop_column('subject_kind')
