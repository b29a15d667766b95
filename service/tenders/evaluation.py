"""Opening and evaluation: evaluators assigned per tender declare no conflict of interest,
score every quality criterion of every bid independently, and the unit decides each lot."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session

from service.accounts.models import Role, User
from service.errors import Conflict, Forbidden, NotFound, Unprocessable
from service.programmes.models import Organization
from service.tenders import access, bids, queries
from service.tenders.models import Bid, Evaluator, Lot, LotOutcome, Score, ScoreSheet, Tender
from service.tenders.scoring import BidFacts, Criterion, Ranked, rank
from service.tenders.service import tender_event
from service.types import utcnow
from workflows.tender import TenderState


def assign_evaluator(*, session: Session, actor: User, tender: Tender, user_id: uuid.UUID) -> None:
    """Assign a unit user (administrator or broker) to score the tender's bids."""
    user = session.get(User, user_id)
    if user is None or user.programme_id != tender.programme_id:
        raise NotFound("no such user in this programme", field="user_id")
    if user.role not in access.UNIT:
        raise Conflict("evaluators are unit staff (administrators or brokers)", field="user_id")
    if tender.state not in (TenderState.draft, TenderState.published, TenderState.closed):
        raise Conflict("evaluators are assigned before the evaluation is complete")
    if access.evaluator_of(session, user, tender) is None:
        session.add(Evaluator(tender_id=tender.id, user_id=user.id))
        tender_event(session, tender, actor.id, "assign_evaluator", reason=user.full_name)
    session.commit()


def _own_assignment(session: Session, actor: User, tender: Tender) -> Evaluator:
    evaluator = access.evaluator_of(session, actor, tender)
    if evaluator is None:
        raise Forbidden("you are not an evaluator of this tender")
    return evaluator


def declare(*, session: Session, actor: User, tender: Tender, statement: str) -> Evaluator:
    """The evaluator declares no conflict of interest with the bidders, once, after closing."""
    evaluator = _own_assignment(session, actor, tender)
    if tender.state != TenderState.closed:
        raise Conflict("declarations are made once the tender is closed")
    if evaluator.declared_at is not None:
        raise Conflict("you have already declared")
    evaluator.declared_at, evaluator.declaration = utcnow(), statement
    session.add(evaluator)
    tender_event(session, tender, actor.id, "declare_no_conflict", reason=statement)
    session.commit()
    session.refresh(evaluator)
    return evaluator


def submit_scores(*, session: Session, actor: User, tender: Tender, sheet: ScoreSheet) -> None:
    """Every quality criterion of every live bid, scored once; the sheet is final."""
    evaluator = _own_assignment(session, actor, tender)
    if tender.state != TenderState.closed or evaluator.declared_at is None:
        raise Conflict("scores are submitted after declaring, while the tender is closed")
    if evaluator.submitted_at is not None:
        raise Conflict("you have already submitted your scores")
    lots = queries.lots_of(session, tender)
    live = {bid.id for bid in queries.live_bids(session, [lot.id for lot in lots])}
    quality = {str(c["key"]) for c in tender.criteria if not c["price"]}
    wanted = {(bid_id, key) for bid_id in live for key in quality}
    given = [(score.bid_id, score.criterion) for score in sheet.scores]
    if len(set(given)) != len(given) or set(given) != wanted:
        raise Unprocessable(
            f"score each of the {len(quality)} quality criteria of each of the "
            f"{len(live)} bids exactly once",
            field="scores",
        )
    session.add_all(
        Score(
            evaluator_id=evaluator.id,
            bid_id=score.bid_id,
            criterion=score.criterion,
            points=score.points,
            comment=score.comment,
        )
        for score in sheet.scores
    )
    evaluator.submitted_at = utcnow()
    session.add(evaluator)
    tender_event(session, tender, actor.id, "submit_scores")
    session.commit()


def all_submitted(session: Session, tender: Tender) -> bool:
    evaluators = queries.evaluators_of(session, tender)
    return bool(evaluators) and all(e.submitted_at is not None for e, _ in evaluators)


