"""Tender reads: the machine's snapshot, lots and their actions, bids, evaluators, policy."""

import uuid
from datetime import datetime

from sqlmodel import Session, col, func, select

from service.accounts.models import User
from service.pagination import next_cursor, paginate
from service.plans.models import Action
from service.tenders.access import visible_tenders
from service.tenders.models import (
    Bid,
    BidVersion,
    Evaluator,
    Lot,
    LotAction,
    LotOutcome,
    Score,
    Tender,
    TenderInvitation,
    TenderPolicy,
)
from workflows.tender import TenderSnapshot


def policy_of(session: Session, programme_id: uuid.UUID) -> TenderPolicy:
    """The programme's tender policy, or the defaults while none is set."""
    return session.get(TenderPolicy, programme_id) or TenderPolicy(programme_id=programme_id)


def lots_of(session: Session, tender: Tender) -> list[Lot]:
    return list(
        session.exec(
            select(Lot).where(Lot.tender_id == tender.id).order_by(col(Lot.position))
        ).all()
    )


def actions_of_lots(session: Session, lot_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Action]]:
    """Each lot's actions, in one query."""
    found: dict[uuid.UUID, list[Action]] = {lot_id: [] for lot_id in lot_ids}
    rows = session.exec(
        select(LotAction.lot_id, Action)
        .join(Action, col(Action.id) == LotAction.action_id)
        .where(col(LotAction.lot_id).in_(lot_ids))
        .order_by(col(Action.starts_on), col(Action.id))
    ).all()
    for lot_id, action in rows:
        found[lot_id].append(action)
    return found


def evaluators_of(session: Session, tender: Tender) -> list[tuple[Evaluator, str]]:
    """The tender's evaluators with their names, in assignment order."""
    rows = session.exec(
        select(Evaluator, User.full_name)
        .join(User, col(User.id) == Evaluator.user_id)
        .where(Evaluator.tender_id == tender.id)
        .order_by(col(User.full_name), col(Evaluator.id))
    ).all()
    return [(evaluator, name) for evaluator, name in rows]


def live_bids(session: Session, lot_ids: list[uuid.UUID]) -> list[Bid]:
    """The bids not withdrawn on these lots. Callers check the bids may be opened."""
    return list(
        session.exec(
            select(Bid)
            .where(col(Bid.lot_id).in_(lot_ids), col(Bid.withdrawn).is_(False))
            .order_by(col(Bid.id))
        ).all()
    )


def latest_versions(session: Session, bids: list[Bid]) -> dict[uuid.UUID, BidVersion]:
    """Each bid's current version, in one query."""
    if not bids:
        return {}
    wanted = {(bid.id, bid.versions) for bid in bids}
    rows = session.exec(
        select(BidVersion).where(col(BidVersion.bid_id).in_([bid.id for bid in bids]))
    ).all()
    return {row.bid_id: row for row in rows if (row.bid_id, row.number) in wanted}


def scores_of(session: Session, tender: Tender) -> list[Score]:
    return list(
        session.exec(
            select(Score)
            .join(Evaluator, col(Evaluator.id) == Score.evaluator_id)
            .where(Evaluator.tender_id == tender.id)
            .order_by(col(Score.bid_id), col(Score.criterion), col(Score.evaluator_id))
        ).all()
    )


def snapshot(session: Session, tender: Tender, now: datetime) -> TenderSnapshot:
    """What the tender guards read, as of `now`."""
    lots = lots_of(session, tender)
    actions = actions_of_lots(session, [lot.id for lot in lots])
    evaluators = evaluators_of(session, tender)
    invited = session.exec(
        select(func.count()).where(TenderInvitation.tender_id == tender.id)
    ).one()
    return TenderSnapshot(
        title=tender.title,
        state=tender.state,
        now=now,
        deadline_at=tender.deadline_at,
        clarification_ends_at=tender.clarification_ends_at,
        lots=len(lots),
        empty_lots=tuple(lot.title for lot in lots if not actions[lot.id]),
        criteria_weight=sum(int(str(c["weight"])) for c in tender.criteria),
        has_price_criterion=any(c["price"] for c in tender.criteria),
        open_to_all=tender.open_to_all,
        invited=invited,
        evaluators=len(evaluators),
        undeclared_evaluators=tuple(name for e, name in evaluators if e.declared_at is None),
        unscored_evaluators=tuple(name for e, name in evaluators if e.submitted_at is None),
        undecided_lots=tuple(lot.title for lot in lots if lot.outcome == LotOutcome.open),
        awarded_lots=sum(1 for lot in lots if lot.outcome == LotOutcome.awarded),
    )


def tender_page(
    session: Session, user: User, cursor: str | None, limit: int
) -> tuple[list[Tender], str | None]:
    """One page of the tenders the user may see, oldest first."""
    rows = list(session.exec(paginate(visible_tenders(user), Tender, cursor, limit)).all())
    return rows[:limit], next_cursor(rows, limit)
