"""Clarifications: bidders ask during the clarification period, the unit answers, and every
answer is published to all who may see the tender, without saying who asked."""

import uuid

from sqlmodel import Session, col, select

from service.accounts.models import User
from service.errors import Conflict, NotFound
from service.tenders import access
from service.tenders.models import Clarification, Tender
from service.tenders.service import tender_event
from service.types import utcnow
from workflows.tender import TenderState


def ask(*, session: Session, actor: User, tender: Tender, question: str) -> Clarification:
    """A provider's question, until the clarification period ends."""
    access.require_provider(actor)
    if tender.state != TenderState.published or utcnow() >= tender.clarification_ends_at:
        raise Conflict(
            f"the clarification period ended at {tender.clarification_ends_at.isoformat()}"
        )
    assert actor.organization_id is not None
    clarification = Clarification(
        tender_id=tender.id, asked_by=actor.organization_id, question=question
    )
    session.add(clarification)
    session.commit()
    session.refresh(clarification)
    return clarification


def answer(
    *, session: Session, actor: User, tender: Tender, clarification_id: uuid.UUID, text: str
) -> Clarification:
    """The unit's answer, published to every bidder."""
    clarification = session.get(Clarification, clarification_id)
    if clarification is None or clarification.tender_id != tender.id:
        raise NotFound("no such question")
    if clarification.answered_at is not None:
        raise Conflict("the question is already answered")
    clarification.answer, clarification.answered_by = text, actor.id
    clarification.answered_at = utcnow()
    session.add(clarification)
    tender_event(session, tender, actor.id, "answer", reason=f"Q: {clarification.question}")
    session.commit()
    session.refresh(clarification)
    return clarification


def visible(session: Session, user: User, tender: Tender) -> list[Clarification]:
    """The unit sees every question; a provider the answered ones and its own."""
    statement = select(Clarification).where(Clarification.tender_id == tender.id)
    if user.role not in access.UNIT:
        statement = statement.where(
            col(Clarification.answered_at).is_not(None)
            | (Clarification.asked_by == user.organization_id)
        )
    return list(
        session.exec(statement.order_by(col(Clarification.asked_at), col(Clarification.id))).all()
    )
