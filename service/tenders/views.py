"""The public shapes of tenders, lots, clarifications, bids, scores and rankings."""

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from service.accounts.models import User
from service.programmes.models import Organization
from service.tenders import bids, queries
from service.tenders.models import (
    Bid,
    BidVersion,
    Clarification,
    Lot,
    Score,
    Tender,
    TenderAmendment,
    TenderPolicy,
)
from service.tenders.scoring import Ranked


class Criterion(BaseModel):
    key: str
    name: str
    weight: int
    price: bool


class LotAction(BaseModel):
    id: uuid.UUID
    plan_id: uuid.UUID
    title: str
    starts_on: date
    due_on: date
    provider_id: uuid.UUID | None
    estimated_cost: str


class LotPublic(BaseModel):
    id: uuid.UUID
    tender_id: uuid.UUID
    title: str
    category: str
    scope: str
    deliverables: str
    starts_on: date
    due_on: date
    budget_ceiling: str
    qualifications: list[str]
    outcome: str
    rationale: str | None
    actions: list[LotAction]


class AmendmentPublic(BaseModel):
    number: int
    summary: str
    deadline_before: datetime
    deadline_after: datetime
    created_at: datetime


class TenderPublic(BaseModel):
    id: uuid.UUID
    programme_id: uuid.UUID
    title: str
    description: str
    state: str
    deadline_at: datetime
    clarification_ends_at: datetime
    open_to_all: bool
    criteria: list[Criterion]
    amendments: int
    version: int
    published_at: datetime | None
    closed_at: datetime | None
    awarded_at: datetime | None
    standstill_ends_at: datetime | None
    contracted_at: datetime | None
    lots: list[LotPublic]
    amendment_history: list[AmendmentPublic]


def _lot(lot: Lot, actions: list[Any]) -> LotPublic:
    return LotPublic(
        id=lot.id,
        tender_id=lot.tender_id,
        title=lot.title,
        category=lot.category.value,
        scope=lot.scope,
        deliverables=lot.deliverables,
        starts_on=lot.starts_on,
        due_on=lot.due_on,
        budget_ceiling=str(lot.budget_ceiling),
        qualifications=lot.qualifications,
        outcome=lot.outcome.value,
        rationale=lot.rationale,
        actions=[
            LotAction(
                id=a.id,
                plan_id=a.plan_id,
                title=a.title,
                starts_on=a.starts_on,
                due_on=a.due_on,
                provider_id=a.provider_id,
                estimated_cost=str(a.estimated_cost),
            )
            for a in actions
        ],
    )


def lot_public(session: Session, lot: Lot) -> LotPublic:
    return _lot(lot, queries.actions_of_lots(session, [lot.id])[lot.id])


def publics(session: Session, tenders: list[Tender]) -> list[TenderPublic]:
    """Tenders with their lots, actions and amendments, in four queries however many."""
    ids = [tender.id for tender in tenders]
    lots = session.exec(
        select(Lot).where(col(Lot.tender_id).in_(ids)).order_by(col(Lot.position))
    ).all()
    actions = queries.actions_of_lots(session, [lot.id for lot in lots])
    amendments = session.exec(
        select(TenderAmendment)
        .where(col(TenderAmendment.tender_id).in_(ids))
        .order_by(col(TenderAmendment.number))
    ).all()
    return [
        TenderPublic(
            **tender.model_dump(exclude={"criteria", "state", "lots"}),
            state=tender.state.value,
            criteria=[Criterion.model_validate(c) for c in tender.criteria],
            lots=[_lot(lot, actions[lot.id]) for lot in lots if lot.tender_id == tender.id],
            amendment_history=[
                AmendmentPublic.model_validate(a, from_attributes=True)
                for a in amendments
                if a.tender_id == tender.id
            ],
        )
        for tender in tenders
    ]


def public(session: Session, tender: Tender) -> TenderPublic:
    return publics(session, [tender])[0]


class ClarificationPublic(BaseModel):
    """A question and its answer; who asked is shown only to the unit and to the asker."""

    id: uuid.UUID
    question: str
    asked_at: datetime
    answer: str | None
    answered_at: datetime | None
    asked_by: uuid.UUID | None


def clarification_public(item: Clarification, reveal_asker: bool) -> ClarificationPublic:
    return ClarificationPublic(
        id=item.id,
        question=item.question,
        asked_at=item.asked_at,
        answer=item.answer,
        answered_at=item.answered_at,
        asked_by=item.asked_by if reveal_asker else None,
    )


class BidReceipt(BaseModel):
    """What a submission answers: no contents, so no copy of them is kept anywhere else."""

    id: uuid.UUID
    lot_id: uuid.UUID
    version: int
    withdrawn: bool


def receipt(bid: Bid) -> BidReceipt:
    return BidReceipt(id=bid.id, lot_id=bid.lot_id, version=bid.versions, withdrawn=bid.withdrawn)


class BidVersionPublic(BaseModel):
    number: int
    withdrawn: bool
    submitted_at: datetime
    contents: dict[str, Any]


