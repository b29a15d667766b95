"""Finding links to audit answers and evidence files (replacing one answer per finding).

Revision ID: eb898019d1c2
Revises: 4850747c1cec
Create Date: 2026-11-22 22:58:59.380329
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "eb898019d1c2"
down_revision: str | None = "4850747c1cec"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    link = op.create_table(
        "findinglink",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("finding_id", sa.Uuid(), nullable=False),
        sa.Column("audit_id", sa.Uuid(), nullable=False),
        sa.Column("question_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("evidence_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"]),
        sa.ForeignKeyConstraint(["evidence_id"], ["evidence.id"]),
        sa.ForeignKeyConstraint(["finding_id"], ["finding.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("findinglink", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_findinglink_finding_id"), ["finding_id"], unique=False)

    # Keep every answer a finding already pointed at.
    finding = sa.table(
        "finding",
        sa.column("id", sa.Uuid()),
        sa.column("audit_id", sa.Uuid()),
        sa.column("question_id", sa.String()),
    )
    rows = op.get_bind().execute(
        sa.select(finding.c.id, finding.c.audit_id, finding.c.question_id).where(
            finding.c.audit_id.is_not(None), finding.c.question_id.is_not(None)
        )
    )
    links = [
        {"id": uuid.uuid4(), "finding_id": row.id, "audit_id": row.audit_id, "question_id": row.question_id}
        for row in rows
    ]
    if links:
        op.bulk_insert(link, links)

    # Dropping the column drops its foreign key too (PostgreSQL; SQLite's batch copy).
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_column("audit_id")
        batch_op.drop_column("question_id")


def downgrade() -> None:
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_id", sa.VARCHAR(length=64), nullable=True))
        batch_op.add_column(sa.Column("audit_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key("finding_audit_id_fkey", "audit", ["audit_id"], ["id"])

    with op.batch_alter_table("findinglink", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_findinglink_finding_id"))

    op.drop_table("findinglink")
