"""Who may see and do what with tenders: the unit (administrators and brokers) sees every
tender; a provider sees the published tenders open to it and only its own bids; nobody else
sees tenders. Bid contents open, after the tender closes, to the evaluators who declared no
conflict, and to administrators once the evaluation is complete."""

import uuid
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import exists, false, or_
from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.deps import CallerDep
from service.errors import Forbidden, NotFound
from service.tenders.models import Evaluator, Lot, Tender, TenderInvitation
from workflows.tender import TenderState

UNIT = frozenset({Role.admin, Role.broker})
# States in which the bids have been opened together.
OPENED = frozenset(
    {TenderState.closed, TenderState.evaluated, TenderState.awarded, TenderState.unsuccessful}
)
EVALUATED = frozenset({TenderState.evaluated, TenderState.awarded, TenderState.unsuccessful})


def tender_conditions(user: User) -> list[Any]:
    """Where-clauses on Tender keeping the tenders the user may see."""
    conditions: list[Any] = [Tender.programme_id == user.programme_id]
    if user.role in UNIT:
        return conditions
    if user.role == Role.provider:
        invited = exists().where(
            col(TenderInvitation.tender_id) == Tender.id,
            col(TenderInvitation.organization_id) == user.organization_id,
        )
        open_call = col(Tender.open_to_all).is_(True)
        return [*conditions, Tender.state != TenderState.draft, or_(open_call, invited)]
    return [*conditions, false()]


def visible_tenders(user: User) -> Any:
    """The tenders the user may see."""
    return select(Tender).where(*tender_conditions(user))


def may_see(session: Session, user: User, tender: Tender) -> bool:
    """Unit staff see every tender of their programme; a provider those open to it."""
    if tender.programme_id != user.programme_id:
        return False
    if user.role in UNIT:
        return True
    if user.role != Role.provider or tender.state == TenderState.draft:
        return False
    return tender.open_to_all or is_invited(session, tender, user.organization_id)


def is_invited(session: Session, tender: Tender, organization_id: uuid.UUID | None) -> bool:
    invitation = select(TenderInvitation.id).where(
        TenderInvitation.tender_id == tender.id,
        TenderInvitation.organization_id == organization_id,
    )
    return session.exec(invitation).first() is not None


def may_write(user: User, tender: Tender) -> bool:
    """Administrators run tenders."""
    return user.role == Role.admin and tender.programme_id == user.programme_id


def require_write(user: User, tender: Tender) -> None:
    if not may_write(user, tender):
        raise Forbidden("only an administrator of the unit runs tenders")


def require_provider(user: User) -> None:
    if user.role != Role.provider:
        raise Forbidden("only providers bid and ask questions")


def evaluator_of(session: Session, user: User, tender: Tender) -> Evaluator | None:
    """The user's assignment to the tender, if any."""
    return session.exec(
        select(Evaluator).where(Evaluator.tender_id == tender.id, Evaluator.user_id == user.id)
    ).first()


def may_open_bids(session: Session, user: User, tender: Tender) -> bool:
    """After closing: a declared evaluator, or an administrator once evaluation is done."""
    if tender.state not in OPENED and not (
        tender.state == TenderState.cancelled and tender.closed_at is not None
    ):
        return False
    if user.role == Role.admin and tender.state in EVALUATED:
        return True
    evaluator = evaluator_of(session, user, tender)
    return evaluator is not None and evaluator.declared_at is not None


def get_visible_tender(
    session: Session, user: User, tender_id: uuid.UUID, for_update: bool
) -> Tender:
    """The tender if the user may see it, else 404; locked when it will change."""
    tender = session.get(Tender, tender_id)
    if tender is None or not may_see(session, user, tender):
        raise NotFound("no such tender")
    if for_update:
        lock(session, tender)
    return tender


def get_visible_lot(
    session: Session, user: User, lot_id: uuid.UUID, for_update: bool
) -> tuple[Lot, Tender]:
    """The lot and its tender if the user may see the tender, else 404."""
    lot = session.get(Lot, lot_id)
    if lot is None or lot.programme_id != user.programme_id:
        raise NotFound("no such lot")
    try:
        tender = get_visible_tender(session, user, lot.tender_id, for_update)
    except NotFound as error:
        raise NotFound("no such lot") from error
    return lot, tender


def lock(session: Session, tender: Tender) -> None:
    """Hold the tender row until commit (SELECT ... FOR UPDATE; SQLite's write sessions
    already hold the database's write lock), and read it again under the lock."""
    session.exec(select(Tender.id).where(col(Tender.id) == tender.id).with_for_update()).one()
    session.refresh(tender)


def sealed(request: Request, _caller: CallerDep) -> None:
    """A route dependency: bid routes log no user, so no log line tells who bid (it runs
    after the caller is resolved, which names the user for the request log)."""
    request.state.user_id = "sealed"


def tender_dep(request: Request, tender_id: uuid.UUID, caller: CallerDep) -> Tender:
    """The tender if the caller may see it, else 404; locked when it will change."""
    return get_visible_tender(caller.session, caller.user, tender_id, request.method != "GET")


def lot_dep(request: Request, lot_id: uuid.UUID, caller: CallerDep) -> tuple[Lot, Tender]:
    """The lot and its tender if the caller may see them, else 404."""
    return get_visible_lot(caller.session, caller.user, lot_id, request.method != "GET")


TenderDep = Annotated[Tender, Depends(tender_dep)]
LotDep = Annotated[tuple[Lot, Tender], Depends(lot_dep)]
