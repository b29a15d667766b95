"""Reads of audits: the engagement's visible audits, answers and evidence as columns, and the
facts other domains' guards need (the comparison of candidates is in `comparison.py`)."""

import uuid
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from service.accounts.models import User
from service.audits.access import visible_audits
from service.audits.models import Answer, Audit, AuditPurpose, Evidence
from service.engagements.models import Engagement
from service.pagination import CREATED, Order, Sorting
from workflows import AuditState

# The engagement's audits are read whole (a few per candidate) and paged in memory.
AUDITS = Sorting({"created_at": Order(None, "created_at", CREATED)})


def reviewed_evaluations(session: Session, engagement_id: uuid.UUID) -> set[uuid.UUID]:
    """Participations of the engagement that have a reviewed evaluation audit."""
    return reviewed_evaluations_in(session, [engagement_id]).get(engagement_id, set())


def reviewed_evaluations_in(
    session: Session, engagement_ids: list[uuid.UUID]
) -> dict[uuid.UUID, set[uuid.UUID]]:
    """Per engagement, its participations that have a reviewed evaluation audit."""
    statement = select(Audit.engagement_id, Audit.participation_id).where(
        col(Audit.engagement_id).in_(engagement_ids),
        Audit.purpose == AuditPurpose.evaluation,
        Audit.state == AuditState.reviewed,
    )
    found: dict[uuid.UUID, set[uuid.UUID]] = {}
    for engagement_id, participation_id in session.exec(statement).all():
        if participation_id is not None:
            found.setdefault(engagement_id, set()).add(participation_id)
    return found


def audits_of(session: Session, user: User, engagement: Engagement) -> list[Audit]:
    """The engagement's audits the user may see, oldest first."""
    statement = (
        visible_audits(user)
        .where(Audit.engagement_id == engagement.id)
        .order_by(col(Audit.created_at), col(Audit.id))
    )
    return list(session.exec(statement).all())


def answers_of(session: Session, audit: Audit) -> list[Any]:
    """The audit's answers by question id: the columns readers use, not ORM objects (an audit
    has a hundred answers, and every read shows or scores them)."""
    statement = (
        sa.select(
            col(Answer.question_id),
            col(Answer.value),
            col(Answer.not_applicable),
            col(Answer.comment),
            col(Answer.answered_at),
        )
        .where(col(Answer.audit_id) == audit.id)
        .order_by(col(Answer.question_id))
    )
    return list(session.execute(statement).all())


def evidence_of(session: Session, audit: Audit) -> list[Any]:
    """The audit's evidence files, oldest first: the columns readers use."""
    statement = (
        sa.select(
            col(Evidence.id),
            col(Evidence.question_id),
            col(Evidence.filename),
            col(Evidence.media_type),
            col(Evidence.size),
            col(Evidence.sha256),
            col(Evidence.created_at),
        )
        .where(col(Evidence.audit_id) == audit.id)
        .order_by(col(Evidence.created_at), col(Evidence.id))
    )
    return list(session.execute(statement).all())


def answered_questions(session: Session, audit_ids: list[Any]) -> list[Any]:
    """The questions many audits answered, as (audit_id, question_id) rows."""
    statement = (
        sa.select(col(Answer.audit_id), col(Answer.question_id))
        .where(col(Answer.audit_id).in_(audit_ids))
        .order_by(col(Answer.audit_id), col(Answer.question_id))
    )
    return list(session.execute(statement).all())


def evidence_of_audits(session: Session, audit_ids: list[Any]) -> list[Any]:
    """The evidence files of many audits, oldest first: id, audit, question and file name."""
    statement = (
        sa.select(
            col(Evidence.id), col(Evidence.audit_id), col(Evidence.question_id),
            col(Evidence.filename),
        )
        .where(col(Evidence.audit_id).in_(audit_ids))
        .order_by(col(Evidence.created_at), col(Evidence.id))
    )  # fmt: skip
    return list(session.execute(statement).all())