def ranking(session: Session, tender: Tender, lot: Lot) -> list[tuple[Ranked, Bid, datetime]]:
    """The lot's live bids, ranked by the documented formula (tenders/scoring.py)."""
    live = queries.live_bids(session, [lot.id])
    latest = queries.latest_versions(session, live)
    points: dict[uuid.UUID, dict[str, list[int]]] = {bid.id: {} for bid in live}
    for score in queries.scores_of(session, tender):
        if score.bid_id in points:
            points[score.bid_id].setdefault(score.criterion, []).append(score.points)
    facts = [
        BidFacts(
            bid.id,
            Decimal(str(bids.contents(tender, bid, latest[bid.id])["price"])),
            latest[bid.id].submitted_at,
            points[bid.id],
        )
        for bid in live
    ]
    criteria = [
        Criterion(str(c["key"]), int(str(c["weight"])), bool(c["price"])) for c in tender.criteria
    ]
    by_id = {bid.id: bid for bid in live}
    return [
        (ranked, by_id[ranked.bid_id], latest[ranked.bid_id].submitted_at)
        for ranked in rank(criteria, facts)
    ]


def decide_lot(
    *,
    session: Session,
    actor: User,
    tender: Tender,
    lot: Lot,
    bid_id: uuid.UUID | None,
    rationale: str,
) -> Lot:
    """Award the lot to one of its live bids, or declare it unsuccessful, with a rationale."""
    if tender.state != TenderState.evaluated:
        raise Conflict("lots are decided once the evaluation is complete")
    if bid_id is None:
        lot.outcome, lot.awarded_bid_id = LotOutcome.unsuccessful, None
        winner = "unsuccessful"
    else:
        bid = session.get(Bid, bid_id)
        if bid is None or bid.lot_id != lot.id or bid.withdrawn:
            raise NotFound("no such bid on this lot", field="bid_id")
        organization = session.get(Organization, bid.organization_id)
        lot.outcome, lot.awarded_bid_id = LotOutcome.awarded, bid.id
        winner = f"awarded to {organization.name if organization else bid.organization_id}"
    lot.rationale = rationale
    session.add(lot)
    tender_event(
        session, tender, actor.id, "decide_lot", reason=f"{lot.title}: {winner}: {rationale}"
    )
    session.commit()
    session.refresh(lot)
    return lot


def require_reader(session: Session, user: User, tender: Tender) -> None:
    """Bid contents are read by declared evaluators after closing and by administrators once
    evaluated; before closing nobody reads them, and the refusal says nothing about bids."""
    if user.role not in access.UNIT:
        raise Forbidden("bids are read by the tender's evaluators")
    if not access.may_open_bids(session, user, tender):
        if tender.state in (TenderState.draft, TenderState.published):
            raise Conflict(
                f"bids are sealed until the tender closes after its deadline "
                f"{tender.deadline_at.isoformat()}"
            )
        raise Forbidden("only evaluators who declared no conflict of interest read the bids")


def require_ranking_reader(session: Session, user: User, tender: Tender) -> None:
    """The ranking needs every evaluator's scores: before that nobody sees another's."""
    require_reader(session, user, tender)
    if not all_submitted(session, tender) and tender.state == TenderState.closed:
        raise Conflict("the ranking is shown once every evaluator has submitted scores")


def require_admin(user: User) -> None:
    if user.role != Role.admin:
        raise Forbidden("only an administrator of the unit does this")


def require_unit(user: User) -> None:
    if user.role not in access.UNIT:
        raise Forbidden("only the unit's staff read this")


def require_result_reader(user: User, tender: Tender) -> None:
    """A bidder reads its result once the tender is awarded or unsuccessful."""
    access.require_provider(user)
    if tender.state not in (TenderState.awarded, TenderState.unsuccessful):
        raise Conflict("results are published with the award")


def require_award_reader(session: Session, user: User, tender: Tender) -> None:
    """The evaluation and award report: the unit's readers of bids, once evaluated."""
    require_reader(session, user, tender)
    if tender.state not in access.EVALUATED:
        raise Conflict("the award report is issued once the evaluation is complete")