class BidPublic(BaseModel):
    id: uuid.UUID
    lot_id: uuid.UUID
    organization_id: uuid.UUID
    organization_name: str
    withdrawn: bool
    versions: list[BidVersionPublic]


def bid_public(
    session: Session,
    tender: Tender,
    bid: Bid,
    versions: list[BidVersion],
    names: dict[uuid.UUID, str] | None = None,
) -> BidPublic:
    """A bid with the given versions decrypted; names: organization names already read."""
    if names is None:
        names = organization_names(session, [bid.organization_id])
    return BidPublic(
        id=bid.id,
        lot_id=bid.lot_id,
        organization_id=bid.organization_id,
        organization_name=names.get(bid.organization_id, ""),
        withdrawn=bid.withdrawn,
        versions=[
            BidVersionPublic(
                number=v.number,
                withdrawn=v.withdrawn,
                submitted_at=v.submitted_at,
                contents=bids.contents(tender, bid, v),
            )
            for v in versions
        ],
    )


def organization_names(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Organization names by id, in one query."""
    rows = session.exec(
        select(Organization.id, Organization.name).where(col(Organization.id).in_(ids))
    ).all()
    return dict(rows)


def opened_bids(session: Session, tender: Tender, lot: Lot) -> list[BidPublic]:
    """The lot's live bids with their current version, for the evaluators."""
    live = queries.live_bids(session, [lot.id])
    latest = queries.latest_versions(session, live)
    names = organization_names(session, [bid.organization_id for bid in live])
    return [bid_public(session, tender, bid, [latest[bid.id]], names) for bid in live]


class EvaluatorPublic(BaseModel):
    user_id: uuid.UUID
    name: str
    declared_at: datetime | None
    submitted_at: datetime | None


def evaluators(session: Session, tender: Tender) -> list[EvaluatorPublic]:
    return [
        EvaluatorPublic(
            user_id=e.user_id, name=name, declared_at=e.declared_at, submitted_at=e.submitted_at
        )
        for e, name in queries.evaluators_of(session, tender)
    ]


class BidScorePublic(BaseModel):
    id: uuid.UUID
    evaluator: str
    bid_id: uuid.UUID
    criterion: str
    points: int
    comment: str | None


def scores(
    session: Session, tender: Tender, user: User | None, everyone: bool
) -> list[BidScorePublic]:
    """The caller's own scores, or everyone's once all evaluators have submitted."""
    names: dict[uuid.UUID, tuple[uuid.UUID, str]] = {
        e.id: (e.user_id, name) for e, name in queries.evaluators_of(session, tender)
    }
    rows: list[Score] = queries.scores_of(session, tender)
    return [
        BidScorePublic(
            id=s.id,
            evaluator=names[s.evaluator_id][1],
            bid_id=s.bid_id,
            criterion=s.criterion,
            points=s.points,
            comment=s.comment,
        )
        for s in rows
        if everyone or (user is not None and names[s.evaluator_id][0] == user.id)
    ]


class RankingRow(BaseModel):
    rank: int
    bid_id: uuid.UUID
    organization_id: uuid.UUID
    organization_name: str
    price: str
    scores: dict[str, str]
    total: str
    submitted_at: datetime


def ranking_rows(session: Session, rows: list[tuple[Ranked, Bid, datetime]]) -> list[RankingRow]:
    names = organization_names(session, [bid.organization_id for _, bid, _ in rows])
    return [
        RankingRow(
            rank=r.rank,
            bid_id=r.bid_id,
            organization_id=bid.organization_id,
            organization_name=names.get(bid.organization_id, ""),
            price=str(r.price),
            scores={key: str(value) for key, value in r.scores.items()},
            total=str(r.total),
            submitted_at=at,
        )
        for r, bid, at in rows
    ]


class LotResult(BaseModel):
    """What a bidder learns after the award: its own scores and rank, and the winning price."""

    lot_id: uuid.UUID
    outcome: str
    your_rank: int | None
    your_scores: dict[str, str]
    your_total: str | None
    winning_price: str | None


def lot_result(lot: Lot, rows: list[RankingRow], organization_id: uuid.UUID | None) -> LotResult:
    own = next((row for row in rows if row.organization_id == organization_id), None)
    winner = next((row for row in rows if row.bid_id == lot.awarded_bid_id), None)
    return LotResult(
        lot_id=lot.id,
        outcome=lot.outcome.value,
        your_rank=own.rank if own else None,
        your_scores=own.scores if own else {},
        your_total=own.total if own else None,
        winning_price=winner.price if winner else None,
    )


class PolicyPublic(BaseModel):
    programme_id: uuid.UUID
    standstill_days: int
    amendment_extension_days: int


def policy_public(policy: TenderPolicy) -> PolicyPublic:
    return PolicyPublic(
        programme_id=policy.programme_id,
        standstill_days=policy.standstill_days,
        amendment_extension_days=policy.amendment_extension_days,
    )
