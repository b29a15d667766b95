"""The award takes effect after the standstill: each awarded lot's winner becomes the
provider of the lot's actions, and the contracted price their estimated cost, split over the
actions in proportion to their earlier estimates (equally when those were all zero; the last
action takes the rounding cent). Funding shares stay as they were; each action's plan
history records the change."""

from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session

from service.accounts.models import User
from service.errors import Conflict
from service.history import EventKind, SubjectKind, record_event
from service.plans.models import Action, Plan
from service.programmes.models import Organization
from service.tenders import bids, queries
from service.tenders.models import Bid, LotOutcome, Tender
from service.tenders.service import tender_event
from service.types import utcnow
from service.versioning import bump_version
from workflows.tender import TenderState

CENT = Decimal("0.01")


def split(price: Decimal, estimates: list[Decimal]) -> list[Decimal]:
    """The price over the actions, in proportion to their estimates, to the cent."""
    total = sum(estimates, Decimal(0))
    weights = estimates if total > 0 else [Decimal(1)] * len(estimates)
    whole = total if total > 0 else Decimal(len(estimates))
    parts = [(price * w / whole).quantize(CENT, rounding=ROUND_HALF_UP) for w in weights[:-1]]
    return [*parts, price - sum(parts, Decimal(0))]


def contract(*, session: Session, actor: User, tender: Tender) -> Tender:
    """Apply the awarded lots to their plan actions, once the standstill is over."""
    if tender.state != TenderState.awarded or tender.standstill_ends_at is None:
        raise Conflict("only an awarded tender takes effect")
    if tender.contracted_at is not None:
        raise Conflict(f"the award took effect on {tender.contracted_at.isoformat()}")
    now = utcnow()
    if now < tender.standstill_ends_at:
        raise Conflict(f"the standstill period runs until {tender.standstill_ends_at.isoformat()}")
    lots = [lot for lot in queries.lots_of(session, tender) if lot.outcome == LotOutcome.awarded]
    actions = queries.actions_of_lots(session, [lot.id for lot in lots])
    for lot in lots:
        bid = session.get(Bid, lot.awarded_bid_id)
        assert bid is not None
        latest = queries.latest_versions(session, [bid])[bid.id]
        price = Decimal(str(bids.contents(tender, bid, latest)["price"]))
        winner = session.get(Organization, bid.organization_id)
        name = winner.name if winner else str(bid.organization_id)
        costs = split(price, [action.estimated_cost for action in actions[lot.id]])
        for action, cost in zip(actions[lot.id], costs, strict=True):
            _apply(session, actor, action, bid, cost, f"{tender.title}, {lot.title}: {name}")
    bump_version(session, Tender, tender.id, tender.version, contracted_at=now)
    tender_event(session, tender, actor.id, "contract", reason=f"{len(lots)} lots take effect")
    session.commit()
    session.refresh(tender)
    return tender


def _apply(
    session: Session, actor: User, action: Action, bid: Bid, cost: Decimal, what: str
) -> None:
    bump_version(
        session,
        Action,
        action.id,
        action.version,
        provider_id=bid.organization_id,
        estimated_cost=cost,
    )
    plan = session.get(Plan, action.plan_id)
    assert plan is not None
    record_event(
        session,
        actor_id=actor.id,
        programme_id=action.programme_id,
        kind=EventKind.plan,
        subject=(SubjectKind.action, action.id),
        engagement_id=plan.engagement_id,
        participation_id=plan.participation_id,
        trigger="award",
        reason=f"{action.title} awarded by tender {what}, contracted at {cost}",
    )
